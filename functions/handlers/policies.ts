import { z } from 'zod';
import { putPolicyValue, queryValues, tablesFromEnv } from '../adapters/policies-table.ts';
import { regionExists } from '../adapters/regions-table.ts';
import { now, todayInShanghai } from '../commons/clock.ts';
import { notFound, validationFailed } from '../commons/errors.ts';
import { httpHandler, routeGroup } from '../commons/http.ts';
import { isoDateSchema, type ParameterValue, parameterNameSchema, policyPrefixes, policyRegionSchema, resolvePolicy, valueProblem } from '../domain/policy.ts';

async function mustExist(regionCode: string): Promise<void> {
  if (regionCode !== 'CN' && !(await regionExists(regionCode))) throw notFound(`region ${regionCode} does not exist`);
}

export const putPolicyParamsSchema = z.object({ regionCode: policyRegionSchema, parameter: parameterNameSchema });
export const putPolicyBodySchema = z.strictObject({
  /** A number; a list of codes for list parameters (`income.nonCountableTypes`). */
  value: z.union([z.number(), z.array(z.string().max(64)).max(100)], { error: 'value must be a number (or a list of codes for a list parameter)' }),
  effectiveFrom: isoDateSchema,
  reference: z.string().trim().min(1).max(500).optional(),
});
const policyValueSchema = z.object({
  regionCode: z.string(),
  parameter: z.string(),
  value: z.number(),
  effectiveFrom: z.string(),
  setAt: z.string(),
  setBy: z.string().optional(),
  reference: z.string().optional(),
});
const resolvedSchema = z.object({
  regionCode: z.string(),
  date: z.string(),
  parameters: z.record(z.string(), z.object({ value: z.number(), effectiveFrom: z.string(), setAt: z.string(), reference: z.string().nullable(), regionCode: z.string() })),
});
const historySchema = z.object({ regionCode: z.string(), parameter: z.string(), items: z.array(policyValueSchema), nextCursor: z.null() });

export const getPoliciesQuerySchema = z.object({ regionCode: policyRegionSchema.optional().default('CN'), date: isoDateSchema.optional() });

/** PUT /policies/{regionCode}/{parameter} (admin): one dated value, audited in the same transaction. */
export const putHandler = httpHandler(
  {
    roles: ['admin'],
    params: putPolicyParamsSchema,
    body: putPolicyBodySchema,
    response: policyValueSchema.extend({ previous: policyValueSchema.nullable() }),
    summary: 'Set one dated value of a parameter for a region prefix (audited)',
  },
  async ({ params, body, caller }) => {
    const problem = valueProblem(params.parameter, body.value);
    if (problem) throw validationFailed('invalid value', [{ path: 'value', message: problem }]);
    await mustExist(params.regionCode);
    const res = await putPolicyValue(
      tablesFromEnv({ forWrites: true }),
      { regionCode: params.regionCode, parameter: params.parameter, value: body.value, effectiveFrom: body.effectiveFrom, ...(body.reference ? { reference: body.reference } : {}) },
      caller.sub,
      now().toISOString(),
    );
    return { status: 200, body: { ...res.value, previous: res.previous } };
  },
);

/** GET /policies?regionCode=…&date=… (any signed-in role): the parameters in force. */
export const getHandler = httpHandler(
  { query: getPoliciesQuerySchema, response: resolvedSchema, summary: 'The parameters in force in a region on a date' },
  async ({ query }) => {
    await mustExist(query.regionCode);
    const date = query.date ?? todayInShanghai();
    const values = await queryValues(tablesFromEnv(), policyPrefixes(query.regionCode));
    const resolved = resolvePolicy(values, query.regionCode, date);
    const parameters: Record<string, { value: ParameterValue; effectiveFrom: string; setAt: string; reference: string | null; regionCode: string }> = {};
    for (const [name, p] of Object.entries(resolved.parameters)) {
      if (p) parameters[name] = { value: p.list ?? p.value, effectiveFrom: p.effectiveFrom, setAt: p.setAt, reference: p.reference ?? null, regionCode: p.regionCode };
    }
    return { status: 200, body: { regionCode: query.regionCode, date, parameters } };
  },
);

/**
 * GET /policies/{regionCode}/{parameter} (any signed-in role): the parameter's timeline for the
 * region: every dated value of every prefix that applies (CN, province, …, the region itself),
 * oldest first, with who set it, when and on what legal reference.
 */
export const historyHandler = httpHandler(
  { params: putPolicyParamsSchema, response: historySchema, summary: 'A parameter’s dated values for a region and its parents (a timeline)' },
  async ({ params }) => {
    await mustExist(params.regionCode);
    const values = (await queryValues(tablesFromEnv(), policyPrefixes(params.regionCode))).filter((v) => v.parameter === params.parameter);
    values.sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom) || a.regionCode.length - b.regionCode.length);
    return { status: 200, body: { regionCode: params.regionCode, parameter: params.parameter, items: values, nextCursor: null } };
  },
);

/** One Lambda for the policy routes: dispatch on the route key. */
export const handler = routeGroup({
  'PUT /policies/{regionCode}/{parameter}': putHandler,
  'GET /policies': getHandler,
  'GET /policies/{regionCode}/{parameter}': historyHandler,
});
