import type { ComponentType, LazyExoticComponent } from 'react';
import { lazy } from 'react';
import type { Role } from './auth/session.ts';

/**
 * The console's routes as data (Ant Design Pro style): the menu, the role guard and the lazy
 * page chunks all come from this list.
 */
export interface RouteDef {
  path: string;
  name: string;
  roles: readonly Role[];
  /** Listed in the side menu under this group. */
  group?: string;
  hideInMenu?: boolean;
  component: LazyExoticComponent<ComponentType>;
}

const REVIEWERS = ['village', 'town', 'city'] as const;
const MONITORS = ['village', 'town', 'city', 'monitor', 'admin'] as const;

export const ROUTES: RouteDef[] = [
  { path: '/citizen/apply', name: '申请救助（一门受理）', group: '居民服务', roles: ['citizen'], component: lazy(() => import('./pages/citizen/Apply.tsx')) },
  { path: '/citizen/applications', name: '我的申请', group: '居民服务', roles: ['citizen'], component: lazy(() => import('./pages/citizen/MyApplications.tsx')) },
  { path: '/citizen/applications/:id', name: '申请详情', roles: ['citizen'], hideInMenu: true, component: lazy(() => import('./pages/citizen/ApplicationDetail.tsx')) },
  { path: '/citizen/ledger', name: '我家的救助（一目了然）', group: '居民服务', roles: ['citizen'], component: lazy(() => import('./pages/citizen/Ledger.tsx')) },
  { path: '/review/tasks', name: '待办任务', group: '审核审批', roles: REVIEWERS, component: lazy(() => import('./pages/review/Tasks.tsx')) },
  { path: '/review/tasks/:taskId', name: '案件审核', roles: REVIEWERS, hideInMenu: true, component: lazy(() => import('./pages/review/Case.tsx')) },
  { path: '/review/cases/:id', name: '案件', roles: [...REVIEWERS, 'admin', 'monitor'], hideInMenu: true, component: lazy(() => import('./pages/review/Case.tsx')) },
  { path: '/family-ledger', name: '家庭救助台账', group: '审核审批', roles: [...REVIEWERS, 'admin', 'monitor'], component: lazy(() => import('./pages/citizen/Ledger.tsx')) },
  { path: '/citizen/household', name: '我的家庭档案', group: '居民服务', roles: ['citizen'], component: lazy(() => import('./pages/households/Household.tsx').then((m) => ({ default: m.MyHousehold }))) },
  { path: '/family/:id', name: '家庭档案', roles: ['citizen', ...REVIEWERS, 'admin', 'monitor'], hideInMenu: true, component: lazy(() => import('./pages/households/Household.tsx')) },
  { path: '/funds/rosters', name: '发放名册', group: '资金发放', roles: ['city', 'admin'], component: lazy(() => import('./pages/payments/Rosters.tsx')) },
  { path: '/funds/rosters/:id', name: '名册详情', roles: ['city', 'admin'], hideInMenu: true, component: lazy(() => import('./pages/payments/Roster.tsx')) },
  { path: '/funds/recoveries', name: '追缴', group: '资金发放', roles: ['city', 'admin'], component: lazy(() => import('./pages/payments/Recoveries.tsx')) },
  { path: '/services/orders', name: '服务工单', group: '服务类救助', roles: MONITORS, component: lazy(() => import('./pages/services/Orders.tsx')) },
  { path: '/services/orders/:id', name: '工单详情', roles: MONITORS, hideInMenu: true, component: lazy(() => import('./pages/services/Order.tsx')) },
  { path: '/services/organizations', name: '服务机构', group: '服务类救助', roles: MONITORS, component: lazy(() => import('./pages/services/Organizations.tsx')) },
  { path: '/services/directory', name: '服务目录与部门项目', group: '服务类救助', roles: MONITORS, component: lazy(() => import('./pages/services/Catalog.tsx')) },
  { path: '/statistics', name: '统计概览', group: '统计分析', roles: ['city', 'monitor', 'admin'], component: lazy(() => import('./pages/stats/Overview.tsx')) },
  { path: '/monitoring/warnings', name: '预警处置', group: '监测预警', roles: MONITORS, component: lazy(() => import('./pages/monitoring/Warnings.tsx')) },
  { path: '/monitoring/batches', name: '监测运行', group: '监测预警', roles: ['monitor', 'admin'], component: lazy(() => import('./pages/monitoring/Runs.tsx')) },
  { path: '/two-policies/assessments', name: '三级研判', group: '两项政策衔接', roles: REVIEWERS, component: lazy(() => import('./pages/merger/MergerAssessments.tsx')) },
  { path: '/two-policies/coverage', name: '覆盖率', group: '两项政策衔接', roles: [...REVIEWERS, 'admin', 'monitor'], component: lazy(() => import('./pages/merger/MergerCoverage.tsx')) },
  { path: '/two-policies/import', name: '监测对象导入', group: '两项政策衔接', roles: ['city', 'admin'], component: lazy(() => import('./pages/merger/MergerImport.tsx')) },
  { path: '/two-policies/surveys', name: '年度排查', group: '两项政策衔接', roles: [...REVIEWERS, 'admin', 'monitor'], component: lazy(() => import('./pages/merger/MergerSurveys.tsx')) },
  { path: '/two-policies/surveys/:id', name: '排查表', roles: [...REVIEWERS, 'admin', 'monitor'], hideInMenu: true, component: lazy(() => import('./pages/merger/MergerSurveys.tsx')) },
  { path: '/admin/policies', name: '政策参数', group: '系统管理', roles: ['admin'], component: lazy(() => import('./pages/admin/Policies.tsx')) },
];

/** Where each role starts. */
export const HOME: Record<Role, string> = {
  citizen: '/citizen/applications',
  village: '/review/tasks',
  town: '/review/tasks',
  city: '/review/tasks',
  monitor: '/monitoring/warnings',
  admin: '/admin/policies',
};
