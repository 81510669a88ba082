import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/runtime.ts';
import { manifest } from '../../infra/manifest.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';

describe('GET /openapi.json, GET /docs and a parameter’s timeline on the local stack', () => {
  let stack: LocalStack;
  let api: ApiClient;

  beforeAll(async () => {
    stack = await startTestStack();
    api = new ApiClient(stack.httpUrl);
  }, 180_000);
  afterAll(() => stack?.stop());

  it('serves the document without a token, listing every manifest route', async () => {
    const res = await api.request('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const r of manifest.routes) expect(res.body.paths[r.path]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
  });

  it('renders the reference page without a token or any script', async () => {
    const res = await fetch(`${stack.httpUrl}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('/review-tasks/{id}/decision');
    expect(html).not.toMatch(/<script/i);
  });

  it('shows a parameter’s dated values for a region and its parents, with who set them', async () => {
    const admin = await api.token('admin', undefined, 'admin-timeline');
    const citizen = await api.token('citizen');
    const put = await api.request('PUT', '/policies/620825/dibaoEdge.depositCapMonths', {
      token: admin,
      body: { value: 40, effectiveFrom: '2030-01-01', reference: 'test' },
    });
    expect(put.status).toBe(200);
    const res = await api.request('GET', '/policies/620825100200/dibaoEdge.depositCapMonths', { token: citizen });
    expect(res.status).toBe(200);
    const items = res.body.items as { regionCode: string; effectiveFrom: string; value: number; setBy?: string }[];
    expect(items.map((i) => i.effectiveFrom)).toEqual([...items.map((i) => i.effectiveFrom)].sort());
    expect(items.at(-1)).toMatchObject({ regionCode: '620825', value: 40, effectiveFrom: '2030-01-01', setBy: 'admin-timeline' });
    expect(items.some((i) => i.regionCode === 'CN')).toBe(true);
    expect((await api.request('GET', '/policies/620825100200/no.such', { token: citizen })).status).toBe(400);
    expect((await api.request('GET', '/policies/620825100200/dibaoEdge.depositCapMonths')).status).toBe(401);
  });
});
