/**
 * Re-review outcomes (dynamic management, 最低生活保障审核确认办法 2021; 渐退: 中办发〔2020〕18号).
 * Pure: what a re-evaluation proposes for one entitlement.
 */
export type ChangeAction = 'UNCHANGED' | 'INCREASE' | 'REDUCTION' | 'TERMINATION' | 'GRADUAL_EXIT';

export interface ChangeItem {
  code: string;
  action: ChangeAction;
  currentFen: number;
  newFen: number;
}

export function changeAction(i: {
  code: string;
  currentFen: number;
  eligible: boolean;
  newFen: number;
  /** DIBAO fails only on income (assets still within the caps). */
  incomeOnlyFailure: boolean;
  /** Income from work rose since the household was approved. */
  employmentRose: boolean;
  /** Already in its gradual exit: it runs out, it does not start again. */
  inGradualExit: boolean;
}): ChangeItem {
  const base = { code: i.code, currentFen: i.currentFen };
  if (i.inGradualExit) return { ...base, action: 'UNCHANGED', newFen: i.currentFen };
  if (!i.eligible) {
    // A household lifted above the standard by work keeps its benefit for the gradual-exit months.
    if (i.code === 'DIBAO' && i.incomeOnlyFailure && i.employmentRose) return { ...base, action: 'GRADUAL_EXIT', newFen: i.currentFen };
    return { ...base, action: 'TERMINATION', newFen: 0 };
  }
  if (i.newFen > i.currentFen) return { ...base, action: 'INCREASE', newFen: i.newFen };
  if (i.newFen < i.currentFen) return { ...base, action: 'REDUCTION', newFen: i.newFen };
  return { ...base, action: 'UNCHANGED', newFen: i.newFen };
}

const WORK_INCOME = new Set(['WAGES', 'BUSINESS']);

/** Monthly income from work of a raw (API) household, in fen: v1 `monthlyIncome` is wages; v2 `incomes` items of WAGES and BUSINESS. */
export function employmentIncomeFen(household: Record<string, unknown>): number {
  let fen = 0;
  for (const m of (household.members as Record<string, unknown>[] | undefined) ?? []) {
    if (typeof m?.monthlyIncome === 'number') fen += Math.round(m.monthlyIncome * 100);
    for (const item of (m?.incomes as { type?: string; monthly?: number }[] | undefined) ?? []) {
      if (item && WORK_INCOME.has(String(item.type)) && typeof item.monthly === 'number') fen += Math.round(item.monthly * 100);
    }
  }
  return fen;
}
