import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { manifest } from '../../infra/manifest.ts';
import { ApiClient, spawnRuntime, tempDataDir, type ChildRuntime } from '../support/local-stack.ts';

const exec = promisify(execFile);

async function javaPids(dataDir: string): Promise<string[]> {
  const { stdout } = await exec('pgrep', ['-f', `DynamoDBLocal.jar.*${dataDir}`]).catch(() => ({ stdout: '' }));
  return stdout.split('\n').filter(Boolean);
}

async function awsCli(awsUrl: string, ...args: string[]) {
  const { stdout } = await exec('aws', ['--endpoint-url', awsUrl, '--region', 'us-east-1', '--output', 'json', ...args], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_PAGER: '' },
  });
  return (stdout.trim() ? JSON.parse(stdout) : {}) as Record<string, unknown>;
}

describe('npm start (the local runtime as a process)', () => {
  const dataDir = tempDataDir();
  let runtime: ChildRuntime | undefined;
  afterAll(async () => {
    await runtime?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is healthy, serves the AWS endpoint to the AWS CLI, keeps data across a restart and leaves no JVM behind', async () => {
    // Prepare: first start on an empty data directory.
    const started = Date.now();
    runtime = await spawnRuntime(dataDir);
    const readyMs = Date.now() - started;
    const api = new ApiClient(runtime.httpUrl);
    expect((await api.request('GET', '/health')).body).toEqual({ status: 'ok' });
    expect(readyMs).toBeLessThan(60_000);

    // The AWS CLI lists the manifest's tables through the one endpoint.
    const tables = (await awsCli(runtime.awsUrl, 'dynamodb', 'list-tables')).TableNames as string[];
    for (const logical of Object.keys(manifest.tables)) expect(tables).toContain(`${manifest.appName}-${logical}`);

    // Write something of our own, and move the clock.
    await awsCli(runtime.awsUrl, 'dynamodb', 'put-item', '--table-name', 'jiuzhu-Regions', '--item', '{"pk":{"S":"TEST#keep"},"v":{"N":"42"}}');
    const moved = await api.request('POST', '/_local/clock', { body: { advanceDays: 3 } });
    expect(moved.status).toBe(200);

    // Act: a clean stop (SIGTERM) …
    await runtime.kill('SIGTERM');
    expect(await javaPids(dataDir)).toEqual([]);

    // … and a restart on the same data directory.
    runtime = await spawnRuntime(dataDir);
    const kept = await awsCli(runtime.awsUrl, 'dynamodb', 'get-item', '--table-name', 'jiuzhu-Regions', '--key', '{"pk":{"S":"TEST#keep"}}');
    expect(kept.Item).toEqual({ pk: { S: 'TEST#keep' }, v: { N: '42' } });
    const clock = await new ApiClient(runtime.httpUrl).request('GET', '/_local/clock');
    expect(Date.parse(clock.body.now) - Date.now()).toBeGreaterThan(3 * 86_400_000 - 120_000);

    // A crash (SIGKILL) must not leave the JVM behind either.
    await runtime.kill('SIGKILL');
    for (let i = 0; i < 50 && (await javaPids(dataDir)).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await javaPids(dataDir)).toEqual([]);
    runtime = undefined;
  }, 120_000);
});
