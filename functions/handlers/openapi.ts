import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { manifest } from '../../infra/manifest.ts';
import type { FunctionDef } from '../../infra/manifest-types.ts';
import { buildOpenApi, renderDocs } from '../commons/openapi.ts';
import { loadRouteSchemas } from '../commons/route-registry.ts';
import { registerRoute } from '../commons/route-schemas.ts';

/**
 * GET /openapi.json and GET /docs (public): the OpenAPI 3.1 document generated from the
 * handlers' zod schemas, and a reference page rendered from it. Built once per container.
 */
registerRoute('GET /openapi.json', {
  summary: 'The OpenAPI 3.1 document of every route, generated from the handlers’ zod schemas',
  response: z.object({ openapi: z.literal('3.1.0'), info: z.object({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) }).loose(),
});
registerRoute('GET /docs', { summary: 'The API reference (HTML)', response: z.string(), responseContentType: 'text/html' });

let built: Promise<Record<string, unknown>> | undefined;

export function openApiDocument(): Promise<Record<string, unknown>> {
  built ??= loadRouteSchemas(manifest.routes, manifest.functions as Record<string, FunctionDef>).then(({ routes }) =>
    buildOpenApi(routes, {
      title: 'jiuzhu 救助',
      version: '2',
      description: 'Social assistance and low-income population dynamic monitoring (API.md v2). Money in yuan, dates YYYY-MM-DD, resident IDs masked in every response.',
    }),
  );
  return built;
}

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyResultV2> => {
  const doc = await openApiDocument();
  if (event.routeKey === 'GET /docs') {
    return { statusCode: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }, body: renderDocs(doc) };
  }
  return { statusCode: 200, headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' }, body: JSON.stringify(doc) };
};
