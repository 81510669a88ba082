import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type LocalStack } from '../../local/runtime.ts';
import { ensureWebBuilt } from '../../local/web-console.ts';
import { seedDemo, type SeedResult } from '../../scripts/seed-demo.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';
import { residentId } from '../support/people.ts';
import { ARTIFACTS, consoleSession, launchChromium, newPage, seriousViolations, shot, until, type AxeFinding, type Chromium } from './browser.ts';

/**
 * The console in a real browser against the real local stack with the demo's data: a citizen
 * applies; village, town (with its investigation) and city decide across the 7-day notice; the
 * citizen sees the approval and its letter; the Xu household's 2024; a warning verified and
 * closed; a policy value on its timeline. axe-core runs on every page; each scenario keeps a
 * screenshot in test-artifacts/web/.
 */
let stack: LocalStack;
let api: ApiClient;
let chrome: Chromium;
let seed: SeedResult;
const { signedIn, submitThen } = consoleSession(() => chrome, () => stack.httpUrl);
const axe: Record<string, AxeFinding[]> = {};
const timings: Record<string, number> = {};

const ADDRESS = '周至县白杨林村5组（网页申请）';



/** Checks the page with axe-core (kept per page name, asserted at the end) and screenshots it. */
async function check(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await shot(page, name);
  axe[name] = await seriousViolations(page);
}


async function adminToken() {
  return api.token('admin', undefined, 'e2e-admin');
}

async function caseStatus(id: string): Promise<string> {
  return (await api.request('GET', `/applications/${id}`, { token: await adminToken() })).body.status as string;
}

beforeAll(async () => {
  await ensureWebBuilt(REPO_ROOT, (l) => console.log(l));
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  seed = await seedDemo({ httpUrl: stack.httpUrl, awsUrl: stack.awsUrl });
  const today = new Date(Date.parse((await api.request('GET', '/_local/clock')).body.now) + 8 * 3600_000).toISOString().slice(0, 10);
  const run = await api.request('POST', '/monitoring/runs', { token: await adminToken(), body: { asOf: today } });
  await until('the monitoring run', async () => (await api.request('GET', `/monitoring/runs/${run.body.runId}`, { token: await adminToken() })).body.status === 'SUCCEEDED');
  chrome = await launchChromium();
}, 600_000);

afterAll(async () => {
  writeFileSync(join(ARTIFACTS, 'report.json'), JSON.stringify({ timings, axe }, null, 2));
  await chrome?.close();
  await stack?.stop();
});

