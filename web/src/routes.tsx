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
  { path: '/households/ledger', name: '家庭救助台账', group: '审核审批', roles: [...REVIEWERS, 'admin', 'monitor'], component: lazy(() => import('./pages/citizen/Ledger.tsx')) },
  { path: '/monitoring/warnings', name: '预警处置', group: '监测预警', roles: MONITORS, component: lazy(() => import('./pages/monitoring/Warnings.tsx')) },
  { path: '/monitoring/runs', name: '监测运行', group: '监测预警', roles: ['monitor', 'admin'], component: lazy(() => import('./pages/monitoring/Runs.tsx')) },
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
