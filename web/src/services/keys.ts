/** TanStack Query keys, one family per API resource (invalidate a family after a write). */
export const keys = {
  application: (id: string) => ['applications', id] as const,
  applications: (filter: Record<string, string | undefined> = {}) => ['applications', 'list', filter] as const,
  reviewTasks: () => ['review-tasks'] as const,
  ledger: (householdId: string, year: number) => ['ledger', householdId, year] as const,
  warnings: (filter: Record<string, string | undefined>) => ['warnings', 'list', filter] as const,
  warningStats: (regionCode?: string) => ['warnings', 'stats', regionCode ?? ''] as const,
  run: (runId: string) => ['monitoring-runs', runId] as const,
  policies: (regionCode: string, date?: string) => ['policies', regionCode, date ?? ''] as const,
  policyHistory: (regionCode: string, parameter: string) => ['policies', 'history', regionCode, parameter] as const,
  region: (code: string) => ['regions', code] as const,
  eligibility: (body: unknown) => ['eligibility', JSON.stringify(body)] as const,
};
