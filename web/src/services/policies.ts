import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths } from '../api/generated-schema';
import { api, unwrap } from './client.ts';
import { keys } from './keys.ts';

type PutParams = paths['/policies/{regionCode}/{parameter}']['put']['parameters']['path'];
export type ParameterName = PutParams['parameter'];
export type PolicyValue = paths['/policies/{regionCode}/{parameter}']['get']['responses'][200]['content']['application/json']['items'][number];

export function usePolicies(regionCode: string, date?: string) {
  return useQuery({
    queryKey: keys.policies(regionCode, date),
    queryFn: () => unwrap(api.GET('/policies', { params: { query: { regionCode, ...(date ? { date } : {}) } } })),
  });
}

export function usePolicyHistory(regionCode: string, parameter: ParameterName) {
  return useQuery({
    queryKey: keys.policyHistory(regionCode, parameter),
    queryFn: () => unwrap(api.GET('/policies/{regionCode}/{parameter}', { params: { path: { regionCode, parameter } } })),
  });
}

export function usePutPolicy() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ regionCode, parameter, body }: { regionCode: string; parameter: ParameterName; body: { value: number; effectiveFrom: string; reference?: string } }) =>
      unwrap(api.PUT('/policies/{regionCode}/{parameter}', { params: { path: { regionCode, parameter } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['policies'] }),
  });
}
