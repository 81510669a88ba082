/**
 * `npm run bench [name ...]`: runs the benchmarks one after another (never in parallel: they
 * would measure each other), each printing its figure beside a baseline from the same run.
 */
import '../local/quiet.ts';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  // profile-http.ts is a profiler (a map of where CPU goes), not a benchmark with a figure.
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && f !== 'profile-http.ts')
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length) {
  console.error(`unknown bench: ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const name of wanted.length ? wanted : all) {
  console.log(`\n################ bench/${name}.ts`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', join(here, `${name}.ts`)], { stdio: 'inherit', env: process.env });
  if (res.status !== 0) {
    console.error(`bench/${name}.ts exited with ${res.status ?? res.signal}`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
