import type { Role } from './session.ts';

/**
 * The local stack's sign-in choices: the people and jurisdictions `npm run seed:demo` makes
 * (scripts/seed-demo.ts: subs demo-citizen-<case>, demo-village-<code>, …). Locally only.
 */
export interface DemoPerson {
  sub: string;
  role: Role;
  regionCode?: string;
  name: string;
  note: string;
}

export const DEMO_PEOPLE: DemoPerson[] = [
  { sub: 'demo-citizen-xu', role: 'citizen', name: '徐新华', note: '周至县白杨林村 · 低保户（演示数据）' },
  { sub: 'demo-citizen-web', role: 'citizen', name: '新申请人', note: '在线提出申请（一门受理）' },
  { sub: 'demo-village-610124121200', role: 'village', regionCode: '610124121200', name: '白杨林村委会', note: '村级经办 · 快速响应服务队' },
  { sub: 'demo-town-610124121', role: 'town', regionCode: '610124121', name: '王家河镇', note: '乡镇审核' },
  { sub: 'demo-city-6101', role: 'city', regionCode: '6101', name: '西安市民政局', note: '县市审批' },
  { sub: 'demo-city-6101-b', role: 'city', regionCode: '6101', name: '西安市资金复核员', note: '县市民政局 · 发放名册复核（双人审核）' },
  { sub: 'demo-village-620825100200', role: 'village', regionCode: '620825100200', name: '庄浪县水洛镇东关村', note: '村级经办' },
  { sub: 'demo-town-620825100', role: 'town', regionCode: '620825100', name: '庄浪县水洛镇', note: '乡镇审核' },
  { sub: 'demo-city-6208', role: 'city', regionCode: '6208', name: '平凉市民政局', note: '县市审批（庄浪县）' },
  { sub: 'demo-village-370983108201', role: 'village', regionCode: '370983108201', name: '肥城市孙东村', note: '村级研判 · 年度排查（两项政策衔接）' },
  { sub: 'demo-town-370983108', role: 'town', regionCode: '370983108', name: '肥城市孙伯镇', note: '镇级研判' },
  { sub: 'demo-city-3709', role: 'city', regionCode: '3709', name: '泰安市民政局', note: '县市研判 · 监测对象导入（肥城）' },
  { sub: 'demo-monitor', role: 'monitor', name: '监测中心', note: '低收入人口动态监测' },
  { sub: 'demo-admin', role: 'admin', name: '系统管理员', note: '政策参数管理' },
];

/** The demo's villages, for the application form's region choice. */
export const DEMO_VILLAGES = [
  { code: '610124121200', name: '陕西省西安市周至县王家河镇白杨林村' },
  { code: '620825100200', name: '甘肃省平凉市庄浪县水洛镇东关村' },
  { code: '370983108201', name: '山东省泰安市肥城市孙伯镇孙东村' },
  { code: '610630101200', name: '陕西省延安市宜川县秋林镇秋林村' },
];
