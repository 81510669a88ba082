/**
 * The words the backend writes for people (决定书的理由, 案件和家庭的办理记录, 书面告知): 简体中文,
 * as a civil-affairs bureau writes them. Codes stay codes in the API; these are only the
 * human-readable texts. Category and rule names are the console's (web/src/labels.ts).
 */

export const CATEGORY_NAME: Record<string, string> = {
  DIBAO: '最低生活保障',
  TEKUN: '特困人员救助供养',
  DIBAO_EDGE: '低保边缘家庭',
  RIGID_EXPENDITURE: '刚性支出困难家庭',
  ORPHAN: '孤儿基本生活保障',
  DISABILITY_LIVING_SUBSIDY: '困难残疾人生活补贴',
  DISABILITY_CARE_SUBSIDY: '重度残疾人护理补贴',
  TEMPORARY: '临时救助',
  OTHER_HARDSHIP: '其他困难人员',
};

export const categoryName = (code: string): string => CATEGORY_NAME[code] ?? code;

/** Who decides, as a letter names them. */
export const LEVEL_NAME: Record<string, string> = { village: '村（社区）', town: '乡镇（街道）', city: '县市民政局' };

export const levelName = (level: string): string => LEVEL_NAME[level] ?? level;

/** The reviewer's own words, introduced by who wrote them (审核意见 / 审批意见). */
export const opinionOf = (level: string, text: string): string => `${levelName(level)}${level === 'city' ? '审批' : '审核'}意见：${text}`;

/** The rules' ids (functions/domain/eligibility.ts) in words. */
export const RULE_TEXT: Record<string, string> = {
  'income.employmentCostDeduction': '就业成本扣减',
  'dibao.income.belowStandard': '家庭月人均收入低于当地低保标准',
  'dibao.assets.deposits': '存款不超过 标准 × 月数 × 人数',
  'dibao.assets.vehicle': '无超过限额的机动车（残疾人代步车除外）',
  'dibao.assets.homes': '住房套数不超过规定',
  'dibao.assets.nonResidential': '非居住类房产不超过规定',
  'dibao.assets.business': '无当地规定不得纳入的工商登记',
  'dibao.assets.farmMachinery': '无超过限额的大型农机具',
  'dibao.living.housingAndWaterSafe': '住房与饮水安全（参考指标）',
  'dibao.living.housingAndWaterSafe.condition': '住房与饮水安全（当地规定的条件）',
  'dibao.exclusion.notTekun': '未纳入特困供养',
  'dibao.amount.gap': '补差：（标准 − 月人均收入）× 人数',
  'dibao.supplement.elderly70': '分类施保：70–79 周岁老人',
  'dibao.supplement.elderly80': '分类施保：80 周岁以上老人',
  'dibao.supplement.minor': '分类施保：未成年人',
  'dibao.supplement.severeDisability': '分类施保：一、二级重度残疾人',
  'dibao.supplement.seriousIllness': '分类施保：重病患者',
  'dibao.individual.member': '单人保：该成员本人收入低于低保标准',
  'dibao.individual.candidate': '可由本人申请单人保：本人收入低于低保标准',
  'tekun.noWorkingCapacity': '无劳动能力（60 周岁以上、未成年或规定等级残疾）',
  'tekun.noLivelihood.income': '无生活来源：月人均收入低于低保标准',
  'tekun.noLivelihood.deposits': '无生活来源：存款在低保限额内',
  'tekun.noLivelihood.vehicle': '无生活来源：无超限机动车',
  'tekun.noLivelihood.property': '无生活来源：房产、工商登记和农机具符合低保规定',
  'tekun.noAbleSupporter': '无有赡养、抚养、扶养能力的法定义务人',
  'tekun.supporter': '法定义务人无履行义务能力',
  'tekun.exclusion.orphanSupport': '孤儿改享孤儿基本生活保障',
  'tekun.amount.standard': '特困供养标准 × 供养人数',
  'tekun.amount.basicLiving': '基本生活标准',
  'tekun.amount.care': '照料护理标准（按生活自理能力）',
  'dibaoEdge.exclusion.notDibaoOrTekun': '非低保、非特困',
  'dibaoEdge.income.belowMultiple': '月人均收入低于低保标准的倍数',
  'dibaoEdge.assets.deposits': '存款不超过 标准 × 月数 × 人数',
  'dibaoEdge.assets.vehicle': '无超过限额的机动车',
  'dibaoEdge.assets.farmMachinery': '无超过限额的大型农机具',
  'dibaoEdge.assets.realEstateAndBusiness': '房产和工商登记符合低保规定',
  'rigid.exclusion.notInOtherLayers': '非低保、特困、低保边缘',
  'rigid.income.belowAnnualLimit': '人均年收入低于上年当地人均可支配收入',
  'rigid.expenditure.aboveShare': '近 12 个月刚性支出超过家庭收入的规定比例',
  'rigid.assets.deposits': '存款不超过 标准 × 月数 × 人数',
  'orphan.parentsLost': '父母双亡或下落不明',
  'orphan.under18': '未满 18 周岁',
  'orphan.amount': '孤儿基本生活保障标准（散居或集中养育）',
  'disabilityLiving.dibaoHousehold': '低保家庭（或当地扩面的边缘家庭）',
  'disabilityLiving.disabledMembers': '持残疾人证的成员',
  'disabilityLiving.amount': '残疾人生活补贴',
  'disabilityCare.severeMembers': '一、二级重度残疾成员',
  'disabilityCare.severeGrade': '残疾等级为一、二级',
  'temporary.caseworkerAssessment': '临时救助由经办人员逐案评估，不由规则自动给予',
};

