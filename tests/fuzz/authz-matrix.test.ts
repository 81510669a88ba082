import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRouteSchemas, type LoadedRoute } from '../../functions/commons/route-registry.ts';
import { manifest } from '../../infra/manifest.ts';
import type { FunctionDef } from '../../infra/manifest-types.ts';
import type { LocalStack } from '../../local/runtime.ts';
import { forgeToken } from '../support/forge.ts';
import { ApiClient, startTestStack, tempDataDir } from '../support/local-stack.ts';
import { buildWorld, type Jurisdiction, type World } from '../support/world.ts';
import { EXTRA_REVIEWERS, JUDGED_AS, MATRIX, OUTSIDERS, PRINCIPALS, ROLE_OF, tokenOf, type Entry, type Principal } from './authz-entries.ts';

/**
 * The authorization matrix (issue #11): every manifest route × every principal — anonymous, a
 * citizen on their own objects and on another citizen's, each reviewer level inside and outside
 * the objects' jurisdiction, admin, monitor — against real objects in two jurisdictions
 * (tests/support/world.ts). The subject objects are J1's (citizen A's); the outsiders are J2's
 * reviewers and citizen B. For every cell: where a refusal is due (API.md: 401 without a token,
 * 403 outside role, level or jurisdiction, 404 for a citizen on someone else's object) no 2xx;
 * where access is due no 401/403/404; never a 5xx; and no 2xx an outsider receives carries an id
 * of J1's objects. A manifest route without an entry in authz-entries.ts fails the first test by name.
 */
let stack: LocalStack;
let api: ApiClient;
let world: World;
let routes: LoadedRoute[];
let dataDir: string;
const forged: Record<string, string> = {};

