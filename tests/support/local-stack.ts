import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, startLocalStack, type LocalStack } from '../../local/runtime.ts';
import '../../local/plugins.ts';
import { recordIdLeaks } from './id-scan.ts';

/** Counties the test suites use: 周至县, 庄浪县, 肥城市, 宜川县, and 西安 碑林区. */
export const TEST_COUNTIES = ['610124', '620825', '370983', '610630', '610103'];

/** The whole local stack in this process, on free ports, DynamoDB Local in memory. */
export async function startTestStack(opts: { dataDir?: string } = {}): Promise<LocalStack> {
  return startLocalStack({ port: 0, awsPort: 0, regionCounties: TEST_COUNTIES, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}) });
}

export function tempDataDir(prefix = 'jiuzhu-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A small client for the local HTTP API. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async token(role: string, regionCode?: string, sub = `${role}-${regionCode ?? 'x'}`): Promise<string> {
    const res = await fetch(`${this.baseUrl}/_local/token`, {
      method: 'POST',
      body: JSON.stringify({ sub, role, ...(regionCode ? { regionCode } : {}) }),
    });
    if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  }

  async request(method: string, path: string, opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...(opts.body !== undefined || opts.rawBody !== undefined ? { 'content-type': 'application/json' } : {}),
        ...opts.headers,
      },
      ...(opts.rawBody !== undefined ? { body: opts.rawBody } : opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    });
    const text = await res.text();
    // No response may carry a full ID number (API.md: masked by value); the run's check counts these.
    recordIdLeaks(`${method} ${path.split('?')[0]}`, text);
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json, text };
  }

  advanceDays(days: number) {
    return this.request('POST', '/_local/clock', { body: { advanceDays: days } });
  }
}

export interface ChildRuntime {
  httpUrl: string;
  awsUrl: string;
  child: ChildProcess;
  output: () => string;
  /** SIGKILL (a crash) or SIGTERM (a clean stop); resolves when the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * `npm start` as a separate process (for crash tests): the same entry point, free ports, the
 * given data directory. Resolves once it prints that it is ready.
 */
export async function spawnRuntime(dataDir: string, env: Record<string, string> = {}): Promise<ChildRuntime> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'local/main.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', LOCAL_AWS_PORT: '0', LOCAL_DATA_DIR: dataDir, JIUZHU_REGION_COUNTIES: TEST_COUNTIES.join(','), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const http = /HTTP API\s+(http:\/\/\S+)/.exec(out)?.[1];
    const aws = /AWS endpoint\s+(http:\/\/\S+)/.exec(out)?.[1];
    if (http && aws) {
      return {
        httpUrl: http,
        awsUrl: aws,
        child,
        output: () => out,
        async kill(signal = 'SIGKILL') {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
          recordIdLeaks('runtime output', out);
        },
      };
    }
    if (child.exitCode !== null) throw new Error(`runtime exited early:\n${out}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`runtime not ready in 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
