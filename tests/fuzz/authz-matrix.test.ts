import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRouteSchemas, type LoadedRoute } from '../../functions/commons/route-registry.ts';
import { PROGRAMMES } from '../../functions/domain/services.ts';
import { manifest } from '../../infra/manifest.ts';
import type { FunctionDef } from '../../infra/manifest-types.ts';
import type { LocalStack } from '../../local/runtime.ts';
import { forgeToken } from '../support/forge.ts';
import { ApiClient, startTestStack, tempDataDir } from '../support/local-stack.ts';
import { CONSENT, dibaoHousehold, person } from '../support/people.ts';
import { buildWorld, type Jurisdiction, type World } from '../support/world.ts';

/**
 * The authorization matrix (issue #11): every manifest route × every principal — anonymous, a
 * citizen on their own objects and on another citizen's, each reviewer level inside and outside
 * the objects' jurisdiction, admin, monitor — against real objects in two jurisdictions
 * (tests/support/world.ts). The subject objects are J1's (citizen A's); the outsiders are J2's
 * reviewers and citizen B. For every cell: where a refusal is due (API.md: 401 without a token,
 * 403 outside role, level or jurisdiction, 404 for a citizen on someone else's object) no 2xx;
 * where access is due no 401/403/404; never a 5xx; and no 2xx an outsider receives carries an id
 * of J1's objects. A manifest route without an entry below fails the first test by name.
 */
type Principal = 'anonymous' | 'citizen-own' | 'citizen-other' | 'village-in' | 'village-out' | 'town-in' | 'town-out' | 'city-in' | 'city-out' | 'admin' | 'monitor' | 'village-forged' | 'town-forged';
/**
 * `*-forged`: a signed token whose regionCode does not fit its role (a village holding the city
 * code 6101, a town holding the county code 610124: a mis-set Cognito attribute). It has no
 * jurisdiction at all (API.md v2): refused wherever a jurisdiction or a level matters.
 */
const PRINCIPALS: readonly Principal[] = ['anonymous', 'citizen-own', 'citizen-other', 'village-in', 'village-out', 'town-in', 'town-out', 'city-in', 'city-out', 'admin', 'monitor', 'village-forged', 'town-forged'];
const OUTSIDERS: ReadonlySet<Principal> = new Set(['anonymous', 'citizen-other', 'village-out', 'town-out', 'city-out', 'village-forged', 'town-forged']);
const ROLE_OF = (p: Principal) => (p === 'anonymous' ? undefined : p.split('-')[0]!);

interface Req {
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}
interface Entry {
  request: (w: World, j: Jurisdiction) => Req;
  allow: readonly Principal[];
  /** Why no allowed cell can reach 2xx with these objects (else at least one must, so the probe is not vacuous). */
  no2xx?: string;
  /** A further check of a 2xx (e.g. an import by an outsider accepts none of J1's rows). */
  verify?: (p: Principal, body: any) => string | undefined;
}

const SIGNED_IN = PRINCIPALS.filter((p) => p !== 'anonymous');
const EVERYONE = PRINCIPALS;
/** The reviewers whose jurisdiction covers J1, plus the given others. */
const inJ1 = (...more: Principal[]): Principal[] => ['village-in', 'town-in', 'city-in', ...more];
const READ_J1 = inJ1('admin', 'monitor');
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

