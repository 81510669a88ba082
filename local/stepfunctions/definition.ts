import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Checking a state machine definition when it is created or updated: first `asl-validator`
 * (the Amazon States Language schema), then what this engine supports. Anything it does not
 * support is refused here, naming the field, never silently ignored at run time.
 */
export type Json = unknown;

export interface StateDef {
  Type: string;
  [k: string]: unknown;
}

export interface Graph {
  StartAt: string;
  States: Record<string, StateDef>;
}

export interface Definition extends Graph {
  QueryLanguage?: string;
  TimeoutSeconds?: number;
  Comment?: string;
}

export class DefinitionError extends Error {}

const require = createRequire(import.meta.url);
type Validator = (def: unknown) => { isValid: boolean; errors: { 'Error code'?: string; Message?: string }[] };
const aslModule = require('asl-validator') as Validator | { default: Validator };
const aslValidator: Validator = typeof aslModule === 'function' ? aslModule : aslModule.default;
const ASL_VALIDATOR_VERSION = (require('asl-validator/package.json') as { version: string }).version;

/**
 * asl-validator builds and compiles its whole JSON schema (a new Ajv) on every call: 0.5–1.8 s a
 * definition on this machine, which made `npm start` spend seconds on the manifest's four
 * workflows each time. Its verdict on a given text is fixed for a given version, so a
 * definition that passed is remembered — in this process, and as an empty file named by the
 * hash of (version, definition) under node_modules/.cache/jiuzhu/asl-valid/. Refusals are never
 * cached (they are cheap to repeat and carry the messages).
 */
const passedSchema = new Set<string>();
const SCHEMA_CACHE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'node_modules', '.cache', 'jiuzhu', 'asl-valid');

/** Where the verdict on a definition text is remembered once it passed asl-validator. */
export function schemaCacheFile(text: string): string {
  return join(SCHEMA_CACHE_DIR, createHash('sha256').update(`${ASL_VALIDATOR_VERSION}\0${JSON.stringify(forSchema(JSON.parse(text)))}`).digest('hex'));
}

function schemaCheck(relaxed: unknown): ReturnType<Validator> {
  const key = createHash('sha256').update(`${ASL_VALIDATOR_VERSION}\0${JSON.stringify(relaxed)}`).digest('hex');
  const file = join(SCHEMA_CACHE_DIR, key);
  if (passedSchema.has(key) || existsSync(file)) {
    passedSchema.add(key);
    return { isValid: true, errors: [] };
  }
  const res = aslValidator(relaxed);
  if (res.isValid) {
    passedSchema.add(key);
    try {
      mkdirSync(SCHEMA_CACHE_DIR, { recursive: true });
      writeFileSync(file, '');
    } catch {
      /* read-only node_modules: remembered in this process only */
    }
  }
  return res;
}

const COMMON = ['Type', 'Comment', 'QueryLanguage'];
const FLOW = ['Next', 'End'];
const ALLOWED: Record<string, string[]> = {
  Pass: [...COMMON, ...FLOW, 'Output', 'Assign'],
  Task: [...COMMON, ...FLOW, 'Resource', 'Arguments', 'Output', 'Assign', 'Retry', 'Catch', 'TimeoutSeconds', 'HeartbeatSeconds'],
  Choice: [...COMMON, 'Choices', 'Default', 'Output', 'Assign'],
  Wait: [...COMMON, ...FLOW, 'Seconds', 'Timestamp', 'Output', 'Assign'],
  Succeed: [...COMMON, 'Output'],
  Fail: [...COMMON, 'Error', 'Cause'],
  Parallel: [...COMMON, ...FLOW, 'Branches', 'Arguments', 'Output', 'Assign', 'Retry', 'Catch'],
  Map: [...COMMON, ...FLOW, 'Items', 'ItemSelector', 'ItemProcessor', 'Iterator', 'MaxConcurrency', 'ToleratedFailurePercentage', 'ToleratedFailureCount', 'Output', 'Assign', 'Retry', 'Catch'],
};
const RETRY_FIELDS = ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'];
const CATCH_FIELDS = ['ErrorEquals', 'Next', 'Output', 'Assign', 'Comment'];
const CHOICE_RULE_FIELDS = ['Condition', 'Next', 'Output', 'Assign', 'Comment'];
const GRAPH_FIELDS = ['StartAt', 'States', 'Comment', 'QueryLanguage', 'ProcessorConfig'];
const TOP_FIELDS = ['StartAt', 'States', 'Comment', 'QueryLanguage', 'TimeoutSeconds', 'Version'];

