import { mkdirSync, writeFileSync } from 'node:fs';
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
import { buildWorld, type World } from '../support/world.ts';
import { MATRIX, tokenOf, type Principal } from './authz-entries.ts';
import { bodyMutationArb, jsonSchemaOf, pathValueArb, queryArb, shaped, UNKNOWN_KEY } from './derive.ts';

/**
 * Fuzz every manifest route. Each route's valid request is its authorization-matrix entry
 * (authz-entries.ts) on real objects in two jurisdictions (tests/support/world.ts: real ids,
 * fresh people), sent as one of the principals allowed to make it; around it: bodies shaped from
 * the route's own zod schemas (functions/commons/route-registry.ts), the valid body with an
 * unknown field injected anywhere, weird leaves, random JSON, deep nesting, garbage; random path
 * values (malformed percent-encoding too); query strings with weird values and unknown
 * parameters. Asserts: no 5xx, no unknown field accepted (2xx) or stored (a scan of every table at
 * the end), no full ID number in any response. `npm test` sends ≈ 2,000 requests; `npm run fuzz`
 * (FUZZ_REQUESTS=10000) more. Figures: one line on the terminal and .local/test-logs/fuzz-figures.json.
 */
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Kind = 'valid' | 'path' | 'query' | 'shaped' | 'unknown-field' | 'weird-leaf' | 'random-json' | 'deep' | 'garbage';

let stack: LocalStack;
let api: ApiClient;
let routes: LoadedRoute[];
let world: World;
const figures = {
  requests: 0,
  routes: 0,
  byClass: { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 } as Record<string, number>,
  byStatus: {} as Record<string, number>,
  byKind: {} as Record<string, { sent: number; ok: number }>,
  valid: { sent: 0, ok: 0, refused: 0 },
  serverErrors: 0,
  unknownAccepted: 0,
  unknownStored: 0,
  fullIdsInResponses: 0,
  /** Routes whose valid requests never reached 2xx (state-bound: a task decides once, ...). */
  routesWithoutValid2xx: [] as string[],
  /** Valid requests an allowed principal had refused (401/403/404), by route, with one answer. */
  validRefusedByRoute: {} as Record<string, { count: number; example: string }>,
  ms: 0,
};
const failures: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  const registry = await loadRouteSchemas(manifest.routes, manifest.functions as Record<string, FunctionDef>);
  expect(registry.problems, 'every manifest route must register its schemas').toEqual([]);
  routes = registry.routes;
  world = await buildWorld(stack, api);
}, 180_000);

afterAll(async () => {
  mkdirSync('.local/test-logs', { recursive: true });
  writeFileSync('.local/test-logs/fuzz-figures.json', JSON.stringify({ ...figures, seed: SEED, at: new Date().toISOString() }, null, 2));
  await stack?.stop();
});

function fill(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}+]+)\+?\}/g, (_m, name: string) => values[name] ?? 'x');
}

async function send(route: LoadedRoute, req: { url: string; body?: string | undefined; kind: Kind; injected?: string | undefined }, token: string | undefined) {
  const res = await api.request(route.def.method, req.url, {
    ...(token ? { token } : {}),
    ...(req.body !== undefined ? { rawBody: req.body } : {}),
    headers: { 'idempotency-key': `fuzz-${figures.requests}-${SEED}` },
  });
  figures.requests++;
  figures.byStatus[res.status] = (figures.byStatus[res.status] ?? 0) + 1;
  const cls = `${Math.floor(res.status / 100)}xx`;
  figures.byClass[cls] = (figures.byClass[cls] ?? 0) + 1;
  const k = (figures.byKind[req.kind] ??= { sent: 0, ok: 0 });
  k.sent++;
  const ok = res.status >= 200 && res.status < 300;
  if (ok) k.ok++;
  figures.fullIdsInResponses += fullIdsIn(res.text).length;
  const what = `${route.routeKey} [${req.kind}${req.injected ? ` ${req.injected}` : ''}] ${req.url.slice(0, 120)} body ${String(req.body ?? '').slice(0, 160)}`;
  if (res.status >= 500) {
    figures.serverErrors++;
    failures.push(`${res.status} ${what}: ${res.text.slice(0, 200)}`);
  }
  if (req.kind === 'unknown-field' && ok) {
    figures.unknownAccepted++;
    failures.push(`unknown field accepted (${res.status}) ${what}: make the schema strict (z.strictObject) at ${req.injected}`);
  }
  if (req.kind === 'valid') {
    figures.valid.sent++;
    if (ok) figures.valid.ok++;
    if ([401, 403, 404].includes(res.status)) {
      figures.valid.refused++;
      const r = (figures.validRefusedByRoute[route.routeKey] ??= { count: 0, example: `${res.status} ${res.text.slice(0, 160)}` });
      r.count++;
    }
  }
  return ok;
}

