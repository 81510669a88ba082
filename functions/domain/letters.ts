import { appealBy } from './procedure.ts';
import { categoryName } from './wording.ts';

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
  /** 决定事项: what is decided, per category, in words (the same facts as `categories`). */
  decisionItems: string[];
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
    decisionItems: i.categories.map((c) => decisionItem(i.kind, c)),
    reasons: i.reasons,
    rulesApplied: i.rules ?? [],
    parametersUsed: i.parameters ?? {},
    legalBasis: [...basis],
    appeal: APPEALABLE.has(i.kind)
      ? {
          by,
          how: `如对本决定不服，可在 ${by} 前（收到本决定之日起六十日内）通过本平台就本案（案件编号 ${i.caseId}）提出复核申请，由上一级机关复核；也可以自知道本决定之日起六十日内依法申请行政复议，或者自知道本决定之日起六个月内依法向人民法院提起行政诉讼。`,
          basis: APPEAL_BASIS,
        }
      : null,
  };
}

const yuan = (n: number) => `${n}元`;
const month = (m: string) => `${m.slice(0, 4)}年${Number(m.slice(5, 7))}月`;

/** One category's 决定事项 in the words of the letter's kind. */
export function decisionItem(kind: LetterKind, c: Letter['categories'][number]): string {
  const name = categoryName(c.code);
  const from = c.from ? `，自${month(c.from)}起执行` : '';
  switch (kind) {
    case 'APPROVAL':
      if (c.amount !== undefined) return `给予${name}${yuan(c.amount)}（一次性发放）`;
      return c.monthlyAmount ? `给予${name}，每月${yuan(c.monthlyAmount)}${from}` : `认定为${name}${from}`;
    case 'REFUSAL':
      return `不予给予${name}`;
    case 'REDUCTION':
      return `${name}由每月${yuan(c.previousMonthlyAmount ?? 0)}减发为每月${yuan(c.monthlyAmount ?? 0)}${from}`;
    case 'INCREASE':
      return `${name}由每月${yuan(c.previousMonthlyAmount ?? 0)}增发为每月${yuan(c.monthlyAmount ?? 0)}${from}`;
    case 'TERMINATION':
      return `终止${name}${c.until ? `，${month(c.until)}后停发` : ''}`;
    case 'GRADUAL_EXIT':
      return `${name}实行渐退${c.monthlyAmount !== undefined ? `，渐退期内每月${yuan(c.monthlyAmount)}` : ''}${c.until ? `，${month(c.until)}后停发` : ''}`;
    case 'APPEAL_UPHELD':
      return `维持原决定（${name}）`;
    case 'APPEAL_OVERTURNED':
      return `撤销原决定（${name}），重新审核`;
  }
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