/** Task resources this engine runs. */
export const SUPPORTED_RESOURCES = [
  'arn:aws:states:::lambda:invoke',
  'arn:aws:states:::lambda:invoke.waitForTaskToken',
  'arn:aws:states:::dynamodb:getItem',
  'arn:aws:states:::dynamodb:putItem',
  'arn:aws:states:::dynamodb:updateItem',
  'arn:aws:states:::dynamodb:deleteItem',
  'arn:aws:states:::events:putEvents',
  'arn:aws:states:::events:putEvents.waitForTaskToken',
];
const LAMBDA_ARN = /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9_$-]+)?$/;

export function isJsonataExpr(v: unknown): v is string {
  return typeof v === 'string' && v.startsWith('{%') && v.endsWith('%}');
}

/** Parses and checks a definition; throws DefinitionError with a message naming the field. */
export function checkDefinition(text: string): Definition {
  let def: unknown;
  try {
    def = JSON.parse(text);
  } catch (err) {
    throw new DefinitionError(`Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: definition is not JSON (${(err as Error).message})'`);
  }
  const res = schemaCheck(forSchema(def));
  if (!res.isValid) {
    const msgs = res.errors.map((e) => `${e['Error code'] ?? 'SCHEMA_VALIDATION_FAILED'}: ${e.Message ?? ''}`).join('; ');
    // The schema's complaint can be indirect (a JSONPath-only field makes a JSONata state
    // "invalid"); name the offending field when our own check finds it.
    let precise = '';
    try {
      checkEngineSupport(def as Definition);
    } catch (err) {
      if (err instanceof DefinitionError) precise = `${err.message}. `;
    }
    throw new DefinitionError(`${precise}Invalid State Machine Definition: '${msgs}'`);
  }
  return checkEngineSupport(def as Definition);
}

/**
 * asl-validator 4.0.0's schema is stricter than Step Functions in places; what AWS accepts is
 * given to it in a form it accepts, and checked here instead:
 * - `Output` (of a state, a Choice rule or a Catcher) may be any JSON value in JSONata states
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html);
 * - a Choice rule's `Condition` may be a literal boolean
 *   (https://docs.aws.amazon.com/step-functions/latest/dg/state-choice.html).
 */
function forSchema(def: unknown): unknown {
  if (!def || typeof def !== 'object') return def;
  const copy = structuredClone(def) as Graph;
  const relaxGraph = (g: Graph | undefined) => {
    if (!g || typeof g !== 'object' || !g.States || typeof g.States !== 'object') return;
    for (const s of Object.values(g.States)) {
      if (!s || typeof s !== 'object') continue;
      relaxOutput(s as Record<string, unknown>);
      if (Array.isArray(s.Catch)) for (const c of s.Catch) relaxOutput(c as Record<string, unknown>);
      if (Array.isArray(s.Choices)) {
        for (const c of s.Choices as Record<string, unknown>[]) {
          if (!c || typeof c !== 'object') continue;
          relaxOutput(c);
          if (typeof c.Condition === 'boolean') c.Condition = `{% ${c.Condition} %}`;
        }
      }
      if (Array.isArray(s.Branches)) for (const b of s.Branches) relaxGraph(b as Graph);
      relaxGraph(s.ItemProcessor as Graph | undefined);
    }
  };
  relaxGraph(copy);
  return copy;
}

function relaxOutput(o: Record<string, unknown>): void {
  if ('Output' in o && !isJsonataExpr(o.Output) && (o.Output === null || typeof o.Output !== 'object' || Array.isArray(o.Output))) o.Output = {};
}

function checkEngineSupport(d: Definition): Definition {
  if (!d || typeof d !== 'object' || typeof d.States !== 'object' || d.States === null) throw new DefinitionError('Unsupported definition field /States: missing');
  if (d.QueryLanguage !== 'JSONata') {
    throw new DefinitionError(
      `Unsupported definition field /QueryLanguage: this local engine runs JSONata state machines only; set "QueryLanguage": "JSONata" at the top level (found ${JSON.stringify(d.QueryLanguage ?? 'JSONPath (default)')})`,
    );
  }
  unknownFields(d as unknown as Record<string, unknown>, TOP_FIELDS, '');
  if (d.TimeoutSeconds !== undefined && !(Number.isInteger(d.TimeoutSeconds) && d.TimeoutSeconds > 0)) {
    throw new DefinitionError('Unsupported definition field /TimeoutSeconds: must be a positive integer');
  }
  checkGraph(d, '');
  return d;
}