describe('fuzz: every route from its schemas', () => {
  it(`${TOTAL} requests across every manifest route: no 5xx, no unknown field accepted or stored, no full ID`, async () => {
    const started = Date.now();
    const perRoute = Math.max(10, Math.ceil(TOTAL / routes.length));
    for (const route of routes) {
      const entry = MATRIX[route.routeKey];
      expect(entry, `${route.routeKey} has no entry in tests/fuzz/authz-entries.ts`).toBeDefined();
      // The world's own principals (the matrix's extra ones — neighbours, forged tokens — are its own).
      const principals = entry!.allow.filter((p: Principal) => p === 'anonymous' || tokenOf(world, p) !== undefined);
      const valid = () => entry!.request(world, world.j1);
      const hasBody = valid().body !== undefined;
      const paramNames = [...route.def.path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]!);
      const queryKeys = route.schemas.query ? Object.keys((jsonSchemaOf(route.schemas.query).properties ?? {}) as Record<string, unknown>) : [];
      // A fresh valid body per sample (fresh people for applications and imports).
      const base = fc.nat().map(() => valid().body as Json);
      const kinds: fc.WeightedArbitrary<{ kind: Kind; text?: string; injected?: string }>[] = [
        { weight: 3, arbitrary: fc.constant({ kind: 'valid' as Kind }) },
        ...(paramNames.length ? [{ weight: 1, arbitrary: fc.constant({ kind: 'path' as Kind }) }] : []),
        { weight: 1, arbitrary: fc.constant({ kind: 'query' as Kind }) },
        ...(hasBody
          ? [
              ...(route.schemas.body ? [{ weight: 1, arbitrary: shaped(jsonSchemaOf(route.schemas.body)).map((b) => ({ kind: 'shaped' as Kind, text: JSON.stringify(b) })) }] : []),
              { weight: 5, arbitrary: bodyMutationArb(base, entry!.openPaths).map((m) => ({ kind: m.mutation as Kind, text: m.text, ...(m.injected ? { injected: m.injected } : {}) })) },
            ]
          : []),
      ];
      const arb = fc.record({
        what: fc.oneof(...kinds),
        principal: fc.constantFrom(...principals),
        params: fc.tuple(...paramNames.map(() => pathValueArb)),
        query: queryArb(queryKeys),
      });
      let valid2xx = 0;
      for (const s of fc.sample(arb, { numRuns: perRoute, seed: SEED + route.routeKey.length })) {
        const req = valid();
        const [validPath, validQuery] = req.path.split('?') as [string, string | undefined];
        const path = s.what.kind === 'path' ? fill(route.def.path, Object.fromEntries(paramNames.map((n, i) => [n, s.params[i] as string]))) : validPath;
        const query = s.what.kind === 'query' ? s.query.text : validQuery;
        const body = s.what.text !== undefined ? s.what.text : req.body !== undefined ? JSON.stringify(req.body) : undefined;
        const ok = await send(route, { url: query ? `${path}?${query}` : path, body, kind: s.what.kind, injected: s.what.injected }, tokenOf(world, s.principal));
        if (ok && s.what.kind === 'valid') valid2xx++;
      }
      if (!valid2xx) figures.routesWithoutValid2xx.push(route.routeKey);
    }
    figures.routes = routes.length;
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
    figures.ms = Date.now() - started;
    const share = (n: number, d: number) => `${d ? ((100 * n) / d).toFixed(1) : '0'}%`;
    process.stdout.write(
      `fuzz: ${figures.requests} requests over ${figures.routes} routes in ${(figures.ms / 1000).toFixed(0)} s; ${JSON.stringify(figures.byClass)}; valid requests ${figures.valid.sent}, 2xx ${figures.valid.ok} (${share(figures.valid.ok, figures.valid.sent)}), refused ${figures.valid.refused}; 5xx ${figures.serverErrors}; unknown fields accepted ${figures.unknownAccepted}, stored ${figures.unknownStored}; full IDs in responses ${figures.fullIdsInResponses}; routes whose valid requests never reached 2xx: ${figures.routesWithoutValid2xx.join(', ') || 'none'}\n`,
    );
    expect(failures.slice(0, 30)).toEqual([]);
    expect(figures.requests).toBeGreaterThanOrEqual(TOTAL);
    expect(figures.fullIdsInResponses).toBe(0);
    // A valid request from a principal the matrix allows is never refused (401/403/404).
    expect(figures.validRefusedByRoute).toEqual({});
  }, 1_800_000);
});
