import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, type LocalStack } from '../../local/runtime.ts';
import { ensureWebBuilt } from '../../local/web-console.ts';
import { seedDemo, type SeedResult } from '../../scripts/seed-demo.ts';
import { fullIdsIn } from '../support/id-scan.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';
import { CONSENT, dibaoHousehold, person, residentId } from '../support/people.ts';
import { ARTIFACTS, consoleSession, launchChromium, newPage, seriousViolations, shot, until, type AxeFinding, type Chromium } from './browser.ts';

/**
 * The operations pages in a real browser against the real local stack with the demo's data:
 * the household file (entitlements, next re-review, history, chain of help, a change report),
 * the citizen's objection and appeal and the town's deadline extension, payments (payee, a
 * roster drawn up by one city user and approved by another, the bank file, a return, a
 * recovery after a death reported late), services (organizations, a service order and its
 * visit, a referral) and the statistics dashboard. axe-core runs on every page; screenshots go
 * to test-artifacts/web/ops-*.png.
 */
let stack: LocalStack;
let api: ApiClient;
let chrome: Chromium;
let seed: SeedResult;
const { signedIn, submitThen } = consoleSession(() => chrome, () => stack.httpUrl, 'ops-');
const axe: Record<string, AxeFinding[]> = {};



/** A page signed in as someone the login page does not list (a token from /_local/token, as the login page gets one). */
async function signedInAs(sub: string, role: string, name: string): Promise<Page> {
  const page = await newPage(chrome);
  const token = await api.token(role, undefined, sub);
  await page.goto(`${stack.httpUrl}/login`);
  const session = JSON.stringify({ token, sub, role, name, expiresAt: Date.now() + 3600_000 });
  await page.evaluate(`sessionStorage.setItem('jiuzhu.session', ${JSON.stringify(session)})`);
  return page;
}

async function check(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await shot(page, `ops-${name}`);
  axe[name] = await seriousViolations(page);
  // Resident ID numbers stay masked on every page.
  expect(fullIdsIn(await page.locator('body').innerText()), `${name}: a full ID number on the page`).toEqual([]);
}


/** Chooses options of a multiple select by typing each (its list is virtual: unseen options are not in the DOM). */
async function pick(page: Page, label: string, options: string[]): Promise<void> {
  const input = page.getByLabel(label, { exact: true });
  await input.click();
  for (const o of options) {
    await input.fill(o);
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: o }).click();
  }
}

const admin = () => api.token('admin', undefined, 'e2e-admin');
const cityToken = () => api.token('city', '6101', 'e2e-city');
const get = async (path: string, token?: string) => (await api.request('GET', path, { token: token ?? (await admin()) })).body;
const app = (key: string) => seed.applications.find((a) => a.key === key)!;

/** The stack's date in Asia/Shanghai (its clock is the tests', not the browser's). */
async function stackToday(): Promise<string> {
  return new Date(Date.parse((await api.request('GET', '/_local/clock')).body.now) + 8 * 3600_000).toISOString().slice(0, 10);
}