describe('the web console', () => {
  it('serves the sign-in page first and measures when it is interactive', async () => {
    const page = await newPage(chrome);
    const started = Date.now();
    await page.goto(`${stack.httpUrl}/`);
    await page.getByRole('button', { name: /^以徐新华/ }).waitFor({ state: 'visible' });
    timings.firstPageInteractiveMs = Date.now() - started;
    const nav = (await page.evaluate(
      '(() => { const n = performance.getEntriesByType("navigation")[0]; return { domInteractive: n.domInteractive, domContentLoaded: n.domContentLoadedEventEnd, load: n.loadEventEnd }; })()',
    )) as { domInteractive: number; domContentLoaded: number; load: number };
    Object.assign(timings, { navDomInteractiveMs: Math.round(nav.domInteractive), navDomContentLoadedMs: Math.round(nav.domContentLoaded), navLoadMs: Math.round(nav.load) });
    console.log(`[web] first page interactive in ${timings.firstPageInteractiveMs} ms (domInteractive ${timings.navDomInteractiveMs} ms)`);
    expect(page.url()).toMatch(/\/login$/);
    await check(page, '01-login');
    await page.close();
  });

  let applicationId = '';

  it('a citizen applies with the live eligibility preview and sees the case at VILLAGE_REVIEW', async () => {
    const page = await signedIn('新申请人');
    await page.goto(`${stack.httpUrl}/citizen/apply`);
    await page.getByLabel('户籍所在村（社区）').click();
    await page.locator('.ant-select-item-option', { hasText: '白杨林村' }).click();
    await page.getByLabel('居住地址').fill(ADDRESS);
    await page.getByLabel('姓名').fill('网页申请人');
    await page.getByLabel('身份证号').fill(residentId('610124', '19500606', 991));
    await page.getByLabel('月收入（元）').fill('200');
    await page.getByText('家庭月人均收入').waitFor();
    await page.getByText('最低生活保障', { exact: false }).first().waitFor();
    await page.getByLabel(/核对授权书/).check();
    await check(page, '02-apply-preview');
    await submitThen(page, '提交申请', () => page.waitForURL(/\/citizen\/applications\/app_/), 'apply');
    applicationId = page.url().split('/').pop()!;
    await until('VILLAGE_REVIEW', async () => {
      await page.reload();
      return (await page.getByTestId('case-status').textContent()) === '村级初审';
    });
    expect(await caseStatus(applicationId)).toBe('VILLAGE_REVIEW');
    await check(page, '03-citizen-case-village-review');
  });

  async function openTask(who: string): Promise<Page> {
    const page = await signedIn(who);
    await until(`${who}'s task`, async () => {
      await page.goto(`${stack.httpUrl}/review/tasks`);
      await page.waitForLoadState('networkidle');
      return (await page.getByRole('link', { name: `办理 ${ADDRESS}` }).count()) > 0;
    });
    await page.getByRole('link', { name: `办理 ${ADDRESS}` }).click();
    await page.getByRole('button', { name: '提交', exact: true }).waitFor();
    return page;
  }

  it('the village, the town (with its investigation) and the city decide it in the browser across the 7-day notice', async () => {
    const village = await openTask('白杨林村委会');
    await check(village, '04-village-case');
    await submitThen(village, '提交', () => village.waitForURL(/\/review\/tasks$/), 'village-decision');
    await until('TOWN_REVIEW', async () => (await caseStatus(applicationId)) === 'TOWN_REVIEW');

    const town = await openTask('王家河镇');
    const investigators = town.getByLabel('调查人员');
    await investigators.fill('王伟');
    await investigators.press('Enter');
    await investigators.fill('李娜');
    await investigators.press('Enter');
    await town.getByLabel('调查情况').fill('入户核查：两位老人同住，收入属实。');
    await check(town, '05-town-investigation');
    await submitThen(town, '提交', () => town.waitForURL(/\/review\/tasks$/), 'town-decision');
    await until('PUBLIC_NOTICE', async () => (await caseStatus(applicationId)) === 'PUBLIC_NOTICE');
    await town.getByRole('tab', { name: '公示栏' }).click();
    await town.getByText('网页申请人').waitFor();
    await check(town, '06-public-notice-board');

    await api.request('POST', '/_local/clock', { body: { advanceDays: 8 } });
    await until('CITY_REVIEW', async () => (await caseStatus(applicationId)) === 'CITY_REVIEW');

    const city = await openTask('西安市民政局');
    if (await city.getByLabel('抽查人员').count()) {
      // A TEKUN case drawn for the county's ≥ 30% spot-check: the city records its home visit.
      const spot = city.getByLabel('抽查人员');
      await spot.fill('张强');
      await spot.press('Enter');
      await spot.fill('赵敏');
      await spot.press('Enter');
    }
    await check(city, '07-city-decision');
    await submitThen(city, '提交', () => city.waitForURL(/\/review\/tasks$/), 'city-decision');
    await until('APPROVED', async () => (await caseStatus(applicationId)) === 'APPROVED');
  });

  it('the citizen sees APPROVED and the decision letter', async () => {
    const page = await signedIn('新申请人');
    await page.goto(`${stack.httpUrl}/citizen/applications`);
    await page.getByRole('link', { name: `查看申请 ${applicationId}` }).click();
    await expect.poll(async () => page.getByTestId('case-status').textContent()).toBe('已批准');
    await page.getByTestId('letter-title').waitFor();
    expect(await page.getByTestId('letter-title').textContent()).toContain('决定书');
    // The letter's 决定事项 as the server worded them (what is given, how much, from when).
    const letter = (await api.request('GET', `/applications/${applicationId}`, { token: await adminToken() })).body.decision.letter as { decisionItems: string[] };
    expect(letter.decisionItems.length).toBeGreaterThan(0);
    expect(await page.getByTestId('letter-decision-items').locator('li').allTextContents()).toEqual(letter.decisionItems);
    await check(page, '08-citizen-approved-letter');
  });

  it('the Xu household shows 59,486 yuan for 2024, by type and month, with its chart', async () => {
    const page = await signedIn('徐新华');
    await page.goto(`${stack.httpUrl}/citizen/ledger?year=2024`);
    await page.getByTestId('ledger-total').waitFor({ state: 'attached' });
    expect(await page.getByTestId('ledger-total').textContent()).toBe('59486');
    await page.locator('[data-chart-ready="true"]').waitFor();
    await check(page, '09-xu-ledger-2024');
    const phone = await signedIn('徐新华', 390);
    await phone.goto(`${stack.httpUrl}/citizen/ledger?year=2024`);
    await phone.locator('[data-chart-ready="true"]').waitFor();
    await check(phone, '10-xu-ledger-2024-phone');
  });

  it('the village team verifies and closes a warning and the lifecycle chart moves', async () => {
    const page = await signedIn('白杨林村委会');
    await page.goto(`${stack.httpUrl}/monitoring/warnings`);
    const stats = page.getByTestId('warning-stats');
    await stats.waitFor();
    const read = async () => (await stats.locator('.ant-statistic-content-value').allTextContents()).map(Number);
    const before = await read();
    await page.locator('[data-chart-ready="true"]').waitFor();
    await check(page, '11-warnings-before');
    await page.getByRole('button', { name: /^核实预警/ }).first().click();
    await page.getByLabel('核实情况').fill('入户核实：情况属实。');
    await submitThen(page, '提交', () => page.locator('.ant-message-notice', { hasText: '已核实' }).waitFor(), 'verify-warning');
    await expect.poll(read).toEqual([before[0], before[1]! + 1, before[2], before[3]]);
    await page.getByRole('button', { name: /^办结预警/ }).first().click();
    await page.getByLabel('处置结果').click();
    await page.locator('.ant-select-item-option', { hasText: '给予救助' }).click();
    await page.getByLabel('处置说明').fill('已协助申请临时救助。');
    await submitThen(page, '提交', () => page.locator('.ant-message-notice', { hasText: '已办结' }).waitFor(), 'close-warning');
    await expect.poll(read).toEqual([before[0], before[1]! + 1, before[2]! + 1, before[3]]);
    await check(page, '12-warnings-after');
  });

  it('an administrator adds a dated parameter value and the timeline shows it', async () => {
    const page = await signedIn('系统管理员');
    await page.goto(`${stack.httpUrl}/admin/policies`);
    const timeline = page.getByTestId('policy-timeline');
    await timeline.waitFor();
    await page.getByLabel('取值').fill('812');
    await page.getByLabel('依据（文件名称、文号）').fill('庄浪县民政局 2030 年低保标准（演示）');
    await page.getByLabel('生效日期').fill('2030-01-01');
    // Enter takes the typed date, and submits the form.
    await page.getByLabel('生效日期').press('Enter');
    await page.getByText('已保存，自生效日起适用').waitFor();
    await timeline.getByText('2030-01-01').waitFor();
    expect(await timeline.textContent()).toContain('庄浪县民政局 2030 年低保标准（演示）');
    await check(page, '13-policy-timeline');
  });

  // ---------------------------------------------------------------- 两项政策衔接 (merger)

  it('the 肥城 village reviewer works the assessment queue: include with a category, exit with a reason; the town and the city carry the inclusion', async () => {
    const admin = await adminToken();
    const openAt = async (level: string) => (await api.request('GET', `/merger/assessments?level=${level}&regionCode=370983108201&limit=100`, { token: admin })).body.items as { id: string; name: string; recordId: string }[];
    const before = await openAt('village');
    expect(before.length).toBeGreaterThanOrEqual(2);
    const village = await signedIn('肥城市孙东村');
    await village.goto(`${stack.httpUrl}/two-policies/assessments`);
    const queue = village.getByTestId('assessment-queue');
    await queue.getByRole('button', { name: `纳入 ${before[0]!.name}` }).waitFor();
    await check(village, '14-merger-assessment-queue');
    // include: the rules' layer is proposed, a reason is required
    await queue.getByRole('button', { name: `纳入 ${before[0]!.name}` }).click();
    await village.getByLabel('研判理由').fill('村级研判：家庭收入低于标准，建议纳入。');
    await submitThen(village, '提交', () => village.locator('.ant-message-notice', { hasText: '意见已提交上级' }).waitFor(), 'merger-village-include');
    await queue.getByRole('button', { name: `纳入 ${before[0]!.name}` }).waitFor({ state: 'detached' });
    // exit
    await queue.getByRole('button', { name: `退出 ${before[1]!.name}` }).click();
    await village.getByLabel('退出理由').fill('村级研判：已稳定就业，风险消除。');
    await submitThen(village, '提交', () => queue.getByRole('button', { name: `退出 ${before[1]!.name}` }).waitFor({ state: 'detached' }), 'merger-village-exit');
    await until('both passed up to the town', async () => (await openAt('town')).filter((a) => a.id.startsWith(before[0]!.recordId) || a.id.startsWith(before[1]!.recordId)).length === 2);
    const coverageBefore = (await api.request('GET', '/merger/coverage?regionCode=370983', { token: admin })).body;
    // the town and the city include the first (the city's decision is final)
    for (const [who, level] of [['肥城市孙伯镇', 'town'], ['泰安市民政局', 'city']] as const) {
      const page = await signedIn(who);
      await page.goto(`${stack.httpUrl}/two-policies/assessments`);
      const q = page.getByTestId('assessment-queue');
      await q.getByRole('button', { name: `纳入 ${before[0]!.name}` }).first().click();
      expect(await page.getByLabel('纳入类别').count()).toBe(1);
      await page.getByLabel('研判理由').fill(`${level === 'town' ? '镇' : '市'}级研判：同意纳入。`);
      await submitThen(page, '提交', () => page.locator('.ant-message-notice', { hasText: level === 'city' ? '已纳入救助' : '意见已提交上级' }).waitFor(), `merger-${level}-include`);
    }
    const coverageAfter = (await api.request('GET', '/merger/coverage?regionCode=370983', { token: admin })).body;
    expect(coverageAfter.included).toBe(coverageBefore.included + 1);
  });

  it('the city sees coverage per region before and after the assessment, with its charts', async () => {
    const page = await signedIn('泰安市民政局');
    await page.goto(`${stack.httpUrl}/two-policies/coverage`);
    await page.getByLabel('区划代码').fill('370983');
    await page.getByLabel('区划代码').press('Enter');
    const c = (await api.request('GET', '/merger/coverage?regionCode=370983', { token: await adminToken() })).body;
    const shown = (id: string) => page.getByTestId(id).locator('.ant-statistic-content-value').textContent();
    await expect.poll(() => shown('coverage-before')).toBe(`${(Math.round(c.coverageAtImport * 10000) / 100).toFixed(2)}%`);
    expect(await shown('coverage-after')).toBe(`${(Math.round(c.coverageNow * 10000) / 100).toFixed(2)}%`);
    expect(c.coverageAtImport).toBeCloseTo(0.8016, 3);
    expect(c.coverageNow).toBeGreaterThan(0.98);
    await page.locator('[data-chart-ready="true"]').nth(1).waitFor();
    await check(page, '15-merger-coverage');
  });

  it('the city uploads a CSV and sees the row-level error report', async () => {
    const page = await signedIn('泰安市民政局');
    await page.goto(`${stack.httpUrl}/two-policies/import`);
    const good = residentId('370983', '19610203', 777);
    const csv = ['householdRef,name,idNumber,relation,regionCode,riskTypes,monthlyIncome,deposits,identifiedOn', `WEB1,网页导入,${good},self,370983108201,ILLNESS,300,2000,2024-03-01`, `WEB2,错误行,370983196102030001,self,370983108201,ILLNESS,abc,,2024-03-01`].join('\n');
    await page.locator('input[type=file]').setInputFiles({ name: '肥城监测对象.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    const report = page.getByTestId('import-report');
    await report.getByText('已完成').waitFor({ timeout: 60_000 });
    const errors = page.getByTestId('import-errors');
    await errors.waitFor();
    const rows = await errors.locator('tbody tr').allTextContents();
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows.every((r) => r.startsWith('2'))).toBe(true);
    expect(rows.join(' ')).toMatch(/idNumber|monthlyIncome/);
    await check(page, '16-merger-import-report');
  });

  it('the September survey: a village fills one printable A4 page and submits it', async () => {
    const { openSurveys } = await import('../../functions/services/merger-survey.ts');
    const opened = await openSurveys();
    expect(opened.opened + opened.objects).toBeGreaterThan(0);
    const page = await signedIn('肥城市孙东村');
    await page.goto(`${stack.httpUrl}/two-policies/surveys`);
    const link = page.getByRole('link', { name: /^填写排查表 sv_\d{4}_/ }).first();
    await link.waitFor();
    await check(page, '17-merger-surveys');
    await link.click();
    const sheet = page.getByTestId('survey-a4');
    await sheet.waitFor();
    const surveyors = page.getByLabel('排查人员');
    await surveyors.fill('王伟');
    await surveyors.press('Enter');
    await page.getByLabel('家庭存款（元）').fill('3000');
    await page.getByLabel('排查情况').fill('入户排查：收入稳定，无新增风险。');
    await check(page, '18-merger-survey-a4');
    // one A4 page when printed: the sheet fits 297 mm in print layout, and the PDF has one page
    await page.emulateMedia({ media: 'print' });
    const heightPx = await sheet.evaluate((el) => el.scrollHeight);
    await page.emulateMedia({ media: 'screen' });
    expect(heightPx).toBeLessThanOrEqual(Math.ceil((297 / 25.4) * 96));
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    expect(/\/Count (\d+)/.exec(pdf.toString('latin1'))?.[1]).toBe('1');
    await submitThen(page, '提交排查表', () => page.locator('.ant-message-notice', { hasText: '排查表已提交' }).waitFor(), 'merger-survey-submit');
    await page.getByTestId('survey-submitted').waitFor();
  });

  it('has no serious accessibility violations on any page (axe-core)', () => {
    expect(Object.keys(axe).length).toBeGreaterThanOrEqual(12);
    const serious = Object.entries(axe).filter(([, v]) => v.length > 0);
    expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
  });
});