const MATRIX: Record<string, Entry> = {
  'GET /regions/{code}': { request: (_w, j) => ({ path: `/regions/${j.village}` }), allow: SIGNED_IN },
  'POST /applications': {
    request: (_w, j) => ({ path: '/applications', body: { household: dibaoHousehold({ regionCode: j.village, headId: person('1947-07-07') }), requested: ['DIBAO'], consent: CONSENT } }),
    allow: ['citizen-own', 'citizen-other'],
  },
  'GET /applications/{id}': { request: (_w, j) => ({ path: `/applications/${j.applicationId}` }), allow: ['citizen-own', ...READ_J1] },
  'POST /applications/{id}/objections': { request: (_w, j) => ({ path: `/applications/${j.applicationId}/objections`, body: { reason: '该户有经营性收入' } }), allow: SIGNED_IN, no2xx: 'the case is not on public notice (409 for everyone signed in)' },
  'GET /applications': { request: (_w, j) => ({ path: `/applications?regionCode=${j.village}` }), allow: ['citizen-own', 'citizen-other', ...READ_J1] },
  'POST /applications/{id}/appeals': { request: (_w, j) => ({ path: `/applications/${j.applicationId}/appeals`, body: { reason: '不服' } }), allow: ['citizen-own'], no2xx: 'the case has no refusal to appeal (409)' },
  'POST /applications/{id}/extensions': { request: (_w, j) => ({ path: `/applications/${j.applicationId}/extensions`, body: { reason: '需要补充材料' } }), allow: ['town-in'] },
  // Open tasks of the caller's level in the caller's jurisdiction: outsiders get their own (no J1 task may show).
  'GET /review-tasks': { request: () => ({ path: '/review-tasks?limit=100' }), allow: ['village-in', 'village-out', 'town-in', 'town-out', 'city-in', 'city-out', 'admin'] },
  'GET /review-tasks/{id}': { request: (_w, j) => ({ path: `/review-tasks/${j.villageTaskId}` }), allow: ['village-in', 'admin'] },
  'POST /review-tasks/{id}/decision': { request: (_w, j) => ({ path: `/review-tasks/${j.villageTaskId}/decision`, body: { decision: 'approve', reason: '同意' } }), allow: ['village-in'] },
  'POST /eligibility/evaluate': { request: (_w, j) => ({ path: '/eligibility/evaluate', body: { household: dibaoHousehold({ regionCode: j.village }), asOf: today() } }), allow: SIGNED_IN },
  'PUT /policies/{regionCode}/{parameter}': { request: (_w, j) => ({ path: `/policies/${j.county}/dibao.standard.rural`, body: { value: 800, effectiveFrom: '2031-01-01', reference: 'authz matrix' } }), allow: ['admin'] },
  'GET /policies': { request: (_w, j) => ({ path: `/policies?regionCode=${j.village}` }), allow: SIGNED_IN },
  'GET /policies/{regionCode}/{parameter}': { request: (_w, j) => ({ path: `/policies/${j.county}/dibao.standard.rural` }), allow: SIGNED_IN },
  'GET /households/{id}': { request: (_w, j) => ({ path: `/households/${j.householdId}` }), allow: ['citizen-own', ...READ_J1] },
  'POST /households/{id}/changes': {
    request: (_w, j) => ({ path: `/households/${j.householdId}/changes`, body: { kind: 'INCOME', effectiveOn: today(), household: dibaoHousehold({ regionCode: j.village, headId: j.headId, income: 150 }) } }),
    allow: ['citizen-own', 'village-in', 'town-in'],
  },
  'GET /households/{id}/ledger': { request: (_w, j) => ({ path: `/households/${j.householdId}/ledger` }), allow: ['citizen-own', ...READ_J1] },
  'POST /ledger/runs': { request: (w) => ({ path: '/ledger/runs', body: { month: w.month } }), allow: ['admin'] },
  'GET /ledger/dead-letters': { request: (w) => ({ path: `/ledger/dead-letters?month=${w.month}` }), allow: ['admin'] },
  'POST /monitoring/runs': { request: (w) => ({ path: '/monitoring/runs', body: { asOf: `${w.month}-28` } }), allow: ['admin', 'monitor'] },
  'GET /monitoring/runs/{runId}': { request: (w) => ({ path: `/monitoring/runs/${w.runId}` }), allow: ['admin', 'monitor'] },
  'GET /warnings': { request: (_w, j) => ({ path: `/warnings?regionCode=${j.village}` }), allow: READ_J1 },
  'GET /warnings/stats': { request: (_w, j) => ({ path: `/warnings/stats?regionCode=${j.village}` }), allow: READ_J1 },
  'POST /warnings/{id}/verify': { request: (_w, j) => ({ path: `/warnings/${j.warningId}/verify`, body: { note: '入户核实' } }), allow: inJ1() },
  'POST /warnings/{id}/close': { request: (_w, j) => ({ path: `/warnings/${j.warningId}/close`, body: { outcome: 'NO_ACTION', note: '无需处理' } }), allow: inJ1() },
  'GET /openapi.json': { request: () => ({ path: '/openapi.json' }), allow: EVERYONE },
  'GET /docs': { request: () => ({ path: '/docs' }), allow: EVERYONE },
  'POST /payments/rosters': { request: (w, j) => ({ path: '/payments/rosters', body: { month: w.month, countyCode: j.county } }), allow: ['city-in'] },
  'GET /payments/rosters': { request: (_w, j) => ({ path: `/payments/rosters?countyCode=${j.county}` }), allow: ['city-in', 'admin'] },
  'GET /payments/rosters/{id}': { request: (_w, j) => ({ path: `/payments/rosters/${j.rosterId}` }), allow: ['city-in', 'admin'] },
  'GET /payments/rosters/{id}/lines': { request: (_w, j) => ({ path: `/payments/rosters/${j.rosterId}/lines` }), allow: ['city-in', 'admin'] },
  'POST /payments/rosters/{id}/approve': { request: (_w, j) => ({ path: `/payments/rosters/${j.rosterId}/approve` }), allow: ['city-in'] },
  'GET /payments/rosters/{id}/file': { request: (_w, j) => ({ path: `/payments/rosters/${j.rosterId}/file` }), allow: ['city-in'] },
  'POST /payments/rosters/{id}/returns': { request: (_w, j) => ({ path: `/payments/rosters/${j.rosterId}/returns`, body: { lines: [{ lineId: j.lineId, reason: '账户冻结' }] } }), allow: ['city-in'] },
  'GET /payments/recoveries': { request: (_w, j) => ({ path: `/payments/recoveries?regionCode=${j.county}` }), allow: ['city-in', 'admin'] },
  'POST /payments/recoveries/{id}/close': { request: (_w, j) => ({ path: `/payments/recoveries/${j.recoveryId}/close`, body: { outcome: 'RECOVERED', note: '家属已退回' } }), allow: ['city-in'] },
  'PUT /households/{id}/payee': {
    request: (_w, j) => ({ path: `/households/${j.householdId}/payee`, body: { name: '徐新华', idNumber: j.headId, bank: '中国农业银行', accountNumber: '6228480000000000037' } }),
    allow: ['city-in', 'admin'],
  },
  'GET /households/{id}/payee': { request: (_w, j) => ({ path: `/households/${j.householdId}/payee` }), allow: ['city-in', 'admin'] },
  'GET /services/catalog': { request: () => ({ path: '/services/catalog' }), allow: SIGNED_IN },
  'GET /programmes': { request: () => ({ path: '/programmes' }), allow: SIGNED_IN },
  'PUT /organizations/{id}': { request: (_w, j) => ({ path: `/organizations/${j.organizationId}`, body: { name: '助老服务队', kind: 'SERVICE_TEAM', regionCode: j.village, services: [] } }), allow: ['city-in', 'admin'] },
  // The directory of organizations is public to every signed-in user.
  'GET /organizations/{id}': { request: (_w, j) => ({ path: `/organizations/${j.organizationId}` }), allow: SIGNED_IN },
  'GET /organizations': { request: (_w, j) => ({ path: `/organizations?regionCode=${j.village}` }), allow: SIGNED_IN },
  'POST /service-orders': { request: (_w, j) => ({ path: '/service-orders', body: { householdId: j.householdId, items: ['HOME_CLEANING'], organizationId: j.organizationId, recurrence: 'ONCE' } }), allow: inJ1() },
  'GET /service-orders': { request: (_w, j) => ({ path: `/service-orders?regionCode=${j.village}` }), allow: READ_J1 },
  'GET /service-orders/{id}': { request: (_w, j) => ({ path: `/service-orders/${j.serviceOrderId}` }), allow: READ_J1 },
  'POST /service-orders/{id}/visits': { request: (_w, j) => ({ path: `/service-orders/${j.serviceOrderId}/visits`, body: { at: new Date().toISOString(), by: ['王伟'], items: ['HOME_CLEANING'], notes: '' } }), allow: inJ1() },
  'POST /referrals': { request: (_w, j) => ({ path: '/referrals', body: { householdId: j.householdId, programmes: [PROGRAMMES[0]!.code] } }), allow: inJ1() },
  'GET /households/{id}/help-chain': { request: (_w, j) => ({ path: `/households/${j.householdId}/help-chain` }), allow: ['citizen-own', ...READ_J1] },
  // An import is the city's (or admin's) own: an outside city may import, but none of J1's rows.
  'POST /merger/imports': {
    request: (_w, j) => ({ path: '/merger/imports', body: { rows: [{ householdRef: 'M1', name: '监测户', idNumber: person('1971-01-01', { area: j.county }), relation: 'self', regionCode: j.village, riskTypes: 'ILLNESS', monthlyIncome: 200, deposits: 0, identifiedOn: '2023-01-01' }] } }),
    allow: ['city-in', 'city-out', 'admin'],
    verify: (p, body) => (p === 'city-out' && body?.accepted !== 0 ? `an outside city's import accepted ${body?.accepted} J1 rows` : undefined),
  },
  'GET /merger/imports/{id}': { request: (_w, j) => ({ path: `/merger/imports/${j.importId}` }), allow: ['city-in', 'admin', 'monitor'] },
  'GET /merger/assessments': { request: (_w, j) => ({ path: `/merger/assessments?regionCode=${j.village}` }), allow: READ_J1 },
  'POST /merger/assessments/{id}/decision': { request: (_w, j) => ({ path: `/merger/assessments/${j.assessmentId}/decision`, body: { decision: 'include', reason: '核实属实' } }), allow: ['village-in'] },
  'GET /merger/coverage': { request: (_w, j) => ({ path: `/merger/coverage?regionCode=${j.village}` }), allow: READ_J1 },
  'GET /merger/surveys': { request: (_w, j) => ({ path: `/merger/surveys?regionCode=${j.village}` }), allow: READ_J1 },
  'GET /merger/surveys/{id}': { request: (_w, j) => ({ path: `/merger/surveys/${j.surveyId}` }), allow: READ_J1 },
  'POST /merger/surveys/{id}': { request: (_w, j) => ({ path: `/merger/surveys/${j.surveyId}`, body: { visitedOn: today(), surveyors: ['王伟'] } }), allow: inJ1() },
  'GET /stats/overview': { request: (_w, j) => ({ path: `/stats/overview?regionCode=${j.village}` }), allow: READ_J1 },
};

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
  routes = (await loadRouteSchemas(manifest.routes, manifest.functions as Record<string, FunctionDef>)).routes;
  world = await buildWorld(stack, api);
}, 180_000);
afterAll(async () => {
  await stack?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** allow: no 401/403/404; refuse: no 2xx; either: only the checks every cell gets (no 5xx, no J1 id to an outsider). */
function expectationOf(entry: Entry, p: Principal): 'allow' | 'refuse' | 'either' {
  if (p === 'village-forged' || p === 'town-forged') {
    const role = p.split('-')[0]!;
    if (entry.allow.includes('anonymous')) return 'allow';
    // The HTTP layer refuses such a token outright (functions/commons/http.ts); refusing it where
    // any reviewer of its level may go is as right as serving it nothing of J1.
    return entry.allow.includes(`${role}-out` as Principal) ? 'either' : 'refuse';
  }
  return entry.allow.includes(p) ? 'allow' : 'refuse';
}

function tokenOf(p: Principal): string | undefined {
  const { j1, j2 } = world;
  switch (p) {
    case 'anonymous':
      return undefined;
    case 'citizen-own':
      return j1.tokens.citizen;
    case 'citizen-other':
      return j2.tokens.citizen;
    case 'admin':
      return world.admin;
    case 'monitor':
      return world.monitor;
    case 'village-forged':
    case 'town-forged':
      return forged[p];
    default: {
      const [role, where] = p.split('-') as ['village' | 'town' | 'city', 'in' | 'out'];
      return (where === 'in' ? j1 : j2).tokens[role];
    }
  }
}

/** The ids of J1's objects that no outsider may ever receive. */
function secretsOf(j: Jurisdiction): string[] {
  return [j.householdId, j.applicationId, j.applicationHouseholdId, j.villageTaskId, j.warningId, j.serviceOrderId, j.rosterId, j.lineId, j.recoveryId, j.importId, j.assessmentId, j.surveyId];
}

describe('authorization matrix', () => {
  it('has an entry for every manifest route, and allows no role its handler refuses outright', () => {
    const keys = manifest.routes.map((r) => `${r.method} ${r.path}`);
    const missing = keys.filter((k) => !MATRIX[k]);
    expect(missing, `add these routes to MATRIX in tests/fuzz/authz-matrix.test.ts`).toEqual([]);
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
        const req = entry.request(world, world.j1);
        const token = tokenOf(p);
        const res = await api.request(def.method, req.path, {
          ...(token ? { token } : {}),
          ...(req.body !== undefined ? { body: req.body } : {}),
          headers: { 'idempotency-key': randomUUID(), ...req.headers },
        });
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
});
