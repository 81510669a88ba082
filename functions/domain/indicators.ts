/**
 * The monitoring indicator catalog (动态监测预警指标), as data. `docs/indicators.md` is generated
 * from it (`npx tsx scripts/gen-indicators-doc.ts`); a test keeps the two in step.
 *
 * trigger:
 *   - `schedule:milestone`  the daily run, from the sparse `dueByCounty` GSI (a dated item per
 *                           person / household / entitlement, keyed by due month and county)
 *   - `schedule:reevaluation` the full re-evaluation (parallel Scan segments in a Map state)
 *   - `event:<DetailType>`  a department event on the bus
 * period: what makes a warning's id unique beside person and indicator (see warningId).
 */
export type IndicatorClass = 'RAPID_HELP' | 'DEMAND' | 'DYNAMIC';

export interface Indicator {
  code: string;
  class: IndicatorClass;
  name: string;
  trigger: string;
  parameters: string[];
  /** When it fires, in words (the boundary the tests check). */
  condition: string;
  period: 'year' | 'milestone date' | 'death date' | 'due date' | 'validity end' | 'order month' | 'referral';
  basis: string;
  action: string;
  /** Closing with BENEFIT_ADJUSTED recomputes this entitlement's amount from the milestone month. */
  adjusts?: 'DIBAO';
}

const MZ = '最低生活保障审核确认办法（民发〔2021〕57号）';
const TK = '特困人员认定办法（民发〔2021〕43号）';
const GB = '国办函〔2023〕39号 关于加强低收入人口动态监测做好分层分类社会救助工作的意见';
const XA = '西安市低收入人口动态监测信息平台（75项指标）';
const CX = '社会救助暂行办法 第十二条第二款（分类施保）';
const DS = '国发〔2015〕52号 困难残疾人生活补贴和重度残疾人护理补贴';
const OR = '国办发〔2010〕54号 关于加强孤儿保障工作的意见';
const SV = '《瞭望》“社会救助迭代升级”（肥城服务类社会救助）';
const YC = '《瞭望》“社会救助迭代升级”（宜川县融救助中心）';
const DV = '《瞭望》“社会救助迭代升级”（发展型帮扶）';

