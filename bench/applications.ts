/**
 * The application path on the local stack (in process), beside baselines from the same run:
 *
 *  0. baselines: one raw PutItem (8 callers; time and CPU per write) and GET /regions/{code}
 *     (the HTTP API and Lambda stand-in with no DynamoDB call);
 *  1. POST /applications at 10 connections (closed loop): requests/s, p50/p99;
 *  2. POST /applications open-loop at 100 requests/s (autocannon overallRate, 100 connections so
 *     that the rate, not the connections, paces it): p99;
 *  3. submission → APPROVED with the three reviewer levels automated and the clock advanced
 *     across the 7-day notice.
 * For each: DynamoDB calls per submission / application, by caller (the submitting Lambda, the
 * workflow's Lambdas, the Step Functions engine's own store), Lambda invocations, state
 * transitions, events, and CPU per request (this process + the DynamoDB Local JVM).
 *
 * "Raw-write equivalents" per application (docs/performance.md):
 *   rawWritesPerApplication     = (wall time per application, N in parallel) ÷ (wall time per raw
 *                                 PutItem, 8 in parallel) — the measure;
 *   cpuRawWritesPerApplication  = CPU per application ÷ CPU per raw PutItem (both processes):
 *                                 the same question asked of CPU, which neighbours on a shared
 *                                 machine barely move;
 *   dynamoWritesPerApplication  = write requests counted (PutItem, UpdateItem, DeleteItem, each
 *                                 TransactWriteItems and BatchWriteItem request once).
 *
 *   npx tsx bench/applications.ts [applications=100] [seconds=10]
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';
import { currentEngine } from '../local/stepfunctions/plugin.ts';
import type { AwsJsonService } from '../local/aws-endpoint.ts';
import { documentClient } from '../functions/adapters/dynamo.ts';
import { ApiClient, TEST_COUNTIES } from '../tests/support/local-stack.ts';
import { CONSENT, dibaoHousehold } from '../tests/support/people.ts';
import { cpuMeter } from './support/ddb-calls.ts';

const N = Number(process.argv[2] ?? process.env.APPLICATIONS ?? 100);
const SECONDS = Number(process.argv[3] ?? process.env.SECONDS ?? 10);
const VILLAGE = '610124121200';

const stack = await startLocalStack({ port: 0, awsPort: 0, regionCounties: TEST_COUNTIES });
const api = new ApiClient(stack.httpUrl);
const cpu = cpuMeter(stack.ctx.dynamoEndpoint);
const engine = currentEngine!;

// ---------------------------------------------------------------- counting
/** Which Lambda a DynamoDB call comes from (none: the runtime's own parts, e.g. the engine's store). */
const caller = new AsyncLocalStorage<string>();
const counts = new Map<string, number>();
const bump = (key: string, by = 1) => counts.set(key, (counts.get(key) ?? 0) + by);
interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);
for (const [client, side] of [
  [documentClient(), 'lambda'],
  [stack.ctx.ddb, 'runtime'],
] as const) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const op = String(context.commandName).replace(/Command$/, '');
      const who = side === 'lambda' ? (caller.getStore() ?? 'lambda') : 'engine/runtime';
      bump(`ddb ${who}`);
      bump('ddb');
      if (WRITES.has(op)) bump('ddb writes');
      // Capacity as DynamoDB bills it (on demand: request units), reported by DynamoDB Local too.
      const input = args.input as { ReturnConsumedCapacity?: string };
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const out = await next(args);
      const consumed = (out.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      for (const cc of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
        const read = cc.ReadCapacityUnits ?? (WRITES.has(op) ? 0 : (cc.CapacityUnits ?? 0));
        const write = cc.WriteCapacityUnits ?? (WRITES.has(op) ? (cc.CapacityUnits ?? 0) : 0);
        bump('rru', read);
        bump('wru', write);
        if (side === 'runtime') {
          bump('rru engine', read);
          bump('wru engine', write);
        }
      }
      return out;
    },
    { step: 'initialize', name: `bench-count-${side}` },
  );
}
const lambdas = stack.ctx.lambdas;
const invoke = lambdas.invoke.bind(lambdas);
let inflight = 0;
lambdas.invoke = async (fn: string, event: unknown) => {
  const route = (event as { routeKey?: string } | undefined)?.routeKey;
  const name = route ?? fn.split(':').pop()!.replace(/^jiuzhu-/, '');
  bump('lambda');
  bump(`lambda ${name}`);
  inflight++;
  try {
    return await caller.run(name, () => invoke(fn, event));
  } finally {
    inflight--;
  }
};
// Events and Step Functions API calls, as the local endpoint answers them.
const services = (stack.ctx.aws as unknown as { services: Map<string, AwsJsonService> }).services;
for (const prefix of ['AWSEvents', 'AWSStepFunctions']) {
  const svc = services.get(prefix)!;
  const handle = svc.handle.bind(svc);
  svc.handle = async (action, input) => {
    bump(`${prefix} ${action}`);
    if (prefix === 'AWSEvents' && action === 'PutEvents') bump('events', (input.Entries as unknown[] | undefined)?.length ?? 0);
    return handle(action, input);
  };
}
function snapshot() {
  return { counts: new Map(counts), transitions: engine.transitions, cpu: cpu(), at: performance.now() };
}
type Snap = ReturnType<typeof snapshot>;
function delta(a: Snap, b: Snap, per: number) {
  const c = (k: string) => ((b.counts.get(k) ?? 0) - (a.counts.get(k) ?? 0)) / per;
  const keys = [...b.counts.keys()].filter((k) => c(k) > 0).sort();
  return {
    c,
    keys,
    transitions: (b.transitions - a.transitions) / per,
    cpuNode: (b.cpu.node - a.cpu.node) / per,
    cpuDynamo: (b.cpu.dynamo - a.cpu.dynamo) / per,
    ms: (b.at - a.at) / per,
  };
}
const show = (d: ReturnType<typeof delta>, prefix: string) =>
  d.keys
    .filter((k) => k.startsWith(prefix))
    .map((k) => `${k.slice(prefix.length).trim() || 'all'} ${d.c(k).toFixed(1)}`)
    .join(', ');

