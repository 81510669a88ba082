import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from '../../local/runtime.ts';

/**
 * Debian's chromium driven by playwright-core (never a downloaded browser): headless, no
 * network of its own, a fresh profile per run. Screenshots go to test-artifacts/web/.
 */
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'web');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Chromium {
  /** One persistent context on a fresh profile; each signed-in person is a page of it (the
   *  console keeps its session in sessionStorage, which is per page). */
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Chromium> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'jiuzhu-chromium-'));
  // playwright passes the profile as --user-data-dir itself.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    deviceScaleFactor: 1,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function newPage(chrome: Chromium, width = 1280): Promise<Page> {
  const page = await chrome.context.newPage();
  if (width !== 1280) await page.setViewportSize({ width, height: width < 600 ? 844 : 900 });
  return page;
}

export async function shot(page: Page, name: string): Promise<string> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core on the page as it is now: the serious and critical violations. */
export async function seriousViolations(page: Page): Promise<AxeFinding[]> {
  // evaluate, not a script tag: the console's CSP (script-src 'self') rightly refuses inline scripts.
  await page.evaluate(axeSource);
  // A string: this runs in the page, where axe is a global (the test code has no DOM types).
  const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
}

/** Polls `fn` until it gives something truthy (every 250 ms), or fails naming `what`. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A scenario file's signed-in pages and form submissions. `prefix` names its screenshots
 * (`ops-` for the operations file), so two files' artifacts never overwrite each other.
 */
export function consoleSession(chrome: () => Chromium, baseUrl: () => string, prefix = '') {
  const pages = new Map<string, Page>();
  return {
    /** A page signed in as one of the login page's demo people (a phone's width when asked). */
    async signedIn(who: string, width = 1280): Promise<Page> {
      const key = `${who}@${width}`;
      const known = pages.get(key);
      if (known) return known;
      const page = await newPage(chrome(), width);
      pages.set(key, page);
      await page.goto(`${baseUrl()}/login`);
      await page.getByRole('button', { name: new RegExp(`^以${who}（`) }).click();
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      return page;
    },
    /** Clicks a form's button and waits for where it leads; on failure the page's messages say why. */
    async submitThen(page: Page, button: string, done: () => Promise<unknown>, name: string): Promise<void> {
      await page.getByRole('button', { name: button, exact: true }).click();
      try {
        await done();
      } catch (err) {
        await shot(page, `${prefix}failed-${name}`);
        const said = await page.locator('.ant-message-notice, .ant-form-item-explain-error, .ant-alert').allTextContents();
        throw new Error(`${name}: ${(err as Error).message}; the page says: ${said.join(' | ')}`);
      }
    },
  };
}
