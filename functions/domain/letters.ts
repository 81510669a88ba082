import { appealBy } from './procedure.ts';

/**
 * Decision letters (决定书): every approval, refusal, reduction and termination is written down
 * with its reasons, the rules and parameter values it rests on, the legal basis and how and by
 * when to appeal. Citations are the ones DOMAIN.md checks; article numbers it marks "(?)" are
 * not cited (the text is named without them).
 */

export type LetterKind = 'APPROVAL' | 'REFUSAL' | 'REDUCTION' | 'INCREASE' | 'TERMINATION' | 'GRADUAL_EXIT' | 'APPEAL_UPHELD' | 'APPEAL_OVERTURNED';

const TITLES: Record<LetterKind, string> = {
  APPROVAL: '社会救助审核确认决定书（给予救助）',
  REFUSAL: '社会救助审核确认决定书（不予救助）',
  REDUCTION: '社会救助变更决定书（减发）',
  INCREASE: '社会救助变更决定书（增发）',
  TERMINATION: '社会救助终止决定书（停发）',
  GRADUAL_EXIT: '最低生活保障渐退决定书',
  APPEAL_UPHELD: '复核决定书（维持原决定）',
  APPEAL_OVERTURNED: '复核决定书（撤销原决定、重新审核）',
};

/** Legal basis per category (national texts; article numbers only where checked). */
export const LEGAL_BASIS: Record<string, string[]> = {
  DIBAO: ['《社会救助暂行办法》第九条（最低生活保障条件）', '《社会救助暂行办法》第十二条（按差额发放、分类施保）', '《最低生活保障审核确认办法》（民发〔2021〕57号）'],
  TEKUN: ['《特困人员认定办法》（民发〔2021〕43号）第四条（认定条件）', '《特困人员认定办法》（民发〔2021〕43号）第五条（无劳动能力）', '《特困人员认定办法》（民发〔2021〕43号）第六条（无生活来源）'],
  DIBAO_EDGE: ['《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》（国办函〔2023〕39号）'],
  RIGID_EXPENDITURE: ['民政部《刚性支出困难家庭认定办法》（2024年10月）'],
  ORPHAN: ['《国务院办公厅关于加强孤儿保障工作的意见》（国办发〔2010〕54号）'],
  DISABILITY_LIVING_SUBSIDY: ['《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）'],
  DISABILITY_CARE_SUBSIDY: ['《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）'],
  TEMPORARY: ['《社会救助暂行办法》第九章（临时救助）第四十七条', '《关于改革完善社会救助制度的意见》（中办发〔2020〕18号）：急难型临时救助先行救助'],
};
const PROCEDURE_BASIS = '《最低生活保障审核确认办法》（民发〔2021〕57号）：未经家庭经济状况调查核实不得直接认定';
const GRADUAL_EXIT_BASIS = '《关于改革完善社会救助制度的意见》（中办发〔2020〕18号）：就业后家庭人均收入超过当地低保标准的，给予一定时间的渐退期';
const APPEAL_BASIS = ['《中华人民共和国行政复议法》第二十条（自知道该行政行为之日起六十日内申请行政复议）', '《中华人民共和国行政诉讼法》第四十六条（自知道作出行政行为之日起六个月内提起诉讼）'];

export interface LetterRule {
  rule: string;
  passed: boolean;
  actual: number | null;
  limit: number | null;
  parameter: string | null;
  reference: string;
}

export interface Letter {
  number: string;
  kind: LetterKind;
  title: string;
  caseId: string;
  householdId: string;
  regionCode: string;
  issuedAt: string;
  issuedOn: string;
  decidedBy: { level: string; sub: string; regionCode?: string };
  /** What is decided, per category: the amount and the months it applies to. */
  categories: { code: string; monthlyAmount?: number; previousMonthlyAmount?: number; from?: string; until?: string; amount?: number }[];
  reasons: string[];
  rulesApplied: LetterRule[];
  parametersUsed: Record<string, { value: number; effectiveFrom: string; regionCode: string; reference?: string }>;
  legalBasis: string[];
  appeal: { by: string; how: string; basis: string[] } | null;
}

export interface LetterInput {
  kind: LetterKind;
  caseId: string;
  householdId: string;
  regionCode: string;
  issuedAt: string;
  decidedBy: Letter['decidedBy'];
  categories: Letter['categories'];
  reasons: string[];
  rules?: LetterRule[];
  parameters?: Letter['parametersUsed'];
  /** The categories the basis is about (defaults to the decided ones, else those requested). */
  basisCategories?: readonly string[];
}

/** An appeal is offered against every decision that refuses, reduces or ends help (and against approvals: the amount may be contested). */
const APPEALABLE: ReadonlySet<LetterKind> = new Set(['APPROVAL', 'REFUSAL', 'REDUCTION', 'TERMINATION', 'GRADUAL_EXIT', 'APPEAL_UPHELD']);

export function decisionLetter(i: LetterInput): Letter {
  const issuedOn = new Date(Date.parse(i.issuedAt) + 8 * 3600_000).toISOString().slice(0, 10);
  const basis = new Set<string>();
  for (const c of i.basisCategories ?? i.categories.map((x) => x.code)) for (const b of LEGAL_BASIS[c] ?? []) basis.add(b);
  if (i.kind === 'REFUSAL' || i.kind === 'TERMINATION' || i.kind === 'REDUCTION') basis.add(PROCEDURE_BASIS);
  if (i.kind === 'GRADUAL_EXIT') basis.add(GRADUAL_EXIT_BASIS);
  const by = appealBy(issuedOn);
  return {
    number: `${i.regionCode.slice(0, 6)}-${i.caseId}-${i.kind}`,
    kind: i.kind,
    title: TITLES[i.kind],
    caseId: i.caseId,
    householdId: i.householdId,
    regionCode: i.regionCode,
    issuedAt: i.issuedAt,
    issuedOn,
    decidedBy: i.decidedBy,
    categories: i.categories,
    reasons: i.reasons,
    rulesApplied: i.rules ?? [],
    parametersUsed: i.parameters ?? {},
    legalBasis: [...basis],
    appeal: APPEALABLE.has(i.kind)
      ? {
          by,
          how: `如对本决定不服，可在 ${by} 前（收到本决定之日起六十日内）通过本平台提出复核申请（POST /applications/${i.caseId}/appeals），由上一级审核；也可依法申请行政复议或者在六个月内向人民法院提起行政诉讼。`,
          basis: APPEAL_BASIS,
        }
      : null,
  };
}

/** The parameter values a letter cites: those the cited rules name, from the evaluation's policy trace. */
export function parametersOf(rules: readonly LetterRule[], policy: Record<string, { value: number; effectiveFrom: string; regionCode: string; reference?: string }> | undefined): Letter['parametersUsed'] {
  const out: Letter['parametersUsed'] = {};
  for (const r of rules) {
    const p = r.parameter ? policy?.[r.parameter] : undefined;
    if (r.parameter && p) out[r.parameter] = { value: p.value, effectiveFrom: p.effectiveFrom, regionCode: p.regionCode, ...(p.reference ? { reference: p.reference } : {}) };
  }
  return out;
}
