import { useQuery } from '@tanstack/react-query';
import type { paths } from '../api/generated-schema';
import { api, unwrap } from './client.ts';
import { keys } from './keys.ts';

export type EvaluateBody = paths['/eligibility/evaluate']['post']['requestBody']['content']['application/json'];
export type Eligibility = paths['/eligibility/evaluate']['post']['responses'][200]['content']['application/json'];

export const evaluate = (body: EvaluateBody) => unwrap(api.POST('/eligibility/evaluate', { body }));

/** The live preview: re-evaluated whenever the (debounced) household changes. */
export function useEligibility(body: EvaluateBody | undefined) {
  return useQuery({
    queryKey: keys.eligibility(body),
    enabled: !!body,
    queryFn: () => evaluate(body!),
    retry: false,
    placeholderData: (prev) => prev,
  });
}