const t = {
  citizen: await api.token('citizen', undefined, 'bench-citizen'),
  village: await api.token('village', VILLAGE, 'bench-village'),
  town: await api.token('town', VILLAGE.slice(0, 9), 'bench-town'),
  city: await api.token('city', VILLAGE.slice(0, 4), 'bench-city'),
  admin: await api.token('admin', undefined, 'bench-admin'),
};
const submission = () => ({ household: dibaoHousehold(), requested: ['DIBAO'], consent: CONSENT });
/** Waits until the workflows started so far are parked at a review (no step queued, no task running). */
async function quiesce(): Promise<void> {
  for (let i = 0; i < 1200 && (engine.busy() || inflight > 0); i++) await new Promise((r) => setTimeout(r, 50));
}

// ---------------------------------------------------------------- 0. baselines
async function rawWrites(count: number) {
  const a = snapshot();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < count; i = next++) {
        await stack.ctx.doc.send(new PutCommand({ TableName: 'jiuzhu-Audit', Item: { pk: `BENCH#${i % 97}`, sk: `${i}`, v: i, at: new Date().toISOString() } }));
      }
    }),
  );
  const d = delta(a, snapshot(), count);
  return { perSecond: 1000 / d.ms, ms: d.ms, cpuMs: d.cpuNode + d.cpuDynamo, cpuNode: d.cpuNode, cpuDynamo: d.cpuDynamo };
}

