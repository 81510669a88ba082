import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2 } from 'aws-lambda';
import { z } from 'zod';
import { AppError, unauthenticated, validationFailed, type ErrorDetail } from './errors.ts';
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
}

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

export interface HttpRequest<B, Q, P> {
  caller: Caller;
  body: B;
  query: Q;
  params: P;
  headers: Record<string, string | undefined>;
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
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

function parseOr400<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw validationFailed(`invalid ${what}`, zodDetails(parsed.error));
  return parsed.data;
}

function callerOf(event: HttpEvent): Caller {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string') throw unauthenticated('missing or invalid token');
  const role = String(claims.role ?? '');
  if (!(ROLES as readonly string[]).includes(role)) throw unauthenticated('token has no valid role claim');
  const regionCode = claims.regionCode === undefined ? undefined : String(claims.regionCode);
  return { sub: claims.sub, role: role as Role, ...(regionCode ? { regionCode } : {}) };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
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
      let rawBody: unknown = undefined;
      if (spec.body) {
        const text = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
        try {
          rawBody = text === '' ? undefined : JSON.parse(text);
        } catch {
          throw validationFailed('request body is not valid JSON', [{ path: '', message: 'invalid JSON' }]);
        }
      }
      const body = spec.body ? parseOr400(spec.body, rawBody, 'request body') : undefined;
      const query = spec.query ? parseOr400(spec.query, event.queryStringParameters ?? {}, 'query string') : undefined;
      const params = spec.params ? parseOr400(spec.params, event.pathParameters ?? {}, 'path') : undefined;
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(event.headers ?? {})) headers[k.toLowerCase()] = v;
      const res = await fn({ caller, body, query, params, headers, event, context } as HttpRequest<z.output<B>, z.output<Q>, z.output<P>>);
      return done(res.text !== undefined ? { statusCode: res.status, headers: res.headers ?? {}, body: res.text } : json(res.status, res.body, res.headers));
    } catch (err) {
      if (err instanceof AppError) return done(json(err.status, err.toBody()));
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
