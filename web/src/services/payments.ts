import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths } from '../api/generated-schema';
import { api, unwrap } from './client.ts';

export type Roster = paths['/payments/rosters/{id}']['get']['responses'][200]['content']['application/json'];
export type RosterLine = paths['/payments/rosters/{id}/lines']['get']['responses'][200]['content']['application/json']['items'][number];
export type Recovery = paths['/payments/recoveries']['get']['responses'][200]['content']['application/json']['items'][number];
export type RosterQuery = NonNullable<paths['/payments/rosters']['get']['parameters']['query']>;

export function useRosters(query: RosterQuery) {
  return useQuery({ queryKey: ['payments', 'rosters', query], queryFn: () => unwrap(api.GET('/payments/rosters', { params: { query } })) });
}

/** A roster is built asynchronously: BUILDING is polled until it is a DRAFT. */
export function useRoster(id: string | undefined) {
  return useQuery({
    queryKey: ['payments', 'roster', id ?? ''],
    enabled: !!id,
    queryFn: () => unwrap(api.GET('/payments/rosters/{id}', { params: { path: { id: id! } } })),
    refetchInterval: (q) => (q.state.data?.status === 'BUILDING' ? 1000 : false),
  });
}

/** All the lines of a roster (paged by the API, 100 at a time). */
export function useRosterLines(id: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['payments', 'roster', id ?? '', 'lines'],
    enabled: !!id && enabled,
    queryFn: async () => {
      const all: RosterLine[] = [];
      let cursor: string | undefined;
      do {
        const page = await unwrap(api.GET('/payments/rosters/{id}/lines', { params: { path: { id: id! }, query: { limit: 100, ...(cursor ? { cursor } : {}) } } }));
        all.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return all;
    },
  });
}

export function useCreateRoster() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { month: string; countyCode: string }) => unwrap(api.POST('/payments/rosters', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['payments', 'rosters'] }),
  });
}

export function useApproveRoster(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.POST('/payments/rosters/{id}/approve', { params: { path: { id } } })),
    onSuccess: (r) => {
      qc.setQueryData(['payments', 'roster', id], r);
      void qc.invalidateQueries({ queryKey: ['payments', 'rosters'] });
    },
  });
}

export function useRecordReturns(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (lines: { lineId: string; reason: string }[]) => unwrap(api.POST('/payments/rosters/{id}/returns', { params: { path: { id } }, body: { lines } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['payments', 'roster', id] }),
  });
}

/**
 * The bank file (CSV, accounts masked: the bank's own copy with full accounts is fetched by the
 * bank interface, not shown in the console). Fetched with the session's token, saved as a file.
 */
export async function downloadBankFile(id: string): Promise<void> {
  const blob = (await unwrap(api.GET('/payments/rosters/{id}/file', { params: { path: { id } }, parseAs: 'blob' }))) as unknown as Blob;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${id}.csv`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function useRecoveries(regionCode: string | undefined) {
  return useQuery({
    queryKey: ['payments', 'recoveries', regionCode ?? ''],
    queryFn: () => unwrap(api.GET('/payments/recoveries', { params: { query: regionCode ? { regionCode } : {} } })),
  });
}

export function useCloseRecovery() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, outcome, note }: { id: string; outcome: 'RECOVERED' | 'WAIVED'; note: string }) =>
      unwrap(api.POST('/payments/recoveries/{id}/close', { params: { path: { id } }, body: { outcome, note } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['payments', 'recoveries'] }),
  });
}