export const INDICATORS = [
  // ---- RAPID_HELP: help at once
  { code: 'MEDICAL_OOP_RESIDENT', class: 'RAPID_HELP', name: '居民个人自付医疗费用超限', trigger: 'event:MedicalExpenseSettled', parameters: ['medical.rapidHelp.resident'], condition: 'a resident outside the monitored population whose out-of-pocket medical cost this calendar year (sum of MedicalExpenseSettled) is above the threshold', period: 'year', basis: `${XA}：城乡居民个人自付医疗费用超过5万元`, action: 'contact the family within days; check medical assistance (医疗救助), temporary assistance and whether the household now qualifies for DIBAO / RIGID_EXPENDITURE' },
  { code: 'MEDICAL_OOP_KEY_RECIPIENT', class: 'RAPID_HELP', name: '重点救助对象个人自付医疗费用超限', trigger: 'event:MedicalExpenseSettled', parameters: ['medical.rapidHelp.keyRecipient'], condition: 'a member of a monitored household whose out-of-pocket medical cost this calendar year is above the threshold', period: 'year', basis: `${XA}：重点救助对象个人自付费用超过1万元`, action: 'visit; grant medical / temporary assistance; re-assess the serious-illness supplement' },
  { code: 'ORPHANED_MINORS_LEFT', class: 'RAPID_HELP', name: '家庭仅剩未成年人', trigger: 'event:PersonDeceased', parameters: [], condition: 'after a death every living member of the household is under 18', period: 'death date', basis: OR, action: 'ensure guardianship and care today; start ORPHAN / TEKUN recognition' },
  { code: 'HOUSING_UNSAFE', class: 'RAPID_HELP', name: '住房不安全', trigger: 'schedule:reevaluation', parameters: [], condition: 'a monitored household whose recorded housing is unsafe', period: 'year', basis: '庄浪县“两项政策”衔接：住房安全指标', action: 'refer to housing renovation (危房改造); temporary shelter if needed' },
  { code: 'DRINKING_WATER_UNSAFE', class: 'RAPID_HELP', name: '饮水不安全', trigger: 'schedule:reevaluation', parameters: [], condition: 'a monitored household whose recorded drinking water is unsafe', period: 'year', basis: '庄浪县“两项政策”衔接：饮水安全指标', action: 'refer to the water authority; interim supply' },
  { code: 'ELDERLY_ALONE_80', class: 'RAPID_HELP', name: '80岁以上独居老人', trigger: 'schedule:reevaluation', parameters: [], condition: 'exactly one living member, aged 80 or more', period: 'year', basis: XA, action: 'regular visits; care services; check the 80+ supplement' },
  // ---- DEMAND: missed aid (漏救) and too little aid (救不够)
  { code: 'MISSED_TEKUN', class: 'DEMAND', name: '符合特困供养条件未纳入', trigger: 'schedule:reevaluation', parameters: ['tekun.standard', 'dibao.standard.urban', 'dibao.standard.rural'], condition: 'the household qualifies for TEKUN under the policy in force and is not in it', period: 'year', basis: TK, action: 'start TEKUN recognition (依职权)' },
  { code: 'MISSED_DIBAO', class: 'DEMAND', name: '符合低保条件未纳入', trigger: 'schedule:reevaluation', parameters: ['dibao.standard.urban', 'dibao.standard.rural', 'dibao.depositCapMonths', 'dibao.vehicleValueCap'], condition: 'qualifies for DIBAO, is not in DIBAO nor TEKUN', period: 'year', basis: MZ, action: 'start a DIBAO application with the household' },
  { code: 'MISSED_DIBAO_EDGE', class: 'DEMAND', name: '符合低保边缘条件未纳入', trigger: 'schedule:reevaluation', parameters: ['dibaoEdge.incomeMultiplier', 'dibaoEdge.depositCapMonths', 'dibaoEdge.vehicleValueCap'], condition: 'qualifies for DIBAO_EDGE and is in none of TEKUN, DIBAO, DIBAO_EDGE', period: 'year', basis: GB, action: 'recognise as dibao-edge household' },
  { code: 'MISSED_RIGID_EXPENDITURE', class: 'DEMAND', name: '符合刚性支出困难条件未纳入', trigger: 'schedule:reevaluation', parameters: ['rigid.incomeLimitAnnual', 'rigid.expenditureShare', 'rigid.depositCapMonths'], condition: 'qualifies for RIGID_EXPENDITURE and is in none of the four layers', period: 'year', basis: GB, action: 'recognise as rigid-expenditure household; special assistance' },
  { code: 'ORPHAN_NO_BASIC_LIVING', class: 'DEMAND', name: '孤儿未享受基本生活保障', trigger: 'schedule:reevaluation', parameters: ['orphan.basicLiving'], condition: 'an orphaned member under 18 in a household without an active ORPHAN entitlement', period: 'year', basis: OR, action: 'grant orphan basic living support' },
  { code: 'DISABLED_DIBAO_NO_LIVING_SUBSIDY', class: 'DEMAND', name: '低保家庭残疾人未享受生活补贴', trigger: 'schedule:reevaluation, event:DisabilityCertified', parameters: ['disability.livingSubsidy'], condition: 'a disabled member of a DIBAO household without an active DISABILITY_LIVING_SUBSIDY', period: 'year', basis: DS, action: 'grant the living subsidy' },
  { code: 'SEVERE_DISABLED_NO_CARE_SUBSIDY', class: 'DEMAND', name: '一二级残疾人未享受护理补贴', trigger: 'schedule:reevaluation, event:DisabilityCertified', parameters: ['disability.careSubsidy.grade1', 'disability.careSubsidy.grade2'], condition: 'a member with disability grade 1 or 2 without an active DISABILITY_CARE_SUBSIDY (grade 3 does not fire)', period: 'year', basis: DS, action: 'grant the care subsidy' },
  { code: 'DIBAO_AMOUNT_BELOW_ENTITLED', class: 'DEMAND', name: '低保金低于应发（未足额分类施保）', trigger: 'schedule:reevaluation', parameters: ['supplement.elderly70', 'supplement.elderly80', 'supplement.minor', 'supplement.severeDisability', 'supplement.seriousIllness'], condition: 'the DIBAO amount paid this month is below the amount the policy in force gives the household (by at least 1 fen)', period: 'year', basis: CX, action: 'adjust the amount (close with BENEFIT_ADJUSTED)', adjusts: 'DIBAO' },
  // ---- DYNAMIC: changes in age, economy, health, survival
  { code: 'ELDERLY_70', class: 'DYNAMIC', name: '低保老人年满70周岁', trigger: 'schedule:milestone', parameters: ['monitoring.milestoneLeadDays', 'supplement.elderly70'], condition: 'a living DIBAO member turns 70 within the lead days (the run of the day that is lead days before the birthday, or later)', period: 'milestone date', basis: `${XA}：低保老年人满70周岁前1个月提醒调整`, action: 'adjust the DIBAO amount from the birthday month (close with BENEFIT_ADJUSTED)', adjusts: 'DIBAO' },
  { code: 'ELDERLY_80', class: 'DYNAMIC', name: '低保老人年满80周岁', trigger: 'schedule:milestone', parameters: ['monitoring.milestoneLeadDays', 'supplement.elderly80'], condition: 'a living DIBAO member turns 80 within the lead days', period: 'milestone date', basis: `${XA}：低保老年人满80周岁前1个月提醒调整`, action: 'adjust the DIBAO amount from the birthday month (close with BENEFIT_ADJUSTED)', adjusts: 'DIBAO' },
  { code: 'DIBAO_MINOR_18', class: 'DYNAMIC', name: '低保未成年人年满18周岁', trigger: 'schedule:milestone', parameters: ['monitoring.milestoneLeadDays', 'supplement.minor'], condition: 'a living DIBAO member turns 18 within the lead days (the minor supplement ends)', period: 'milestone date', basis: CX, action: 'reduce the amount from the birthday month, with notice', adjusts: 'DIBAO' },
  { code: 'ORPHAN_TURNING_18', class: 'DYNAMIC', name: '孤儿年满18周岁', trigger: 'schedule:milestone', parameters: ['monitoring.milestoneLeadDays'], condition: 'an orphaned member (or one in an ORPHAN household) turns 18 within the lead days', period: 'milestone date', basis: OR, action: 'end or extend (in school) orphan support; check DIBAO / TEKUN' },
  { code: 'TEKUN_MINOR_16', class: 'DYNAMIC', name: '特困未成年人年满16周岁', trigger: 'schedule:milestone', parameters: ['monitoring.milestoneLeadDays'], condition: 'a living member of a TEKUN household turns 16 within the lead days (the "under 16" basis ends; support continues to 18)', period: 'milestone date', basis: `${TK} 第五条`, action: 'record the new basis (minor 16–17 / in school)' },
  { code: 'TEKUN_MINOR_18', class: 'DYNAMIC', name: '特困未成年人年满18周岁', trigger: 'schedule:milestone', parameters: ['monitoring.milestoneLeadDays'], condition: 'a living member of a TEKUN household turns 18 within the lead days', period: 'milestone date', basis: `${TK} 第十条`, action: 'end TEKUN support unless in full-time education; check DIBAO' },
  { code: 'TURNING_60_TEKUN', class: 'DYNAMIC', name: '年满60周岁可能符合特困', trigger: 'schedule:milestone', parameters: ['monitoring.milestoneLeadDays'], condition: 'a living member of a monitored household not in TEKUN turns 60 within the lead days', period: 'milestone date', basis: `${TK} 第五条（年满60周岁）`, action: 'check TEKUN recognition (supporters, income, assets)' },
  { code: 'DECEASED_STOP_PAYMENT', class: 'DYNAMIC', name: '救助对象死亡', trigger: 'event:PersonDeceased', parameters: [], condition: 'a member of a monitored household has died (civil registry)', period: 'death date', basis: MZ, action: 'verify; payments for a household without living members stop after the month of death (done automatically)' },
  { code: 'MEMBER_DECEASED_REASSESS', class: 'DYNAMIC', name: '家庭成员死亡需重新核定', trigger: 'event:PersonDeceased', parameters: [], condition: 'a member died and other members are still living', period: 'death date', basis: MZ, action: 're-assess household size and amount' },
  { code: 'DISABILITY_SUPPLEMENT_REASSESS', class: 'DYNAMIC', name: '低保成员新认定重度残疾', trigger: 'event:DisabilityCertified', parameters: ['supplement.severeDisability'], condition: 'a member of a DIBAO household is certified with disability grade 1 or 2', period: 'year', basis: CX, action: 'add the severe-disability supplement (close with BENEFIT_ADJUSTED)', adjusts: 'DIBAO' },
  { code: 'NO_LONGER_ELIGIBLE', class: 'DYNAMIC', name: '不再符合救助条件', trigger: 'schedule:reevaluation', parameters: ['dibao.standard.urban', 'dibao.standard.rural'], condition: 'a household in DIBAO, TEKUN or DIBAO_EDGE no longer qualifies for it', period: 'year', basis: `${MZ} 第三十六条（退出）`, action: 'verify; exit with written notice, or keep (渐退)' },
  { code: 'RIGID_VALIDITY_ENDING', class: 'DYNAMIC', name: '刚性支出困难认定即将到期', trigger: 'schedule:milestone', parameters: ['monitoring.milestoneLeadDays'], condition: 'an active RIGID_EXPENDITURE entitlement ends (last day of validUntilMonth) within the lead days (30 nationally)', period: 'validity end', basis: GB, action: 'invite the household to re-apply' },
  { code: 'REREVIEW_YEARLY', class: 'DYNAMIC', name: '年度复核到期', trigger: 'schedule:milestone', parameters: ['monitoring.milestoneLeadDays'], condition: 'a household without working-age members able to work reaches 12 months since approval / last re-review within the lead days', period: 'due date', basis: `${MZ} 第三十四条（每年核查）`, action: 're-review income and assets' },
  { code: 'REREVIEW_HALF_YEARLY', class: 'DYNAMIC', name: '半年复核到期', trigger: 'schedule:milestone', parameters: ['monitoring.milestoneLeadDays'], condition: 'a household with a working-age member (16–59) able to work reaches 6 months since approval / last re-review within the lead days', period: 'due date', basis: `${MZ} 第三十四条（每半年核查）`, action: 're-review income and assets' },
  { code: 'PAYMENT_REPEATEDLY_FAILED', class: 'DYNAMIC', name: '救助金多次发放失败', trigger: 'payments: POST /payments/rosters/{id}/returns', parameters: [], condition: 'the bank returned payments to the same payee (account holder) at least twice within 12 months (REPEATED_FAILURES in functions/domain/payments.ts)', period: 'year', basis: '发放管理：退回的救助金暂缓，账户更正后于下期名册补发（docs/payments.md）', action: 'visit the household; correct the payee account (PUT /households/{id}/payee) or switch to the social-security card; held payments are paid on the next roster' },
  // ---- services and resource linking (服务类救助, 一门受理)
  { code: 'SERVICE_VISIT_MISSED', class: 'DYNAMIC', name: '服务对象当月未获探访服务', trigger: 'schedule:daily (exact)', parameters: [], condition: 'a MONTHLY service order (e.g. a dispersed TEKUN person\'s care plan) has no visit recorded in a calendar month; checked on the 1st of the next month', period: 'order month', basis: `${SV}：“桃仙子”服务队每月上门`, action: 'ask the service team why; visit within days; reassign the order if the team cannot serve' },
  { code: 'REFERRAL_OVERDUE', class: 'DEMAND', name: '转介事项逾期未办结', trigger: 'schedule:daily (exact)', parameters: [], condition: 'a referral to another department\'s programme is still OPEN the day after its due date (opened + the programme\'s dueDays)', period: 'referral', basis: `${YC}：一门受理、协同办理`, action: 'chase the department; escalate through the county assistance centre (融救助中心)' },
  { code: 'EMPLOYMENT_SUPPORT_NEEDED', class: 'DEMAND', name: '有劳动能力未就业未获就业帮扶', trigger: 'schedule:reevaluation', parameters: [], condition: 'a member aged 16–59, able to work (full or partial), not in school, with no countable income of their own, in a household without an EMPLOYMENT referral', period: 'year', basis: `${DV}：提升劳动年龄段、具有劳动能力的低收入人口就业意愿和能力`, action: 'offer the employment programme (refer: POST /referrals {programmes: ["EMPLOYMENT"]}) and skills training' },
  // ---- the merged yearly survey (两项政策 merger, functions/services/merger-survey.ts)
  { code: 'SURVEY_OVERDUE', class: 'DYNAMIC', name: '年度排查逾期未完成', trigger: 'schedule:survey', parameters: [], condition: 'a yearly survey (opened 1 September for a monitored household or a remaining monitoring object) is still open when September has ended', period: 'year', basis: '庄浪县“两项政策”衔接并轨：两次排查合并于9月开展，内容精简到一张A4纸', action: 'visit the household and submit the survey form' },
] as const satisfies readonly Indicator[];

