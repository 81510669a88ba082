import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyResultV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RouteDef } from '../infra/manifest-types.ts';
import { isUtf8 } from 'node:buffer';
import type { LocalJwt } from './jwt.ts';
import { closeServer, listenOnLoopback } from './loopback-server.ts';

/**
 * The API Gateway HTTP API stand-in: the manifest's routes, API Gateway v2 payload events, and
 * JWT authorization checked before the Lambda runs (401 otherwise), as the HTTP API does it.
 */
export type LocalRoute = (req: IncomingMessage, body: string, res: ServerResponse) => Promise<void> | void;

interface CompiledRoute {
  def: RouteDef;
  regex: RegExp;
  paramNames: string[];
}

function compile(def: RouteDef): CompiledRoute {
  const paramNames: string[] = [];
  const pattern = def.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{([^}]+?)(\\\+)?\}/g, (_m, name: string, greedy?: string) => {
    const clean = name.replace(/\\/g, '');
    paramNames.push(clean);
    return greedy ? '(.+)' : '([^/]+)';
  });
  return { def, regex: new RegExp(`^${pattern}$`), paramNames };
}

export class HttpApi {
  private server: Server | undefined;
  private readonly routes: CompiledRoute[];
  private readonly localRoutes = new Map<string, LocalRoute>();
  private fallback: ((req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>) | undefined;

  constructor(
    routes: RouteDef[],
    private readonly jwt: LocalJwt,
    private readonly invoke: (fn: string, event: unknown) => Promise<unknown>,
  ) {
    // API Gateway prefers the most specific route: literal segments before {params}.
    this.routes = routes.map(compile).sort((a, b) => b.def.path.replace(/\{[^}]+\}/g, '').length - a.def.path.replace(/\{[^}]+\}/g, '').length);
  }

  /** Local-only endpoints (/_local/*, /health): absent in the cloud stack. */
  addLocalRoute(method: string, path: string, handler: LocalRoute): void {
    this.localRoutes.set(`${method} ${path}`, handler);
  }

  /** What answers a request no route matches before the 404 (the web console's files). */
  setFallback(fallback: (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean>): void {
    this.fallback = fallback;
  }

  async listen(port: number): Promise<number> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        console.error('[http-api] internal error', err);
        if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
      });
    });
    return listenOnLoopback(this.server, port);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const raw = await readRawBody(req);
    const body = raw.toString('utf8');
    // As API Gateway does for a payload it cannot pass as text (a GBK CSV): base64, flagged.
    const binary = raw.length > 0 && !isUtf8(raw);
    const local = this.localRoutes.get(`${method} ${url.pathname}`);
    if (local) return local(req, body, res);

    let match: { route: CompiledRoute; params: Record<string, string> } | undefined;
    let pathKnown = false;
    for (const route of this.routes) {
      const m = route.regex.exec(url.pathname);
      if (!m) continue;
      pathKnown = true;
      if (route.def.method !== method) continue;
      const params: Record<string, string> = {};
      let malformed: string | undefined;
      route.paramNames.forEach((n, i) => {
        try {
          params[n] = decodeURIComponent(m[i + 1]!);
        } catch {
          malformed = n;
        }
      });
      // API Gateway refuses a path it cannot decode before any Lambda runs.
      if (malformed) {
        return send(res, 400, { message: 'Bad Request', error: { code: 'VALIDATION_FAILED', message: 'malformed percent-encoding in the path', details: [{ path: malformed, message: 'malformed percent-encoding' }] } });
      }
      match = { route, params };
      break;
    }
    if (!match) {
      if (!pathKnown && this.fallback && (await this.fallback(req, res, url.pathname))) return;
      // API Gateway answers 404 for an unknown route, whatever the method.
      return send(res, 404, { message: 'Not Found', error: { code: 'NOT_FOUND', message: pathKnown ? `no route for ${method} ${url.pathname}` : `no route ${url.pathname}` } });
    }

    let claims: Record<string, unknown> | undefined;
    if (match.route.def.auth === 'jwt') {
      const header = req.headers.authorization ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
      const checked = token ? await this.jwt.check(token) : { problem: 'missing or invalid bearer token' };
      if (!('payload' in checked)) {
        return send(res, 401, { message: 'Unauthorized', error: { code: 'UNAUTHENTICATED', message: checked.problem } });
      }
      claims = checked.payload as Record<string, unknown>;
    }

    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
    const now = new Date();
    const event = {
      version: '2.0',
      routeKey: `${match.route.def.method} ${match.route.def.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers,
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      ...(Object.keys(match.params).length ? { pathParameters: match.params } : {}),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'local',
        http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId: randomUUID(),
        routeKey: `${match.route.def.method} ${match.route.def.path}`,
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(claims ? { authorizer: { jwt: { claims: stringifyClaims(claims), scopes: null } } } : {}),
      },
      body: body === '' ? undefined : binary ? raw.toString('base64') : body,
      isBase64Encoded: binary,
    };

    let result: APIGatewayProxyResultV2;
    try {
      result = (await this.invoke(match.route.def.function, event)) as APIGatewayProxyResultV2;
    } catch (err) {
      console.error(`[http-api] ${match.route.def.function} threw`, err);
      return send(res, 500, { message: 'Internal Server Error' });
    }
    writeResult(res, result);
  }
}

/** API Gateway passes JWT claims to the Lambda as strings. */
function stringifyClaims(claims: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) out[k] = typeof v === 'string' ? v : Array.isArray(v) ? `[${v.join(' ')}]` : String(v);
  return out;
}

function writeResult(res: ServerResponse, result: APIGatewayProxyResultV2): void {
  if (typeof result === 'string' || result === null || result === undefined || typeof (result as APIGatewayProxyStructuredResultV2).statusCode !== 'number') {
    // The v2 payload's "simple" form: the returned value is the JSON body of a 200.
    return send(res, 200, result);
  }
  const r = result as APIGatewayProxyStructuredResultV2;
  // Encoded once with its length, as API Gateway answers (a string body went out chunked).
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body, r.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(r.statusCode ?? 200, { ...(r.headers as Record<string, string> | undefined), 'content-length': body.length });
  res.end(body);
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readRawBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
