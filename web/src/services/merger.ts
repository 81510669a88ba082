import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths } from '../api/generated-schema';
import { api, unwrap } from './client.ts';

/** 两项政策 merger: assessments (市镇村三级研判), coverage, imports, the yearly survey (排查). */
export type AssessmentQuery = NonNullable<paths['/merger/assessments']['get']['parameters']['query']>;
export type DecisionBody = paths['/merger/assessments/{id}/decision']['post']['requestBody']['content']['application/json'];
export type SurveyForm = paths['/merger/surveys/{id}']['post']['requestBody']['content']['application/json'];

/** An open assessment as GET /merger/assessments lists it. */
export interface Assessment {
  id: string;
  recordId: string;
  level: 'village' | 'town' | 'city';
  status: string;
  regionCode: string;
  person: string;
  name: string;
  relation: string;
  householdRef: string;
  riskTypes: string[];
  identifiedOn: string;
  label: { code: string; riskTypes: string[]; since: string };
  recommendation: { layer: string | null; monthlyAmount: number; reasons: { rule: string; passed: boolean; actual: unknown; limit: unknown; reference?: string }[] };
  opinions: Partial<Record<'village' | 'town' | 'city', { decision: string; category?: string; reason: string; by: string; at: string }>>;
}

export const mergerKeys = {
  assessments: (q: Record<string, unknown>) => ['merger', 'assessments', q] as const,
  coverage: (regionCode: string, from?: string, to?: string) => ['merger', 'coverage', regionCode, from ?? '', to ?? ''] as const,
  import: (id: string) => ['merger', 'imports', id] as const,
  surveys: (q: Record<string, unknown>) => ['merger', 'surveys', q] as const,
  survey: (id: string) => ['merger', 'survey', id] as const,
};

export function useAssessments(query: AssessmentQuery) {
  return useQuery({
    queryKey: mergerKeys.assessments(query),
    queryFn: async () => {
      const page = await unwrap(api.GET('/merger/assessments', { params: { query } }));
      return { items: page.items as unknown as Assessment[], nextCursor: page.nextCursor };
    },
  });
}

export function useDecide() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: DecisionBody }) => unwrap(api.POST('/merger/assessments/{id}/decision', { params: { path: { id } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['merger'] }),
  });
}

export function useCoverage(regionCode: string | undefined, from?: string, to?: string) {
  return useQuery({
    queryKey: mergerKeys.coverage(regionCode ?? '', from, to),
    queryFn: () => unwrap(api.GET('/merger/coverage', { params: { query: { ...(regionCode ? { regionCode } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}) } } })),
  });
}

/** POST /merger/imports with the file's bytes as they are (UTF-8 or GBK: the API detects it). */
export function useStartImport() {
  return useMutation({
    mutationFn: (file: Blob) =>
      unwrap(
        api.POST('/merger/imports', {
          body: file as never,
          bodySerializer: (b: unknown) => b as BodyInit,
          headers: { 'content-type': 'text/csv' },
        }),
      ),
  });
}

export function useImport(importId: string | undefined) {
  return useQuery({
    queryKey: mergerKeys.import(importId ?? ''),
    enabled: !!importId,
    queryFn: () => unwrap(api.GET('/merger/imports/{id}', { params: { path: { id: importId! } } })),
    refetchInterval: (q) => (q.state.data?.status === 'RUNNING' ? 1000 : false),
  });
}

export function useSurveys(query: NonNullable<paths['/merger/surveys']['get']['parameters']['query']>) {
  return useQuery({ queryKey: mergerKeys.surveys(query), queryFn: () => unwrap(api.GET('/merger/surveys', { params: { query } })) });
}

export function useSurvey(id: string | undefined) {
  return useQuery({ queryKey: mergerKeys.survey(id ?? ''), enabled: !!id, queryFn: () => unwrap(api.GET('/merger/surveys/{id}', { params: { path: { id: id! } } })) });
}

export function useSubmitSurvey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: SurveyForm }) => unwrap(api.POST('/merger/surveys/{id}', { params: { path: { id } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['merger'] }),
  });
}