export type IndicatorCode = (typeof INDICATORS)[number]['code'];
export const INDICATOR_CODES = INDICATORS.map((i) => i.code) as unknown as readonly [IndicatorCode, ...IndicatorCode[]];

const byCode = new Map<string, Indicator>(INDICATORS.map((i) => [i.code, i]));
export function indicator(code: string): Indicator | undefined {
  return byCode.get(code);
}

/** docs/indicators.md, from the catalog. */
export function renderIndicatorsDoc(): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    '# Monitoring indicators',
    '',
    '<!-- generated by `npx tsx scripts/gen-indicators-doc.ts` from functions/domain/indicators.ts; do not edit -->',
    '',
    `${INDICATORS.length} indicators: ${(['RAPID_HELP', 'DEMAND', 'DYNAMIC'] as const).map((c) => `${INDICATORS.filter((i) => i.class === c).length} ${c}`).join(', ')}.`,
    'A warning is identified by (person, indicator, period): re-runs and redelivered events raise nothing twice.',
    '',
    '| code | class | name | trigger | fires when | parameters | period | policy basis | suggested action |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const i of INDICATORS as readonly Indicator[]) {
    lines.push(
      `| \`${i.code}\` | ${i.class} | ${esc(i.name)} | ${esc(i.trigger)} | ${esc(i.condition)} | ${i.parameters.map((p) => `\`${p}\``).join(', ') || '—'} | ${i.period} | ${esc(i.basis)} | ${esc(i.action)}${i.adjusts ? ` (BENEFIT_ADJUSTED recomputes ${i.adjusts})` : ''} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