/** A citizen's new DIBAO case in 白杨林村, through the API. */
async function newCase(sub: string, key: string, address: string): Promise<string> {
  const created = await api.request('POST', '/applications', {
    token: await api.token('citizen', undefined, sub),
    headers: { 'idempotency-key': key },
    body: { household: { ...dibaoHousehold({ headId: person('1960-01-01') }), address }, requested: ['DIBAO'], consent: CONSENT },
  });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

/** A reviewer's decision on the case's open task of that level, through the API; waits for the status it leads to. */
async function decide(id: string, role: string, region: string, body: Record<string, unknown>, status: string): Promise<void> {
  const token = await api.token(role, region, `e2e-${role}`);
  const task = await until(`${role} task`, async () => ((await api.request('GET', '/review-tasks', { token })).body.items as { id: string; applicationId: string }[]).find((t) => t.applicationId === id));
  expect((await api.request('POST', `/review-tasks/${task.id}/decision`, { token, body })).status).toBe(200);
  await until(status, async () => (await get(`/applications/${id}`)).status === status);
}

/** The Xu family's members as the seed makes them (the change report names them in full). */
const XU = [
  { name: '徐新华', id: residentId('610124', '1956-12-12', 1) },
  { name: '王秀兰', id: residentId('610124', '1958-03-08', 2) },
  { name: '徐建军', id: residentId('610124', '1984-07-15', 3) },
  { name: '徐小雨', id: residentId('610124', '2010-05-20', 4) },
];
const XU_ACCOUNT = '6217000011112222333';

beforeAll(async () => {
  await ensureWebBuilt(REPO_ROOT, (l) => console.log(l));
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  seed = await seedDemo({ httpUrl: stack.httpUrl, awsUrl: stack.awsUrl });
  chrome = await launchChromium();
}, 600_000);

afterAll(async () => {
  writeFileSync(join(ARTIFACTS, 'report-operations.json'), JSON.stringify({ axe }, null, 2));
  await chrome?.close();
  await stack?.stop();
});

describe('the console’s operations pages', () => {
  let reviewId = '';

  it('a citizen sees the household file (entitlements, next re-review, masked members) and reports a change that opens a re-review', async () => {
    const page = await signedIn('徐新华');
    await page.getByRole('link', { name: '我的家庭档案' }).click();
    const entitlements = page.getByTestId('entitlements');
    await entitlements.waitFor();
    const hh = await get(`/households/${seed.xu.householdId}`);
    const dibao = hh.entitlements.find((e: { code: string }) => e.code === 'DIBAO');
    const row = entitlements.locator('tr', { hasText: '最低生活保障' });
    expect(await row.textContent()).toContain('享受中');
    expect(await row.textContent()).toContain(`¥${dibao.monthlyAmount}`);
    expect(await page.getByTestId('next-review').textContent()).toBe(hh.nextReviewDue ?? '暂无安排');
    expect(await page.locator('body').innerText()).toContain('610124********0015');
    await check(page, '01-citizen-household');
    const phone = await signedIn('徐新华', 390);
    await phone.goto(`${stack.httpUrl}/citizen/household`);
    await phone.getByTestId('entitlements').waitFor();
    await check(phone, '01-citizen-household-phone');

    await page.getByRole('tab', { name: '报告家庭变化' }).click();
    for (let i = 0; i < XU.length; i++) await page.getByLabel(`成员 ${i + 1} 身份证号`).fill(XU[i]!.id);
    await page.getByLabel('成员 3 月收入（元）').fill('2600');
    await check(page, '02-change-report');
    await submitThen(page, '提交变化报告', () => page.getByTestId('change-accepted').waitFor(), 'change-report');
    reviewId = /rev_[A-Za-z0-9_-]+/.exec((await page.getByTestId('change-accepted').textContent()) ?? '')![0];
    const review = await get(`/applications/${reviewId}`);
    expect(review.householdId).toBe(seed.xu.householdId);
    const after = await get(`/households/${seed.xu.householdId}`);
    expect(after.history.some((h: { kind: string; detail?: { reviewId?: string } }) => h.kind === 'CHANGE_REPORTED' && h.detail?.reviewId === reviewId)).toBe(true);
  });

  it('the town reaches the household from the case page, sees the change in its history, and extends a case’s deadline once with its reason', async () => {
    const town = await signedIn('王家河镇');
    await town.goto(`${stack.httpUrl}/review/cases/${seed.xu.applicationId}`);
    await town.getByRole('link', { name: `查看家庭档案 ${seed.xu.householdId}` }).click();
    const history = town.getByTestId('household-history');
    await history.waitFor();
    await history.getByText('报告家庭变化（启动复核）').waitFor();
    expect(await history.textContent()).toContain(reviewId);
    await check(town, '03-town-household-history');

    const open = app('open-town');
    const before = await get(`/applications/${open.id}`);
    expect(before.deadline.extendedTo).toBeUndefined();
    await town.goto(`${stack.httpUrl}/review/cases/${open.id}`);
    await town.getByRole('button', { name: '延长办理期限' }).click();
    await town.getByLabel('延长理由').fill('申请人外出务工，需补充收入证明。');
    await submitThen(town, '提交', () => town.getByTestId('case-deadline').getByText('已延长').waitFor(), 'extension');
    const extended = await get(`/applications/${open.id}`);
    expect(extended.deadline.extendedTo > extended.deadline.due).toBe(true);
    expect(await town.getByRole('button', { name: '延长办理期限' }).count()).toBe(0);
    await check(town, '04-town-deadline-extended');
  });

  it('the monitoring centre sees a household in gradual exit with the month it ends', async () => {
    const page = await signedIn('监测中心');
    await page.goto(`${stack.httpUrl}/family/${seed.stories.gradualExit.householdId}`);
    const hh = await get(`/households/${seed.stories.gradualExit.householdId}`);
    const exiting = hh.entitlements.find((e: { status: string }) => e.status === 'GRADUAL_EXIT');
    expect(exiting).toBeTruthy();
    const row = page.getByTestId('entitlements').locator('tr', { hasText: '渐退期' });
    await row.waitFor();
    expect(await row.textContent()).toContain(`渐退至 ${exiting.until}，期满停止`);
    await check(page, '05-gradual-exit');
  });

  it('a village worker records an objection on the notice board and the case goes back to the town', async () => {
    const notice = app('open-notice');
    expect((await get(`/applications/${notice.id}`)).status).toBe('PUBLIC_NOTICE');
    const page = await signedIn('白杨林村委会');
    await page.goto(`${stack.httpUrl}/review/tasks`);
    await page.getByRole('tab', { name: '公示栏' }).click();
    await page.getByRole('button', { name: '登记异议 申请人' }).click();
    await page.getByLabel('异议内容').fill('村民反映：申请人家中有一辆小货车未申报。');
    await check(page, '06-objection');
    await submitThen(page, '提交', () => page.locator('.ant-message-notice', { hasText: '异议已登记' }).waitFor(), 'objection');
    await until('TOWN_REVIEW after the objection', async () => (await get(`/applications/${notice.id}`)).status === 'TOWN_REVIEW');
  });

  it('during the public notice the citizen’s case page takes an objection, and the case goes back to the town', async () => {
    const sub = 'e2e-notice-citizen';
    const id = await newCase(sub, 'e2e-notice-1', '周至县白杨林村8组（公示演示）');
    await decide(id, 'village', '610124121200', { decision: 'approve' }, 'TOWN_REVIEW');
    await decide(id, 'town', '610124121', { decision: 'approve', investigation: { visitedAt: await stackToday(), investigators: ['王伟', '李娜'], notes: '入户核实属实' } }, 'PUBLIC_NOTICE');
    const notice = (await get(`/applications/${id}`)).publicNotice;
    const page = await signedInAs(sub, 'citizen', '公示中的申请人');
    await page.goto(`${stack.httpUrl}/citizen/applications/${id}`);
    expect(notice.until).toBeTruthy();
    await page.getByText('公示期异议').waitFor();
    await page.getByLabel('异议内容').fill('公示的家庭人数有误：小儿子已于上月迁出。');
    await check(page, '06b-citizen-objection');
    await submitThen(page, '提出异议', () => page.locator('.ant-message-notice', { hasText: '异议已提交' }).waitFor(), 'citizen-objection');
    await until('TOWN_REVIEW after the citizen’s objection', async () => (await get(`/applications/${id}`)).status === 'TOWN_REVIEW');
    await page.reload();
    await expect.poll(async () => page.getByTestId('case-status').textContent()).toBe('乡镇审核');
    expect(await page.getByText('公示期异议').count()).toBe(0);
  });

  it('a refused citizen sees the letter’s appeal route and appeals; the case shows the appeal being heard above', async () => {
    const sub = 'e2e-appellant';
    const id = await newCase(sub, 'e2e-appeal-1', '周至县白杨林村7组（复核演示）');
    await decide(id, 'village', '610124121200', { decision: 'reject', reason: '家中经营商铺' }, 'TOWN_REVIEW');
    const today = await stackToday();
    await decide(id, 'town', '610124121', { decision: 'reject', reason: '入户核实：商铺月收入约 3000 元', investigation: { visitedAt: today, investigators: ['王伟', '李娜'], notes: '家中经营商铺' } }, 'CITY_REVIEW');
    await decide(id, 'city', '6101', { decision: 'reject', reason: '家庭人均收入高于当地低保标准' }, 'REJECTED');
    const letter = (await get(`/applications/${id}`)).decision.letter;

    const page = await signedInAs(sub, 'citizen', '复核申请人');
    await page.goto(`${stack.httpUrl}/citizen/applications/${id}`);
    await page.getByTestId('letter-title').waitFor();
    expect(await page.locator('body').innerText()).toContain(`可于 ${letter.appeal.by} 前提出复核申请`);
    await page.getByRole('button', { name: `申请复核（${letter.appeal.by} 前）` }).click();
    await page.getByLabel('复核理由').fill('商铺已于去年转让，现无经营收入。');
    await submitThen(page, '提交', () => page.getByTestId('appeals').getByText('上一级审核中').waitFor(), 'appeal');
    const after = await get(`/applications/${id}`);
    expect(after.appeals).toHaveLength(1);
    expect(after.appeals[0].reason).toBe('商铺已于去年转让，现无经营收入。');
    expect(await page.getByRole('button', { name: /^申请复核/ }).count()).toBe(0);
    await check(page, '07-citizen-appeal');
  });

  let rosterId = '';

  it('the city registers the Xu family’s payee from the ledger page: the account is shown masked', async () => {
    const page = await signedIn('西安市民政局');
    await page.goto(`${stack.httpUrl}/family-ledger?household=${seed.xu.householdId}&year=2024`);
    await page.getByRole('link', { name: `家庭档案 ${seed.xu.householdId}` }).click();
    await page.getByRole('tab', { name: '收款账户' }).click();
    await page.getByText('尚未登记收款账户').waitFor();
    await page.getByLabel('收款人姓名').fill('徐新华');
    await page.getByLabel('收款人身份证号').fill(XU[0]!.id);
    await page.getByLabel('开户银行').fill('周至县农村信用合作联社');
    await page.getByLabel('银行账号（社保卡号）').fill(XU_ACCOUNT);
    await submitThen(page, '保存账户', () => page.getByTestId('payee-account').waitFor(), 'payee');
    const shown = (await page.getByTestId('payee-account').textContent())!;
    expect(shown).not.toBe(XU_ACCOUNT);
    expect(shown.endsWith(XU_ACCOUNT.slice(-4))).toBe(true);
    expect(await page.locator('body').innerText()).not.toContain(XU_ACCOUNT);
    await check(page, '08-payee');
  });

  it('one city user draws up January’s roster, another approves it (four eyes), downloads the bank file and records a return', async () => {
    // A second single-person DIBAO household with a payee, whose death is reported late below.
    const doubted = app('doubted');
    expect(
      (await api.request('PUT', `/households/${doubted.householdId}/payee`, { token: await cityToken(), body: { name: '周某', idNumber: residentId('610124', '1966-05-05', 121), bank: '周至县农村信用合作联社', accountNumber: '6217000099998888777' } })).status,
    ).toBe(200);
    // January's ledger: the clock to 1 January 03:00 (Asia/Shanghai); the monthly ledger run fires at 02:00.
    await api.request('POST', '/_local/clock', { body: { set: '2026-12-31T19:00:00.000Z' } });
    await until('January’s ledger for the Xu family', async () => ((await get(`/households/${seed.xu.householdId}/ledger?year=2027`)).entries ?? []).some((e: { type: string }) => e.type === 'DIBAO'), 120_000);

    const maker = await signedIn('西安市民政局');
    await maker.getByRole('link', { name: '发放名册' }).click();
    await maker.getByLabel('县（市、区）代码', { exact: true }).fill('610124');
    await maker.getByLabel('发放月份', { exact: true }).fill('2027-01');
    // Enter takes the typed month and submits the form (as the button would).
    await maker.getByLabel('发放月份', { exact: true }).press('Enter');
    await maker.waitForURL(/\/funds\/rosters\/ro_610124_202701$/, { timeout: 5_000 }).catch(async () => {
      await submitThen(maker, '生成名册', () => maker.waitForURL(/\/funds\/rosters\/ro_610124_202701$/), 'create-roster');
    });
    rosterId = 'ro_610124_202701';
    await until('the roster built', async () => (await maker.getByTestId('roster-status').textContent()) === '待审核', 90_000);
    await maker.getByTestId('four-eyes').waitFor();
    expect(await maker.getByRole('button', { name: '审核通过' }).isDisabled()).toBe(true);
    const xuLine = maker.locator('tr', { hasText: seed.xu.householdId }).filter({ hasText: '最低生活保障' });
    await xuLine.waitFor();
    expect(await xuLine.textContent()).toContain('待发放');
    expect(await maker.locator('body').innerText()).not.toContain(XU_ACCOUNT);
    await check(maker, '09-roster-draft');

    const checker = await signedIn('西安市资金复核员');
    await checker.goto(`${stack.httpUrl}/funds/rosters/${rosterId}`);
    await checker.getByRole('button', { name: '审核通过' }).click();
    await checker.locator('.ant-modal-confirm').getByRole('button', { name: '审核通过' }).click();
    await expect.poll(async () => checker.getByTestId('roster-status').textContent()).toBe('已审核');
    const roster = await get(`/payments/rosters/${rosterId}`);
    expect(roster.status).toBe('APPROVED');
    expect(roster.approvedBy).toBe('demo-city-6101-b');
    expect(roster.createdBy).toBe('demo-city-6101');

    const [download] = await Promise.all([checker.waitForEvent('download'), checker.getByRole('button', { name: '下载银行代发文件' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('徐新华');
    expect(csv).not.toContain(XU_ACCOUNT);
    expect(csv).toContain(XU_ACCOUNT.slice(-4));
    expect(fullIdsIn(csv)).toEqual([]);

    const line = checker.locator('tr', { hasText: seed.xu.householdId }).filter({ hasText: '最低生活保障' });
    await line.getByRole('checkbox').check();
    await checker.getByRole('button', { name: /^登记银行退回/ }).click();
    await checker.getByLabel('退回原因').fill('账户已销户');
    await submitThen(checker, '提交', () => checker.locator('tr', { hasText: seed.xu.householdId }).filter({ hasText: '最低生活保障' }).getByText('银行退回').waitFor(), 'returns');
    const payee = await get(`/households/${seed.xu.householdId}/payee`, await cityToken());
    expect(payee.returns.some((r: { reason: string }) => r.reason === '账户已销户')).toBe(true);
    await check(checker, '10-roster-approved-returned');
  });

  it('a death reported late becomes a recovery item, which the city closes as recovered', async () => {
    const doubted = app('doubted');
    const events = new EventBridgeClient({ endpoint: stack.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await events.send(
      new PutEventsCommand({ Entries: [{ EventBusName: 'jiuzhu', Source: 'gov.civil-registry', DetailType: 'PersonDeceased', Detail: JSON.stringify({ idNumber: residentId('610124', '1966-05-05', 121), date: '2026-12-20' }) }] }),
    );
    await until('the recovery item', async () => ((await get('/payments/recoveries?regionCode=610124')).items as { householdId: string }[]).some((r) => r.householdId === doubted.householdId), 60_000);

    const page = await signedIn('西安市民政局');
    await page.getByRole('link', { name: '追缴' }).click();
    const table = page.getByTestId('recoveries');
    const row = table.locator('tr', { hasText: doubted.householdId });
    await row.waitFor();
    expect(await row.textContent()).toContain('死亡后仍发放');
    expect(await row.textContent()).toContain('待追缴');
    await row.getByRole('button', { name: /^办结追缴/ }).click();
    await page.getByLabel('办结说明').fill('家属已退回 2027 年 1 月低保金。');
    await submitThen(page, '提交', () => row.getByText('已追回').waitFor(), 'recovery');
    const item = ((await get('/payments/recoveries?regionCode=610124')).items as { householdId: string; status: string }[]).find((r) => r.householdId === doubted.householdId)!;
    expect(item.status).toBe('RECOVERED');
    await check(page, '11-recovery-closed');
  });

  it('the city registers a village rapid-response team; the village dispatches a monthly service order and records a visit', async () => {
    const city = await signedIn('西安市民政局');
    await city.getByRole('link', { name: '服务机构' }).click();
    await city.getByRole('button', { name: '新增机构' }).click();
    await city.getByLabel('机构编号（小写字母、数字、- 或 _）').fill('baiyanglin-rrt');
    await city.getByLabel('机构名称').fill('白杨林村困难群众急难问题快速响应服务队');
    await city.getByLabel('机构类型', { exact: true }).click();
    await city.locator('.ant-select-item-option', { hasText: '急难问题快速响应服务队' }).click();
    await city.getByLabel('服务区域（区划代码）').fill('610124121200');
    await pick(city, '提供的服务项目', ['生活巡护', '紧急救援', '居室清洁']);
    // Closes the list (Escape would close the dialog too).
    await city.locator('.ant-modal-title').click();
    await submitThen(city, '保存', () => city.getByTestId('organizations').getByText('白杨林村困难群众急难问题快速响应服务队').waitFor(), 'organization');
    const org = await get('/organizations/baiyanglin-rrt');
    expect(org.kind).toBe('RAPID_RESPONSE_TEAM');
    expect([...org.services].sort()).toEqual(['EMERGENCY_RESPONSE', 'HOME_CLEANING', 'LIFE_PATROL']);
    await check(city, '12-organizations');

    const village = await signedIn('白杨林村委会');
    await village.goto(`${stack.httpUrl}/services/orders?householdId=${seed.xu.householdId}`);
    await village.getByLabel('服务机构').click();
    await village.locator('.ant-select-item-option', { hasText: '白杨林村困难群众急难问题快速响应服务队' }).click();
    await pick(village, '服务项目（该机构提供的）', ['生活巡护', '居室清洁']);
    await village.getByText('派发服务工单').click();
    await submitThen(village, '派发工单', () => village.waitForURL(/\/services\/orders\/so_/), 'order');
    const orderId = village.url().split('/').pop()!;
    const order = await get(`/service-orders/${orderId}`);
    expect(order).toMatchObject({ householdId: seed.xu.householdId, organizationId: 'baiyanglin-rrt', recurrence: 'MONTHLY', status: 'ACTIVE', visitCount: 0 });
    // The visit at the stack's own time (the browser's clock is not the stack's, which the tests moved).
    const now = Date.parse((await api.request('GET', '/_local/clock')).body.now);
    const at = new Date(now - 3600_000 + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    await village.getByLabel('上门时间').fill(at);
    await village.getByLabel('上门时间').press('Enter');
    const by = village.getByLabel('服务人员');
    await by.fill('李娜');
    await by.press('Enter');
    await village.getByLabel('服务情况').fill('打扫居室，检查取暖设施。');
    await submitThen(village, '登记', () => village.getByTestId('visits').getByText('打扫居室，检查取暖设施。').waitFor(), 'visit');
    await expect.poll(async () => village.getByTestId('visit-count').textContent()).toBe('1');
    const visited = await get(`/service-orders/${orderId}`);
    expect(visited.visitCount).toBe(1);
    expect(visited.visits[0].by).toEqual(['李娜']);
    await check(village, '13-service-order-visit');
  });

  it('the village refers the Xu family to medical aid from the chain of help, which lists the order and the referral', async () => {
    const village = await signedIn('白杨林村委会');
    await village.goto(`${stack.httpUrl}/family/${seed.xu.householdId}`);
    await village.getByRole('tab', { name: '救助链' }).click();
    await village.getByLabel('救助链年度').click();
    await village.locator('.ant-select-item-option', { hasText: '2027 年' }).click();
    await village.getByTestId('help-chain').waitFor();
    await village.getByRole('checkbox', { name: /^医疗救助/ }).check();
    await submitThen(village, '提交转介', () => village.getByTestId('help-chain').locator('tr', { hasText: '医疗救助' }).waitFor(), 'referral');
    const chain = await get(`/households/${seed.xu.householdId}/help-chain?year=2027`);
    const referral = chain.items.find((i: { kind: string; programme?: string }) => i.kind === 'REFERRAL' && i.programme === 'MEDICAL_AID');
    expect(referral.status).toBe('OPEN');
    const row = village.getByTestId('help-chain').locator('tr', { hasText: '医疗救助' });
    expect(await row.textContent()).toContain('办理中');
    expect(await row.textContent()).toContain(`应于 ${referral.dueBy} 前答复`);
    expect(chain.items.some((i: { kind: string }) => i.kind === 'SERVICE_ORDER')).toBe(true);
    await village.getByTestId('help-chain').locator('tr', { hasText: '服务工单' }).first().waitFor();
    await check(village, '14-help-chain-referral');
  });

  it('the village cancels a one-off service order with its reason: the order shows who cancelled it, when and why, and takes no visit', async () => {
    const villageToken = await api.token('village', '610124121200', 'demo-village-610124121200');
    // Its own organization, so the scenario stands alone (the city's registration is the one above).
    const org = await api.request('PUT', '/organizations/baiyanglin-cleaning', {
      token: await cityToken(),
      body: { name: '白杨林村家政服务点', kind: 'RAPID_RESPONSE_TEAM', regionCode: '610124121200', services: ['HOME_CLEANING'] },
    });
    expect([200, 201]).toContain(org.status);
    const created = await api.request('POST', '/service-orders', {
      token: villageToken,
      body: { householdId: seed.xu.householdId, organizationId: 'baiyanglin-cleaning', items: ['HOME_CLEANING'], recurrence: 'ONCE' },
    });
    expect(created.status).toBe(201);
    const village = await signedIn('白杨林村委会');
    await village.goto(`${stack.httpUrl}/services/orders/${created.body.id}`);
    await village.getByLabel('取消原因').fill('家属已接回城区照料，不再需要上门清洁。');
    await village.getByRole('button', { name: '取消工单', exact: true }).click();
    await village.locator('.ant-modal-confirm').getByRole('button', { name: '取消工单' }).click();
    await expect.poll(async () => village.getByTestId('order-status').textContent()).toBe('已取消');
    expect(await village.getByTestId('order-cancelled').textContent()).toContain('家属已接回城区照料');
    // Cancelled: the page offers neither a visit nor another cancellation, and the API agrees.
    expect(await village.getByRole('button', { name: '登记', exact: true }).count()).toBe(0);
    const order = await get(`/service-orders/${created.body.id}`);
    expect(order.status).toBe('CANCELLED');
    expect(order.cancelled.reason).toBe('家属已接回城区照料，不再需要上门清洁。');
    const visit = await api.request('POST', `/service-orders/${created.body.id}/visits`, { token: villageToken, body: { at: new Date().toISOString(), by: ['李娜'], items: ['HOME_CLEANING'] } });
    expect(visit.status).toBe(409);
    await check(village, '14b-service-order-cancelled');
  });

  it('the service directory lists the 16 service items and the other departments’ programmes', async () => {
    const page = await signedIn('白杨林村委会');
    await page.getByRole('link', { name: '服务目录与部门项目' }).click();
    await page.getByTestId('catalog').waitFor();
    const catalog = await get('/services/catalog');
    expect(catalog.items).toHaveLength(16);
    expect(await page.getByTestId('catalog').locator('.ant-tag').count()).toBe(16);
    const programmes = await get('/programmes');
    expect(await page.getByTestId('programmes').locator('tbody tr.ant-table-row').count()).toBe(programmes.items.length);
    await check(page, '15-service-directory');
  });

  it('the statistics dashboard shows the city’s counters as the API gives them, with its charts', async () => {
    // A former prevention-monitoring household absorbed through the merger (village → town → city
    // include): the counters it moves (recipients, labels) are written as the city decides.
    const city = await cityToken();
    const imported = await api.request('POST', '/merger/imports', {
      token: city,
      body: { rows: [{ householdRef: 'E2E1', name: '王某', idNumber: residentId('610124', '1950-03-03', 777), relation: 'self', regionCode: '610124121200', riskTypes: 'ILLNESS;DISABILITY', monthlyIncome: 100, deposits: 0, identifiedOn: '2023-01-01' }] },
    });
    expect(imported.status, imported.text).toBe(202);
    const assess = async (role: string, region: string) => {
      const token = await api.token(role, region, `e2e-merger-${role}`);
      const a = await until(`${role} assessment`, async () => ((await api.request('GET', '/merger/assessments', { token })).body?.items as { id: string; name?: string; recommendation?: { layer?: string } }[] | undefined)?.find((x) => x.name === '王某'));
      return { token, a };
    };
    const v = await assess('village', '610124121200');
    expect((await api.request('POST', `/merger/assessments/${v.a.id}/decision`, { token: v.token, body: { decision: 'include', reason: '村级研判：因病因残' } })).status).toBe(200);
    const t = await assess('town', '610124121');
    expect((await api.request('POST', `/merger/assessments/${t.a.id}/decision`, { token: t.token, body: { decision: 'include', reason: '镇级研判' } })).status).toBe(200);
    const c = await assess('city', '6101');
    const included = await api.request('POST', `/merger/assessments/${c.a.id}/decision`, { token: c.token, body: { decision: 'include', category: c.a.recommendation?.layer ?? 'DIBAO', reason: '市级研判：纳入' } });
    expect(included.status, included.text).toBe(200);
    const householdId = included.body.entitlement.householdId as string;

    const page = await signedIn('西安市民政局');
    await page.getByRole('link', { name: '统计概览' }).click();
    const figures = page.getByTestId('stats-figures');
    await figures.waitFor();
    await page.locator('[data-chart-ready="true"]').first().waitFor();
    const o = await get('/stats/overview', await cityToken());
    const read = async () => (await figures.locator('.ant-statistic-content-value').allTextContents()).map((t) => Number(t.replace(/[,¥]/g, '')));
    const paid = Math.round(o.paid.reduce((s: number, p: { amount: number }) => s + p.amount, 0) * 100) / 100;
    expect(await read()).toEqual([o.applications.received, o.applications.decided, o.applications.approved, o.applications.rejected, o.temporaryAid.grants, o.temporaryAid.amount, paid, o.warnings.raised]);
    const recipients = Object.entries(o.recipients as Record<string, { households: number; people: number }>);
    expect(recipients.length).toBeGreaterThan(0);
    for (const [, r] of recipients) {
      const row = page.getByTestId('recipients').locator('tr.ant-table-row').filter({ hasText: String(r.households) });
      expect(await row.count()).toBeGreaterThan(0);
    }
    expect(await page.getByTestId('recipients').locator('tr.ant-table-row').count()).toBe(recipients.length);
    await check(page, '16-statistics-city');
    // The absorbed household carries its label on the household file.
    await page.goto(`${stack.httpUrl}/family/${householdId}`);
    await page.getByText('原防止返贫致贫监测对象（因病、因残）').waitFor();
    const monitor = await signedIn('监测中心');
    await monitor.getByRole('link', { name: '统计概览' }).click();
    await monitor.getByTestId('stats-figures').waitFor();
    await check(monitor, '17-statistics-monitor');
  });

  it('every console route opens as the console when loaded directly (no clash with an API route)', async () => {
    // The routes as data (web/src/routes.tsx): every `path:` of the list.
    const paths = [...readFileSync(join(REPO_ROOT, 'web/src/routes.tsx'), 'utf8').matchAll(/\{ path: '([^']+)'/g)].map((m) => m[1]!);
    expect(paths.length).toBeGreaterThanOrEqual(20);
    for (const p of paths) {
      const path = p.replace(/:[^/]+/g, 'x_12345678');
      const res = await fetch(`${stack.httpUrl}${path}`, { headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toContain('text/html');
    }
  });

  it('has no serious accessibility violations on any page (axe-core)', () => {
    expect(Object.keys(axe).length).toBeGreaterThanOrEqual(19);
    const serious = Object.entries(axe).filter(([, v]) => v.length > 0);
    expect(serious, JSON.stringify(serious, null, 2)).toEqual([]);
  });
});
