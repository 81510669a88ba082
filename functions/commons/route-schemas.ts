import type { z } from 'zod';

/**
 * The route → schema registry, shared by the OpenAPI document (GET /openapi.json, the console's
 * generated types) and the fuzz suite. A route's schemas are the very ones its handler validates
 * with: `httpHandler({ body, query, params, response, ... })` carries them, and
 * `routeGroup({ 'POST /x': handler })` registers them under the route key when the handler
 * module loads. `route-registry.ts` loads every handler module of the manifest and reads them.
 * This file stays tiny and import-free: every Lambda bundles it.
 */
export interface RouteDoc {
  /** One line for the API reference. */
  summary?: string;
  /** The success status, default 200. */
  status?: number;
  /** The success body's schema: documentation and the console's types (never validated at run time). */
  response?: z.ZodType;
}

export interface RouteSchemas extends RouteDoc {
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  roles?: readonly string[];
  /** Content type of the body when it is not JSON (e.g. text/csv). */
  bodyContentType?: string;
  /** Content type of the success body when it is not JSON (e.g. text/html). */
  responseContentType?: string;
}

const registered = new Map<string, RouteSchemas | undefined>();

/** Called by routeGroup (or by hand for a route outside httpHandler) at module load. */
export function registerRoute(routeKey: string, spec: RouteSchemas | undefined): void {
  registered.set(routeKey, spec);
}

export function registeredRoute(routeKey: string): RouteSchemas | undefined {
  return registered.get(routeKey);
}
