import { randomUUID } from 'node:crypto';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { AppError, forbidden, unauthenticated, validationFailed, type ErrorDetail } from './errors.ts';
import { roleRegionMismatch } from '../domain/access.ts';
import { normalizeId } from '../domain/resident-id.ts';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { logger } from './logger.ts';
import { count, metrics } from './metrics.ts';
import { registerRoute, type RouteDoc } from './route-schemas.ts';

export type Role = 'citizen' | 'village' | 'town' | 'city' | 'admin' | 'monitor';
export const ROLES: readonly Role[] = ['citizen', 'village', 'town', 'city', 'admin', 'monitor'];

/** The signed-in user, from the JWT claims the authorizer verified. */
export interface Caller {
  sub: string;
  role: Role;
  regionCode?: string;
  /** A citizen's real-name-verified ID number (Cognito custom attribute), canonical form. */
  idNumber?: string;
}

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface HttpRequest<B, Q, P> {
  caller: Caller;
  body: B;
  query: Q;
  params: P;
  headers: Record<string, string | undefined>;
  /** The parsed JSON body after NFC + trim, before zod: strict schemas leave no unknown field in it. */
  input: unknown;
  event: HttpEvent;
  context: import('aws-lambda').Context;
}

export interface HttpResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body that is not JSON (e.g. a CSV file), sent as is; `headers` carry its content-type. */
  text?: string;
}

export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.flatMap((issue) =>
    // An unknown key is named by its own path (API.md v2: "an unknown field → 400 naming its path").
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((k) => ({ path: [...issue.path, k].map(String).join('.'), message: 'unrecognized field' }))
      : [{ path: issue.path.map(String).join('.'), message: issue.message }],
  );
}

function parseOr400<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationFailed(`invalid ${what}`, zodDetails(parsed.error));
  return parsed.data;
}

/** API.md v2 limits on every request. */
export const LIMITS = {
  /** Request body bytes; more → 413. */
  bodyBytes: 256 * 1024,
  /** Nesting of arrays and objects in a body; deeper → 400 (DynamoDB stores 32 levels). */
  depth: 16,
  /** |number| above this → 400: nothing the API takes is that big, and DynamoDB caps at 1e125. */
  maxAbsNumber: 1e15,
  /** 0 < |number| below this → 400 (DynamoDB's smallest is 1e-130; 1e-320 is a denormal). */
  minAbsNumber: 1e-9,
} as const;

/**
 * Every string NFC-normalized and trimmed before validation and storage (API.md v2); numbers
 * and depth kept inside what the schemas and DynamoDB can take, so that odd-but-valid JSON is a
 * 400 with its path instead of a fault later. Keys are left as sent (strict schemas name them).
 */
export function normalizeInput(value: unknown, path: (string | number)[] = [], problems: ErrorDetail[] = []): unknown {
  // One path array, pushed and popped, formatted only for a problem: a body is a few hundred
  // values, and a closure plus a path copy per value was a tenth of an evaluation's CPU.
  return normalizeAt(value, [...path], problems);
}

const pathText = (path: readonly (string | number)[]) => path.map(String).join('.');

