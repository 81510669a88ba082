import { describe, expect, it } from 'vitest';
import { manifest } from '../../infra/manifest.ts';
import type { FunctionDef } from '../../infra/manifest-types.ts';
import { loadRouteSchemas } from '../../functions/commons/route-registry.ts';
import { openApiDocument } from '../../functions/handlers/openapi.ts';

/**
 * The OpenAPI document is generated from the route registry (the handlers' own zod schemas):
 * every manifest route must be there, and its shapes must carry API.md's fields.
 */
type Json = Record<string, any>;

const doc = (await openApiDocument()) as Json;

function op(method: string, path: string): Json {
  const o = doc.paths?.[path]?.[method.toLowerCase()];
  if (!o) throw new Error(`${method} ${path} is not in the OpenAPI document`);
  return o;
}
const okSchema = (o: Json) => {
  const [status, res] = Object.entries(o.responses as Json).find(([s]) => s.startsWith('2'))!;
  return { status: Number(status), schema: (res as Json).content?.['application/json']?.schema as Json };
};
const bodySchema = (o: Json) => o.requestBody?.content?.['application/json']?.schema as Json;
const props = (s: Json | undefined) => Object.keys(s?.properties ?? {});

describe('route registry and OpenAPI document', () => {
  it('finds the schemas of every manifest route (a new route without them is named here, with the fix)', async () => {
    const { problems, routes } = await loadRouteSchemas(manifest.routes, manifest.functions as Record<string, FunctionDef>);
    expect(problems, `routes without schemas:\n${problems.join('\n')}`).toEqual([]);
    expect(routes).toHaveLength(manifest.routes.length);
  });

  it('lists every route of the manifest with its method, auth and path parameters', () => {
    expect(doc.openapi).toBe('3.1.0');
    for (const r of manifest.routes) {
      const o = op(r.method, r.path);
      expect(o.security, `${r.method} ${r.path} security`).toEqual(r.auth === 'jwt' ? [{ bearer: [] }] : []);
      const pathParams = [...r.path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]).sort();
      expect((o.parameters ?? []).filter((p: Json) => p.in === 'path').map((p: Json) => p.name).sort(), `${r.method} ${r.path} path parameters`).toEqual(pathParams);
      const ok = Object.keys(o.responses).filter((s) => s.startsWith('2'));
      expect(ok, `${r.method} ${r.path} has one success response`).toHaveLength(1);
      expect(Object.values(o.responses as Json).every((x: Json) => typeof x.description === 'string')).toBe(true);
    }
    const ids = manifest.routes.map((r) => op(r.method, r.path).operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  // API.md's field names, route by route (v1 and v2): the generated shapes must carry them.
  const responses: [string, string, number, string[], string?][] = [
    ['POST', '/applications', 201, ['id', 'status']],
    ['GET', '/applications/{id}', 200, ['id', 'status', 'householdId', 'regionCode', 'requested', 'eligibility', 'history', 'publicNotice', 'decision', 'recommendation', 'deadline', 'consent', 'flags']],
    ['GET', '/review-tasks', 200, ['id', 'applicationId', 'level', 'regionCode', 'createdAt', 'dueAt', 'summary'], 'items'],
    ['POST', '/review-tasks/{id}/decision', 200, ['applicationId', 'status']],
    ['POST', '/applications/{id}/objections', 202, []],
    ['POST', '/eligibility/evaluate', 200, ['asOf', 'regionCode', 'perCapitaMonthlyIncome', 'categories', 'primary']],
    ['GET', '/policies', 200, ['regionCode', 'date', 'parameters']],
    ['PUT', '/policies/{regionCode}/{parameter}', 200, ['value', 'effectiveFrom', 'reference']],
    ['GET', '/households/{id}/ledger', 200, ['householdId', 'year', 'entries', 'total']],
    ['POST', '/monitoring/runs', 202, ['runId']],
    ['GET', '/monitoring/runs/{runId}', 200, ['runId', 'asOf', 'status', 'itemsRead', 'warningsRaised']],
    ['GET', '/warnings', 200, ['id', 'indicator', 'class', 'person', 'householdId', 'regionCode', 'raisedAt', 'dueBy', 'status', 'details'], 'items'],
    ['GET', '/warnings/stats', 200, ['raised', 'verified', 'closed', 'adjusted']],
  ];
  it.each(responses)('%s %s answers %i with API.md’s fields', (method, path, status, fields, list) => {
    const ok = okSchema(op(method, path));
    expect(ok.status).toBe(status);
    const schema = list ? ok.schema.properties[list].items : ok.schema;
    expect(props(schema)).toEqual(expect.arrayContaining(fields));
  });

  it('describes nested shapes as API.md does: eligibility reasons, ledger entries, history, run status', () => {
    const elig = okSchema(op('POST', '/eligibility/evaluate')).schema;
    const category = elig.properties.categories.items;
    expect(props(category)).toEqual(expect.arrayContaining(['code', 'eligible', 'monthlyAmount', 'members', 'reasons']));
    expect(props(category.properties.reasons.items)).toEqual(expect.arrayContaining(['rule', 'passed', 'actual', 'limit', 'parameter', 'reference']));
    const ledger = okSchema(op('GET', '/households/{id}/ledger')).schema;
    expect(props(ledger.properties.entries.items)).toEqual(expect.arrayContaining(['type', 'month', 'date', 'amount', 'source']));
    const app = okSchema(op('GET', '/applications/{id}')).schema;
    expect(props(app.properties.history.items)).toEqual(['stage', 'decision', 'by', 'at', 'reason']);
    expect(app.properties.status.enum).toEqual(expect.arrayContaining(['SUBMITTED', 'VERIFYING', 'VILLAGE_REVIEW', 'TOWN_REVIEW', 'PUBLIC_NOTICE', 'CITY_REVIEW', 'APPROVED', 'REJECTED']));
    expect(props(app.properties.decision)).toEqual(expect.arrayContaining(['approved', 'reasons', 'letter']));
    expect(okSchema(op('GET', '/monitoring/runs/{runId}')).schema.properties.status.enum).toEqual(['RUNNING', 'SUCCEEDED', 'FAILED']);
    const w = okSchema(op('GET', '/warnings')).schema.properties.items.items;
    expect(w.properties.class.enum).toEqual(['RAPID_HELP', 'DEMAND', 'DYNAMIC']);
    expect(w.properties.status.enum).toEqual(['OPEN', 'VERIFIED', 'CLOSED']);
  });

  it('describes request bodies with API.md’s fields, as clients send them (yuan, not fen)', () => {
    const apply = bodySchema(op('POST', '/applications'));
    expect(props(apply)).toEqual(expect.arrayContaining(['household', 'requested']));
    const household = apply.properties.household;
    expect(props(household)).toEqual(expect.arrayContaining(['regionCode', 'address', 'hukouType', 'members', 'assets', 'livingConditions', 'rigidExpenditure12m', 'supporters']));
    const member = household.properties.members.items;
    expect(props(member)).toEqual(expect.arrayContaining(['name', 'idNumber', 'relation', 'disability', 'seriousIllness', 'laborAbility', 'inSchool', 'orphaned', 'monthlyIncome']));
    expect(member.properties.relation.enum).toEqual(['self', 'spouse', 'child', 'parent', 'grandchild', 'grandparent', 'sibling', 'other']);
    expect(props(household.properties.assets)).toEqual(expect.arrayContaining(['deposits', 'vehicles', 'properties', 'businessRegistered']));
    expect(household.properties.assets.properties.deposits.type).toBe('number');
    const decision = bodySchema(op('POST', '/review-tasks/{id}/decision'));
    expect(decision.properties.decision.enum).toEqual(expect.arrayContaining(['approve', 'reject']));
    expect(props(decision.properties.investigation)).toEqual(expect.arrayContaining(['visitedAt', 'investigators', 'notes']));
    expect(props(bodySchema(op('PUT', '/policies/{regionCode}/{parameter}')))).toEqual(expect.arrayContaining(['value', 'effectiveFrom', 'reference']));
    expect(bodySchema(op('POST', '/warnings/{id}/close')).properties.outcome.enum).toEqual(['BENEFIT_ADJUSTED', 'ASSISTANCE_GRANTED', 'REFERRED', 'NO_ACTION']);
    expect(props(bodySchema(op('POST', '/warnings/{id}/verify')))).toEqual(['note']);
    const warningsQuery = (op('GET', '/warnings').parameters as Json[]).filter((p) => p.in === 'query').map((p) => p.name);
    expect(warningsQuery).toEqual(expect.arrayContaining(['status', 'indicator', 'regionCode']));
  });

  it('gives every route the error shape of API.md', () => {
    const err = doc.components.schemas.Error;
    expect(props(err)).toEqual(['error']);
    expect(props(err.properties.error)).toEqual(['code', 'message', 'details']);
    for (const r of manifest.routes.filter((x) => x.auth === 'jwt')) {
      expect(op(r.method, r.path).responses['401'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
    }
  });
});
