import { useQuery } from '@tanstack/react-query';
import type { paths } from '../api/generated-schema';
import { api, unwrap } from './client.ts';
import { keys } from './keys.ts';

export type Ledger = paths['/households/{id}/ledger']['get']['responses'][200]['content']['application/json'];

export function useLedger(householdId: string | undefined, year: number) {
  return useQuery({
    queryKey: keys.ledger(householdId ?? '', year),
    enabled: !!householdId,
    queryFn: () => unwrap(api.GET('/households/{id}/ledger', { params: { path: { id: householdId! }, query: { year: String(year) } } })),
  });
}
