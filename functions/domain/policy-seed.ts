import type { ParameterName, ParameterValue, PolicyValue } from './policy.ts';

/**
 * Seeded policy values: national defaults (`CN`) for every parameter, and the real local
 * changes the article (《瞭望》, seed/) reports. Each figure says whether it is SOURCED (and
 * from where) or ASSUMED (a plausible placeholder a province/city must replace with its own
 * published figure). Seeding is idempotent and never overwrites a value an admin has set
 * (see adapters/policies-table.ts `seedPolicies`).
 */
export interface SeedValue {
  regionCode: string;
  parameter: ParameterName;
  value: ParameterValue;
  effectiveFrom: string;
  reference: string;
  source: 'sourced' | 'assumed';
  note: string;
}

const ARTICLE = '《瞭望》周刊“社会救助迭代升级”（2025）';
const ASSUMED = 'ASSUMED placeholder: replace with the locally published figure';
const SINCE = '2020-01-01'; // ASSUMED start date of national defaults and of local values in force before a change

export const SEED_SET_AT = '2025-01-01T00:00:00.000Z';
export const SEED_SET_BY = 'seed';

export const POLICY_SEED: readonly SeedValue[] = [
  // ---- national defaults (CN): every parameter has one, so every region resolves completely.
  { regionCode: 'CN', parameter: 'dibao.standard.urban', value: 780, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: `${ASSUMED}; close to the 2024 national average urban standard (民政统计) but rounded` },
  { regionCode: 'CN', parameter: 'dibao.standard.rural', value: 600, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: `${ASSUMED}; close to the 2024 national average rural standard, rounded` },
  { regionCode: 'CN', parameter: 'dibao.depositCapMonths', value: 24, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: `${ASSUMED}; deposit caps are set by provinces` },
  { regionCode: 'CN', parameter: 'dibao.vehicleValueCap', value: 50000, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'dibao.livingConditionsCheck', value: 0, effectiveFrom: SINCE, reference: 'national default: not used', source: 'assumed', note: 'extension flag; off unless a region turns it on' },
  { regionCode: 'CN', parameter: 'dibao.homesCap', value: 1, effectiveFrom: SINCE, reference: 'national default (房产状况由省级民政部门规定)', source: 'assumed', note: `${ASSUMED}; provinces set the real-estate conditions` },
  { regionCode: 'CN', parameter: 'dibao.nonResidentialCap', value: 0, effectiveFrom: SINCE, reference: 'national default (房产状况由省级民政部门规定)', source: 'assumed', note: `${ASSUMED}; shops/offices commonly exclude` },
  { regionCode: 'CN', parameter: 'dibao.businessRegistrationExcludes', value: 1, effectiveFrom: SINCE, reference: 'national default (市场主体登记信息核对)', source: 'assumed', note: `${ASSUMED}; many provinces exclude members with a registered business` },
  { regionCode: 'CN', parameter: 'dibao.farmMachineryValueCap', value: 50000, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: `${ASSUMED}; equal to the vehicle cap` },
  { regionCode: 'CN', parameter: 'income.employmentCostDeduction', value: 0, effectiveFrom: SINCE, reference: '中办发〔2020〕18号：就业成本扣减 (amount set locally)', source: 'assumed', note: 'the deduction is SOURCED; no amount nationally: 0 until a province sets one' },
  { regionCode: 'CN', parameter: 'income.nonCountableTypes', value: [], effectiveFrom: SINCE, reference: 'national default: only the national non-countable items (in the rules)', source: 'assumed', note: 'a county adds its own items here' },
  { regionCode: 'CN', parameter: 'dibaoEdge.incomeMultiplier', value: 1.5, effectiveFrom: SINCE, reference: '国办函〔2023〕39号：低保边缘家庭人均收入低于当地低保标准1.5倍', source: 'sourced', note: 'SOURCED: national definition of 低保边缘家庭 (also DOMAIN.md)' },
  { regionCode: 'CN', parameter: 'dibaoEdge.depositCapMonths', value: 24, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: `${ASSUMED}; equal to 庄浪's pre-2024 figure` },
  { regionCode: 'CN', parameter: 'dibaoEdge.vehicleValueCap', value: 50000, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: `${ASSUMED}; equal to 庄浪's pre-2024 figure` },
  { regionCode: 'CN', parameter: 'dibaoEdge.farmMachineryValueCap', value: 50000, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: `${ASSUMED}; equal to 庄浪's pre-2024 figure` },
  { regionCode: 'CN', parameter: 'rigid.incomeLimitAnnual', value: 39218, effectiveFrom: '2024-01-01', reference: '国家统计局：2023年全国居民人均可支配收入39218元', source: 'sourced', note: 'SOURCED figure (national, 2023) used as the default for 2024 evaluations; the rule wants the LOCAL figure' },
  { regionCode: 'CN', parameter: 'rigid.incomeLimitAnnual', value: 41314, effectiveFrom: '2025-01-01', reference: '国家统计局：2024年全国居民人均可支配收入41314元', source: 'sourced', note: 'SOURCED figure (national, 2024) used as the default from 2025; the rule wants the LOCAL figure' },
  { regionCode: 'CN', parameter: 'rigid.incomeLimitAnnual', value: 36883, effectiveFrom: SINCE, reference: '国家统计局：2022年全国居民人均可支配收入36883元', source: 'sourced', note: 'SOURCED figure (national, 2022) used before 2024' },
  { regionCode: 'CN', parameter: 'rigid.expenditureShare', value: 0.5, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: `${ASSUMED}; the share is set locally` },
  { regionCode: 'CN', parameter: 'rigid.depositCapMonths', value: 36, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: `${ASSUMED}; equal to 庄浪's pre-2024 figure` },
  { regionCode: 'CN', parameter: 'tekun.standard', value: 1014, effectiveFrom: SINCE, reference: '国发〔2016〕14号：特困人员基本生活标准不低于当地低保标准的1.3倍', source: 'assumed', note: 'ASSUMED figure = 1.3 × the assumed urban standard 780 (the 1.3× floor is sourced)' },
  { regionCode: 'CN', parameter: 'tekun.standard.urban', value: 1014, effectiveFrom: SINCE, reference: '国发〔2016〕14号：基本生活标准不低于当地低保标准的1.3倍', source: 'assumed', note: 'ASSUMED figure = 1.3 × the assumed urban dibao standard 780' },
  { regionCode: 'CN', parameter: 'tekun.standard.rural', value: 780, effectiveFrom: SINCE, reference: '国发〔2016〕14号：基本生活标准不低于当地低保标准的1.3倍', source: 'assumed', note: 'ASSUMED figure = 1.3 × the assumed rural dibao standard 600' },
  { regionCode: 'CN', parameter: 'tekun.basicLivingMultiplier', value: 1.3, effectiveFrom: SINCE, reference: '国务院关于进一步健全特困人员救助供养制度的意见（国发〔2016〕14号）：基本生活标准不低于当地最低生活保障标准的1.3倍', source: 'sourced', note: 'SOURCED floor' },
  { regionCode: 'CN', parameter: 'tekun.care.full', value: 150, effectiveFrom: SINCE, reference: '国发〔2016〕14号：照料护理标准按生活自理能力分档 (amounts set locally)', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'tekun.care.partial', value: 450, effectiveFrom: SINCE, reference: '国发〔2016〕14号：照料护理标准按生活自理能力分档 (amounts set locally)', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'tekun.care.none', value: 900, effectiveFrom: SINCE, reference: '国发〔2016〕14号：照料护理标准按生活自理能力分档 (amounts set locally)', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'supplement.elderly70', value: 0.1, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'supplement.elderly80', value: 0.15, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'supplement.minor', value: 0.1, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'supplement.severeDisability', value: 0.2, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'supplement.seriousIllness', value: 0.15, effectiveFrom: SINCE, reference: 'national default', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'disability.livingSubsidy', value: 90, effectiveFrom: SINCE, reference: '国发〔2015〕52号 (amount set by provinces)', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'disability.livingSubsidy.widenToEdge', value: 0, effectiveFrom: SINCE, reference: '国发〔2015〕52号：有条件的地方可逐步扩大', source: 'assumed', note: 'extension flag; off nationally' },
  { regionCode: 'CN', parameter: 'disability.careSubsidy.grade1', value: 120, effectiveFrom: SINCE, reference: '国发〔2015〕52号 (amount set by provinces)', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'disability.careSubsidy.grade2', value: 90, effectiveFrom: SINCE, reference: '国发〔2015〕52号 (amount set by provinces)', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'orphan.basicLiving', value: 1400, effectiveFrom: SINCE, reference: '国办发〔2010〕54号 (amount set by provinces)', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'orphan.basicLiving.institution', value: 1800, effectiveFrom: SINCE, reference: '国办发〔2010〕54号 (机构集中养育 standard set by provinces)', source: 'assumed', note: ASSUMED },
  { regionCode: 'CN', parameter: 'medical.rapidHelp.resident', value: 50000, effectiveFrom: SINCE, reference: 'national default (Xi’an’s figure)', source: 'assumed', note: 'ASSUMED nationally; SOURCED for 西安 (below)' },
  { regionCode: 'CN', parameter: 'medical.rapidHelp.keyRecipient', value: 10000, effectiveFrom: SINCE, reference: 'national default (Xi’an’s figure)', source: 'assumed', note: 'ASSUMED nationally; SOURCED for 西安 (below)' },
  { regionCode: 'CN', parameter: 'review.townDecides', value: 0, effectiveFrom: SINCE, reference: '中办发〔2020〕18号《关于改革完善社会救助制度的意见》：有条件的地方可按程序将审核确认权限下放至乡镇人民政府（街道办事处）', source: 'assumed', note: 'ASSUMED default 0 (the county decides); a county that has delegated the decision sets 1' },
  { regionCode: 'CN', parameter: 'dibao.gradualExitMonths', value: 6, effectiveFrom: SINCE, reference: '中办发〔2020〕18号《关于改革完善社会救助制度的意见》：渐退期', source: 'assumed', note: `${ASSUMED}; the length of the gradual-exit period is set locally (commonly 6–12 months)` },
  { regionCode: 'CN', parameter: 'temporary.townApprovalCap', value: 2000, effectiveFrom: SINCE, reference: '社会救助暂行办法 第九章（临时救助）；中办发〔2020〕18号：急难型临时救助先行救助、后补手续', source: 'assumed', note: `${ASSUMED}; the amount a town may grant at once is set by the county` },
  { regionCode: 'CN', parameter: 'monitoring.milestoneLeadDays', value: 30, effectiveFrom: SINCE, reference: 'national default (Xi’an’s practice)', source: 'assumed', note: 'ASSUMED nationally; SOURCED for 西安 (below)' },
  { regionCode: 'CN', parameter: 'employment.skillCertificateGrant', value: 0, effectiveFrom: SINCE, reference: 'no national grant: a county programme (宁阳)', source: 'assumed', note: 'none nationally' },
  // 370921 宁阳县 (山东泰安): “宁阳红·助学技”, 600 yuan per certificate obtained in the year.
  { regionCode: '370921', parameter: 'employment.skillCertificateGrant', value: 600, effectiveFrom: '2024-01-01', reference: `${ARTICLE}：年度内取得相应专业技术、职业技能证书的民政服务对象，均可获600元助学金（宁阳县）`, source: 'sourced', note: 'SOURCED figure; start date ASSUMED' },

  // ---- OTHER_HARDSHIP (其他困难人员), the merger's fifth layer: the article names it, not its rule.
  // ASSUMED national defaults from the start of the 2024 merger pilots; counties set their own.
  { regionCode: 'CN', parameter: 'otherHardship.incomeMultiplier', value: 2, effectiveFrom: '2024-08-01', reference: `${ARTICLE}：“两项政策”衔接并轨，分类纳入其他困难人员等范围`, source: 'assumed', note: `${ASSUMED}; the layer's rule is local` },
  { regionCode: 'CN', parameter: 'otherHardship.depositCapMonths', value: 48, effectiveFrom: '2024-08-01', reference: `${ARTICLE}：“两项政策”衔接并轨，分类纳入其他困难人员等范围`, source: 'assumed', note: `${ASSUMED}; the layer's rule is local` },

  // ---- 620825 庄浪县 (甘肃平凉): the 2024-08 "两项政策"衔接并轨 pilot. Figures SOURCED from the
  // article; the day (2024-08-01) is the month the article names; the earlier values are dated
  // from an ASSUMED 2020-01-01 so that the change is data at the county, whatever CN says.
  { regionCode: '620825', parameter: 'dibaoEdge.depositCapMonths', value: 24, effectiveFrom: SINCE, reference: `${ARTICLE}：低保边缘家庭存款上限原为24个月`, source: 'sourced', note: 'SOURCED figure; start date ASSUMED' },
  { regionCode: '620825', parameter: 'dibaoEdge.depositCapMonths', value: 36, effectiveFrom: '2024-08-01', reference: `${ARTICLE}：庄浪县低保边缘家庭的家庭存款上限由24个月提高至36个月`, source: 'sourced', note: 'SOURCED' },
  { regionCode: '620825', parameter: 'dibaoEdge.vehicleValueCap', value: 50000, effectiveFrom: SINCE, reference: `${ARTICLE}：无消费型车辆或大型农机具认定条件原为5万元以上`, source: 'sourced', note: 'SOURCED figure; start date ASSUMED' },
  { regionCode: '620825', parameter: 'dibaoEdge.vehicleValueCap', value: 80000, effectiveFrom: '2024-08-01', reference: `${ARTICLE}：无消费型车辆或大型农机具认定条件由5万元以上提高至8万元以上`, source: 'sourced', note: 'SOURCED' },
  { regionCode: '620825', parameter: 'dibaoEdge.farmMachineryValueCap', value: 50000, effectiveFrom: SINCE, reference: `${ARTICLE}：无消费型车辆或大型农机具认定条件原为5万元以上`, source: 'sourced', note: 'SOURCED figure; start date ASSUMED' },
  { regionCode: '620825', parameter: 'dibaoEdge.farmMachineryValueCap', value: 80000, effectiveFrom: '2024-08-01', reference: `${ARTICLE}：无消费型车辆或大型农机具认定条件由5万元以上提高至8万元以上`, source: 'sourced', note: 'SOURCED' },
  { regionCode: '620825', parameter: 'rigid.depositCapMonths', value: 36, effectiveFrom: SINCE, reference: `${ARTICLE}：刚性支出困难家庭存款上限原为36个月`, source: 'sourced', note: 'SOURCED figure; start date ASSUMED' },
  { regionCode: '620825', parameter: 'rigid.depositCapMonths', value: 42, effectiveFrom: '2024-08-01', reference: `${ARTICLE}：刚性支出困难家庭的存款上限由36个月提高至42个月`, source: 'sourced', note: 'SOURCED' },
  { regionCode: '620825', parameter: 'dibao.livingConditionsCheck', value: 1, effectiveFrom: '2024-08-01', reference: `${ARTICLE}：对低保对象的认定，在原有标准基础上新增住房和饮水安全指标`, source: 'sourced', note: 'SOURCED rule; its start date (with the pilot) ASSUMED' },

  // ---- 6101 西安市: rapid-help thresholds and the 70/80 supplement steps.
  { regionCode: '6101', parameter: 'medical.rapidHelp.resident', value: 50000, effectiveFrom: '2022-09-01', reference: `${ARTICLE}：城乡居民个人自付医疗费用超过5万元`, source: 'sourced', note: 'SOURCED figure; date = platform launch (2022-09), day ASSUMED' },
  { regionCode: '6101', parameter: 'medical.rapidHelp.keyRecipient', value: 10000, effectiveFrom: '2022-09-01', reference: `${ARTICLE}：重点救助对象个人自付费用超过1万元`, source: 'sourced', note: 'SOURCED figure; date = platform launch (2022-09), day ASSUMED' },
  { regionCode: '6101', parameter: 'monitoring.milestoneLeadDays', value: 30, effectiveFrom: '2022-09-01', reference: `${ARTICLE}：低保老年人满70、80周岁前的1个月，系统会提醒工作人员`, source: 'sourced', note: 'SOURCED (one month ≈ 30 days); day ASSUMED' },
  { regionCode: '6101', parameter: 'supplement.elderly70', value: 0.2, effectiveFrom: '2022-09-01', reference: `${ARTICLE}：满70周岁调整补助标准`, source: 'assumed', note: 'the step at 70 is SOURCED; the share 0.2 is ASSUMED' },
  { regionCode: '6101', parameter: 'supplement.elderly80', value: 0.3, effectiveFrom: '2022-09-01', reference: `${ARTICLE}：满80周岁调整补助标准`, source: 'assumed', note: 'the step at 80 is SOURCED; the share 0.3 is ASSUMED' },
];

/** The seed as policy values (what the table stores). */
export function seedValues(): PolicyValue[] {
  return POLICY_SEED.map((s) => ({
    regionCode: s.regionCode,
    parameter: s.parameter,
    value: s.value,
    effectiveFrom: s.effectiveFrom,
    setAt: SEED_SET_AT,
    setBy: SEED_SET_BY,
    reference: s.reference,
  }));
}
