import { maskId } from './resident-id.ts';

/**
 * What leaves the API about a case: resident ID numbers masked everywhere (members and
 * supporters), server-side fields (callback tokens, owner) never.
 */
export function maskHousehold(household: Record<string, unknown>): Record<string, unknown> {
  const maskPeople = (list: unknown) =>
    Array.isArray(list)
      ? list.map((p: Record<string, unknown>) => (typeof p?.idNumber === 'string' ? { ...p, idNumber: maskId(p.idNumber.toUpperCase()) } : p))
      : list;
  // (supporters are optional: an absent list stays absent rather than becoming `undefined`)
  return { ...household, members: maskPeople(household.members), ...(household.supporters !== undefined ? { supporters: maskPeople(household.supporters) } : {}) };
}

const SERVER_ONLY = new Set(['objectionToken', 'ownerSub', 'version', 'executionArn', 'regionPart', 'regionSort']);
/** For the people who work the case only (API.md v2: `flags` reviewers only). */
const REVIEWERS_ONLY = new Set(['flags']);

export function applicationView(app: Record<string, unknown>, opts: { reviewer?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(app)) if (!SERVER_ONLY.has(k) && (opts.reviewer || !REVIEWERS_ONLY.has(k))) out[k] = v;
  if (app.household && typeof app.household === 'object') out.household = maskHousehold(app.household as Record<string, unknown>);
  return out;
}
