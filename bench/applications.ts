/**
 * Application workflow benchmark on the local stack (in process):
 *  1. applications/s from submission to APPROVED with the three reviewer levels automated and
 *     the clock advanced across the 7-day notice — beside the raw DynamoDB Local write rate
 *     measured in the same run (a case costs ~60 writes end to end; the ratio shows what the
 *     engine and the handlers add on top of persistence);
 *  2. p99 latency of POST /applications under autocannon load, beside GET /health (the HTTP
 *     stand-in alone) and GET /regions/{code} (one handler + one GetItem) in the same run.
 *
 *   npx tsx bench/applications.ts [applications=100] [seconds=10]
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';
import { ApiClient, TEST_COUNTIES } from '../tests/support/local-stack.ts';
import { CONSENT, dibaoHousehold } from '../tests/support/people.ts';

const N = Number(process.argv[2] ?? process.env.APPLICATIONS ?? 100);
const SECONDS = Number(process.argv[3] ?? process.env.SECONDS ?? 10);
const VILLAGE = '610124121200';

const stack = await startLocalStack({ port: 0, awsPort: 0, regionCounties: TEST_COUNTIES });
const api = new ApiClient(stack.httpUrl);
const t = {
  citizen: await api.token('citizen', undefined, 'bench-citizen'),
  village: await api.token('village', VILLAGE, 'bench-village'),
  town: await api.token('town', VILLAGE.slice(0, 9), 'bench-town'),
  city: await api.token('city', VILLAGE.slice(0, 4), 'bench-city'),
  admin: await api.token('admin', undefined, 'bench-admin'),
};

// --- baseline: raw DynamoDB Local writes (8 callers, like the workflow's concurrency)
async function rawWritesPerSecond(count: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = next++; i < count; i = next++) {
        await stack.ctx.doc.send(new PutCommand({ TableName: 'jiuzhu-Audit', Item: { pk: `BENCH#${i % 97}`, sk: `${i}`, v: i, at: new Date().toISOString() } }));
      }
    }),
  );
  return count / ((performance.now() - started) / 1000);
}

// --- 1. submission → APPROVED
async function endToEnd(): Promise<{ perSecond: number; seconds: number }> {
  const started = performance.now();
  const ids = await Promise.all(
    Array.from({ length: N }, async () => {
      const res = await api.request('POST', '/applications', { token: t.citizen, body: { household: dibaoHousehold(), requested: ['DIBAO'], consent: CONSENT }, headers: { 'idempotency-key': randomUUID() } });
      if (res.status !== 201) throw new Error(`submit: ${res.status} ${res.text}`);
      return res.body.id as string;
    }),
  );
  const pending = new Set(ids);
  const investigation = { visitedAt: '2026-12-01', investigators: ['王伟', '李娜'] };
  while (pending.size) {
    let acted = false;
    for (const level of ['village', 'town', 'city'] as const) {
      const items = (await api.request('GET', '/review-tasks', { token: t[level] })).body.items as { id: string }[];
      await Promise.all(
        items.map((task) =>
          api.request('POST', `/review-tasks/${encodeURIComponent(task.id)}/decision`, { token: t[level], body: { decision: 'approve', ...(level === 'town' ? { investigation } : {}) } }),
        ),
      );
      acted ||= items.length > 0;
    }
    const statuses = await Promise.all([...pending].map(async (id) => [id, (await api.request('GET', `/applications/${id}`, { token: t.admin })).body.status as string] as const));
    for (const [id, status] of statuses) if (status === 'APPROVED' || status === 'REJECTED') pending.delete(id);
    if (statuses.some(([, s]) => s === 'PUBLIC_NOTICE')) await api.advanceDays(7.01);
    else if (!acted) await new Promise((r) => setTimeout(r, 20));
  }
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: N / seconds, seconds };
}

// --- 2. latency under load
async function load(path: string, method: 'GET' | 'POST', token: string, body?: () => unknown) {
  const result = await autocannon({
    url: stack.httpUrl,
    connections: 10,
    duration: SECONDS,
    requests: [
      {
        method,
        path,
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          ...(body ? { body: JSON.stringify(body()) } : {}),
        }),
      },
    ],
  });
  return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, non2xx: result.non2xx, errors: result.errors };
}

const rawWrites = await rawWritesPerSecond(3000);
const e2e = await endToEnd();
console.log(`\n== submission → APPROVED (${N} applications, reviewers automated, notice crossed on the clock)`);
console.log(`  applications/s        ${e2e.perSecond.toFixed(1)}  (${e2e.seconds.toFixed(1)} s)`);
console.log(`  raw DynamoDB writes/s ${rawWrites.toFixed(0)}  (baseline, same run)`);
console.log(`  writes/s per application/s: ${(rawWrites / e2e.perSecond).toFixed(0)} — the number of raw writes the same time buys`);

const health = await load('/health', 'GET', t.citizen);
const region = await load(`/regions/${VILLAGE}`, 'GET', t.citizen);
const submit = await load('/applications', 'POST', t.citizen, () => ({ household: dibaoHousehold(), requested: ['DIBAO'], consent: CONSENT }));
console.log(`\n== latency under autocannon (10 connections, ${SECONDS} s each)`);
for (const [name, r] of [['GET /health (baseline)', health], ['GET /regions/{code} (baseline)', region], ['POST /applications', submit]] as const) {
  console.log(`  ${name.padEnd(32)} p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  ${r.rps.toFixed(0)} req/s  non-2xx ${r.non2xx}  errors ${r.errors}`);
}
console.log(`  POST /applications p99 / GET /regions p99 = ${(submit.p99 / Math.max(1, region.p99)).toFixed(1)}×`);
await stack.stop();
process.exit(0);
