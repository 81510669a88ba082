import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths } from '../api/generated-schema';
import { api, unwrap } from './client.ts';
import { keys } from './keys.ts';

export type WarningQuery = NonNullable<paths['/warnings']['get']['parameters']['query']>;
export type Warning = paths['/warnings']['get']['responses'][200]['content']['application/json']['items'][number];
export type CloseBody = paths['/warnings/{id}/close']['post']['requestBody']['content']['application/json'];

export function useWarnings(query: WarningQuery) {
  return useQuery({ queryKey: keys.warnings(query as Record<string, string | undefined>), queryFn: () => unwrap(api.GET('/warnings', { params: { query } })) });
}

export function useWarningStats(regionCode?: string) {
  return useQuery({
    queryKey: keys.warningStats(regionCode),
    queryFn: () => unwrap(api.GET('/warnings/stats', { params: { query: regionCode ? { regionCode } : {} } })),
  });
}

function useWarningWrite<T>(fn: (v: T) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation({ mutationFn: fn, onSuccess: () => qc.invalidateQueries({ queryKey: ['warnings'] }) });
}

export const useVerifyWarning = () =>
  useWarningWrite(({ id, note }: { id: string; note: string }) => unwrap(api.POST('/warnings/{id}/verify', { params: { path: { id } }, body: { note } })));

export const useCloseWarning = () =>
  useWarningWrite(({ id, body }: { id: string; body: CloseBody }) => unwrap(api.POST('/warnings/{id}/close', { params: { path: { id } }, body })));

export function useStartRun() {
  return useMutation({ mutationFn: (asOf: string) => unwrap(api.POST('/monitoring/runs', { body: { asOf } })) });
}

export function useRun(runId: string | undefined) {
  return useQuery({
    queryKey: keys.run(runId ?? ''),
    enabled: !!runId,
    queryFn: () => unwrap(api.GET('/monitoring/runs/{runId}', { params: { path: { runId: runId! } } })),
    refetchInterval: (q) => (q.state.data?.status === 'RUNNING' ? 1000 : false),
  });
}