async function load(opts: { path: string; route: string; method: 'GET' | 'POST'; token: string; body?: () => unknown; connections: number; rate?: number }) {
  await quiesce();
  const a = snapshot();
  const result = await autocannon({
    url: stack.httpUrl,
    connections: opts.connections,
    duration: SECONDS,
    ...(opts.rate ? { overallRate: opts.rate } : {}),
    requests: [
      {
        method: opts.method,
        path: opts.path,
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          headers: { authorization: `Bearer ${opts.token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          ...(opts.body ? { body: JSON.stringify(opts.body()) } : {}),
        }),
      },
    ],
  });
  // The workflows these submissions started run on to the village review: their cost is the
  // submission's. Per request handled (autocannon counts only answers it waited for).
  await quiesce();
  const b = snapshot();
  const handled = (b.counts.get(`lambda ${opts.method} ${opts.route}`) ?? 0) - (a.counts.get(`lambda ${opts.method} ${opts.route}`) ?? 0);
  const d = delta(a, b, Math.max(1, handled));
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, total: result.requests.total, bad: result.non2xx + result.errors, non2xx: result.non2xx, timeouts: result.timeouts, errors: result.errors, d };
}

/** `count` calls of `fn`, `width` at a time; results in order. */
async function pool<T>(count: number, width: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, count) }, async () => {
      for (let i = next++; i < count; i = next++) out[i] = await fn(i);
    }),
  );
  return out;
}

// ---------------------------------------------------------------- 3. submission → APPROVED
async function endToEnd() {
  await quiesce();
  const a = snapshot();
  // Ten citizens submitting at a time; eight reviewer decisions at a time (people, not a flood).
  const ids = await pool(N, 10, async () => {
    const res = await api.request('POST', '/applications', { token: t.citizen, body: submission(), headers: { 'idempotency-key': randomUUID() } });
    if (res.status !== 201) throw new Error(`submit: ${res.status} ${res.text}`);
    return res.body.id as string;
  });
  const pending = new Set(ids);
  const investigation = { visitedAt: '2026-12-01', investigators: ['王伟', '李娜'] };
  while (pending.size) {
    let acted = false;
    for (const level of ['village', 'town', 'city'] as const) {
      const items = (await api.request('GET', '/review-tasks', { token: t[level] })).body.items as { id: string }[];
      await pool(items.length, 8, (i) =>
        api.request('POST', `/review-tasks/${encodeURIComponent(items[i]!.id)}/decision`, { token: t[level], body: { decision: 'approve', ...(level === 'town' ? { investigation } : {}) } }),
      );
      acted ||= items.length > 0;
    }
    if (acted) continue;
    // Nothing to decide: where are the cases? Once every one left is on notice, the clock crosses
    // the 7 days (once: more jumps would add the review deadlines' escalations and the daily runs).
    await quiesce();
    const statuses = await Promise.all([...pending].map(async (id) => [id, (await api.request('GET', `/applications/${id}`, { token: t.admin })).body.status as string] as const));
    for (const [id, status] of statuses) if (status === 'APPROVED' || status === 'REJECTED') pending.delete(id);
    const left = statuses.filter(([, s]) => s !== 'APPROVED' && s !== 'REJECTED');
    if (left.length && left.every(([, s]) => s === 'PUBLIC_NOTICE')) await api.advanceDays(7.01);
    else await new Promise((r) => setTimeout(r, 20));
  }
  const d = delta(a, snapshot(), N);
  return { perSecond: 1000 / d.ms, seconds: (d.ms * N) / 1000, d };
}

// The end-to-end run first: the load runs leave cases at the village review that its reviewers would decide too.
const raw = await rawWrites(3000);
const e2e = await endToEnd();
const regions = await load({ path: `/regions/${VILLAGE}`, route: '/regions/{code}', method: 'GET', token: t.citizen, connections: 10 });
const submit10 = await load({ path: '/applications', route: '/applications', method: 'POST', token: t.citizen, body: submission, connections: 10 });
const submit100 = await load({ path: '/applications', route: '/applications', method: 'POST', token: t.citizen, body: submission, connections: 100, rate: 100 });
const rawAfter = await rawWrites(3000);
const rawMs = (raw.ms + rawAfter.ms) / 2;
const rawCpu = (raw.cpuMs + rawAfter.cpuMs) / 2;

const f1 = (x: number) => x.toFixed(1);
console.log(`\n== baselines (same run)  [${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}]`);
console.log(`  raw PutItem, 8 callers        ${f1(1000 / rawMs)} writes/s (before ${f1(raw.perSecond)}, after ${f1(rawAfter.perSecond)}); CPU ${rawCpu.toFixed(2)} ms per write (node ${raw.cpuNode.toFixed(2)} + DynamoDB Local ${raw.cpuDynamo.toFixed(2)})`);
console.log(`  GET /regions/{code}, 10 conn. ${regions.rps.toFixed(0)} req/s  p99 ${regions.p99} ms  CPU ${(regions.d.cpuNode + regions.d.cpuDynamo).toFixed(2)} ms per request`);
for (const [name, r] of [
  ['POST /applications, 10 connections', submit10],
  ['POST /applications, open loop 100/s', submit100],
] as const) {
  console.log(`\n== ${name}: ${r.rps.toFixed(1)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  (${r.total} requests, ${r.non2xx} non-2xx; ${r.timeouts} not answered within autocannon's 10 s, ${r.errors - r.timeouts} other client errors)`);
  console.log(`  per submission, with its workflow to the village review: CPU ${(r.d.cpuNode + r.d.cpuDynamo).toFixed(1)} ms (node ${r.d.cpuNode.toFixed(1)} + DynamoDB Local ${r.d.cpuDynamo.toFixed(1)}) = ${((r.d.cpuNode + r.d.cpuDynamo) / rawCpu).toFixed(1)} raw writes`);
  console.log(`  DynamoDB calls ${f1(r.d.c('ddb'))} (${show(r.d, 'ddb ')}), of them writes ${f1(r.d.c('ddb writes'))}; ${f1(r.d.c('rru'))} RRU + ${f1(r.d.c('wru'))} WRU`);
  console.log(`  Lambda invocations ${f1(r.d.c('lambda'))} (${show(r.d, 'lambda ')}); state transitions ${f1(r.d.transitions)}; Step Functions API ${show(r.d, 'AWSStepFunctions')}`);
}
const e = e2e.d;
const rawWritesPerApplication = e.ms / rawMs;
const cpuRawWritesPerApplication = (e.cpuNode + e.cpuDynamo) / rawCpu;
console.log(`\n== submission → APPROVED (${N} applications, 10 submitted at a time, reviewers automated (8 decisions at a time), notice crossed on the clock)`);
console.log(`  ${f1(e2e.perSecond)} applications/s (${f1(e2e.seconds)} s)`);
console.log(`  raw-write equivalents per application: time ${f1(rawWritesPerApplication)}, CPU ${f1(cpuRawWritesPerApplication)}  (goal ≤ 25; a raw PutItem ${rawMs.toFixed(2)} ms, ${rawCpu.toFixed(2)} ms CPU)`);
console.log(`  per application: DynamoDB calls ${f1(e.c('ddb'))} (${show(e, 'ddb ')}), of them writes ${f1(e.c('ddb writes'))}`);
console.log(`  capacity per application: ${f1(e.c('rru'))} RRU + ${f1(e.c('wru'))} WRU, of them the local engine's own store ${f1(e.c('rru engine'))} + ${f1(e.c('wru engine'))} (in AWS Step Functions keeps its history itself)`);
console.log(`  Lambda invocations ${f1(e.c('lambda'))} (${show(e, 'lambda ')})`);
console.log(`  state transitions ${f1(e.transitions)}; Step Functions API ${show(e, 'AWSStepFunctions')}; events ${f1(e.c('events'))}; CPU ${(e.cpuNode + e.cpuDynamo).toFixed(1)} ms`);

const r1 = (x: number) => Math.round(x * 10) / 10;
const figures = {
  submitP99MsAt100Rps: submit100.p99,
  submitRpsAt100RpsOffered: r1(submit100.rps),
  submitRpsAt10Connections: r1(submit10.rps),
  submitP99MsAt10Connections: submit10.p99,
  rawWritesPerApplication: r1(rawWritesPerApplication),
  cpuRawWritesPerApplication: r1(cpuRawWritesPerApplication),
  dynamoCallsPerSubmission: r1(submit10.d.c('ddb')),
  dynamoCallsPerSubmissionInItsLambda: r1(submit10.d.c('ddb POST /applications')),
  cpuMsPerSubmission: r1(submit10.d.cpuNode + submit10.d.cpuDynamo),
  dynamoCallsPerApplication: r1(e.c('ddb')),
  dynamoWritesPerApplication: r1(e.c('ddb writes')),
  readRequestUnitsPerApplication: r1(e.c('rru') - e.c('rru engine')),
  writeRequestUnitsPerApplication: r1(e.c('wru') - e.c('wru engine')),
  lambdaInvocationsPerApplication: r1(e.c('lambda')),
  stateTransitionsPerApplication: r1(e.transitions),
  eventsPerApplication: r1(e.c('events')),
  applicationsPerSecond: r1(e2e.perSecond),
};
const baselines = {
  rawPutItemsPerSecond: r1(1000 / rawMs),
  rawPutItemCpuMs: Math.round(rawCpu * 100) / 100,
  regionsRpsAt10Connections: r1(regions.rps),
  regionsP99MsAt10Connections: regions.p99,
  regionsCpuMsPerRequest: Math.round((regions.d.cpuNode + regions.d.cpuDynamo) * 100) / 100,
};
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'applications.json'), `${JSON.stringify({ name: 'applications', figures, baselines, at: new Date().toISOString() }, null, 2)}\n`);
await stack.stop();
process.exit(0);
