import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from './client.ts';
import { keys } from './keys.ts';

export function useRegion(code: string | undefined) {
  return useQuery({
    queryKey: keys.region(code ?? ''),
    enabled: !!code && /^\d{2,12}$/.test(code),
    staleTime: Infinity,
    queryFn: () => unwrap(api.GET('/regions/{code}', { params: { path: { code: code! } } })),
  });
}
