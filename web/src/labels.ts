/** Chinese labels for the API's codes (presentation only; the codes come from the API). */
export const CATEGORY: Record<string, string> = {
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

export const STATUS: Record<string, { text: string; color: string }> = {
  SUBMITTED: { text: '已提交', color: 'default' },
  VERIFYING: { text: '核对中', color: 'processing' },
  VILLAGE_REVIEW: { text: '村级初审', color: 'processing' },
  TOWN_REVIEW: { text: '乡镇审核', color: 'processing' },
  PUBLIC_NOTICE: { text: '公示中', color: 'warning' },
  CITY_REVIEW: { text: '县市审批', color: 'processing' },
  APPROVED: { text: '已批准', color: 'success' },
  REJECTED: { text: '未批准', color: 'error' },
};

export const STAGES = ['SUBMITTED', 'VERIFYING', 'VILLAGE_REVIEW', 'TOWN_REVIEW', 'PUBLIC_NOTICE', 'CITY_REVIEW', 'APPROVED'] as const;

export const STAGE: Record<string, string> = {
  INTAKE: '受理',
  VERIFYING: '经济状况核对',
  CROSS_CHECK: '经济状况核对',
  ELIGIBILITY: '规则测算',
  VILLAGE_REVIEW: '村级意见',
  TOWN_REVIEW: '乡镇审核',
  PUBLIC_NOTICE: '公示',
  CITY_REVIEW: '县市审批',
  DECISION: '决定',
  GRANT: '发放',
  APPEAL: '复核申请',
  RECOMMENDATION: '规则建议',
  NOTICE: '公示',
  EXTENSION: '延长办理期限',
  DEADLINE: '办理期限',
};

export const DECISION: Record<string, string> = {
  SUBMITTED: '提交申请',
  approve: '同意',
  reject: '不同意',
  OBJECTION: '收到异议',
  APPROVED: '批准',
  REJECTED: '不予批准',
  CONSISTENT: '核对一致',
  DISCREPANCIES: '发现差异',
  OPENED: '开始办理',
  POSTED: '张贴公示',
  ELIGIBLE: '规则认定符合',
  INELIGIBLE: '规则认定不符合',
  ENDED: '公示期满',
  uphold: '维持',
  overturn: '撤销',
  EXTENDED: '延长至 45 个工作日',
  FILED: '提出复核申请',
};

export const LEVEL: Record<string, string> = { village: '村（社区）', town: '乡镇（街道）', city: '县市民政局' };

export const ROLE: Record<string, string> = {
  citizen: '居民',
  village: '村（社区）经办',
  town: '乡镇审核',
  city: '县市审批',
  admin: '系统管理',
  monitor: '监测预警',
};

export const RELATION: Record<string, string> = {
  self: '本人',
  spouse: '配偶',
  child: '子女',
  parent: '父母',
  grandchild: '孙子女',
  grandparent: '祖父母',
  sibling: '兄弟姐妹',
  other: '其他',
};

export const LABOR: Record<string, string> = { full: '有劳动能力', partial: '部分劳动能力', none: '无劳动能力' };

export const DISABILITY: Record<string, string> = {
  physical: '肢体',
  visual: '视力',
  hearing: '听力',
  speech: '言语',
  intellectual: '智力',
  mental: '精神',
  multiple: '多重',
};

export const WARNING_CLASS: Record<string, { text: string; color: string }> = {
  RAPID_HELP: { text: '快速救助', color: 'red' },
  DEMAND: { text: '需求预警', color: 'orange' },
  DYNAMIC: { text: '动态预警', color: 'blue' },
};

export const WARNING_STATUS: Record<string, { text: string; color: string }> = {
  OPEN: { text: '待核实', color: 'error' },
  VERIFIED: { text: '已核实', color: 'warning' },
  CLOSED: { text: '已办结', color: 'success' },
};

export const OUTCOME: Record<string, string> = {
  BENEFIT_ADJUSTED: '调整待遇',
  ASSISTANCE_GRANTED: '给予救助',
  REFERRED: '转介服务',
  NO_ACTION: '无需处置',
};

/** The rules' ids (functions/domain/eligibility.ts) in words. */
export const RULE: Record<string, string> = {
  'dibao.income.belowStandard': '家庭月人均收入低于当地低保标准',
  'dibao.assets.deposits': '存款不超过 标准 × 月数 × 人数',
  'dibao.assets.vehicle': '无超过限额的机动车（残疾人代步车除外）',
  'dibao.living.housingAndWaterSafe': '住房与饮水安全（参考指标）',
  'dibao.exclusion.notTekun': '未纳入特困供养',
  'dibao.amount.gap': '补差：（标准 − 月人均收入）× 人数',
  'dibao.supplement.elderly70': '分类施保：70–79 周岁老人',
  'dibao.supplement.elderly80': '分类施保：80 周岁以上老人',
  'dibao.supplement.minor': '分类施保：未成年人',
  'dibao.supplement.severeDisability': '分类施保：一、二级重度残疾人',
  'dibao.supplement.seriousIllness': '分类施保：重病患者',
  'tekun.noWorkingCapacity': '无劳动能力（60 周岁以上、未成年或规定等级残疾）',
  'tekun.noLivelihood.income': '无生活来源：月人均收入低于低保标准',
  'tekun.noLivelihood.deposits': '无生活来源：存款在低保限额内',
  'tekun.noLivelihood.vehicle': '无生活来源：无超限机动车',
  'tekun.noAbleSupporter': '无有赡养、抚养、扶养能力的法定义务人',
  'tekun.exclusion.orphanSupport': '孤儿改享孤儿基本生活保障',
  'tekun.amount.standard': '特困供养标准 × 供养人数',
  'dibaoEdge.exclusion.notDibaoOrTekun': '非低保、非特困',
  'dibaoEdge.income.belowMultiple': '月人均收入低于低保标准的倍数',
  'dibaoEdge.assets.deposits': '存款不超过 标准 × 月数 × 人数',
  'dibaoEdge.assets.vehicle': '无超过限额的机动车',
  'rigid.exclusion.notInOtherLayers': '非低保、特困、低保边缘',
  'rigid.income.belowAnnualLimit': '人均年收入低于上年当地人均可支配收入',
  'rigid.expenditure.aboveShare': '近 12 个月刚性支出超过家庭收入的规定比例',
  'rigid.assets.deposits': '存款不超过 标准 × 月数 × 人数',
  'orphan.parentsLost': '父母双亡或下落不明',
  'orphan.under18': '未满 18 周岁',
  'disabilityLiving.dibaoHousehold': '低保家庭（或当地扩面的边缘家庭）',
  'disabilityLiving.disabledMembers': '持残疾人证的成员',
  'disabilityLiving.amount': '残疾人生活补贴',
  'disabilityCare.severeMembers': '一、二级重度残疾成员',
  'disabilityCare.severeGrade': '残疾等级为一、二级',
  'temporary.caseworkerAssessment': '临时救助由经办人员逐案评估，不由规则自动给予',
};

export const ruleText = (rule: string) => RULE[rule] ?? rule;
export const categoryText = (code: string) => CATEGORY[code] ?? code;

/** Masked already by the API; shown as sent. */
export const yuan = (n: number | null | undefined) =>
  n === null || n === undefined ? '—' : `¥${n.toLocaleString('zh-CN', { minimumFractionDigits: 0, maximumFractionDigits: 2 })}`;

export const dateTime = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : '—');
export const dateOnly = (iso: string | undefined) => (iso ? new Date(iso).toLocaleDateString('zh-CN', { timeZone: 'Asia/Shanghai' }) : '—');
