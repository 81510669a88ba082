/**
 * Cold start, locally: every function's deployed bundle (the real `cdk synth` esbuild output,
 * as tests/infra/manifest-stack.test.ts builds it) is imported in a fresh Node process, the
 * way Lambda's INIT phase loads it: `--enable-source-maps` (the construct's NODE_OPTIONS), the
 * function's environment from the template (references replaced by placeholders), the AWS SDK
 * from node_modules (the runtime ships it; bundles keep it external). Reports each function's
 * bundle size and module init time (median of REPEAT runs) beside a baseline measured in the
 * same run: an empty handler bundled with the same esbuild options. Figures also go to
 * bench/results/coldstart.json.
 *
 *   npx tsx bench/coldstart.ts            (REPEAT=n, default 5)
 */
import '../local/quiet.ts';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_METAFILE_CONTEXT } from '../infra/constructs/function.ts';
import { REPO_ROOT } from '../local/runtime.ts';
import { dispose, logicalId, synth } from '../tests/infra/support.ts';

const REPEAT = Number(process.env.REPEAT ?? 5);
const BANNER = "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);";

/** One fresh process: import the bundle, check the handler, report the import's duration. */
function initOnce(file: string, handler: string, env: Record<string, string>): number {
  const script = `const t0 = performance.now(); const m = await import(${JSON.stringify(pathToFileURL(file).href)}); const t1 = performance.now();
if (typeof m[${JSON.stringify(handler)}] !== 'function') { console.error('no handler ${handler}'); process.exit(3); }
process.stdout.write(String(t1 - t0));`;
  const res = spawnSync(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 60_000 });
  if (res.status !== 0) throw new Error(`init of ${file} failed (${res.status ?? res.signal}): ${res.stderr.slice(-2000)}`);
  return Number(res.stdout);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const baseEnv = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  // Nothing answers here: a module that calls AWS during init fails fast instead of hanging.
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_LAMBDA_FUNCTION_NAME: 'coldstart',
  POWERTOOLS_METRICS_DISABLED: 'true',
};

const s = synth({ bundle: true, id: 'Jiuzhu', context: { [BUNDLE_METAFILE_CONTEXT]: true } });
const work = join(s.app.outdir, 'coldstart');
try {
  // Bundles import the SDK (external): resolve it from the repository's node_modules.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(s.app.outdir, 'node_modules'), 'dir');

  // Baseline: an empty handler, same esbuild options as the construct's.
  mkdirSync(work, { recursive: true });
  writeFileSync(join(work, 'empty.ts'), 'export const handler = async () => ({ statusCode: 200 });\n');
  await build({ entryPoints: [join(work, 'empty.ts')], outfile: join(work, 'empty.mjs'), bundle: true, format: 'esm', platform: 'node', target: 'node22', minify: true, sourcemap: true, external: ['@aws-sdk/*'], banner: { js: BANNER }, logLevel: 'warning' });
  const floor = median(Array.from({ length: REPEAT }, () => initOnce(join(work, 'empty.mjs'), 'handler', baseEnv)));
  // Baseline 2: the same, importing the DynamoDB client and document client most functions use
  // (external: the runtime's SDK) — what a function pays before any code of ours runs.
  writeFileSync(join(work, 'sdk.ts'), "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nconst doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));\nexport const handler = async () => ({ statusCode: 200, ok: !!doc });\n");
  await build({ entryPoints: [join(work, 'sdk.ts')], outfile: join(work, 'sdk.mjs'), bundle: true, format: 'esm', platform: 'node', target: 'node22', minify: true, sourcemap: true, external: ['@aws-sdk/*'], banner: { js: BANNER }, logLevel: 'warning' });
  const sdkFloor = median(Array.from({ length: REPEAT }, () => initOnce(join(work, 'sdk.mjs'), 'handler', baseEnv)));

  const rows: { name: string; bytes: number; initMs: number }[] = [];
  for (const [name, fn] of [...Object.entries(s.stack.functions), ['preToken', s.stack.auth.preToken] as const]) {
    const props = s.json.Resources[logicalId(fn.fn)]!.Properties! as { Code: { S3Key: string }; Handler: string; Environment?: { Variables?: Record<string, unknown> } };
    const asset = join(s.app.outdir, `asset.${props.Code.S3Key.replace(/\.zip$/, '')}`);
    const file = join(asset, 'index.mjs');
    const env: Record<string, string> = { ...baseEnv };
    for (const [k, v] of Object.entries(props.Environment?.Variables ?? {})) env[k] = typeof v === 'string' ? v : `placeholder-${k.toLowerCase()}`;
    delete env.NODE_OPTIONS; // passed as a flag above
    const handler = props.Handler.split('.').pop()!;
    const initMs = median(Array.from({ length: REPEAT }, () => initOnce(file, handler, env)));
    rows.push({ name, bytes: statSync(file).size, initMs });
  }
  rows.sort((a, b) => b.initMs - a.initMs);
  const worst = rows[0]!;
  const fmt = (n: number) => n.toFixed(0).padStart(5);
  console.log(`cold start (module init in a fresh node ${process.version}, --enable-source-maps, median of ${REPEAT}):`);
  for (const r of rows) console.log(`  ${r.name.padEnd(18)} ${(r.bytes / 1e6).toFixed(3)} MB  init ${fmt(r.initMs)} ms   ${(r.initMs / sdkFloor).toFixed(1)}x the DynamoDB clients alone`);
  console.log(`  baseline: empty handler bundle   init ${fmt(floor)} ms`);
  console.log(`  baseline: DynamoDB clients only  init ${fmt(sdkFloor)} ms   (the worst function: ${(worst.initMs / sdkFloor).toFixed(1)}x this)`);
  const figures = {
    maxInitMs: Math.round(worst.initMs),
    maxInitFunction: worst.name,
    medianInitMs: Math.round(median(rows.map((r) => r.initMs))),
    maxBundleBytes: Math.max(...rows.map((r) => r.bytes)),
    functions: Object.fromEntries(rows.map((r) => [r.name, { bytes: r.bytes, initMs: Math.round(r.initMs) }])),
  };
  const dir = resolve(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'coldstart.json'), `${JSON.stringify({ name: 'coldstart', figures, baselines: { emptyHandlerInitMs: Math.round(floor), dynamoDbClientsInitMs: Math.round(sdkFloor) }, at: new Date().toISOString() }, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
  dispose(s);
}
