import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifest } from '../../infra/manifest.ts';
import type { Manifest } from '../../infra/manifest-types.ts';
import { expectAgreement } from './agreement.ts';
import { dispose, logicalId, synth, type Synthesized } from './support.ts';

// Prepare (once): the real manifest, with real esbuild bundling, as `npx cdk synth` does it.
const m = manifest as Manifest;
let s: Synthesized;
beforeAll(() => {
  s = synth({ manifest: m, bundle: true, id: 'Jiuzhu' });
}, 120_000);
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
      // Region data and the AWS SDK never ride in a bundle (cold start): well under 2 MB.
      expect(statSync(join(asset, 'index.mjs')).size).toBeLessThan(2_000_000);
      expect(readdirSync(asset).filter((f) => f.endsWith('.csv') || f.endsWith('.json'))).toEqual([]);
    }
  });
});
