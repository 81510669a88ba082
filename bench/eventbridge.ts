/**
 * Local EventBridge benchmark, on the `jiuzhu` bus against 20 rules using the different pattern
 * operators, each with a Lambda target (a registered test function, invoked in process as the
 * runtime invokes the manifest's handlers). The events' sources (`bench.*`) match none of the
 * manifest's rules, so the figures are the bus's own, not the application handlers'.
 *   1. burst: N events (default 10,000) through PutEvents (batches of 10, CONCURRENCY in flight)
 *      as fast as the endpoint accepts them: accepted events/s, deliveries/s (first PutEvents to
 *      last delivery) and PutEvents→target latency p50/p99;
 *   2. sustained: RATE events/s (default 500, one PutEvents of 10 every 20 ms, open loop: latency
 *      counts from each batch's scheduled send time) for SECONDS (default 20): p50/p99.
 * Baselines measured in the same run: the raw pattern matcher alone, and raw fdatasync'ed
 * appends of the outbox records one batch at a time (the durability floor of a bus that syncs
 * every PutEvents on its own). Figures also go to bench/results/eventbridge.json.
 *
 *   npx tsx bench/eventbridge.ts [events]     (EVENTS=n, CONCURRENCY=batches, RATE=eps, SECONDS=s)
 */
