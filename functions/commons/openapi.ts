import { z } from 'zod';
import type { LoadedRoute } from './route-registry.ts';

/**
 * The OpenAPI 3.1 document, generated from the route registry (the handlers' own zod schemas)
 * with zod 4's JSON Schema output. Requests are described as clients send them (io: input),
 * responses as the API answers (io: output).
 */
type Json = Record<string, unknown>;

const errorSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ description: 'VALIDATION_FAILED | UNAUTHENTICATED | FORBIDDEN | NOT_FOUND | CONFLICT | UNPROCESSABLE | PAYLOAD_TOO_LARGE | …' }),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ description: 'API.md error shape' });

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const js = jsonSchema(schema, 'input');
  const props = (js.properties ?? {}) as Record<string, Json>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }));
}

const ERRORS: Record<string, string> = {
  '400': 'invalid request (VALIDATION_FAILED, with the failing paths)',
  '401': 'missing, invalid or expired token',
  '403': 'role or jurisdiction does not allow it',
  '404': 'not found',
  '409': 'conflict with the current state',
  '413': 'body over 256 KB',
  '422': 'well-formed but not acceptable',
};

export function buildOpenApi(routes: readonly LoadedRoute[], info: { title: string; version: string; description?: string }): Json {
  const paths: Record<string, Record<string, Json>> = {};
  const errorRef = { $ref: '#/components/schemas/Error' };
  for (const { def, schemas } of routes) {
    const method = def.method.toLowerCase();
    const status = String(schemas.status ?? 200);
    const parameters = [...parametersOf(schemas.params, 'path'), ...parametersOf(schemas.query, 'query')];
    // Path parameters the route names but its schema does not describe still appear.
    for (const m of def.path.matchAll(/\{([^}+]+)\+?\}/g)) {
      if (!parameters.some((p) => p.in === 'path' && p.name === m[1])) parameters.push({ name: m[1], in: 'path', required: true, schema: { type: 'string' } });
    }
    const responseContent = schemas.response
      ? { content: { [schemas.responseContentType ?? 'application/json']: { schema: jsonSchema(schemas.response, 'output') } } }
      : {};
    const errors: Record<string, Json> = {};
    for (const [code, description] of Object.entries(ERRORS)) {
      if (def.auth === 'none' && (code === '401' || code === '403')) continue;
      if (!schemas.body && (code === '413' || code === '422')) continue;
      errors[code] = { description, content: { 'application/json': { schema: errorRef } } };
    }
    (paths[def.path] ??= {})[method] = {
      operationId: `${method}${def.path.replace(/\{([^}]+)\}/g, 'By_$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      ...(schemas.summary ? { summary: schemas.summary } : {}),
      tags: [def.path.split('/')[1] ?? 'api'],
      ...(def.auth === 'jwt' ? { security: [{ bearer: [] }] } : { security: [] }),
      ...(schemas.roles ? { 'x-roles': [...schemas.roles], description: `Roles: ${schemas.roles.join(', ')}` } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(schemas.body
        ? { requestBody: { required: true, content: { [schemas.bodyContentType ?? 'application/json']: { schema: jsonSchema(schemas.body, 'input') } } } }
        : {}),
      responses: { [status]: { description: 'success', ...responseContent }, ...errors },
    };
  }
  return {
    openapi: '3.1.0',
    info,
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito (AWS) or POST /_local/token (local): claims sub, role, regionCode' } },
      schemas: { Error: jsonSchema(errorSchema, 'output') },
    },
  };
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * GET /docs: a self-contained API reference rendered from the document (no script, no CDN):
 * one section per route with its roles, parameters, request and response schemas.
 */
export function renderDocs(doc: Json): string {
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const ops: string[] = [];
  const toc: string[] = [];
  for (const [path, methods] of Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))) {
    for (const [method, op] of Object.entries(methods)) {
      const id = String(op.operationId);
      toc.push(`<li><a href="#${esc(id)}"><code class="m ${method}">${method.toUpperCase()}</code> ${esc(path)}</a></li>`);
      const params = (op.parameters ?? []) as Json[];
      const body = (op.requestBody as Json | undefined)?.content as Record<string, Json> | undefined;
      const responses = op.responses as Record<string, Json>;
      const ok = Object.entries(responses).find(([s]) => s.startsWith('2'));
      const okContent = ok?.[1].content as Record<string, Json> | undefined;
      const pre = (v: unknown) => `<pre>${esc(JSON.stringify(v, null, 2))}</pre>`;
      ops.push(`<section id="${esc(id)}">
<h2><code class="m ${method}">${method.toUpperCase()}</code> ${esc(path)}</h2>
${op.summary ? `<p>${esc(String(op.summary))}</p>` : ''}
<p class="meta">${(op.security as unknown[]).length ? 'Bearer JWT' : 'public'}${op['x-roles'] ? ` · roles: ${esc((op['x-roles'] as string[]).join(', '))}` : ''}</p>
${params.length ? `<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>${params.map((p) => `<tr><td><code>${esc(String(p.name))}</code></td><td>${esc(String(p.in))}</td><td>${p.required ? 'yes' : ''}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td></tr>`).join('')}</table>` : ''}
${body ? Object.entries(body).map(([ct, c]) => `<details><summary>Request body (${esc(ct)})</summary>${pre(c.schema)}</details>`).join('') : ''}
${ok ? `<details><summary>Response ${esc(ok[0])}${okContent ? ` (${esc(Object.keys(okContent).join(', '))})` : ''}</summary>${okContent ? Object.values(okContent).map((c) => pre(c.schema)).join('') : ''}</details>` : ''}
<p class="meta">errors: ${Object.keys(responses).filter((s) => !s.startsWith('2')).join(' ')}</p>
</section>`);
    }
  }
  const info = doc.info as { title: string; version: string; description?: string };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(info.title)} API reference</title>
<style>
body{font:14px/1.5 system-ui,"Noto Sans CJK SC",sans-serif;margin:0;display:flex;color:#1f1f1f}
nav{width:320px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f5f5f5;padding:12px;box-sizing:border-box}
nav ul{list-style:none;padding:0;margin:0}nav li{margin:2px 0}nav a{color:#1f1f1f;text-decoration:none}
main{flex:1;padding:16px 24px;min-width:0}section{border-bottom:1px solid #e5e5e5;padding:8px 0}
h2{font-size:16px;margin:8px 0}code.m{display:inline-block;min-width:52px;font-weight:700}
.get{color:#0b6e2e}.post{color:#0550ae}.put{color:#8a4b00}.delete{color:#b42318}.patch{color:#6f42c1}
.meta{color:#595959}pre{background:#f6f8fa;padding:8px;overflow:auto;max-height:420px}
table{border-collapse:collapse}td,th{border:1px solid #e5e5e5;padding:2px 6px;text-align:left;vertical-align:top}
@media (max-width:700px){body{display:block}nav{width:auto;height:auto;position:static}}
</style></head>
<body><nav aria-label="routes"><strong>${esc(info.title)} ${esc(info.version)}</strong><p><a href="/openapi.json">openapi.json</a></p><ul>${toc.join('')}</ul></nav>
<main><h1>${esc(info.title)} API reference</h1>${info.description ? `<p>${esc(info.description)}</p>` : ''}${ops.join('\n')}</main></body></html>`;
}
