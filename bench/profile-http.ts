/**
 * Where one HTTP route's CPU goes: the local stack in this process under autocannon (a child
 * process, so its own HTTP client is not in the profile), sampled by the inspector's Profiler;
 * self time grouped by package / part of the repo, and the top functions. Not a figure to report
 * (bench/http-api.ts is): a map for finding what to fix.
 *
 *   npx tsx bench/profile-http.ts [evaluate|application|regions] [seconds=10] [connections=20] [out.cpuprofile]
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { startLocalStack } from '../local/runtime.ts';
import '../local/plugins.ts';
import { ApiClient, TEST_COUNTIES } from '../tests/support/local-stack.ts';
import { CONSENT, dibaoHousehold } from '../tests/support/people.ts';

const which = process.argv[2] ?? 'evaluate';
const SECONDS = Number(process.argv[3] ?? 10);
const CONNECTIONS = Number(process.argv[4] ?? 20);
const out = process.argv[5];

const stack = await startLocalStack({ port: 0, awsPort: 0, regionCounties: TEST_COUNTIES });
const api = new ApiClient(stack.httpUrl);
const citizen = await api.token('citizen', undefined, 'profile-http-citizen');
let path = '/regions/610124121200';
let method = 'GET';
let body: string | undefined;
if (which === 'evaluate') {
  method = 'POST';
  path = '/eligibility/evaluate';
  body = JSON.stringify({ household: dibaoHousehold(), asOf: '2026-12-01' });
} else if (which === 'application') {
  const created = await api.request('POST', '/applications', { token: citizen, body: { household: dibaoHousehold(), requested: ['DIBAO'], consent: CONSENT }, headers: { 'idempotency-key': randomUUID() } });
  if (created.status !== 201) throw new Error(`submit: ${created.status} ${created.text}`);
  path = `/applications/${created.body.id as string}`;
  // The workflow runs to the village review (a wait): its steps are not the route's cost.
  for (let i = 0; i < 100; i++) {
    const r = await api.request('GET', path, { token: citizen });
    if (r.body.status === 'VILLAGE_REVIEW') break;
    await new Promise((res) => setTimeout(res, 100));
  }
}
const check = await api.request(method, path, { token: citizen, ...(body ? { rawBody: body } : {}) });
if (check.status !== 200) throw new Error(`${path}: ${check.status} ${check.text}`);

const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
function cannon(seconds: number): Promise<string> {
  const args = [autocannonBin, '-c', String(CONNECTIONS), '-d', String(seconds), '-m', method, '-H', `authorization=Bearer ${citizen}`, '-H', 'content-type=application/json', ...(body ? ['-b', body] : []), stack.httpUrl + path];
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    p.stdout.on('data', (c: Buffer) => (text += c.toString()));
    p.stderr.on('data', (c: Buffer) => (text += c.toString()));
    p.on('error', reject);
    p.on('exit', () => resolve(text));
  });
}
await cannon(2); // warm-up (JIT)

const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 200 });
await session.post('Profiler.start');
const cpu0 = process.cpuUsage();
const report = await cannon(SECONDS);
const cpu1 = process.cpuUsage(cpu0);
const { profile } = await session.post('Profiler.stop');
session.disconnect();
if (out) writeFileSync(out, JSON.stringify(profile));

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
const nodes = profile.nodes as Node[];
const byId = new Map(nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const hits = new Map<number, number>();
for (const s of profile.samples ?? []) hits.set(s, (hits.get(s) ?? 0) + 1);

function group(n: Node): string {
  const { url, functionName } = n.callFrame;
  if (!url) {
    if (functionName.startsWith('(')) return functionName;
    // A builtin (JSON.parse, structuredClone, ...): charged to the nearest caller with a URL.
    let p = parent.get(n.id);
    while (p !== undefined && !byId.get(p)!.callFrame.url) p = parent.get(p);
    return `native ${functionName || '?'} ← ${p === undefined ? '?' : group(byId.get(p)!)}`;
  }
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1]!;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').replace(/\/.*$/, '');
  const repo = /\/(functions\/[^/]+|local\/[^/]+|bench|infra|tests)\//.exec(url);
  if (repo) return repo[1]!;
  return url;
}
const groups = new Map<string, number>();
const fns = new Map<string, number>();
let total = 0;
let idle = 0;
for (const [id, h] of hits) {
  const n = byId.get(id)!;
  if (n.callFrame.functionName === '(idle)') {
    idle += h;
    continue;
  }
  total += h;
  const g = group(n);
  groups.set(g, (groups.get(g) ?? 0) + h);
  const f = `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules|jiuzhu|perf-http|main)\//, '')}:${n.callFrame.lineNumber + 1}`;
  fns.set(f, (fns.get(f) ?? 0) + h);
}
const requests = Number(/(\d+)k? requests in/.exec(report)?.[1] ?? NaN) * (/\dk requests in/.test(report) ? 1000 : 1);
console.log(report.split('\n').filter((l) => /Req\/Sec|Latency|requests in|Stat/.test(l)).join('\n'));
console.log(`\n${which} ${method} ${path}: ${CONNECTIONS} connections × ${SECONDS} s; process CPU ${((cpu1.user + cpu1.system) / 1000).toFixed(0)} ms${Number.isFinite(requests) ? ` = ${((cpu1.user + cpu1.system) / 1000 / requests).toFixed(3)} ms/request` : ''}; busy samples ${total}, idle ${idle}`);
console.log('\nself time by group (share of busy samples)');
for (const [g, h] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${((100 * h) / total).toFixed(1).padStart(5)}%  ${g}`);
console.log('\ntop functions (self)');
for (const [f, h] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`  ${((100 * h) / total).toFixed(1).padStart(5)}%  ${f}`);
await stack.stop();
process.exit(0);