function unknownFields(obj: Record<string, unknown>, allowed: string[], path: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      throw new DefinitionError(`Unsupported definition field ${path}/${k}: the local Step Functions engine (JSONata) does not support '${k}' here`);
    }
  }
}

function checkGraph(g: Graph & { QueryLanguage?: string; ProcessorConfig?: Record<string, unknown> }, path: string): void {
  if (path) unknownFields(g as unknown as Record<string, unknown>, GRAPH_FIELDS, path);
  if (g.QueryLanguage !== undefined && g.QueryLanguage !== 'JSONata') throw new DefinitionError(`Unsupported definition field ${path}/QueryLanguage: only JSONata is supported`);
  if (g.ProcessorConfig) {
    unknownFields(g.ProcessorConfig, ['Mode', 'ExecutionType'], `${path}/ProcessorConfig`);
    if (g.ProcessorConfig.Mode !== undefined && g.ProcessorConfig.Mode !== 'INLINE') {
      throw new DefinitionError(`Unsupported definition field ${path}/ProcessorConfig/Mode: only INLINE Map is supported (Distributed Map is not)`);
    }
  }
  for (const [name, s] of Object.entries(g.States)) {
    const p = `${path}/States/${name}`;
    const allowed = ALLOWED[s.Type];
    if (!allowed) throw new DefinitionError(`Unsupported definition field ${p}/Type: state type '${s.Type}' is not supported`);
    unknownFields(s, allowed, p);
    if (s.QueryLanguage !== undefined && s.QueryLanguage !== 'JSONata') throw new DefinitionError(`Unsupported definition field ${p}/QueryLanguage: only JSONata is supported`);
    if (Array.isArray(s.Retry)) s.Retry.forEach((r, i) => unknownFields(r as Record<string, unknown>, RETRY_FIELDS, `${p}/Retry/${i}`));
    if (Array.isArray(s.Catch)) s.Catch.forEach((c, i) => unknownFields(c as Record<string, unknown>, CATCH_FIELDS, `${p}/Catch/${i}`));
    if (s.Type === 'Choice' && Array.isArray(s.Choices)) {
      s.Choices.forEach((c, i) => {
        unknownFields(c as Record<string, unknown>, CHOICE_RULE_FIELDS, `${p}/Choices/${i}`);
        if ((c as Record<string, unknown>).Condition === undefined) throw new DefinitionError(`Unsupported definition field ${p}/Choices/${i}: a JSONata Choice rule needs 'Condition'`);
      });
    }
    if (s.Type === 'Task') {
      const r = String(s.Resource);
      if (!SUPPORTED_RESOURCES.includes(r) && !LAMBDA_ARN.test(r)) {
        throw new DefinitionError(`Unsupported definition field ${p}/Resource: '${r}' is not an integration the local engine runs (supported: ${SUPPORTED_RESOURCES.join(', ')}, or a Lambda function ARN)`);
      }
    }
    if (s.Type === 'Wait' && s.Seconds === undefined && s.Timestamp === undefined) throw new DefinitionError(`Unsupported definition field ${p}: a Wait needs Seconds or Timestamp`);
    if (s.Type === 'Parallel') (s.Branches as Graph[]).forEach((b, i) => checkGraph(b, `${p}/Branches/${i}`));
    if (s.Type === 'Map') {
      const threshold = (field: string, max?: number) => {
        const v = s[field];
        if (v === undefined || isJsonataExpr(v)) return;
        if (typeof v !== 'number' || v < 0 || (max === undefined ? !Number.isInteger(v) : v > max)) {
          throw new DefinitionError(`Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: ${p}/${field} must be ${max === undefined ? 'a non-negative integer' : `a number from 0 to ${max}`}'`);
        }
      };
      threshold('ToleratedFailurePercentage', 100);
      threshold('ToleratedFailureCount');
      if (s.Iterator) throw new DefinitionError(`Unsupported definition field ${p}/Iterator: use ItemProcessor`);
      checkGraph(s.ItemProcessor as Graph, `${p}/ItemProcessor`);
    }
  }
}
