import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/runtime.ts';
import { REPO_ROOT } from '../../../local/runtime.ts';
import { startTestStack } from '../../support/local-stack.ts';

/**
 * The AWS CLI (Debian's `awscli`) drives the local engine: scripts/sfn-cli-demo.sh lists state
 * machines, starts an execution, reads its history and completes a callback.
 */
let stack: LocalStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack?.stop());

function run(cmd: string, args: string[], env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  return new Promise((done) => {
    // Asynchronous: the stack answering the CLI runs in this very process.
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', (status) => done({ status, out }));
  });
}

it('scripts/sfn-cli-demo.sh runs end to end with the AWS CLI', { timeout: 120_000 }, async () => {
  const which = spawnSync('aws', ['--version'], { encoding: 'utf8' });
  if (which.error) throw new Error('this test needs the AWS CLI on PATH: apt-get update && apt-get install -y awscli');
  const { status, out } = await run('bash', [resolve(REPO_ROOT, 'scripts/sfn-cli-demo.sh')], { AWS_ENDPOINT: stack.awsUrl });
  expect(status, out).toBe(0);
  expect(out).toMatch(/listed\s+yes/);
  expect(out).toMatch(/status\s+SUCCEEDED/);
  expect(out).toMatch(/output\s+\{"applicant":"张三","decision":"approved"\}/);
  expect(out).toMatch(/history\s+ExecutionStarted .*TaskSubmitted TaskSucceeded .*ExecutionSucceeded/);
});
