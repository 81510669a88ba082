import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/runtime.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';

describe('GET /regions/{code} on the local stack', () => {
  let stack: LocalStack;
  let api: ApiClient;
  let token: string;

  beforeAll(async () => {
    stack = await startTestStack();
    api = new ApiClient(stack.httpUrl);
    token = await api.token('citizen');
  });
  afterAll(() => stack?.stop());

  it('names a village and all its ancestors', async () => {
    const res = await api.request('GET', '/regions/610124121200', { token });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('白杨林村委会');
    expect(res.body.level).toBe('village');
    expect(res.body.path).toBe('陕西省 › 西安市 › 周至县 › 王家河镇 › 白杨林村委会');
    expect(res.body.ancestors.map((a: { code: string }) => a.code)).toEqual(['61', '6101', '610124', '610124121']);
  });

  it.each([
    ['61', '陕西省', 'province'],
    ['6101', '西安市', 'city'],
    ['620825', '庄浪县', 'county'],
    ['610124121', '王家河镇', 'town'],
  ])('answers level %s', async (code, name, level) => {
    const res = await api.request('GET', `/regions/${code}`, { token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ code, name, level });
  });

  it('lists a town’s villages as children', async () => {
    const res = await api.request('GET', '/regions/610124121', { token });
    expect(res.body.children.some((c: { code: string }) => c.code === '610124121200')).toBe(true);
    expect(res.body.children.every((c: { code: string }) => c.code.startsWith('610124121'))).toBe(true);
  });

  it.each(['6101241212', 'abc', '61012412120x', '0012', '1234567890123'])('refuses malformed code %s with 400 and a field path', async (code) => {
    const res = await api.request('GET', `/regions/${code}`, { token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details[0].path).toBe('code');
  });

  it.each(['610124121999', '610124999', '610199', '6199', '99'])('answers 404 for unknown code %s', async (code) => {
    const res = await api.request('GET', `/regions/${code}`, { token });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('answers 401 without a token, with a forged token, and with a token of another issuer', async () => {
    expect((await api.request('GET', '/regions/61')).status).toBe(401);
    const forged = token.slice(0, -4) + (token.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const res = await api.request('GET', '/regions/61', { token: forged });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHENTICATED');
  });

  it('answers 404 in the error shape for an unknown route', async () => {
    const res = await api.request('GET', '/nowhere', { token });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  it('refuses a malformed token request', async () => {
    const res = await api.request('POST', '/_local/token', { body: { sub: 'x', role: 'emperor' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('role');
  });
});