function normalizeAt(value: unknown, path: (string | number)[], problems: ErrorDetail[]): unknown {
  if (typeof value === 'string') return value.normalize('NFC').trim();
  if (typeof value === 'number') {
    const abs = Math.abs(value);
    if (!Number.isFinite(value) || abs > LIMITS.maxAbsNumber) problems.push({ path: pathText(path), message: `number out of range (|x| ≤ ${LIMITS.maxAbsNumber})` });
    else if (abs !== 0 && abs < LIMITS.minAbsNumber) problems.push({ path: pathText(path), message: 'number too small to be meant' });
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  if (path.length >= LIMITS.depth) {
    problems.push({ path: pathText(path), message: `nested deeper than ${LIMITS.depth} levels` });
    return undefined;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      out.push(normalizeAt(value[i], path, problems));
      path.pop();
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    path.push(k);
    if (k === '' || k === '__proto__') problems.push({ path: pathText(path), message: 'unrecognized key' });
    else out[k] = normalizeAt((value as Record<string, unknown>)[k], path, problems);
    path.pop();
  }
  return out;
}

function normalizedOr400(value: unknown, what: string): unknown {
  const problems: ErrorDetail[] = [];
  const out = normalizeInput(value, [], problems);
  if (problems.length) throw validationFailed(`invalid ${what}`, problems.slice(0, 20));
  return out;
}

/** Strictness for query strings, whatever the route wrote: an unknown parameter is a 400. */
function strictQuery<Q extends z.ZodType>(schema: Q): z.ZodType {
  return schema instanceof z.ZodObject ? (schema as unknown as z.ZodObject).strict() : schema;
}

/** Seconds of clock skew allowed for `iat` (API.md v2 Tokens). */
export const TOKEN_SKEW_SECONDS = 60;

function claimSeconds(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

/**
 * The caller from the claims the authorizer verified, checked again here (defence in depth,
 * and the same rules for every runtime): `exp` present and not past, `iat` not in the future
 * beyond the skew, a known role, a reviewer's regionCode fitting its role. Token times are real
 * time (the signer's), not the platform's movable clock.
 */
export function callerOf(event: HttpEvent, realNowMs = Date.now()): Caller {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string' || claims.sub === '') throw unauthenticated('missing or invalid token');
  const exp = claimSeconds(claims.exp);
  if (exp === undefined) throw unauthenticated('token has no expiry (exp)');
  if (exp * 1000 <= realNowMs) throw unauthenticated('token expired');
  const iat = claimSeconds(claims.iat);
  if (iat !== undefined && iat * 1000 > realNowMs + TOKEN_SKEW_SECONDS * 1000) throw unauthenticated('token issued in the future (iat)');
  const role = String(claims.role ?? '');
  if (!(ROLES as readonly string[]).includes(role)) throw unauthenticated('token has no valid role claim');
  const regionCode = claims.regionCode === undefined || claims.regionCode === '' ? undefined : String(claims.regionCode);
  // A reviewer without a code simply has no jurisdiction (handlers refuse what needs one).
  const mismatch = regionCode === undefined ? undefined : roleRegionMismatch(role, regionCode);
  if (mismatch) throw forbidden(`token's jurisdiction does not fit its role: ${mismatch}`);
  const idNumber = role === 'citizen' && typeof claims.idNumber === 'string' && claims.idNumber !== '' ? normalizeId(claims.idNumber) : undefined;
  return {
    sub: claims.sub,
    role: role as Role,
    ...(regionCode && role !== 'citizen' ? { regionCode } : {}),
    ...(idNumber ? { idNumber } : {}),
  };
}

function bodyText(event: HttpEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: body === undefined ? '' : stringifyBody(body),
  };
}

/**
 * JSON text placed into a response body as is (what JSON.rawJSON does from Node 21 on): a part
 * that many responses share (a policy's trace, serialized once per policy) or that is stored as
 * JSON text (a case's rules trace) is not parsed and serialized again per request — for a 14 KB
 * trace that was a third of the route's handler time. Serialized anywhere but in `json()`, it is
 * its parsed value.
 */
export class RawJson {
  constructor(readonly text: string) {}
  toJSON(): unknown {
    if (!splicing) return JSON.parse(this.text);
    splicing.push(this.text);
    return `${RAW_MARK}${splicing.length - 1}`;
  }
}
/** Marks where a RawJson goes; per process and random, so no client-sent string can be one. */
const RAW_MARK = `raw-json-${randomUUID()}-`;
let splicing: string[] | undefined;

function stringifyBody(body: unknown): string {
  const outer = splicing;
  const raws: string[] = [];
  splicing = raws;
  let text: string;
  try {
    text = JSON.stringify(body);
  } finally {
    splicing = outer;
  }
  if (raws.length === 0) return text;
  let out = '';
  let from = 0;
  for (let i = 0; i < raws.length; i++) {
    const mark = `"${RAW_MARK}${i}"`;
    const at = text.indexOf(mark, from);
    if (at < 0) throw new Error('raw JSON mark not found');
    out += text.slice(from, at) + raws[i]!;
    from = at + mark.length;
  }
  return out + text.slice(from);
}

const rawOfFrozen = new WeakMap<object, RawJson>();
/** A frozen (never changed) value's JSON, made once per value and then spliced into responses. */
export function rawJsonOnce(value: object): RawJson {
  let raw = rawOfFrozen.get(value);
  if (!raw) {
    if (!Object.isFrozen(value)) throw new Error('rawJsonOnce needs a frozen value');
    raw = new RawJson(JSON.stringify(value));
    rawOfFrozen.set(value, raw);
  }
  return raw;
}

export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, P extends z.ZodType = z.ZodType> extends RouteDoc {
  body?: B;
  query?: Q;
  params?: P;
  /** Roles allowed on this route; others get 403. Omitted: any signed-in user. */
  roles?: readonly Role[];
}

/**
 * A thin HTTP handler: verify caller and role, parse JSON, validate body/query/path with zod
 * (400 with field paths), run `fn`, and map every error to API.md's shape. Nothing a client
 * sends can produce a 5xx: only a bug does, and that is logged.
 */
export function httpHandler<
  B extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  P extends z.ZodType = z.ZodUnknown,
>(
  spec: RouteSpec<B, Q, P>,
  fn: (req: HttpRequest<z.output<B>, z.output<Q>, z.output<P>>) => Promise<HttpResponse>,
) {
  const core = async (event: HttpEvent, context: import('aws-lambda').Context): Promise<APIGatewayProxyResultV2> => {
    const started = Date.now();
    const done = (res: APIGatewayProxyResultV2) => {
      const status = typeof res === 'object' && res && 'statusCode' in res ? Number(res.statusCode) : 200;
      if (status >= 500) count('ServerErrors');
      else if (status >= 400) count('ClientErrors');
      logger.info('request', { route: event.routeKey, status, ms: Date.now() - started });
      return res;
    };
    try {
      const caller = callerOf(event);
      if (spec.roles && !spec.roles.includes(caller.role)) {
        throw new AppError('FORBIDDEN', `role ${caller.role} may not call this endpoint`);
      }
      let input: unknown = undefined;
      const text = bodyText(event);
      if (Buffer.byteLength(text, 'utf8') > LIMITS.bodyBytes) {
        throw new AppError('PAYLOAD_TOO_LARGE', `request body over ${LIMITS.bodyBytes / 1024} KB`);
      }
      if (spec.body) {
        try {
          input = text === '' ? undefined : JSON.parse(text);
        } catch {
          throw validationFailed('request body is not valid JSON', [{ path: '', message: 'invalid JSON' }]);
        }
        input = normalizedOr400(input, 'request body');
      }
      const body = spec.body ? parseOr400(spec.body, input, 'request body') : undefined;
      const rawQuery = normalizedOr400(event.queryStringParameters ?? {}, 'query string') as Record<string, string>;
      if (!spec.query && Object.keys(rawQuery).length) {
        throw validationFailed('unknown query parameters', Object.keys(rawQuery).map((k) => ({ path: k, message: 'unrecognized query parameter' })));
      }
      const query = spec.query ? parseOr400(strictQuery(spec.query), rawQuery, 'query string') : undefined;
      const params = spec.params ? parseOr400(spec.params, normalizedOr400(event.pathParameters ?? {}, 'path'), 'path') : undefined;
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
      const res = await fn({ caller, body, query, params, headers, input, event, context } as HttpRequest<z.output<B>, z.output<Q>, z.output<P>>);
      return done(res.text !== undefined ? { statusCode: res.status, headers: res.headers ?? {}, body: res.text } : json(res.status, res.body, res.headers));
    } catch (err) {
      if (err instanceof AppError) return done(json(err.status, err.toBody()));
      // A forged cursor that decodes but names a start key the index refuses is the client's fault.
      if ((err as Error).name === 'ValidationException' && /start(ing)? key|ExclusiveStartKey/i.test((err as Error).message)) {
        return done(json(400, validationFailed('invalid cursor', [{ path: 'cursor', message: 'not a cursor this list handed out' }]).toBody()));
      }
      logger.error('unhandled error', { route: event.routeKey, error: err as Error });
      return done(json(500, { error: { code: 'INTERNAL', message: 'internal error' } }));
    }
  };
  // The spec rides on the handler so that the route registry (OpenAPI, fuzzing) reads the very
  // schemas the route validates with.
  return Object.assign(middy(core).use(injectLambdaContext(logger)).use(logMetrics(metrics)), { spec: spec as RouteSpec });
}

type AnyHandler = (event: HttpEvent, context: import('aws-lambda').Context) => Promise<APIGatewayProxyResultV2>;

/**
 * One Lambda per route group: dispatch on API Gateway's routeKey ("POST /applications").
 * A route key the group does not serve is a wiring bug, answered 404 rather than 5xx.
 */
export function routeGroup(routes: Record<string, AnyHandler>) {
  for (const [routeKey, h] of Object.entries(routes)) registerRoute(routeKey, (h as { spec?: RouteSpec }).spec);
  return async (event: HttpEvent, context: import('aws-lambda').Context): Promise<APIGatewayProxyResultV2> => {
    const route = routes[event.routeKey];
    if (!route) return json(404, { error: { code: 'NOT_FOUND', message: `no route ${event.routeKey}` } });
    return route(event, context);
  };
}
