/**
 * Local EventBridge benchmark: N events (default 10,000) through PutEvents (batches of 10) on
 * the `jiuzhu` bus against 20 rules, each delivered to a Lambda target. Reports accepted and
 * delivered events/s and PutEvents→target latency (p50/p99), next to two baselines measured in
 * the same run: the raw pattern matcher alone, and raw fdatasync'ed appends of the outbox
 * records (the durability floor).
 *
 *   npx tsx bench/eventbridge.ts [events]        (or EVENTS=n; CONCURRENCY=batches in flight)
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { compilePattern, matchesPattern } from '../local/eventbridge/pattern.ts';
import { registerTestFunction } from '../local/eventbridge/test-functions.ts';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';

const N = Number(process.argv[2] ?? process.env.EVENTS ?? 10_000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);
const RULES = 20;
const SOURCES = ['gov.medical-insurance', 'gov.civil-registry', 'gov.disabled-persons-federation', 'gov.civil-affairs'];
const TYPES = ['MedicalExpenseSettled', 'PersonDeceased', 'DisabilityCertified', 'AssistanceGranted'];

/** 20 rules using the different operators; each event matches exactly one of them. */
function rulePatterns(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < RULES; i++) {
    const s = SOURCES[i % 4]!;
    const t = TYPES[i % 4]!;
    const variants: Record<string, unknown>[] = [
      { source: [s], 'detail-type': [t], detail: { bucket: [i] } },
      { source: [{ prefix: s.slice(0, 8) }], 'detail-type': [t], detail: { bucket: [i], amount: [{ numeric: ['>=', 0, '<', 1e9] }] } },
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

async function main(): Promise<void> {
  const patterns = rulePatterns();
  const entries = Array.from({ length: N }, (_, i) => entryFor(i));

  // Baseline 1: the matcher alone (the 20 compiled patterns against the same events).
  const compiled = patterns.map((p) => compilePattern(p));
  const events = entries.map((e) => ({ version: '0', id: String(e.detail.seq), source: e.Source, 'detail-type': e.DetailType, account: '0', time: '', region: 'us-east-1', resources: [], detail: e.detail }));
  let matched = 0;
  const m0 = performance.now();
  for (const ev of events) for (const c of compiled) if (matchesPattern(c, ev)) matched++;
  const matcherMs = performance.now() - m0;

  // Baseline 2: raw outbox appends, one fdatasync per 10-event batch, as PutEvents does.
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
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  let delivered = 0;
  let lastDelivery = 0;
  registerTestFunction('bench-target', (e) => {
    const seq = (e as { detail: { seq: number } }).detail.seq;
    const t = performance.now();
    latencies.push(t - sentAt.get(seq)!);
    delivered++;
    lastDelivery = t;
  });
  try {
    const eb = new EventBridgeClient({ endpoint: stack.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    for (let i = 0; i < RULES; i++) {
      await eb.send(new PutRuleCommand({ Name: `bench-${i}`, EventBusName: 'jiuzhu', EventPattern: JSON.stringify(patterns[i]) }));
      await eb.send(new PutTargetsCommand({ Rule: `bench-${i}`, EventBusName: 'jiuzhu', Targets: [{ Id: 't', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:bench-target' }] }));
    }
    const expected = matched;
    let next = 0;
    let failed = 0;
    const t0 = performance.now();
    let acceptedAt = 0;
    const worker = async () => {
      while (next < N) {
        const batch = entries.slice(next, next + 10);
        next += 10;
        const start = performance.now();
        for (const e of batch) sentAt.set(e.detail.seq, start);
        const res = await eb.send(new PutEventsCommand({ Entries: batch.map(({ detail: _d, ...e }) => e) }));
        failed += res.FailedEntryCount ?? 0;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    acceptedAt = performance.now();
    const deadline = Date.now() + 120_000;
    while (delivered < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const acceptMs = acceptedAt - t0;
    const totalMs = lastDelivery - t0;
    latencies.sort((a, b) => a - b);

    const matcherRate = (N / matcherMs) * 1000;
    const rawRate = (N / rawMs) * 1000;
    const acceptRate = (N / acceptMs) * 1000;
    const deliverRate = (N / totalMs) * 1000;
    const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
    console.log(`local EventBridge bench: ${N} events, ${RULES} rules, ${expected} deliveries expected, PutEvents batches of 10, ${CONCURRENCY} in flight`);
    console.log(`  PutEvents accepted (${process.env.JIUZHU_EVENTS_FSYNC === '0' ? 'no fsync' : 'fdatasync'})   ${fmt(acceptRate)} events/s   (${failed} failed entries)`);
    console.log(`  delivered to targets              ${fmt(deliverRate)} events/s   (${delivered}/${expected} deliveries)`);
    console.log(`  PutEvents→target latency          p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms`);
    console.log(`  baseline: raw matcher alone       ${fmt(matcherRate)} events/s   (20 patterns each)`);
    console.log(`  baseline: raw outbox fdatasync    ${fmt(rawRate)} events/s   (one fdatasync per 10 events)`);
    console.log(`  ratio end-to-end / raw matcher    ${(deliverRate / matcherRate).toFixed(4)}  (${(matcherRate / deliverRate).toFixed(1)}x slower)`);
    console.log(`  ratio accepted / raw outbox       ${(acceptRate / rawRate).toFixed(3)}  (${(rawRate / acceptRate).toFixed(1)}x slower)`);
    if (delivered !== expected) process.exitCode = 1;
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
