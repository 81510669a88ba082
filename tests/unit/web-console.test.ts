import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staticHandler } from '../../local/web-console.ts';

// Prepare: a dist with an index.html, served by staticHandler (404 when it does not answer).
const dist = mkdtempSync(join(tmpdir(), 'jiuzhu-web-dist-'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
let building = false;
let server: Server;
let base = '';
beforeAll(async () => {
  const handler = staticHandler(dist, () => building);
  server = createServer((req, res) => {
    void handler(req, res, new URL(req.url ?? '/', 'http://x').pathname).then((answered) => {
      if (!answered) res.writeHead(404).end('api 404');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
afterAll(() => {
  server.close();
  rmSync(dist, { recursive: true, force: true });
});

describe('the console while npm start builds it', () => {
  it('answers a browser 503 "being built" with Retry-After, leaves API clients to the API, and serves the console once built', async () => {
    building = true;
    const page = await fetch(`${base}/review/tasks`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(503);
    expect(page.headers.get('retry-after')).toBe('2');
    expect(await page.text()).toContain('being built');
    const api = await fetch(`${base}/assets/x.js`, { headers: { accept: '*/*' } });
    expect(api.status).toBe(404);
    building = false;
    const app = await fetch(`${base}/review/tasks`, { headers: { accept: 'text/html' } });
    expect(app.status).toBe(200);
    expect(await app.text()).toContain('<title>console</title>');
  });
});