beforeAll(async () => {
  dataDir = tempDataDir('jiuzhu-authz-');
  stack = await startTestStack({ dataDir });
  api = new ApiClient(stack.httpUrl);
  forged['village-forged'] = await forgeToken(dataDir, stack.httpUrl, { sub: 'forged-village', role: 'village', regionCode: '6101' });
  forged['town-forged'] = await forgeToken(dataDir, stack.httpUrl, { sub: 'forged-town', role: 'town', regionCode: '610124' });
  for (const [p, t] of Object.entries(EXTRA_REVIEWERS)) forged[p] = await api.token(t.role, t.regionCode, `matrix-${p}`);
  routes = (await loadRouteSchemas(manifest.routes, manifest.functions as Record<string, FunctionDef>)).routes;
  world = await buildWorld(stack, api);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** One cell's request: the entry's request on jurisdiction `j`'s objects, as principal `p`. */
function send(method: string, entry: Entry, j: Jurisdiction, p: Principal) {
  const req = entry.request(world, j);
  const token = tokenOf(world, p, forged);
  return api.request(method, req.path, {
    ...(token ? { token } : {}),
    ...(req.body !== undefined ? { body: req.body } : {}),
    headers: { 'idempotency-key': randomUUID(), ...req.headers },
  });
}

/** allow: no 401/403/404; refuse: no 2xx; either: only the checks every cell gets (no 5xx, no J1 id to an outsider). */
function expectationOf(entry: Entry, p: Principal): 'allow' | 'refuse' | 'either' {
  if (p === 'village-forged' || p === 'town-forged') {
    const role = p.split('-')[0]!;
    if (entry.allow.includes('anonymous')) return 'allow';
    // The HTTP layer refuses such a token outright (functions/commons/http.ts); refusing it where
    // any reviewer of its level may go is as right as serving it nothing of J1.
    return entry.allow.includes(`${role}-out` as Principal) ? 'either' : 'refuse';
  }
  return entry.allow.includes(JUDGED_AS[p] ?? p) ? 'allow' : 'refuse';
}

/** The ids of J1's objects that no outsider may ever receive. */
function secretsOf(j: Jurisdiction): string[] {
  return [j.householdId, j.applicationId, j.applicationHouseholdId, j.villageTaskId, j.warningId, j.serviceOrderId, j.cancellableOrderId, j.rosterId, j.lineId, j.recoveryId, j.importId, j.assessmentId, j.surveyId];
}

describe('authorization matrix', () => {
  it('has an entry for every manifest route, and allows no role its handler refuses outright', () => {
    const keys = manifest.routes.map((r) => `${r.method} ${r.path}`);
    const missing = keys.filter((k) => !MATRIX[k]);
    expect(missing, `add these routes to MATRIX in tests/fuzz/authz-entries.ts`).toEqual([]);
    expect(Object.keys(MATRIX).filter((k) => !keys.includes(k)), 'MATRIX entries for routes the manifest no longer has').toEqual([]);
    const inconsistent: string[] = [];
    for (const r of routes) {
      const roles = r.schemas.roles;
      const auth = manifest.routes.find((d) => `${d.method} ${d.path}` === r.routeKey)!.auth;
      for (const p of MATRIX[r.routeKey]!.allow) {
        if (p === 'anonymous' && auth !== 'none') inconsistent.push(`${r.routeKey}: anonymous allowed on a jwt route`);
        if (p !== 'anonymous' && roles && !roles.includes(ROLE_OF(p)!)) inconsistent.push(`${r.routeKey}: ${p} allowed but the handler's roles are ${roles.join(', ')}`);
      }
    }
    expect(inconsistent).toEqual([]);
  });

  it('every route × principal: refusals where due, access where due, no 5xx, no J1 id to an outsider', async () => {
    const figures = { cells: 0, allowed: 0, refused: 0, either: 0, allowed2xx: 0, violations: 0, byStatus: {} as Record<string, number> };
    const violations: string[] = [];
    const secrets = secretsOf(world.j1);
    for (const def of manifest.routes) {
      const key = `${def.method} ${def.path}`;
      const entry = MATRIX[key]!;
      // Refused principals first, on objects still in the state the route needs, then the allowed ones.
      const order = [...PRINCIPALS.filter((p) => expectationOf(entry, p) !== 'allow'), ...PRINCIPALS.filter((p) => expectationOf(entry, p) === 'allow')];
      let reached2xx = false;
      for (const p of order) {
        const res = await send(def.method, entry, world.j1, p);
        const expected = expectationOf(entry, p);
        const allowed = expected === 'allow';
        figures.cells++;
        figures[expected === 'allow' ? 'allowed' : expected === 'refuse' ? 'refused' : 'either']++;
        figures.byStatus[res.status] = (figures.byStatus[res.status] ?? 0) + 1;
        const ok = res.status >= 200 && res.status < 300;
        const cell = `${key} as ${p}: ${res.status} ${res.text.slice(0, 160)}`;
        if (res.status >= 500) violations.push(`5xx — ${cell}`);
        if (allowed) {
          if ([401, 403, 404].includes(res.status)) violations.push(`access due, refused — ${cell}`);
          if (ok) {
            figures.allowed2xx++;
            reached2xx = true;
          }
        } else if (expected === 'refuse') {
          if (ok) violations.push(`refusal due, ${res.status} — ${cell}`);
          if (p === 'anonymous' && res.status !== 401) violations.push(`no token must be 401 — ${cell}`);
        }
        if (ok && OUTSIDERS.has(p)) {
          const leaked = secrets.filter((s) => res.text.includes(s));
          if (leaked.length) violations.push(`J1 ids ${leaked.join(', ')} shown to ${p} — ${key}`);
        }
        const extra = ok ? entry.verify?.(p, res.body) : undefined;
        if (extra) violations.push(`${extra} — ${cell}`);
      }
      if (!reached2xx && !entry.no2xx) violations.push(`${key}: no allowed principal reached 2xx, so its refusals prove nothing (fix the probe or say why in no2xx)`);
    }
    figures.violations = violations.length;
    // One line on the terminal (the suite's figures), the same in .local/test-logs/authz-matrix-figures.json.
    process.stdout.write(`authz matrix: ${figures.cells} cells over ${manifest.routes.length} routes × ${PRINCIPALS.length} principals; allowed ${figures.allowed} (2xx ${figures.allowed2xx}), refused ${figures.refused}, either ${figures.either}; violations ${figures.violations}; by status ${JSON.stringify(figures.byStatus)}\n`);
    mkdirSync('.local/test-logs', { recursive: true });
    writeFileSync('.local/test-logs/authz-matrix-figures.json', JSON.stringify({ ...figures, routes: manifest.routes.length, principals: PRINCIPALS, at: new Date().toISOString() }, null, 2));
    expect(violations).toEqual([]);
    expect(figures.cells).toBe(manifest.routes.length * PRINCIPALS.length);
  }, 300_000);

  it('the other direction: J2’s objects against J1’s callers, judged as outsiders, no J2 id to them', async () => {
    // J1's citizen and reviewers are J2's outsiders: each is judged as its `*-out` (citizen-other) twin.
    const MIRROR: Partial<Record<Principal, Principal>> = { 'citizen-own': 'citizen-other', 'village-in': 'village-out', 'town-in': 'town-out', 'city-in': 'city-out', 'city4-in': 'city-out' };
    const violations: string[] = [];
    const secrets = secretsOf(world.j2);
    let cells = 0;
    for (const def of manifest.routes) {
      const key = `${def.method} ${def.path}`;
      const entry = MATRIX[key]!;
      for (const [p, as] of Object.entries(MIRROR) as [Principal, Principal][]) {
        const res = await send(def.method, entry, world.j2, p);
        cells++;
        const ok = res.status >= 200 && res.status < 300;
        const cell = `${key} as ${p} on J2: ${res.status} ${res.text.slice(0, 160)}`;
        if (res.status >= 500) violations.push(`5xx — ${cell}`);
        const allowed = entry.allow.includes(as);
        if (allowed && [401, 403, 404].includes(res.status)) violations.push(`access due (as ${as}), refused — ${cell}`);
        if (!allowed && ok) violations.push(`refusal due (as ${as}), ${res.status} — ${cell}`);
        if (ok) {
          const leaked = secrets.filter((s) => res.text.includes(s));
          if (leaked.length) violations.push(`J2 ids ${leaked.join(', ')} shown to ${p} — ${key}`);
          const extra = entry.verify?.(as, res.body);
          if (extra) violations.push(`${extra} — ${cell}`);
        }
      }
    }
    process.stdout.write(`authz matrix, J2's objects × J1's callers: ${cells} cells; violations ${violations.length}\n`);
    expect(violations).toEqual([]);
    expect(cells).toBe(manifest.routes.length * Object.keys(MIRROR).length);
  }, 300_000);
});