import '../local/quiet.ts';
import { closeSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { compilePattern, matchesPattern } from '../local/eventbridge/pattern.ts';
import { registerTestFunction } from '../local/eventbridge/test-functions.ts';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';

const N = Number(process.argv[2] ?? process.env.EVENTS ?? 10_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const RATE = Number(process.env.RATE ?? 500);
const SECONDS = Number(process.env.SECONDS ?? 20);
const RULES = 20;
const SOURCES = ['bench.medical-insurance', 'bench.civil-registry', 'bench.disabled-persons-federation', 'bench.civil-affairs'];
const TYPES = ['MedicalExpenseSettled', 'PersonDeceased', 'DisabilityCertified', 'AssistanceGranted'];

/** 20 rules using the different operators; each event matches exactly one of them. */
function rulePatterns(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < RULES; i++) {
    const s = SOURCES[i % 4]!;
    const t = TYPES[i % 4]!;
    const variants: Record<string, unknown>[] = [
      { source: [s], 'detail-type': [t], detail: { bucket: [i] } },
      { source: [{ prefix: s.slice(0, 10) }], 'detail-type': [t], detail: { bucket: [i], amount: [{ numeric: ['>=', 0, '<', 1e9] }] } },
      { source: [s], detail: { bucket: [i], region: [{ prefix: '61' }, { prefix: '62' }, { prefix: '37' }], state: [{ 'anything-but': ['void', 'cancelled'] }] } },
      { 'detail-type': [{ 'equals-ignore-case': t }], detail: { bucket: [i], $or: [{ amount: [{ numeric: ['>', 100] }] }, { flagged: [{ exists: true }] }] } },
    ];
    out.push(variants[i % variants.length]!);
  }
  return out;
}

function entryFor(n: number): PutEventsRequestEntry & { detail: { seq: number } & Record<string, unknown> } {
  const bucket = n % RULES;
  const detail = { seq: n, bucket, amount: 150 + (n % 5000), region: ['610124', '620825', '370983'][n % 3]!, state: 'settled', idNumber: `ID${n}` };
  return { EventBusName: 'jiuzhu', Source: SOURCES[bucket % 4], DetailType: TYPES[bucket % 4], Detail: JSON.stringify(detail), detail };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const patterns = rulePatterns();
  const sustainedN = Math.round(RATE * SECONDS);
  const total = N + sustainedN;
  const entries = Array.from({ length: total }, (_, i) => entryFor(i));

  // Baseline 1: the matcher alone (the 20 compiled patterns against the burst's events).
  const compiled = patterns.map((p) => compilePattern(p));
  const events = entries.slice(0, N).map((e) => ({ version: '0', id: String(e.detail.seq), source: e.Source, 'detail-type': e.DetailType, account: '0', time: '', region: 'us-east-1', resources: [], detail: e.detail }));
  let matched = 0;
  const m0 = performance.now();
  for (const ev of events) for (const c of compiled) if (matchesPattern(c, ev)) matched++;
  const matcherMs = performance.now() - m0;

  // Baseline 2: raw outbox appends, one fdatasync per 10-event batch, one batch at a time.
  const rawDir = mkdtempSync(join(tmpdir(), 'jiuzhu-bench-raw-'));
  const fd = openSync(join(rawDir, 'outbox.jsonl'), 'a');
  const r0 = performance.now();
  for (let i = 0; i < N; i += 10) {
    writeSync(fd, `${JSON.stringify({ op: 'put', d: entries.slice(i, i + 10).map((e) => ({ id: e.detail.seq, input: e.Detail })) })}\n`);
    fdatasyncSync(fd);
  }
  const rawMs = performance.now() - r0;
  closeSync(fd);
  rmSync(rawDir, { recursive: true, force: true });

  // The local stack, durable (data directory), 20 rules each with a Lambda target.
  const dataDir = mkdtempSync(join(tmpdir(), 'jiuzhu-bench-eb-'));
  const stack = await startLocalStack({ port: 0, awsPort: 0, dataDir, regionCounties: ['610124'] });
  const sentAt = new Float64Array(total);
  const receivedAt = new Float64Array(total);
  let delivered = 0;
  registerTestFunction('bench-target', (e) => {
    const ev = e as { source: string; detail: { seq: number } };
    if (ev.source === 'bench.warm-up') return;
    const seq = ev.detail.seq;
    receivedAt[seq] = performance.now();
    delivered++;
  });
  const waitFor = async (count: number) => {
    const deadline = Date.now() + 180_000;
    while (delivered < count && Date.now() < deadline) await sleep(5);
  };
  const latencies = (from: number, to: number) => {
    const out: number[] = [];
    for (let i = from; i < to; i++) if (receivedAt[i]) out.push(receivedAt[i]! - sentAt[i]!);
    return out.sort((a, b) => a - b);
  };
  try {
    const eb = new EventBridgeClient({ endpoint: stack.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    for (let i = 0; i < RULES; i++) {
      await eb.send(new PutRuleCommand({ Name: `bench-${i}`, EventBusName: 'jiuzhu', EventPattern: JSON.stringify(patterns[i]) }));
      await eb.send(new PutTargetsCommand({ Rule: `bench-${i}`, EventBusName: 'jiuzhu', Targets: [{ Id: 't', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:bench-target' }] }));
    }
    let failed = 0;
    const put = async (from: number, to: number, at: number) => {
      for (let i = from; i < to; i++) sentAt[i] = at;
      const res = await eb.send(new PutEventsCommand({ Entries: entries.slice(from, to).map(({ detail: _d, ...e }) => e) }));
      failed += res.FailedEntryCount ?? 0;
    };
    // Warm-up (connections, JIT), not counted: 200 events.
    const warm = entries.slice(0, 200).map(({ detail: _d, ...e }) => ({ ...e, Source: 'bench.warm-up' }));
    for (let i = 0; i < warm.length; i += 10) await eb.send(new PutEventsCommand({ Entries: warm.slice(i, i + 10) }));

    // 1. Burst.
    let next = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const worker = async () => {
      while (next < N) {
        const from = next;
        next = Math.min(N, next + 10);
        await put(from, next, performance.now());
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const acceptMs = performance.now() - t0;
    await waitFor(N);
    const burstDelivered = delivered;
    let lastDelivery = 0;
    for (let i = 0; i < N; i++) lastDelivery = Math.max(lastDelivery, receivedAt[i]!);
    const burstMs = lastDelivery - t0;
    const cpu = process.cpuUsage(cpu0);
    // This process's CPU (the bus, its HTTP endpoint and the SDK client sending the events) per
    // delivery: on a shared machine wall-clock rates depend on the others, this much less.
    const cpuMsPerDelivery = (cpu.user + cpu.system) / 1000 / burstDelivered;
    const burst = latencies(0, N);
    await eventBridgeIdle(stack);

    // 2. Sustained, open loop: batch k is due at s0 + k * (10 / RATE) s, whether or not the
    // earlier ones were answered.
    const interval = (10 / RATE) * 1000;
    const inFlight: Promise<void>[] = [];
    const s0 = performance.now();
    for (let k = 0, from = N; from < total; k++, from += 10) {
      const due = s0 + k * interval;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      inFlight.push(put(from, Math.min(total, from + 10), due));
    }
    await Promise.all(inFlight);
    const sendMs = performance.now() - s0;
    await waitFor(total);
    const sustained = latencies(N, total);

    const matcherRate = (N / matcherMs) * 1000;
    const rawRate = (N / rawMs) * 1000;
    const acceptRate = (N / acceptMs) * 1000;
    const deliverRate = (burstDelivered / burstMs) * 1000;
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    const figures = {
      deliveriesPerSecond: Math.round(deliverRate),
      burstAcceptedEventsPerSecond: Math.round(acceptRate),
      burstP50Ms: round1(percentile(burst, 50)),
      burstP99Ms: round1(percentile(burst, 99)),
      p50MsAt500Eps: round1(percentile(sustained, 50)),
      p99MsAt500Eps: round1(percentile(sustained, 99)),
      sustainedEventsPerSecondSent: Math.round((sustainedN / sendMs) * 1000),
      burstCpuMsPer1000Deliveries: Math.round(cpuMsPerDelivery * 1000),
      burstEvents: N,
      sustainedEvents: sustainedN,
    };
    const baselines = { rawMatcherEventsPerSecond: Math.round(matcherRate), rawOutboxFdatasyncEventsPerSecond: Math.round(rawRate), loadAverage1m: Math.round(loadavg()[0]! * 10) / 10 };
    console.log(`local EventBridge bench: ${RULES} rules, each event matches one, a Lambda target each; PutEvents batches of 10`);
    console.log(`  burst of ${N} (${CONCURRENCY} PutEvents in flight)`);
    console.log(`    PutEvents accepted (${process.env.JIUZHU_EVENTS_FSYNC === '0' ? 'no fsync' : 'fdatasync'})  ${fmt(acceptRate)} events/s   (${failed} failed entries)`);
    console.log(`    delivered to targets             ${fmt(deliverRate)} deliveries/s   (${burstDelivered}/${N} deliveries)`);
    console.log(`    PutEvents→target latency         p50 ${figures.burstP50Ms} ms   p99 ${figures.burstP99Ms} ms`);
    console.log(`    CPU of this process              ${figures.burstCpuMsPer1000Deliveries} ms per 1,000 deliveries (bus + endpoint + sending SDK client; ≈ ${fmt(1000 / cpuMsPerDelivery)} deliveries per CPU-second)`);
    console.log(`  sustained ${RATE} events/s for ${SECONDS} s, open loop (${fmt(figures.sustainedEventsPerSecondSent)} events/s sent)`);
    console.log(`    PutEvents→target latency         p50 ${figures.p50MsAt500Eps} ms   p99 ${figures.p99MsAt500Eps} ms   (${sustained.length}/${sustainedN} delivered)`);
    console.log(`  machine load average (1 min)      ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
    console.log(`  baseline: raw matcher alone        ${fmt(matcherRate)} events/s   (20 patterns each)`);
    console.log(`  baseline: raw outbox fdatasync     ${fmt(rawRate)} events/s   (one fdatasync per 10 events, one batch at a time)`);
    console.log(`  ratio deliveries / raw matcher     ${(deliverRate / matcherRate).toFixed(3)}  (${(matcherRate / deliverRate).toFixed(1)}x slower)`);
    console.log(`  ratio accepted / raw outbox        ${(acceptRate / rawRate).toFixed(2)}`);
    const dir = join(import.meta.dirname, 'results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'eventbridge.json'), `${JSON.stringify({ name: 'eventbridge', figures, baselines, at: new Date().toISOString() }, null, 2)}\n`);
    if (burstDelivered !== N || sustained.length !== sustainedN || failed) process.exitCode = 1;
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

async function eventBridgeIdle(stack: Awaited<ReturnType<typeof startLocalStack>>): Promise<void> {
  const { eventBridgeOf } = await import('../local/eventbridge/plugin.ts');
  await eventBridgeOf(stack.ctx).whenIdle(60_000);
}

await main();
