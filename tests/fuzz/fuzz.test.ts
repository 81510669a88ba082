import { writeFileSync, mkdirSync } from 'node:fs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRouteSchemas, type LoadedRoute } from '../../functions/commons/route-registry.ts';
import { manifest } from '../../infra/manifest.ts';
import type { FunctionDef, TableDef } from '../../infra/manifest-types.ts';
import type { LocalStack } from '../../local/runtime.ts';
import { tableName } from '../../local/names.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';
import { fullIdsIn } from '../support/id-scan.ts';
import { bodyArb, jsonSchemaOf, pathValueArb, queryArb, shaped, UNKNOWN_KEY } from './derive.ts';
import { EXAMPLES, tokenFor } from './examples.ts';

/**
 * Fuzz every manifest route from its own zod schemas (functions/commons/route-registry.ts):
 * shaped bodies, the same with an unknown field injected anywhere, weird leaves, random JSON,
 * deep nesting, garbage; random path values (malformed percent-encoding too) and query strings
 * with unknown parameters. Asserts: no 5xx, no unknown field accepted (2xx) or stored (a scan of
 * every table at the end), no full ID number in any response. `npm test` sends ≈ 2,000
 * requests; `npm run fuzz` (FUZZ_REQUESTS=10000) more.
 */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

let stack: LocalStack;
let api: ApiClient;
let routes: LoadedRoute[];
const figures = { requests: 0, serverErrors: 0, unknownAccepted: 0, unknownStored: 0, fullIdsInResponses: 0, byStatus: {} as Record<string, number> };
const failures: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  const registry = await loadRouteSchemas(manifest.routes, manifest.functions as Record<string, FunctionDef>);
  expect(registry.problems, 'every manifest route must register its schemas').toEqual([]);
  routes = registry.routes;
}, 120_000);

afterAll(async () => {
  mkdirSync('.local/test-logs', { recursive: true });
  writeFileSync('.local/test-logs/fuzz-figures.json', JSON.stringify({ ...figures, routes: routes?.length, at: new Date().toISOString() }, null, 2));
  await stack?.stop();
});

function fill(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}+]+)\+?\}/g, (_m, name: string) => values[name] ?? 'x');
}

async function send(route: LoadedRoute, req: { path: string; query?: string; body?: string; mutation: string; injected?: string | undefined }, token: string) {
  const url = req.query ? `${req.path}?${req.query}` : req.path;
  const res = await api.request(route.def.method, url, {
    token,
    ...(req.body !== undefined ? { rawBody: req.body } : {}),
    headers: { 'idempotency-key': `fuzz-${figures.requests}-${SEED}` },
  });
  figures.requests++;
  figures.byStatus[res.status] = (figures.byStatus[res.status] ?? 0) + 1;
  figures.fullIdsInResponses += fullIdsIn(res.text).length;
  const what = `${route.routeKey} [${req.mutation}${req.injected ? ` ${req.injected}` : ''}] ${url.slice(0, 120)} body ${String(req.body ?? '').slice(0, 160)}`;
  if (res.status >= 500) {
    figures.serverErrors++;
    failures.push(`${res.status} ${what}: ${res.text.slice(0, 200)}`);
  }
  if (req.mutation === 'unknown-field' && res.status < 300) {
    figures.unknownAccepted++;
    failures.push(`unknown field accepted (${res.status}) ${what}: make the schema strict (z.strictObject) at ${req.injected}`);
  }
}

describe('fuzz: every route from its schemas', () => {
  it(`${TOTAL} requests across every manifest route: no 5xx, no unknown field accepted or stored, no full ID`, async () => {
    const perRoute = Math.max(10, Math.ceil(TOTAL / routes.length));
    for (const route of routes) {
      const example = EXAMPLES[route.routeKey];
      const token = await tokenFor(api, route.schemas.roles);
      const paramNames = [...route.def.path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]!);
      const base = example?.body ? fc.constant(example.body()) : route.schemas.body ? shaped(jsonSchemaOf(route.schemas.body)) : undefined;
      const queryKeys = route.schemas.query ? Object.keys(((jsonSchemaOf(route.schemas.query).properties ?? {}) as Record<string, unknown>)) : [];
      const arb = fc.record({
        params: fc.tuple(...paramNames.map(() => pathValueArb), fc.boolean()),
        body: base ? bodyArb(base, example?.openPaths) : fc.constant(undefined),
        query: queryArb(queryKeys),
      });
      const samples = fc.sample(arb, { numRuns: perRoute, seed: SEED + route.routeKey.length });
      for (const s of samples) {
        // Half the requests use the example's real path values (ids that exist), half random ones.
        const useExample = s.params[paramNames.length] && example?.params;
        const values = useExample ? example!.params!() : Object.fromEntries(paramNames.map((n, i) => [n, s.params[i] as string]));
        await send(
          route,
          {
            path: fill(route.def.path, values),
            ...(s.query.text ? { query: s.query.text } : {}),
            ...(s.body ? { body: s.body.text, mutation: s.body.mutation, injected: s.body.injected } : { mutation: s.query.unknown ? 'unknown-query' : 'path' }),
          },
          token,
        );
      }
    }
    // Nothing sent under the unknown key may have been stored anywhere.
    for (const [logical] of Object.entries(manifest.tables) as [string, TableDef][]) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await stack.ctx.doc.send(new ScanCommand({ TableName: tableName(logical), ...(start ? { ExclusiveStartKey: start } : {}) }));
        for (const item of page.Items ?? []) {
          if (JSON.stringify(item).includes(UNKNOWN_KEY)) {
            figures.unknownStored++;
            failures.push(`unknown field stored in ${logical}: ${JSON.stringify(item).slice(0, 200)}`);
          }
        }
        start = page.LastEvaluatedKey;
      } while (start);
    }
    console.log(`fuzz: ${figures.requests} requests over ${routes.length} routes; 5xx ${figures.serverErrors}; unknown fields accepted ${figures.unknownAccepted}, stored ${figures.unknownStored}; full IDs in responses ${figures.fullIdsInResponses}; by status ${JSON.stringify(figures.byStatus)}`);
    expect(failures.slice(0, 30)).toEqual([]);
    expect(figures.requests).toBeGreaterThanOrEqual(TOTAL);
    expect(figures.fullIdsInResponses).toBe(0);
  }, 1_800_000);
});
