import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client.ts';

export function useHousehold(id: string | undefined) {
  return useQuery({
    queryKey: ['households', id ?? ''],
    enabled: !!id,
    queryFn: () => unwrap(api.GET('/households/{id}', { params: { path: { id: id! } } })),
  });
}
