/**
 * Roles and jurisdictions (API.md v2): a reviewer's `regionCode` length is tied to its role —
 * village 12 digits, town 9, city 6 (a county bureau) or 4 (a city bureau). A token whose
 * code does not fit its role has no jurisdiction at all (fail closed), wherever it is checked.
 */
export const REVIEWER_REGION_LENGTHS = { village: [12], town: [9], city: [6, 4] } as const satisfies Record<string, readonly number[]>;

export type ReviewerRole = keyof typeof REVIEWER_REGION_LENGTHS;

export function isReviewerRole(role: string): role is ReviewerRole {
  return role === 'village' || role === 'town' || role === 'city';
}

/** Whether `regionCode` is a jurisdiction the role may hold. Non-reviewer roles hold none. */
export function regionFitsRole(role: string, regionCode: string | undefined): boolean {
  if (!isReviewerRole(role) || regionCode === undefined) return false;
  return /^\d+$/.test(regionCode) && (REVIEWER_REGION_LENGTHS[role] as readonly number[]).includes(regionCode.length);
}

/** The caller's jurisdiction when its role and code fit together; otherwise none. */
export function jurisdictionOf(caller: { role: string; regionCode?: string | undefined }): string | undefined {
  return regionFitsRole(caller.role, caller.regionCode) ? caller.regionCode : undefined;
}

/** A reviewer whose (fitting) jurisdiction covers the 12-digit region code. */
export function covers(caller: { role: string; regionCode?: string | undefined }, regionCode: string): boolean {
  const j = jurisdictionOf(caller);
  return j !== undefined && regionCode.startsWith(j);
}

/** The refusal message for a reviewer token whose code does not fit its role. */
export function roleRegionMismatch(role: string, regionCode: string | undefined): string | undefined {
  if (!isReviewerRole(role)) return undefined;
  if (regionFitsRole(role, regionCode)) return undefined;
  const lengths = REVIEWER_REGION_LENGTHS[role].join(' or ');
  return `a ${role} reviewer's regionCode must have ${lengths} digits${regionCode === undefined ? ' (none given)' : ''}`;
}
