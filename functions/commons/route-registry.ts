import type { FunctionDef, RouteDef } from '../../infra/manifest-types.ts';
import { registeredRoute, type RouteSchemas } from './route-schemas.ts';

/**
 * Every handler module that serves an HTTP route, imported by literal path so that a bundler
 * (the OpenAPI Lambda) includes them. A manifest route whose module is missing here is reported
 * by `loadRouteSchemas` (and fails tests/unit/openapi.test.ts) with what to add.
 */
export const ROUTE_MODULES: Record<string, () => Promise<Record<string, unknown>>> = {
  'functions/handlers/applications.ts': () => import('../handlers/applications.ts'),
  'functions/handlers/eligibility.ts': () => import('../handlers/eligibility.ts'),
  'functions/handlers/households.ts': () => import('../handlers/households.ts'),
  'functions/handlers/ledger.ts': () => import('../handlers/ledger.ts'),
  'functions/handlers/merger-api.ts': () => import('../handlers/merger-api.ts'),
  'functions/handlers/monitoring-api.ts': () => import('../handlers/monitoring-api.ts'),
  'functions/handlers/openapi.ts': () => import('../handlers/openapi.ts'),
  'functions/handlers/payments-api.ts': () => import('../handlers/payments-api.ts'),
  'functions/handlers/policies.ts': () => import('../handlers/policies.ts'),
  'functions/handlers/regions.ts': () => import('../handlers/regions.ts'),
  'functions/handlers/review-tasks.ts': () => import('../handlers/review-tasks.ts'),
  'functions/handlers/services-api.ts': () => import('../handlers/services-api.ts'),
  'functions/handlers/stats-api.ts': () => import('../handlers/stats-api.ts'),
};

export interface LoadedRoute {
  def: RouteDef;
  routeKey: string;
  schemas: RouteSchemas;
}

export interface RouteRegistry {
  routes: LoadedRoute[];
  /** One line per route whose schemas cannot be found, saying what to add. */
  problems: string[];
}

/**
 * The schemas of every manifest route: from the routeGroup registration, or, for a module whose
 * exported handler serves exactly one route, from that httpHandler's spec.
 */
export async function loadRouteSchemas(routes: readonly RouteDef[], functions: Record<string, FunctionDef>): Promise<RouteRegistry> {
  const out: LoadedRoute[] = [];
  const problems: string[] = [];
  for (const def of routes) {
    const routeKey = `${def.method} ${def.path}`;
    const fn = functions[def.function];
    if (!fn) {
      problems.push(`${routeKey}: function ${def.function} is not in the manifest`);
      continue;
    }
    const load = ROUTE_MODULES[fn.entry];
    if (!load) {
      problems.push(`${routeKey}: add '${fn.entry}': () => import('../${fn.entry.replace(/^functions\//, '')}') to ROUTE_MODULES in functions/commons/route-registry.ts`);
      continue;
    }
    const mod = await load();
    let schemas = registeredRoute(routeKey);
    if (!schemas && routes.filter((r) => r.function === def.function).length === 1) {
      schemas = (mod[fn.handler] as { spec?: RouteSchemas } | undefined)?.spec;
    }
    if (!schemas) {
      problems.push(`${routeKey}: no schemas registered; serve it with httpHandler({ body, query, params, response, ... }) inside routeGroup({ '${routeKey}': ... }) (functions/commons/http.ts)`);
      continue;
    }
    if (!schemas.response) {
      problems.push(`${routeKey}: its httpHandler spec has no \`response\` schema (the success body; the OpenAPI document and the console's types come from it)`);
    }
    out.push({ def, routeKey, schemas });
  }
  return { routes: out, problems };
}
