import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths } from '../api/generated-schema';
import { ApiError, api, unwrap } from './client.ts';

export type HouseholdView = paths['/households/{id}']['get']['responses'][200]['content']['application/json'];
export type ChangeBody = paths['/households/{id}/changes']['post']['requestBody']['content']['application/json'];
export type Payee = paths['/households/{id}/payee']['get']['responses'][200]['content']['application/json'];
export type PayeeBody = paths['/households/{id}/payee']['put']['requestBody']['content']['application/json'];
export type HelpChain = paths['/households/{id}/help-chain']['get']['responses'][200]['content']['application/json'];
export type ReferralBody = paths['/referrals']['post']['requestBody']['content']['application/json'];

export function useHousehold(id: string | undefined) {
  return useQuery({
    queryKey: ['households', id ?? ''],
    enabled: !!id,
    queryFn: () => unwrap(api.GET('/households/{id}', { params: { path: { id: id! } } })),
  });
}

/** A change report (收入、人口、财产、住址变化) → a re-review: the town reviews, the city decides. */
export function useReportChange(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ChangeBody) => unwrap(api.POST('/households/{id}/changes', { params: { path: { id } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['households', id] }),
  });
}

/** The payee (收款账户): 404 means none is on file yet, which the page says as such. */
export function usePayee(id: string | undefined, enabled = true) {
  return useQuery({
    queryKey: ['households', id ?? '', 'payee'],
    enabled: !!id && enabled,
    retry: false,
    queryFn: () =>
      unwrap(api.GET('/households/{id}/payee', { params: { path: { id: id! } } })).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
  });
}

export function useSetPayee(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PayeeBody) => unwrap(api.PUT('/households/{id}/payee', { params: { path: { id } }, body })),
    onSuccess: (p) => qc.setQueryData(['households', id, 'payee'], p),
  });
}

export function useHelpChain(id: string | undefined, year?: number) {
  return useQuery({
    queryKey: ['households', id ?? '', 'help-chain', year ?? ''],
    enabled: !!id,
    queryFn: () => unwrap(api.GET('/households/{id}/help-chain', { params: { path: { id: id! }, query: year ? { year: String(year) } : {} } })),
  });
}

export function useRefer() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ReferralBody) => unwrap(api.POST('/referrals', { body })),
    onSuccess: (_r, body) => qc.invalidateQueries({ queryKey: ['households', body.householdId] }),
  });
}