export const ruleText = (rule: string): string => RULE_TEXT[rule] ?? rule;

/** One rule a requested category fails, as a refusal's reason: the rule, the figures, the parameter and the text it rests on. */
export function failedRuleLine(code: string, r: { rule: string; actual: number | null; limit: number | null; parameter: string | null; reference: string }): string {
  const figures = r.actual !== null ? `（实际 ${r.actual}${r.limit !== null ? `，标准 ${r.limit}` : ''}）` : '';
  const parameter = r.parameter ? `〔参数 ${r.parameter}〕` : '';
  return `${categoryName(code)}：不符合“${ruleText(r.rule)}”${figures}${parameter}。依据：${r.reference}`;
}

/** 一次认定: a category the household qualifies for without having asked. */
export const qualifiesUnrequested = (code: string): string => `${categoryName(code)}：家庭符合条件但未申请（一次认定：审批机关可一并认定）`;
export const grantedAgainstRecommendation = (code: string): string => `${categoryName(code)}：经家庭经济状况调查核实和审核，认定符合条件（与规则测算建议不同）`;
export const grantedWithoutApplication = (code: string): string => `${categoryName(code)}：家庭符合条件，不需另行申请，一并认定（一次认定）`;
export const MEETS_CONDITIONS = '经家庭经济状况调查核实和审核，家庭符合救助条件';
export const STEP_STALLED = '办理步骤多次重试后仍未完成，待运维人员重新处理';

/** The amount history's reasons (an entitlement's amounts[].reason). */
export const AMOUNT_GRANTED = '批准';
export const amountChanged = (caseId: string, action: 'INCREASE' | 'REDUCTION'): string =>
  action === 'INCREASE' ? `复核后增发（自变化当月起，复核编号 ${caseId}）` : `复核后减发（书面告知后，自决定次月起，复核编号 ${caseId}）`;

const ACTION_TEXT: Record<string, string> = { INCREASE: '增发', REDUCTION: '减发', TERMINATION: '停发', GRADUAL_EXIT: '渐退' };
const CHANGE_TEXT: Record<string, string> = { INCOME: '收入变化', MEMBERS: '家庭人口变化', ASSETS: '财产变化', ADDRESS: '住址变化', PERIODIC: '定期' };
const yuanText = (fen: number) => `${fen / 100}元`;

/** A re-review's change of one entitlement, as the letter's reason: what changes, from how much to how much, after which re-review. */
export function changeLine(code: string, action: string, currentFen: number, newFen: number, changeKind: string): string {
  const change = CHANGE_TEXT[changeKind] ?? changeKind;
  const review = changeKind === 'PERIODIC' ? '定期复核' : `${change}复核`;
  const amounts = action === 'TERMINATION' ? `（原每月${yuanText(currentFen)}，停止发放）` : action === 'GRADUAL_EXIT' ? `（渐退期内每月${yuanText(currentFen)}，期满停止）` : `（每月${yuanText(currentFen)}→${yuanText(newFen)}）`;
  return `${categoryName(code)}：经${review}，${ACTION_TEXT[action] ?? action}${amounts}`;
}

export const alsoQualifiesLine = (codes: readonly string[]): string => `经复核，家庭还符合${codes.map(categoryName).join('、')}的条件，可以申请（下次审核时一次认定）`;

/** An appeal's letter: the reviewing level's own words, or the standard wording of the outcome. */
export function appealReason(level: string, overturn: boolean, text: string | undefined): string {
  const t = text?.trim();
  if (t) return `${levelName(level)}复核意见：${t}`;
  return overturn ? '经复核，撤销原决定，由原审核机关重新审核' : '经复核，原决定认定事实清楚、依据正确，予以维持';
}
