import type { ApiClient } from '../support/local-stack.ts';
import { CONSENT, dibaoHousehold } from '../support/people.ts';

/**
 * Valid bases for the fuzz suite, where a shaped value from the schema would rarely pass the
 * content checks (real village codes, ID checksums): the fuzz mutates these. Optional per route;
 * a route without one is fuzzed from its schema alone. `openPaths`: parts of the body that keep
 * unknown keys by design (e.g. extra CSV columns kept as notes), where no unknown field is injected.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface FuzzExample {
  body?: () => Json;
  params?: () => Record<string, string>;
  openPaths?: readonly string[];
}

const VILLAGE = '610124121200';

export const EXAMPLES: Record<string, FuzzExample> = {
  'GET /regions/{code}': { params: () => ({ code: VILLAGE }) },
  'POST /applications': { body: () => ({ household: dibaoHousehold(), requested: ['DIBAO'], consent: CONSENT }) as unknown as Json },
  'POST /eligibility/evaluate': { body: () => ({ household: dibaoHousehold(), asOf: '2026-12-01' }) as unknown as Json },
  'PUT /policies/{regionCode}/{parameter}': { params: () => ({ regionCode: '610124', parameter: 'dibao.standard.rural' }), body: () => ({ value: 800, effectiveFrom: '2027-01-01', reference: 'fuzz' }) },
  'GET /policies/{regionCode}/{parameter}': { params: () => ({ regionCode: '610124', parameter: 'dibao.standard.rural' }) },
  'POST /review-tasks/{id}/decision': { body: () => ({ decision: 'approve', reason: 'ok', investigation: { visitedAt: '2026-11-30', investigators: ['王伟', '李娜'] } }) },
  'POST /applications/{id}/objections': { body: () => ({ reason: '该户有经营性收入' }) },
  'POST /applications/{id}/appeals': { body: () => ({ reason: '不服' }) },
  'POST /applications/{id}/extensions': { body: () => ({ reason: '需要补充材料' }) },
  'POST /ledger/runs': { body: () => ({ month: '2026-01' }) },
  'POST /monitoring/runs': { body: () => ({ asOf: '2026-11-30' }) },
  'POST /warnings/{id}/verify': { body: () => ({ note: '入户核实' }) },
  'POST /warnings/{id}/close': { body: () => ({ outcome: 'NO_ACTION', note: '无需处理' }) },
  'POST /payments/rosters': { body: () => ({ month: '2026-11', countyCode: '610124' }) },
  'PUT /organizations/{id}': { params: () => ({ id: 'org_fuzz0001' }), body: () => ({ name: '助老服务队', kind: 'SERVICE_TEAM', regionCode: VILLAGE, services: [] }) },
};

const REGION_OF: Record<string, string | undefined> = { village: VILLAGE, town: VILLAGE.slice(0, 9), city: VILLAGE.slice(0, 4) };
const cache = new Map<string, string>();

/** A token of the route's first allowed role (any signed-in role when it names none), in 610124121200's jurisdiction. */
export async function tokenFor(api: ApiClient, roles: readonly string[] | undefined): Promise<string> {
  const role = roles?.[0] ?? 'citizen';
  if (!cache.has(role)) cache.set(role, await api.token(role, REGION_OF[role], `fuzz-${role}`));
  return cache.get(role)!;
}
