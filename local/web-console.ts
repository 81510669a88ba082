import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';

/**
 * The web console (web/) beside the API: `npm start` builds it when its sources changed since
 * the last build (a hash of web/ and the inputs of its generated types, kept in
 * web/dist/.source-hash) and the HTTP API serves web/dist for every GET the manifest's routes
 * do not answer. In AWS the same files sit on S3 behind CloudFront.
 */
const SOURCES = ['web', 'functions/handlers', 'functions/commons', 'functions/domain', 'infra/manifest.ts', 'scripts/build-web.ts', 'package-lock.json'];

function listFiles(root: string, rel: string, out: string[]): void {
  const abs = join(root, rel);
  if (!existsSync(abs)) return;
  if (statSync(abs).isFile()) {
    out.push(rel);
    return;
  }
  for (const name of readdirSync(abs)) {
    if (name === 'dist' || name === 'node_modules' || name.startsWith('.')) continue;
    if (rel === 'web/src/api' && name.startsWith('generated')) continue;
    listFiles(root, join(rel, name), out);
  }
}

export function webSourceHash(root: string): string {
  const files: string[] = [];
  for (const s of SOURCES) listFiles(root, s, files);
  const h = createHash('sha256');
  for (const f of files.sort()) h.update(f).update('\0').update(readFileSync(join(root, f))).update('\0');
  return h.digest('hex');
}

export function webDist(root: string): string {
  return join(root, 'web', 'dist');
}

export function webBuildCurrent(root: string): boolean {
  const stamp = join(webDist(root), '.source-hash');
  return existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === webSourceHash(root);
}

/** Builds the console (npm run build:web) unless web/dist is current. */
export async function ensureWebBuilt(root: string, log: (line: string) => void): Promise<'current' | 'built'> {
  const build = startWebBuild(root, log);
  await build.done;
  return build.state === 'current' ? 'current' : 'built';
}

export interface WebBuild {
  state: 'current' | 'building' | 'built' | 'failed';
  /** Resolves when web/dist is current (at once when it was); rejects when the build fails. */
  done: Promise<void>;
}

/**
 * Starts the console's build in a child process unless web/dist is current, and returns at
 * once. `npm start` runs it beside the runtime's own start (the API is ready first) at a lower
 * CPU priority, without the type check (`typecheck: false`: `npm run build:web` and the web
 * test suite keep it; serving the console needs only vite's output).
 */
export function startWebBuild(root: string, log: (line: string) => void, opts: { typecheck?: boolean; nice?: number } = {}): WebBuild {
  if (webBuildCurrent(root)) return { state: 'current', done: Promise.resolve() };
  log(`web console: sources changed, building (npm run build:web${opts.typecheck === false ? ', without its type check' : ''}) …`);
  const started = Date.now();
  const build: WebBuild = { state: 'building', done: Promise.resolve() };
  build.done = new Promise<void>((ok, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/build-web.ts')], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...(opts.typecheck === false ? { JIUZHU_WEB_TYPECHECK: '0' } : {}) },
    });
    if (opts.nice && child.pid) {
      try {
        setPriority(child.pid, opts.nice);
      } catch {
        /* not allowed here: build at normal priority */
      }
    }
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', fail);
    child.once('exit', (code) => {
      if (code === 0) {
        build.state = 'built';
        log(`web console built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        ok();
      } else {
        build.state = 'failed';
        fail(new Error(`web console build failed (exit ${code}):\n${out.slice(-4000)}`));
      }
    });
  });
  return build;
}

/** What GET / answers while the console is being built: retry shortly. */
const BUILDING_PAGE = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2"><title>jiuzhu</title></head><body><p>The web console is being built (npm start); this page reloads when it is ready. The API already answers.</p></body></html>`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** The security headers CloudFront adds in AWS (infra), the same locally. */
export const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self' https:; frame-ancestors 'none'; base-uri 'self'; form-action 'self' https:",
};

/**
 * Serves web/dist: a file when one matches, else index.html for the console's own routes
 * (a browser asking for HTML). Returns false when it does not answer (the API's 404 follows).
 */
export function staticHandler(dist: string, building: () => boolean = () => false) {
  const root = resolve(dist);
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (building()) {
      // web/dist is being rewritten (vite empties it first): a page for browsers, else the API's 404.
      if (!String(req.headers.accept ?? '').includes('text/html')) return false;
      res.writeHead(503, { 'content-type': 'text/html; charset=utf-8', 'retry-after': '2', 'cache-control': 'no-store', ...SECURITY_HEADERS });
      res.end(req.method === 'HEAD' ? undefined : BUILDING_PAGE);
      return true;
    }
    if (!existsSync(join(root, 'index.html'))) return false;
    let rel: string;
    try {
      rel = normalize(decodeURIComponent(pathname)).replace(/^[/\\]+/, '');
    } catch {
      return false;
    }
    let file = join(root, rel || 'index.html');
    if (relative(root, file).startsWith('..') || file.includes(`${sep}.`)) return false;
    const isFile = existsSync(file) && statSync(file).isFile();
    if (!isFile) {
      // A console route (/review/tasks) is the app; a missing asset or an API path is not.
      if (extname(rel) || !String(req.headers.accept ?? '').includes('text/html')) return false;
      file = join(root, 'index.html');
    }
    const body = await readFile(file);
    const immutable = file.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': body.length,
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      ...SECURITY_HEADERS,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
