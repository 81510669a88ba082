import { useQuery } from '@tanstack/react-query';
import type { paths } from '../api/generated-schema';
import { api, unwrap } from './client.ts';

export type StatsQuery = NonNullable<paths['/stats/overview']['get']['parameters']['query']>;

/** The overview as the API sends it; its open records are read with the shapes API.md gives. */
export interface Overview {
  regionCode?: string;
  from?: string;
  to?: string;
  applications: { received?: number; decided?: number; approved?: number; rejected?: number; byCategory?: Record<string, number> };
  recipients: Record<string, { households?: number; people?: number }>;
  temporaryAid: { grants: number; amount: number };
  warnings: Record<string, number>;
  paid: { month: string; amount: number }[];
}

export function useOverview(query: StatsQuery) {
  return useQuery({ queryKey: ['stats', 'overview', query], queryFn: async () => (await unwrap(api.GET('/stats/overview', { params: { query } }))) as unknown as Overview });
}
