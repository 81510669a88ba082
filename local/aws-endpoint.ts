import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { closeServer, listenOnLoopback } from './loopback-server.ts';

/**
 * The one local AWS endpoint (:4566). Callers tell services apart by `X-Amz-Target`, as the AWS
 * CLI and SDK send it: `DynamoDB_20120810.*` is forwarded to DynamoDB Local untouched;
 * `AWSStepFunctions.*` and `AWSEvents.*` are answered by the local engines that register here.
 */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface AwsJsonService {
  /** e.g. 'AWSStepFunctions' */
  targetPrefix: string;
  /** 'application/x-amz-json-1.0' or '1.1' */
  contentType: string;
  handle(action: string, input: Record<string, unknown>): Promise<unknown>;
}

/** A REST-JSON service (e.g. EventBridge Scheduler: GET /schedules), told apart by its path. */
export interface AwsRestService {
  /** The first path segment it answers, e.g. 'schedules'. */
  pathPrefix: string;
  handle(method: string, path: string[], query: URLSearchParams, body: Record<string, unknown>): Promise<{ status: number; body: unknown }>;
}

export class AwsEndpoint {
  private server: Server | undefined;
  private readonly services = new Map<string, AwsJsonService>();
  private readonly rest = new Map<string, AwsRestService>();

  constructor(private readonly dynamoEndpoint: string) {}

  register(service: AwsJsonService): void {
    this.services.set(service.targetPrefix, service);
  }

  registerRest(service: AwsRestService): void {
    this.rest.set(service.pathPrefix, service);
  }

  async listen(port: number): Promise<number> {
    this.server = createServer((req, res) => void this.route(req, res));
    return listenOnLoopback(this.server, port);
  }

  close(): Promise<void> {
    return closeServer(this.server);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = String(req.headers['x-amz-target'] ?? '');
    const [prefix, action] = target.split('.', 2);
    if (prefix?.startsWith('DynamoDB_')) return this.forwardToDynamo(req, res);
    if (!target) {
      const url = new URL(req.url ?? '/', 'http://local');
      const segments = url.pathname.split('/').filter(Boolean).map((x) => decodeURIComponent(x));
      const restService = segments[0] ? this.rest.get(segments[0]) : undefined;
      if (restService) return this.routeRest(restService, req, res, segments, url.searchParams);
    }
    const service = prefix ? this.services.get(prefix) : undefined;
    if (!service || !action) {
      const body = await readBody(req);
      void body;
      return sendJson(res, 400, 'application/x-amz-json-1.1', {
        __type: 'UnknownOperationException',
        message: `no local service answers X-Amz-Target '${target}'`,
      });
    }
    let input: Record<string, unknown>;
    try {
      const text = await readBody(req);
      input = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, 400, service.contentType, { __type: 'SerializationException', message: 'invalid JSON' });
    }
    try {
      const out = await service.handle(action, input);
      sendJson(res, 200, service.contentType, out ?? {});
    } catch (err) {
      if (err instanceof AwsServiceError) {
        res.setHeader('x-amzn-errortype', err.type);
        return sendJson(res, err.status, service.contentType, { __type: err.type, message: err.message });
      }
      console.error(`[aws-endpoint] ${target} failed`, err);
      sendJson(res, 500, service.contentType, { __type: 'InternalFailure', message: String((err as Error).message ?? err) });
    }
  }

  private async routeRest(service: AwsRestService, req: IncomingMessage, res: ServerResponse, segments: string[], query: URLSearchParams): Promise<void> {
    let body: Record<string, unknown> = {};
    try {
      const text = await readBody(req);
      body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      return sendRestError(res, new AwsServiceError('ValidationException', 'invalid JSON'));
    }
    try {
      const out = await service.handle(req.method ?? 'GET', segments, query, body);
      sendJson(res, out.status, 'application/json', out.body ?? {});
    } catch (err) {
      if (err instanceof AwsServiceError) return sendRestError(res, err);
      console.error(`[aws-endpoint] ${req.method} ${req.url} failed`, err);
      sendRestError(res, new AwsServiceError('InternalServerException', String((err as Error).message ?? err), 500));
    }
  }

  private forwardToDynamo(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(this.dynamoEndpoint);
    const upstream = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.url, headers: { ...req.headers, host: url.host } },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', (err) => {
      if (!res.headersSent) sendJson(res, 503, 'application/x-amz-json-1.0', { __type: 'ServiceUnavailable', message: err.message });
      else res.destroy();
    });
    req.pipe(upstream);
  }
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** restJson1 errors: the type in X-Amzn-ErrorType, the message in the body. */
function sendRestError(res: ServerResponse, err: AwsServiceError): void {
  res.setHeader('x-amzn-errortype', err.type);
  sendJson(res, err.status, 'application/json', { Message: err.message });
}

function sendJson(res: ServerResponse, status: number, contentType: string, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
