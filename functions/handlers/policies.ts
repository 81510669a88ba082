import type { Context } from 'aws-lambda';
import { z } from 'zod';
import { putPolicyValue, queryValues, tablesFromEnv } from '../adapters/policies-table.ts';
import { regionExists } from '../adapters/regions-table.ts';
import { now, todayInShanghai } from '../commons/clock.ts';
import { notFound, validationFailed } from '../commons/errors.ts';
import { httpHandler, type HttpEvent } from '../commons/http.ts';
import { isoDateSchema, parameterNameSchema, policyPrefixes, policyRegionSchema, resolvePolicy, valueProblem } from '../domain/policy.ts';

async function mustExist(regionCode: string): Promise<void> {
  if (regionCode !== 'CN' && !(await regionExists(regionCode))) throw notFound(`region ${regionCode} does not exist`);
}

/** PUT /policies/{regionCode}/{parameter} (admin): one dated value, audited in the same transaction. */
export const putHandler = httpHandler(
  {
    roles: ['admin'],
    params: z.object({ regionCode: policyRegionSchema, parameter: parameterNameSchema }),
    body: z.object({
      value: z.number({ error: 'value must be a number' }),
      effectiveFrom: isoDateSchema,
      reference: z.string().trim().min(1).max(500).optional(),
    }),
  },
  async ({ params, body, caller }) => {
    const problem = valueProblem(params.parameter, body.value);
    if (problem) throw validationFailed('invalid value', [{ path: 'value', message: problem }]);
    await mustExist(params.regionCode);
    const res = await putPolicyValue(
      tablesFromEnv(),
      { regionCode: params.regionCode, parameter: params.parameter, value: body.value, effectiveFrom: body.effectiveFrom, ...(body.reference ? { reference: body.reference } : {}) },
      caller.sub,
      now().toISOString(),
    );
    return { status: 200, body: { ...res.value, previous: res.previous } };
  },
);

/** GET /policies?regionCode=…&date=… (any signed-in role): the parameters in force. */
export const getHandler = httpHandler(
  { query: z.object({ regionCode: policyRegionSchema.optional().default('CN'), date: isoDateSchema.optional() }) },
  async ({ query }) => {
    await mustExist(query.regionCode);
    const date = query.date ?? todayInShanghai();
    const values = await queryValues(tablesFromEnv(), policyPrefixes(query.regionCode));
    const resolved = resolvePolicy(values, query.regionCode, date);
    const parameters: Record<string, { value: number; effectiveFrom: string; setAt: string; reference: string | null; regionCode: string }> = {};
    for (const [name, p] of Object.entries(resolved.parameters)) {
      if (p) parameters[name] = { value: p.value, effectiveFrom: p.effectiveFrom, setAt: p.setAt, reference: p.reference ?? null, regionCode: p.regionCode };
    }
    return { status: 200, body: { regionCode: query.regionCode, date, parameters } };
  },
);

/** One Lambda for the policy routes: dispatch on the route key. */
export const handler = async (event: HttpEvent, context: Context) =>
  (event.routeKey ?? '').startsWith('PUT ') ? putHandler(event, context) : getHandler(event, context);
