import { randomUUID } from 'node:crypto';
import jsonata from 'jsonata';
import { isJsonataExpr } from './definition.ts';

/**
 * JSONata in Step Functions: any string value of the form "{% expr %}" (at any depth inside
 * Arguments, Output, Assign, ...) is an expression; `$states` holds input / result / errorOutput
 * / context and each workflow variable is bound as `$name`.
 * https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
export class QueryEvaluationError extends Error {
  readonly error = 'States.QueryEvaluationError';
  constructor(
    message: string,
    /** The field's location in the state, e.g. `Output/result` (EvaluationFailed `location`). */
    readonly location?: string,
  ) {
    super(message);
  }
}

export interface StatesVar {
  input: unknown;
  result?: unknown;
  errorOutput?: unknown;
  context: unknown;
}

type Expr = ReturnType<typeof jsonata>;
const cache = new Map<string, Expr>();

// Functions Step Functions adds to JSONata (a subset): $uuid, $parse, $partition, $range.
const sfnFunctions = {
  uuid: () => randomUUID(),
  parse: (s: string) => JSON.parse(s),
  partition: (arr: unknown[], size: number) => {
    const out: unknown[][] = [];
    for (let i = 0; i < arr.length; i += size) out.push(arr.slice(i, i + size));
    return out;
  },
  // A JSONata sequence, as Step Functions returns it: a single value collapses to itself
  // ($range(1, 9, 9) is 1, not [1]).
  range: (start: number, end: number, step: number) => {
    const out: number[] = [];
    for (let v = start; step > 0 ? v <= end : v >= end; v += step) out.push(v);
    Object.defineProperty(out, 'sequence', { value: true });
    return out;
  },
};

function compile(text: string, field: string): Expr {
  let e = cache.get(text);
  if (!e) {
    try {
      e = jsonata(text);
    } catch (err) {
      throw new QueryEvaluationError(`The JSONata expression '${text}' specified for the field '${field}' is invalid: ${(err as Error).message}`, field);
    }
    if (cache.size > 5000) cache.clear();
    cache.set(text, e);
  }
  return e;
}

/** JSONata's type name of a value, as Step Functions' causes name it. */
export function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** "... returned an unexpected result type. Expected 'array', but was 'number' for value: 1" */
export function unexpectedType(raw: unknown, field: string, expected: string, value: unknown): QueryEvaluationError {
  const text = typeof raw === 'string' && isJsonataExpr(raw) ? raw.slice(2, -2).trim() : JSON.stringify(raw);
  return new QueryEvaluationError(
    `The JSONata expression '${text}' specified for the field '${field}' returned an unexpected result type. Expected '${expected}', but was '${jsonType(value)}' for value: ${JSON.stringify(value)}`,
    field,
  );
}

function isFunctionValue(v: unknown, depth = 0): boolean {
  if (typeof v === 'function') return true;
  if (!v || typeof v !== 'object' || depth > 64) return false;
  if ((v as Record<string, unknown>)._jsonata_lambda || (v as Record<string, unknown>)._jsonata_function) return true;
  return Object.values(v).some((x) => isFunctionValue(x, depth + 1));
}

/** Converts JSONata's result (sequences) to plain JSON; a function is not a JSON value. */
function plain(v: unknown, text: string, field: string): unknown {
  if (v === undefined) return undefined;
  if (isFunctionValue(v)) {
    throw new QueryEvaluationError(`The JSONata expression '${text}' specified for the field '${field}' returned an unexpected result type. Expected a JSON value, but was 'function'.`, field);
  }
  return JSON.parse(JSON.stringify(v));
}

export async function evalExpr(raw: string, states: StatesVar, vars: Record<string, unknown>, field: string): Promise<unknown> {
  const text = raw.slice(2, -2).trim();
  const expr = compile(text, field);
  let out: unknown;
  try {
    out = await expr.evaluate(undefined, { ...sfnFunctions, ...vars, states });
  } catch (err) {
    throw new QueryEvaluationError(`An error occurred while evaluating the JSONata expression '${text}' specified for the field '${field}': ${(err as Error).message}`, field);
  }
  if (out === undefined) {
    throw new QueryEvaluationError(`The JSONata expression '${text}' specified for the field '${field}' returned nothing (undefined).`, field);
  }
  return plain(out, text, field);
}

/** Evaluates every "{% %}" string inside a template (object, array, string, literal). */
export async function evalTemplate(tpl: unknown, states: StatesVar, vars: Record<string, unknown>, field: string): Promise<unknown> {
  if (isJsonataExpr(tpl)) return evalExpr(tpl, states, vars, field);
  if (Array.isArray(tpl)) {
    const out: unknown[] = [];
    for (let i = 0; i < tpl.length; i++) out.push(await evalTemplate(tpl[i], states, vars, `${field}/${i}`));
    return out;
  }
  if (tpl && typeof tpl === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(tpl)) out[k] = await evalTemplate(v, states, vars, `${field}/${k}`);
    return out;
  }
  return tpl;
}
