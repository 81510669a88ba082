import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadRouteSchemas } from '../../functions/commons/route-registry.ts';
import { manifest } from '../../infra/manifest.ts';
import type { FunctionDef } from '../../infra/manifest-types.ts';
import type { LocalStack } from '../../local/runtime.ts';
import { MATRIX, tokenOf, type Principal } from '../fuzz/authz-entries.ts';
import { ApiClient, startTestStack, tempDataDir } from '../support/local-stack.ts';
import { buildWorld, type World } from '../support/world.ts';

/**
 * One pagination (functions/commons/pagination.ts) behind every list of the manifest: each GET
 * route whose query takes `cursor` answers `{items, nextCursor}`, refuses a cursor it did not
 * hand out with the same 400 (`cursor`, "not a cursor this list handed out"), bounds `limit` to
 * 1..100, and, walked one item a page, gives exactly the items of one large page, in order, then
 * `nextCursor: null`. The lists run on the world's objects (tests/support/world.ts).
 */
let stack: LocalStack;
let api: ApiClient;
let world: World;
let dataDir: string;
let lists: { key: string; path: string; token: string }[] = [];

const PREFERRED: Principal[] = ['village-in', 'town-in', 'city-in', 'admin', 'monitor', 'citizen-own'];
/** The path with these query parameters set (replacing the entry's own). */
function withQuery(path: string, q: string): string {
  const u = new URL(path, 'http://x');
  for (const [k, v] of new URLSearchParams(q)) u.searchParams.set(k, v);
  return `${u.pathname}${u.search}`;
}
const CURSOR_400 = { code: 'VALIDATION_FAILED', details: [{ path: 'cursor', message: 'not a cursor this list handed out' }] };

beforeAll(async () => {
  dataDir = tempDataDir('jiuzhu-pagination-');
  stack = await startTestStack({ dataDir });
  api = new ApiClient(stack.httpUrl);
  world = await buildWorld(stack, api);
  // More than one item in some lists, so that walking them crosses pages.
  const j = world.j1;
  for (const n of [2, 3]) {
    const org = `org_pagination0${n}`;
    expect((await api.request('PUT', `/organizations/${org}`, { token: world.admin, body: { name: `助老服务队${n}`, kind: 'SERVICE_TEAM', regionCode: j.village, services: [] } })).status).toBe(200);
    expect((await api.request('POST', '/service-orders', { token: j.tokens.village, body: { householdId: j.householdId, items: ['HOME_CLEANING'], organizationId: org, recurrence: 'ONCE' } })).status).toBe(201);
  }
  const { routes } = await loadRouteSchemas(manifest.routes, manifest.functions as Record<string, FunctionDef>);
  for (const r of routes) {
    const q = r.schemas.query;
    if (r.def.method !== 'GET' || !(q instanceof z.ZodObject) || !('cursor' in q.shape)) continue;
    const entry = MATRIX[r.routeKey]!;
    const path = entry.request(world, world.j1).path;
    for (const p of PREFERRED.filter((x) => entry.allow.includes(x))) {
      const token = tokenOf(world, p)!;
      if ((await api.request('GET', path, { token })).status === 200) {
        lists.push({ key: r.routeKey, path, token });
        break;
      }
    }
  }
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('one pagination', () => {
  it('finds the lists', () => {
    // Every cursor-taking list of the manifest is exercised (a list nobody reaches would prove nothing).
    expect(lists.map((l) => l.key)).toEqual(expect.arrayContaining(['GET /payments/rosters', 'GET /payments/rosters/{id}/lines', 'GET /payments/recoveries', 'GET /service-orders', 'GET /organizations', 'GET /warnings', 'GET /review-tasks', 'GET /applications']));
  });

  it('every list refuses a cursor it did not hand out with the same 400', async () => {
    const forged = [
      'garbage',
      Buffer.from('{"pk":{"S":"x"}}').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('{"pk":"RO#nope","sk":"#","other":"x","more":"y","most":"z"}').toString('base64url'),
    ];
    const wrong: string[] = [];
    for (const l of lists) {
      for (const c of forged) {
        const res = await api.request('GET', withQuery(l.path, `cursor=${c}`), { token: l.token });
        const e = res.body?.error;
        if (res.status !== 400 || e?.code !== CURSOR_400.code || JSON.stringify(e?.details) !== JSON.stringify(CURSOR_400.details)) wrong.push(`${l.key} cursor=${c}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('every list bounds limit to 1..100', async () => {
    const wrong: string[] = [];
    for (const l of lists) {
      for (const limit of ['0', '101', 'x', '1.5']) {
        const res = await api.request('GET', withQuery(l.path, `limit=${limit}`), { token: l.token });
        if (res.status !== 400 || res.body?.error?.details?.[0]?.path !== 'limit') wrong.push(`${l.key} limit=${limit}: ${res.status} ${res.text.slice(0, 200)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('walked one item a page, every list gives the items of one large page, in order, then null', async () => {
    const wrong: string[] = [];
    const sizes: Record<string, number> = {};
    for (const l of lists) {
      const all = await api.request('GET', withQuery(l.path, 'limit=100'), { token: l.token });
      expect(all.status, `${l.key}: ${all.text.slice(0, 200)}`).toBe(200);
      expect(Object.keys(all.body), l.key).toEqual(expect.arrayContaining(['items', 'nextCursor']));
      const want = (all.body.items as unknown[]).map((i) => JSON.stringify(i));
      const got: string[] = [];
      let cursor: string | null = null;
      for (let n = 0; n <= want.length + 1; n++) {
        const res = await api.request('GET', withQuery(l.path, `limit=1${cursor ? `&cursor=${cursor}` : ''}`), { token: l.token });
        if (res.status !== 200) {
          wrong.push(`${l.key} page ${n}: ${res.status} ${res.text.slice(0, 200)}`);
          break;
        }
        if (res.body.items.length > 1) wrong.push(`${l.key} page ${n}: ${res.body.items.length} items with limit=1`);
        got.push(...(res.body.items as unknown[]).map((i) => JSON.stringify(i)));
        cursor = res.body.nextCursor;
        if (!cursor) break;
      }
      if (cursor) wrong.push(`${l.key}: still a nextCursor after ${want.length + 1} pages`);
      if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push(`${l.key}: walked ${got.length} items, one page has ${want.length} (or another order)`);
      sizes[l.key] = got.length;
    }
    expect(wrong).toEqual([]);
    // The walks are not vacuous: several lists cross pages.
    expect(Object.values(sizes).filter((n) => n >= 2).length, JSON.stringify(sizes)).toBeGreaterThanOrEqual(2);
    expect(Object.values(sizes).filter((n) => n >= 1).length, JSON.stringify(sizes)).toBeGreaterThanOrEqual(lists.length - 1);
  }, 120_000);
});
