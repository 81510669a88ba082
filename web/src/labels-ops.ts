/**
 * Chinese labels for the operations pages (households, payments, services, statistics):
 * presentation only; the codes come from the API.
 */
export const ENTITLEMENT_STATUS: Record<string, { text: string; color: string }> = {
  ACTIVE: { text: '享受中', color: 'success' },
  GRADUAL_EXIT: { text: '渐退期', color: 'warning' },
  ENDED: { text: '已停止', color: 'default' },
};

export const HOUSEHOLD_EVENT: Record<string, string> = {
  APPROVED: '批准救助',
  CHANGE_REPORTED: '报告家庭变化（启动复核）',
  REREVIEW_DECIDED: '复核决定',
  REREVIEW_OPENED: '启动复核',
  DECEASED: '成员死亡登记',
  PERSON_DECEASED: '成员死亡登记',
  ENTITLEMENT_ENDED: '救助终止',
  BENEFIT_ADJUSTED: '调整待遇',
  LABELLED: '标注',
  MERGED: '两项政策衔接纳入',
};

export const REREVIEW_OUTCOME: Record<string, string> = {
  NO_CHANGE: '维持不变',
  INCREASE: '提高救助金',
  REDUCTION: '减发救助金',
  TERMINATION: '停止救助',
  GRADUAL_EXIT: '渐退（收入因就业超过标准，救助延续数月后停止）',
};

export const CHANGE_KIND: Record<string, string> = {
  INCOME: '收入变化',
  MEMBERS: '家庭人口变化',
  ASSETS: '财产变化',
  ADDRESS: '住址变化',
};

export const LABEL_CODE: Record<string, string> = {
  FORMER_PREVENTION_MONITORING: '原防止返贫致贫监测对象',
};

export const RISK_TYPE: Record<string, string> = {
  ILLNESS: '因病',
  DISABILITY: '因残',
  EDUCATION: '因学',
  DISASTER: '因灾',
  ACCIDENT: '因意外',
  UNSTABLE_EMPLOYMENT: '务工就业不稳',
  OTHER: '其他',
};

export const HELP_LAYER: Record<string, string> = {
  BASIC: '基本生活救助',
  SPECIAL: '专项救助',
  CHARITY: '慈善帮扶',
  SERVICES: '服务类救助',
};

export const HELP_KIND: Record<string, string> = {
  ENTITLEMENT: '救助待遇',
  GRANT: '部门发放',
  REFERRAL: '转介',
  SERVICE_ORDER: '服务工单',
};

export const REFERRAL_STATUS: Record<string, { text: string; color: string }> = {
  OPEN: { text: '办理中', color: 'processing' },
  GRANTED: { text: '已给予', color: 'success' },
  DECLINED: { text: '未给予', color: 'default' },
};

export const ROSTER_STATUS: Record<string, { text: string; color: string }> = {
  BUILDING: { text: '生成中', color: 'processing' },
  DRAFT: { text: '待审核', color: 'warning' },
  APPROVED: { text: '已审核', color: 'success' },
};

export const LINE_STATUS: Record<string, { text: string; color: string }> = {
  PAYABLE: { text: '待发放', color: 'processing' },
  HELD: { text: '暂缓发放', color: 'warning' },
  RETURNED: { text: '银行退回', color: 'error' },
  STOPPED: { text: '停发', color: 'default' },
};

export const LINE_KIND: Record<string, string> = {
  CURRENT: '当月',
  ADJUSTMENT: '补差调整',
  REPAYMENT: '补发',
};

export const HOLD_REASON: Record<string, string> = {
  NO_PAYEE: '未登记收款账户',
  ACCOUNT_RETURNED: '账户被银行退回，待更正',
};

export const CHANNEL: Record<string, string> = { BANK: '银行账户', SOCIAL_SECURITY_CARD: '社保卡' };

export const RECOVERY_REASON: Record<string, string> = { DECEASED: '死亡后仍发放', TERMINATED: '终止后仍发放' };
export const RECOVERY_STATUS: Record<string, { text: string; color: string }> = {
  OPEN: { text: '待追缴', color: 'error' },
  RECOVERED: { text: '已追回', color: 'success' },
  WAIVED: { text: '已核销', color: 'default' },
};

export const ORG_KIND: Record<string, string> = {
  SOCIAL_ORGANIZATION: '社会组织',
  SERVICE_TEAM: '服务队',
  RAPID_RESPONSE_TEAM: '急难问题快速响应服务队',
  SERVICE_STATION: '社会救助服务站',
  CHARITY: '慈善组织',
};

export const ORDER_STATUS: Record<string, { text: string; color: string }> = {
  ACTIVE: { text: '服务中', color: 'processing' },
  COMPLETED: { text: '已完成', color: 'success' },
  CANCELLED: { text: '已取消', color: 'default' },
};

export const RECURRENCE: Record<string, string> = { ONCE: '一次性', MONTHLY: '每月上门' };

/** A masked account number as the API sends it (never the full number). */
export const text = (m: Record<string, string>, code: string | undefined) => (code ? m[code] ?? code : '—');
