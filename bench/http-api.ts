/**
 * HTTP throughput of the read paths people wait on, beside GET /regions/{code} (one handler, the
 * county cached in the warm container: the local HTTP API and Lambda stand-in with no DynamoDB
 * call) measured in the same run, at 20 connections (autocannon, in process):
 *   POST /eligibility/evaluate  (zod, the rules engine, the policy cached per warm container)
 *   GET /applications/{id}      (the case and its referrals: two DynamoDB reads)
 * Each route runs ROUNDS times interleaved (the machine is shared: a neighbour's burst lands on
 * one run, not on one route); the ratio is of the medians. DynamoDB calls per request are counted.
 * Figures go to bench/results/http-api.json, and `evaluateRpsVsRegionsRps` is merged into
 * bench/results/eligibility.json (read-merge-write: that file's other figures are the rules
 * benchmark's).
 *
 *   npx tsx bench/http-api.ts [seconds=10] [rounds=2]
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';
import { documentClient } from '../functions/adapters/dynamo.ts';
import { ApiClient, TEST_COUNTIES } from '../tests/support/local-stack.ts';
import { CONSENT, dibaoHousehold } from '../tests/support/people.ts';
import { CallCounter, cpuMeter } from './support/ddb-calls.ts';

const SECONDS = Number(process.argv[2] ?? process.env.SECONDS ?? 10);
const ROUNDS = Number(process.argv[3] ?? process.env.ROUNDS ?? 2);
const CONNECTIONS = 20;
const VILLAGE = '610124121200';

const stack = await startLocalStack({ port: 0, awsPort: 0, regionCounties: TEST_COUNTIES });
const api = new ApiClient(stack.httpUrl);
const calls = new CallCounter();
calls.attach(documentClient(), 'lambda');
calls.on = false;
const cpu = cpuMeter(stack.ctx.dynamoEndpoint);
const citizen = await api.token('citizen', undefined, 'bench-http-citizen');
const created = await api.request('POST', '/applications', { token: citizen, body: { household: dibaoHousehold(), requested: ['DIBAO'], consent: CONSENT }, headers: { 'idempotency-key': randomUUID() } });
if (created.status !== 201) throw new Error(`submit: ${created.status} ${created.text}`);
const appId = created.body.id as string;
// Its workflow runs to the village review (a wait) before anything is counted: its steps' calls
// were counted as the baseline's (0.3 DynamoDB calls per GET /regions).
for (let i = 0; i < 300; i++) {
  const r = await api.request('GET', `/applications/${appId}`, { token: citizen });
  if (r.body.status === 'VILLAGE_REVIEW') break;
  await new Promise((res) => setTimeout(res, 100));
}
const evaluateBody = JSON.stringify({ household: dibaoHousehold(), asOf: '2026-12-01' });

interface Route {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}
const routes: Route[] = [
  { name: 'GET /regions/{code} (baseline)', method: 'GET', path: `/regions/${VILLAGE}` },
  { name: 'POST /eligibility/evaluate', method: 'POST', path: '/eligibility/evaluate', body: evaluateBody },
  { name: 'GET /applications/{id}', method: 'GET', path: `/applications/${appId}` },
];

// Each answers 200 before it is measured; then DynamoDB calls per request over 50 sequential ones.
const perRequest = new Map<string, number>();
for (const r of routes) {
  const check = await api.request(r.method, r.path, { token: citizen, ...(r.body ? { rawBody: r.body } : {}) });
  if (check.status !== 200) throw new Error(`${r.name}: ${check.status} ${check.text}`);
  calls.reset();
  calls.on = true;
  for (let i = 0; i < 50; i++) await api.request(r.method, r.path, { token: citizen, ...(r.body ? { rawBody: r.body } : {}) });
  calls.on = false;
  perRequest.set(r.name, calls.total() / 50);
}

/** CPU ms per request (this process — HTTP API, Lambdas, autocannon — and DynamoDB Local), per route. */
const cpuPerRequest = new Map<string, { node: number; dynamo: number }[]>(routes.map((r) => [r.name, []]));
async function load(r: Route): Promise<autocannon.Result> {
  const before = cpu();
  const res = await autocannonRun(r);
  const after = cpu();
  const n = Math.max(1, res.requests.total);
  cpuPerRequest.get(r.name)!.push({ node: (after.node - before.node) / n, dynamo: (after.dynamo - before.dynamo) / n });
  return res;
}

