import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths } from '../api/generated-schema';
import { api, unwrap } from './client.ts';
import { keys } from './keys.ts';

export type Application = paths['/applications/{id}']['get']['responses'][200]['content']['application/json'];
export type ApplyBody = paths['/applications']['post']['requestBody']['content']['application/json'];
export type Household = ApplyBody['household'];

export function useApplication(id: string | undefined) {
  return useQuery({
    queryKey: keys.application(id ?? ''),
    enabled: !!id,
    queryFn: () => unwrap(api.GET('/applications/{id}', { params: { path: { id: id! } } })),
  });
}

export function useSubmitApplication() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: ApplyBody; idempotencyKey: string }) =>
      unwrap(api.POST('/applications', { body, headers: { 'idempotency-key': idempotencyKey } })),
    onSuccess: (app) => {
      qc.setQueryData(keys.application(app.id), app);
      void qc.invalidateQueries({ queryKey: ['applications', 'list'] });
    },
  });
}

export function useObjection(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) => unwrap(api.POST('/applications/{id}/objections', { params: { path: { id } }, body: { reason } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.application(id) }),
  });
}

export type ApplicationQuery = NonNullable<paths['/applications']['get']['parameters']['query']>;
export type ApplicationSummary = paths['/applications']['get']['responses'][200]['content']['application/json']['items'][number];

/** A citizen's own cases, or the cases in a reviewer's jurisdiction. */
export function useApplications(query: ApplicationQuery = {}) {
  return useQuery({
    queryKey: keys.applications(query as Record<string, string | undefined>),
    queryFn: () => unwrap(api.GET('/applications', { params: { query } })),
  });
}

export function useAppeal(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) => unwrap(api.POST('/applications/{id}/appeals', { params: { path: { id } }, body: { reason } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.application(id) }),
  });
}
