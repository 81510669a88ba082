import { PROGRAMMES } from '../../functions/domain/services.ts';
import { CONSENT, dibaoHousehold, person } from '../support/people.ts';
import type { Jurisdiction, World } from '../support/world.ts';

/**
 * Who may call each manifest route, and one valid request for it on the world's objects
 * (tests/support/world.ts): the authorization matrix (authz-matrix.test.ts) runs every entry as
 * every principal; the fuzz suite (fuzz.test.ts) mutates the same requests, sent as an allowed
 * principal. A new route needs its entry here, or both suites fail naming it.
 */
export type Principal =
  | 'anonymous'
  | 'citizen-own'
  | 'citizen-other'
  | 'village-in'
  | 'village-out'
  | 'town-in'
  | 'town-out'
  | 'city-in'
  | 'city-out'
  | 'admin'
  | 'monitor'
  | 'village-forged'
  | 'town-forged'
  | 'village-sibling'
  | 'town-sibling'
  | 'city-sibling'
  | 'city4-in';
/**
 * `*-forged`: a signed token whose regionCode does not fit its role (a village holding the city
 * code 6101, a town holding the county code 610124: a mis-set Cognito attribute). It has no
 * jurisdiction at all (API.md v2): refused wherever a jurisdiction or a level matters.
 */
/**
 * `*-sibling`: right next to J1, sharing a prefix — the next village of the same town
 * (610124121201), another town of the same county (610124101), another county of the same city
 * (610103 碑林区): treated exactly like `*-out`. `city4-in`: the city bureau 6101 (a 4-digit
 * code), treated like `city-in`.
 */
export const PRINCIPALS: readonly Principal[] = ['anonymous', 'citizen-own', 'citizen-other', 'village-in', 'village-out', 'town-in', 'town-out', 'city-in', 'city-out', 'admin', 'monitor', 'village-forged', 'town-forged', 'village-sibling', 'town-sibling', 'city-sibling', 'city4-in'];
export const OUTSIDERS: ReadonlySet<Principal> = new Set(['anonymous', 'citizen-other', 'village-out', 'town-out', 'city-out', 'village-forged', 'town-forged', 'village-sibling', 'town-sibling', 'city-sibling']);
/** Principals judged like another one. */
export const JUDGED_AS: Partial<Record<Principal, Principal>> = { 'village-sibling': 'village-out', 'town-sibling': 'town-out', 'city-sibling': 'city-out', 'city4-in': 'city-in' };
/** Their (regionCode, sub): tokens /_local/token issues. */
export const EXTRA_REVIEWERS: Partial<Record<Principal, { role: string; regionCode: string }>> = {
  'village-sibling': { role: 'village', regionCode: '610124121201' },
  'town-sibling': { role: 'town', regionCode: '610124101' },
  'city-sibling': { role: 'city', regionCode: '610103' },
  'city4-in': { role: 'city', regionCode: '6101' },
};
export const ROLE_OF = (p: Principal) => (p === 'anonymous' ? undefined : p.split('-')[0]!.replace(/\d+$/, ''));

export interface Req {
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}
export interface Entry {
  request: (w: World, j: Jurisdiction) => Req;
  allow: readonly Principal[];
  /** Why no allowed cell can reach 2xx with these objects (else at least one must, so the probe is not vacuous). */
  no2xx?: string;
  /** Parts of the body that keep unknown keys by design (extra CSV columns kept as notes): the fuzz injects none there. */
  openPaths?: readonly string[];
  /** A further check of a 2xx (e.g. an import by an outsider accepts none of J1's rows). */
  verify?: (p: Principal, body: any) => string | undefined;
}

const SIGNED_IN = PRINCIPALS.filter((p) => p !== 'anonymous');
const EVERYONE = PRINCIPALS;
/** The reviewers whose jurisdiction covers J1, plus the given others. */
const inJ1 = (...more: Principal[]): Principal[] => ['village-in', 'town-in', 'city-in', ...more];
const READ_J1 = inJ1('admin', 'monitor');
const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

export const MATRIX: Record<string, Entry> = {
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
  // Cancels J1's order: refused principals run first (the order is still ACTIVE), then village-in cancels it (200); town-in and city-in find it cancelled (409).
  'POST /service-orders/{id}/cancel': { request: (_w, j) => ({ path: `/service-orders/${j.cancellableOrderId}/cancel`, body: { reason: '服务对象已迁出' } }), allow: inJ1() },
  'POST /referrals': { request: (_w, j) => ({ path: '/referrals', body: { householdId: j.householdId, programmes: [PROGRAMMES[0]!.code] } }), allow: inJ1() },
  'GET /households/{id}/help-chain': { request: (_w, j) => ({ path: `/households/${j.householdId}/help-chain` }), allow: ['citizen-own', ...READ_J1] },
  // An import is the city's (or admin's) own: an outside city may import, but none of J1's rows.
  'POST /merger/imports': {
    request: (_w, j) => ({ path: '/merger/imports', body: { rows: [{ householdRef: 'M1', name: '监测户', idNumber: person('1971-01-01', { area: j.county }), relation: 'self', regionCode: j.village, riskTypes: 'ILLNESS', monthlyIncome: 200, deposits: 0, identifiedOn: '2023-01-01' }] } }),
    allow: ['city-in', 'city-out', 'admin'],
    openPaths: ['rows'],
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


/** The token of a principal (`extra` holds the forged, sibling and city4 ones when the suite made them). */
export function tokenOf(world: World, p: Principal, extra: Record<string, string> = {}): string | undefined {
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
    case 'village-sibling':
    case 'town-sibling':
    case 'city-sibling':
    case 'city4-in':
      return extra[p];
    default: {
      const [role, where] = p.split('-') as ['village' | 'town' | 'city', 'in' | 'out'];
      return (where === 'in' ? j1 : j2).tokens[role];
    }
  }
}