function autocannonRun(r: Route): Promise<autocannon.Result> {
  return autocannon({
    url: stack.httpUrl + r.path,
    method: r.method,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${citizen}`, 'content-type': 'application/json' },
    ...(r.body ? { body: r.body } : {}),
  });
}

const runs = new Map<string, autocannon.Result[]>(routes.map((r) => [r.name, []]));
for (let round = 0; round < ROUNDS; round++) for (const r of routes) runs.get(r.name)!.push(await load(r));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const cpuMs = (name: string) => {
  const xs = cpuPerRequest.get(name)!;
  return { node: median(xs.map((x) => x.node)), dynamo: median(xs.map((x) => x.dynamo)) };
};
const rps = (name: string) => median(runs.get(name)!.map((x) => x.requests.average));
const p99 = (name: string) => median(runs.get(name)!.map((x) => x.latency.p99));

console.log(`\n== HTTP throughput, ${CONNECTIONS} connections × ${SECONDS} s, ${ROUNDS} interleaved rounds (median)  [${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}]`);
for (const r of routes) {
  const bad = runs.get(r.name)!.reduce((n, x) => n + x.non2xx + x.errors, 0);
  console.log(
    `  ${r.name.padEnd(32)} ${rps(r.name).toFixed(0).padStart(5)} req/s  p99 ${String(p99(r.name)).padStart(4)} ms  DynamoDB calls/request ${perRequest.get(r.name)!.toFixed(1)}  CPU/request ${cpuMs(r.name).node.toFixed(2)} ms node + ${cpuMs(r.name).dynamo.toFixed(2)} ms DynamoDB Local  (rounds: ${runs
      .get(r.name)!
      .map((x) => x.requests.average.toFixed(0))
      .join(', ')})${bad ? `  ${bad} non-2xx/errors!` : ''}`,
  );
}
const regions = rps(routes[0]!.name);
const evaluateRatio = rps(routes[1]!.name) / regions;
const getRatio = rps(routes[2]!.name) / regions;
console.log(`  evaluate / regions = ${(100 * evaluateRatio).toFixed(0)}%   GET /applications/{id} / regions = ${(100 * getRatio).toFixed(0)}%   (goal ≥ 50%)`);
// The same ratio from CPU per request (both processes): what the throughput would be on a machine of its own.
const cpuTotal = (name: string) => cpuMs(name).node + cpuMs(name).dynamo;
const evaluateCpuRatio = cpuTotal(routes[0]!.name) / cpuTotal(routes[1]!.name);
const getCpuRatio = cpuTotal(routes[0]!.name) / cpuTotal(routes[2]!.name);
console.log(`  by CPU per request: evaluate ${(100 * evaluateCpuRatio).toFixed(0)}% of regions, GET /applications/{id} ${(100 * getCpuRatio).toFixed(0)}%`);

const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const r2 = (x: number) => Math.round(x * 100) / 100;
const at = new Date().toISOString();
const figures = {
  evaluateRpsVsRegionsRps: r2(evaluateRatio),
  getApplicationRpsVsRegionsRps: r2(getRatio),
  evaluateRps: Math.round(rps(routes[1]!.name)),
  getApplicationRps: Math.round(rps(routes[2]!.name)),
  evaluateP99Ms: p99(routes[1]!.name),
  getApplicationP99Ms: p99(routes[2]!.name),
  evaluateDynamoCallsPerRequest: perRequest.get(routes[1]!.name)!,
  getApplicationDynamoCallsPerRequest: perRequest.get(routes[2]!.name)!,
  evaluateCpuVsRegionsCpu: r2(evaluateCpuRatio),
  getApplicationCpuVsRegionsCpu: r2(getCpuRatio),
  evaluateCpuMsPerRequest: r2(cpuTotal(routes[1]!.name)),
  getApplicationCpuMsPerRequest: r2(cpuTotal(routes[2]!.name)),
};
const baselines = { regionsRps: Math.round(regions), regionsP99Ms: p99(routes[0]!.name), regionsDynamoCallsPerRequest: perRequest.get(routes[0]!.name)!, regionsCpuMsPerRequest: r2(cpuTotal(routes[0]!.name)) };
writeFileSync(join(dir, 'http-api.json'), `${JSON.stringify({ name: 'http-api', figures, baselines, at }, null, 2)}\n`);
// eligibility.json belongs to bench/eligibility.ts: only our figure and its baseline are merged in.
const eligibilityFile = join(dir, 'eligibility.json');
const prior = existsSync(eligibilityFile) ? (JSON.parse(readFileSync(eligibilityFile, 'utf8')) as { figures?: Record<string, unknown>; baselines?: Record<string, unknown> }) : {};
writeFileSync(
  eligibilityFile,
  `${JSON.stringify(
    {
      ...prior,
      name: 'eligibility',
      figures: { ...prior.figures, evaluateRpsVsRegionsRps: figures.evaluateRpsVsRegionsRps },
      baselines: { ...prior.baselines, regionsRpsAt20Connections: baselines.regionsRps },
      at,
    },
    null,
    2,
  )}\n`,
);
await stack.stop();
process.exit(0);
