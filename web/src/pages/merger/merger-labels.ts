/** Chinese labels of the merger's codes (presentation only). */
export const RISK: Record<string, string> = {
  ILLNESS: '因病',
  DISABILITY: '因残',
  EDUCATION: '因学',
  DISASTER: '因灾',
  ACCIDENT: '因意外事故',
  UNSTABLE_EMPLOYMENT: '务工就业不稳',
  OTHER: '其他',
};
export const LAYERS = ['TEKUN', 'DIBAO', 'DIBAO_EDGE', 'RIGID_EXPENDITURE', 'OTHER_HARDSHIP'] as const;
export const LABEL_TEXT: Record<string, string> = { FORMER_PREVENTION_MONITORING: '原防返贫监测对象' };
export const pct = (x: number | null | undefined) => (x === null || x === undefined ? '—' : `${(Math.round(x * 10000) / 100).toFixed(2)}%`);
