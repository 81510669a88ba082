import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifest } from '../../infra/manifest.ts';
import type { Manifest } from '../../infra/manifest-types.ts';
import { BUNDLE_METAFILE_CONTEXT } from '../../infra/constructs/function.ts';
import { expectAgreement } from './agreement.ts';
import { dispose, logicalId, synth, type Synthesized } from './support.ts';

// Prepare (once): the real manifest, with real esbuild bundling, as `npx cdk synth` does it
// (plus esbuild's metafile beside each bundle, for the size report).
const m = manifest as Manifest;
let s: Synthesized;
beforeAll(() => {
  s = synth({ manifest: m, bundle: true, id: 'Jiuzhu', context: { [BUNDLE_METAFILE_CONTEXT]: true } });
}, 240_000);

/** Cold start: no function's bundle may exceed this (esbuild's output bytes of index.mjs). */
const MAX_BUNDLE_BYTES = 1_500_000;

interface Metafile {
  inputs: Record<string, { bytes: number }>;
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}

/** A bundle input's package (`node_modules/@middy/core/...` → `@middy/core`), or `src` for our code. */
function packageOf(input: string): string {
  const i = input.lastIndexOf('node_modules/');
  if (i < 0) return 'src';
  const [a, b] = input.slice(i + 'node_modules/'.length).split('/');
  return a!.startsWith('@') ? `${a}/${b}` : a!;
}
afterAll(() => dispose(s));

describe('the stack built from infra/manifest.ts', () => {
  it('agrees with the manifest: tables, functions, grants, routes, rules, schedules, workflows', () => {
    expectAgreement(s, m);
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    expect(s.violations).toEqual([]);
    for (const a of s.acknowledgements) expect(a.reason.length, a.id).toBeGreaterThan(40);
  });

  it('bundles every function with local esbuild into a small ESM file with a source map', () => {
    const outdir = s.app.outdir;
    for (const fn of [...Object.values(s.stack.functions), s.stack.auth.preToken]) {
      const code = s.json.Resources[logicalId(fn.fn)]!.Properties!.Code as { S3Key: string };
      const asset = join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      expect(existsSync(join(asset, 'index.mjs')), asset).toBe(true);
      expect(existsSync(join(asset, 'index.mjs.map'))).toBe(true);
      // Region data and the AWS SDK never ride in a bundle (cold start).
      expect(readdirSync(asset).filter((f) => f.endsWith('.csv') || (f.endsWith('.json') && f !== 'index.meta.json'))).toEqual([]);
    }
  });

  it(`keeps every function's bundle within ${MAX_BUNDLE_BYTES / 1e6} MB (esbuild metafile), and prints each one's size and largest packages`, () => {
    const outdir = s.app.outdir;
    const rows: { name: string; bytes: number; top: string }[] = [];
    const fns = [...Object.entries(s.stack.functions), ['preToken', s.stack.auth.preToken] as const];
    for (const [name, fn] of fns) {
      const code = s.json.Resources[logicalId(fn.fn)]!.Properties!.Code as { S3Key: string };
      const asset = join(outdir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
      const meta = JSON.parse(readFileSync(join(asset, 'index.meta.json'), 'utf8')) as Metafile;
      const [outName, out] = Object.entries(meta.outputs).find(([k]) => k.endsWith('index.mjs'))!;
      expect(out.bytes, outName).toBe(statSync(join(asset, 'index.mjs')).size);
      const byPackage = new Map<string, number>();
      for (const [input, { bytesInOutput }] of Object.entries(out.inputs)) byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
      const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([p, b]) => `${p} ${(b / 1024).toFixed(0)} KB`).join(', ');
      rows.push({ name, bytes: out.bytes, top });
    }
    rows.sort((a, b) => b.bytes - a.bytes);
    console.log(
      [`[report] function bundles (esbuild metafile, index.mjs; limit ${MAX_BUNDLE_BYTES / 1e6} MB):`, ...rows.map((r) => `  ${r.name.padEnd(18)} ${(r.bytes / 1e6).toFixed(3)} MB   ${r.top}`)].join('\n'),
    );
    expect(rows).toHaveLength(fns.length);
    const over = rows.filter((r) => r.bytes > MAX_BUNDLE_BYTES).map((r) => `${r.name} ${(r.bytes / 1e6).toFixed(2)} MB`);
    expect(over, 'bundles over the limit').toEqual([]);
  });
});
