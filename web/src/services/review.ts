import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths } from '../api/generated-schema';
import { api, unwrap } from './client.ts';
import { keys } from './keys.ts';

export type ReviewTask = paths['/review-tasks']['get']['responses'][200]['content']['application/json']['items'][number];
export type DecisionBody = paths['/review-tasks/{id}/decision']['post']['requestBody']['content']['application/json'];

export function useReviewTasks() {
  return useQuery({ queryKey: keys.reviewTasks(), queryFn: () => unwrap(api.GET('/review-tasks', {})) });
}

export function useDecide(taskId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: DecisionBody) => unwrap(api.POST('/review-tasks/{id}/decision', { params: { path: { id: taskId } }, body })),
    onSuccess: (res) => {
      void qc.invalidateQueries({ queryKey: keys.reviewTasks() });
      void qc.invalidateQueries({ queryKey: keys.application(res.applicationId) });
    },
  });
}

export function useReviewTask(id: string | undefined) {
  return useQuery({
    queryKey: [...keys.reviewTasks(), id ?? ''],
    enabled: !!id,
    queryFn: () => unwrap(api.GET('/review-tasks/{id}', { params: { path: { id: id! } } })),
  });
}
