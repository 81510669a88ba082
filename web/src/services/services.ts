import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { paths } from '../api/generated-schema';
import { api, unwrap } from './client.ts';

export type Catalog = paths['/services/catalog']['get']['responses'][200]['content']['application/json'];
export type Programme = paths['/programmes']['get']['responses'][200]['content']['application/json']['items'][number];
export type Organization = paths['/organizations/{id}']['get']['responses'][200]['content']['application/json'];
export type OrganizationBody = paths['/organizations/{id}']['put']['requestBody']['content']['application/json'];
export type OrganizationQuery = NonNullable<paths['/organizations']['get']['parameters']['query']>;
export type ServiceOrder = paths['/service-orders/{id}']['get']['responses'][200]['content']['application/json'];
export type OrderBody = paths['/service-orders']['post']['requestBody']['content']['application/json'];
export type OrderQuery = NonNullable<paths['/service-orders']['get']['parameters']['query']>;
export type VisitBody = paths['/service-orders/{id}/visits']['post']['requestBody']['content']['application/json'];
export type ServiceCode = OrderBody['items'][number];
export type ProgrammeCode = paths['/referrals']['post']['requestBody']['content']['application/json']['programmes'][number];

export function useCatalog() {
  return useQuery({ queryKey: ['services', 'catalog'], staleTime: 600_000, queryFn: () => unwrap(api.GET('/services/catalog', {})) });
}

export function useProgrammes() {
  return useQuery({ queryKey: ['programmes'], staleTime: 600_000, queryFn: () => unwrap(api.GET('/programmes', { params: { query: {} } })) });
}

export function useOrganizations(query: OrganizationQuery = {}) {
  return useQuery({ queryKey: ['organizations', 'list', query], queryFn: () => unwrap(api.GET('/organizations', { params: { query: { limit: 100, ...query } } })) });
}

export function usePutOrganization() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: OrganizationBody }) => unwrap(api.PUT('/organizations/{id}', { params: { path: { id } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['organizations'] }),
  });
}

export function useOrders(query: OrderQuery = {}) {
  return useQuery({ queryKey: ['service-orders', 'list', query], queryFn: () => unwrap(api.GET('/service-orders', { params: { query: { limit: 100, ...query } } })) });
}

export function useOrder(id: string | undefined) {
  return useQuery({ queryKey: ['service-orders', id ?? ''], enabled: !!id, queryFn: () => unwrap(api.GET('/service-orders/{id}', { params: { path: { id: id! } } })) });
}

export function useCreateOrder() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: OrderBody) => unwrap(api.POST('/service-orders', { body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['service-orders'] }),
  });
}

export function useAddVisit(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: VisitBody) => unwrap(api.POST('/service-orders/{id}/visits', { params: { path: { id } }, body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['service-orders'] }),
  });
}

export function useCancelOrder(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (reason: string) => unwrap(api.POST('/service-orders/{id}/cancel', { params: { path: { id } }, body: { reason } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['service-orders'] }),
  });
}

/** Service item codes → names, from the catalogue the API serves. */
export function useItemNames(): (code: string) => string {
  const catalog = useCatalog();
  const names = new Map((catalog.data?.items ?? []).map((i) => [i.code, `${i.category}·${i.name}`]));
  return (code) => names.get(code) ?? code;
}
