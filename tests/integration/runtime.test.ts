import { execFile, spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { manifest } from '../../infra/manifest.ts';
import { REPO_ROOT } from '../../local/runtime.ts';
import { ApiClient, spawnRuntime, tempDataDir, TEST_COUNTIES, type ChildRuntime } from '../support/local-stack.ts';

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

describe('a second npm start on the same data directory', () => {
  const dataDir = tempDataDir();
  let runtime: ChildRuntime | undefined;
  afterAll(async () => {
    await runtime?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('says who holds the directory, exits 1 and leaves the running stack untouched; /health reports a part that is down', async () => {
    // Prepare: a running stack and a snapshot of its data directory's files.
    runtime = await spawnRuntime(dataDir);
    const api = new ApiClient(runtime.httpUrl);
    const files = () => readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => join(d.parentPath, d.name)).filter((f) => !f.includes('/dynamodb/'));
    const before = new Map(files().map((f) => [f, statSync(f).mtimeMs]));

    // Act: a second start on the same directory.
    const second = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'local/main.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', LOCAL_AWS_PORT: '0', LOCAL_DATA_DIR: dataDir, JIUZHU_REGION_COUNTIES: TEST_COUNTIES.join(',') },
      encoding: 'utf8',
      timeout: 30_000,
    });

    // Assess: refused with the holder's pid, nothing touched, the first stack still fine.
    expect(second.status).toBe(1);
    expect(second.stderr).toContain(`in use by another runtime: pid ${runtime.child.pid}`);
    expect(second.stderr).toContain(`port ${new URL(runtime.httpUrl).port}`);
    expect(new Map(files().map((f) => [f, statSync(f).mtimeMs]))).toEqual(before);
    expect(await api.request('GET', '/health')).toMatchObject({ status: 200, body: { status: 'ok' } });
    const tables = (await awsCli(runtime.awsUrl, 'dynamodb', 'list-tables')).TableNames as string[];
    expect(tables.length).toBeGreaterThan(0);

    // A part that goes down makes /health unhealthy: kill DynamoDB Local under the runtime.
    for (const pid of await javaPids(dataDir)) process.kill(Number(pid), 'SIGKILL');
    let health = await api.request('GET', '/health');
    for (let i = 0; i < 50 && health.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      health = await api.request('GET', '/health');
    }
    expect(health).toMatchObject({ status: 503, body: { status: 'unhealthy', down: ['dynamodb'] } });
  }, 120_000);
});
