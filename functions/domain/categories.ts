/** The assistance categories of DOMAIN.md (分层分类). */
export const CATEGORY_CODES = [
  'DIBAO',
  'TEKUN',
  'DIBAO_EDGE',
  'RIGID_EXPENDITURE',
  'ORPHAN',
  'DISABILITY_LIVING_SUBSIDY',
  'DISABILITY_CARE_SUBSIDY',
  'TEMPORARY',
] as const;
export type CategoryCode = (typeof CATEGORY_CODES)[number];
