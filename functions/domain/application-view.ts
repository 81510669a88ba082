import { maskId } from './resident-id.ts';

/**
 * What leaves the API about a case: resident ID numbers masked everywhere (members and
 * supporters), server-side fields (callback tokens, owner) never.
 */
export function maskHousehold(household: Record<string, unknown>): Record<string, unknown> {
  const maskPeople = (list: unknown) =>
    Array.isArray(list)
      ? list.map((p: Record<string, unknown>) => (typeof p?.idNumber === 'string' ? { ...p, idNumber: maskId(p.idNumber) } : p))
      : list;
  // (supporters are optional: an absent list stays absent rather than becoming `undefined`)
  return { ...household, members: maskPeople(household.members), ...(household.supporters !== undefined ? { supporters: maskPeople(household.supporters) } : {}) };
}

const SERVER_ONLY = new Set(['objectionToken', 'ownerSub', 'version', 'executionArn', 'regionPart', 'regionSort', 'requestHash']);
/** For the people who work the case only (API.md v2: `flags` reviewers only). */
const REVIEWERS_ONLY = new Set(['flags']);

/** What a citizen is told instead of the flags (which name other households and cases). */
export const CITIZEN_FLAG_NOTICES: Record<string, string> = {
  PERSON_IN_TWO_HOUSEHOLDS: 'a member is already registered elsewhere; the town will verify',
  HOUSEHOLD_REGISTERED_ELSEWHERE: 'a member is already registered elsewhere; the town will verify',
};

/**
 * A case as the caller may see it. Others than reviewers never see `flags` (other households'
 * ids, other citizens' application ids), only a notice per kind of flag; nor who objected.
 */
export function applicationView(app: Record<string, unknown>, opts: { reviewer?: boolean } = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(app)) if (!SERVER_ONLY.has(k) && v !== undefined && (opts.reviewer || !REVIEWERS_ONLY.has(k))) out[k] = v;
  if (app.household && typeof app.household === 'object') out.household = maskHousehold(app.household as Record<string, unknown>);
  if (!opts.reviewer) {
    const flags = (app.flags as { type: string }[] | undefined) ?? [];
    const notices = [...new Set(flags.map((f) => CITIZEN_FLAG_NOTICES[f.type]).filter((n): n is string => !!n))];
    if (notices.length) out.notices = notices;
    if (Array.isArray(app.objections)) out.objections = (app.objections as Record<string, unknown>[]).map(({ by: _by, role: _role, ...o }) => o);
  }
  return out;
}
