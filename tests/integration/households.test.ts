import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/runtime.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';
import { CONSENT, dibaoHousehold, person } from '../support/people.ts';
import { until } from '../support/wait.ts';

/**
 * Dynamic management on the real local stack: change reports start re-reviews (re-evaluate →
 * town → city); an increase applies from the month of the change, a reduction from the month
 * after its written notice, a termination after the decision's month, a gradual exit runs its
 * months; the monthly ledger run (its real schedule, crossed on the clock) follows; a replayed
 * report changes nothing; TEMPORARY emergency aid is a one-off grant, never monthly.
 */
const TOWN = '610124121';
let stack: LocalStack;
let api: ApiClient;
const t: Record<string, string> = {};
const investigation = { visitedAt: '2026-03-03', investigators: ['王伟', '李娜'] };

const view = async (id: string) => (await api.request('GET', `/applications/${id}`, { token: t.admin })).body;
const reach = (id: string, status: string) => until(`${id} → ${status}`, async () => ((await view(id)).status === status ? view(id) : undefined));
async function task(id: string, level: string, token = t[level]!) {
  return until(`${level} task of ${id}`, async () => (await api.request('GET', '/review-tasks?limit=100', { token })).body.items.find((x: { applicationId: string }) => x.applicationId === id));
}
const decide = async (id: string, level: string, body: Record<string, unknown> = {}) => {
  const tk = await task(id, level);
  const res = await api.request('POST', `/review-tasks/${encodeURIComponent(tk.id)}/decision`, { token: t[level], body: { decision: 'approve', ...(level === 'town' ? { investigation } : {}), ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const household = (id: string) => api.request('GET', `/households/${id}`, { token: t.admin }).then((r) => r.body);
const ledger = async (id: string) => (await api.request('GET', `/households/${id}/ledger?year=2026`, { token: t.admin })).body.entries as { type: string; month?: string; date?: string; amount: number }[];
const paid = (entries: Awaited<ReturnType<typeof ledger>>, type: string, month: string) => entries.filter((e) => e.type === type && (e.month ?? e.date?.slice(0, 7)) === month).reduce((s, e) => s + e.amount, 0);

async function approved(body: Record<string, unknown>, requested = ['DIBAO'], extra: Record<string, unknown> = {}) {
  const created = await api.request('POST', '/applications', { token: t.citizen, body: { household: body, requested, consent: CONSENT, ...extra }, headers: { 'idempotency-key': randomUUID() } });
  expect(created.status).toBe(201);
  return created.body.id as string;
}
async function throughToCity(ids: string[], cityBody: (id: string) => Record<string, unknown> = () => ({})) {
  for (const id of ids) await decide(id, 'village');
  for (const id of ids) await decide(id, 'town');
  for (const id of ids) await reach(id, 'PUBLIC_NOTICE');
  await api.advanceDays(7.01);
  for (const id of ids) await decide(id, 'city', cityBody(id));
  return Promise.all(ids.map((id) => reach(id, 'APPROVED')));
}
const report = (hid: string, body: unknown, token = t.citizen) => api.request('POST', `/households/${hid}/changes`, { token, body });
async function reReview(reviewId: string, cityBody: Record<string, unknown> = {}) {
  await decide(reviewId, 'town');
  await decide(reviewId, 'city', cityBody);
  return reach(reviewId, 'DECIDED');
}

let hA: string, hB: string, hC: string, hT: string;
let householdA: ReturnType<typeof dibaoHousehold>, householdB: ReturnType<typeof dibaoHousehold>, householdC: ReturnType<typeof dibaoHousehold>, householdT: ReturnType<typeof dibaoHousehold>;

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  await api.request('POST', '/_local/clock', { body: { set: '2026-03-02T02:00:00.000Z' } });
  t.citizen = await api.token('citizen', undefined, 'hh-citizen');
  t.other = await api.token('citizen', undefined, 'hh-other');
  t.village = await api.token('village', '610124121200', 'hh-village');
  t.town = await api.token('town', TOWN, 'hh-town');
  t.otherTown = await api.token('town', '610124101', 'hh-town-2');
  t.city = await api.token('city', '6101', 'hh-city');
  t.admin = await api.token('admin', undefined, 'hh-admin');
  expect((await api.request('PUT', `/policies/${TOWN}/dibao.gradualExitMonths`, { token: t.admin, body: { value: 1, effectiveFrom: '2026-01-01', reference: 'test: one month' } })).status).toBe(200);

  // Approved in March, paid from April: DIBAO (600 standard − 100 income + the severe-disability supplement 120 = 620).
  householdA = dibaoHousehold();
  householdB = dibaoHousehold({ memberIds: [person('1988-05-05', { female: true })] });
  householdC = dibaoHousehold();
  const tekunHead = person('1960-03-03');
  householdT = { ...dibaoHousehold({ headId: tekunHead }), members: [{ ...dibaoHousehold({ headId: tekunHead }).members[0]!, disability: null }], supporters: [] };
  const ids = [await approved(householdA), await approved(householdB), await approved(householdC), await approved(householdT, ['TEKUN'])];
  const apps = await throughToCity(ids, (id) => (id === ids[3] ? { spotCheck: { visitedAt: '2026-03-12', investigators: ['县抽查甲', '县抽查乙'] } } : {}));
  [hA, hB, hC, hT] = apps.map((a) => a.householdId as string) as [string, string, string, string];
  expect(apps.map((a) => a.decision.approved[0].startMonth)).toEqual(['2026-04', '2026-04', '2026-04', '2026-04']);
  // Into April: the monthly ledger run pays April (run here as well as by its schedule: a run is idempotent).
  await api.request('POST', '/_local/clock', { body: { set: '2026-04-03T02:00:00.000Z' } });
  expect((await api.request('POST', '/ledger/runs', { token: t.admin, body: { month: '2026-04' } })).status).toBe(200);
}, 240_000);
afterAll(() => stack?.stop());

describe('GET /households/{id}', () => {
  it('shows the entitlements, the next re-review, labels and history to those who may see it', async () => {
    const h = await household(hA);
    expect(h.entitlements.find((e: { code: string }) => e.code === 'DIBAO')).toEqual(expect.objectContaining({ status: 'ACTIVE', from: '2026-04', monthlyAmount: 620 }));
    expect(h.nextReviewDue).toMatch(/^2027-03-\d\d$/);
    expect(h.labels).toEqual([]);
    expect(h.history.map((x: { kind: string }) => x.kind)).toContain('APPROVED');
    expect(JSON.stringify(h)).not.toMatch(/\d{17}[\dX]/);
    expect((await api.request('GET', `/households/${hA}`, { token: t.citizen })).status).toBe(200);
    expect((await api.request('GET', `/households/${hA}`, { token: t.other })).status).toBe(404);
    expect((await api.request('GET', `/households/${hA}`, { token: t.otherTown })).status).toBe(403);
    expect(paid(await ledger(hA), 'DIBAO', '2026-04')).toBe(620);
  });
});

describe('change reports', () => {
  let reviewA: string;
  let bodyA: unknown;

  it('a reduction needs its written notice and applies from the month after the decision; a replayed report changes nothing', async () => {
    bodyA = { kind: 'INCOME', effectiveOn: '2026-04-01', household: { ...householdA, members: [{ ...householdA.members[0]!, monthlyIncome: 300 }] } };
    const first = await report(hA, bodyA);
    expect(first.status).toBe(202);
    expect(first.body.changeId).toMatch(/^chg_/);
    const replay = await report(hA, bodyA);
    expect(replay.body).toEqual(first.body);
    reviewA = first.body.reviewId;
    const atTown = await reach(reviewA, 'TOWN_REVIEW');
    expect(atTown.change.proposal.items).toEqual([expect.objectContaining({ code: 'DIBAO', action: 'REDUCTION', currentFen: 62000, newFen: 42000 })]);
    const tasks = (await api.request('GET', '/review-tasks?limit=100', { token: t.town })).body.items.filter((x: { applicationId: string }) => x.applicationId === reviewA);
    expect(tasks).toHaveLength(1);
    const decided = await reReview(reviewA);
    expect(decided.decision.letter).toEqual(expect.objectContaining({ kind: 'REDUCTION' }));
    expect(decided.decision.letter.categories).toEqual([expect.objectContaining({ code: 'DIBAO', monthlyAmount: 420, previousMonthlyAmount: 620, from: '2026-05' })]);
    expect(decided.decision.letter.appeal.by).toBeDefined();
    expect(decided.decision.letter.decisionItems).toEqual(['最低生活保障由每月620元减发为每月420元，自2026年5月起执行']);
    expect(decided.decision.letter.reasons).toContain('最低生活保障：经收入变化复核，减发（每月620元→420元）');
    expect(decided.decision.letter.reasons.join('')).not.toMatch(/[A-Za-z]{3,}/);
    const dibao = (await household(hA)).entitlements.find((e: { code: string }) => e.code === 'DIBAO');
    expect(dibao.monthlyAmount).toBe(620); // April: still the old amount
    expect(dibao.amounts.map((a: { from: string; monthlyAmount: number }) => `${a.from}:${a.monthlyAmount}`)).toEqual(['2026-04:620', '2026-05:420']);
    expect(dibao.amounts.map((a: { reason: string }) => a.reason)).toEqual(['批准', `复核后减发（书面告知后，自决定次月起，复核编号 ${reviewA}）`]);
    // The same report after the decision: the same ids, no second re-review, nothing changed.
    const again = await report(hA, bodyA);
    expect(again.body).toEqual(first.body);
    expect((await view(reviewA)).status).toBe('DECIDED');
    expect((await household(hA)).entitlements.find((e: { code: string }) => e.code === 'DIBAO').amounts).toHaveLength(2);
  });

  it('the reduction can be appealed by the household within 60 days', async () => {
    const res = await api.request('POST', `/applications/${reviewA}/appeals`, { token: t.citizen, body: { reason: '收入为临时性收入' } });
    expect(res.status).toBe(202);
  });

  it('work lifting income above the standard starts a gradual exit of dibao.gradualExitMonths months', async () => {
    const spouse = householdB.members[1]!;
    const res = await report(hB, { kind: 'INCOME', effectiveOn: '2026-04-01', household: { ...householdB, members: [householdB.members[0]!, { ...spouse, monthlyIncome: 1500 }] } });
    const decided = await reReview(res.body.reviewId);
    expect(decided.decision.letter.kind).toBe('GRADUAL_EXIT');
    const dibao = (await household(hB)).entitlements.find((e: { code: string }) => e.code === 'DIBAO');
    expect(dibao).toEqual(expect.objectContaining({ status: 'GRADUAL_EXIT', until: '2026-05' }));
  });

  it('a member who moves out leaves the household; a gradual exit already running is not started again', async () => {
    const res = await report(hB, { kind: 'MEMBERS', effectiveOn: '2026-04-02', household: { ...householdB, members: [householdB.members[0]!] } });
    const decided = await reReview(res.body.reviewId);
    expect(decided.decision.outcome).toBe('UNCHANGED');
    expect(decided.decision.letter).toBeUndefined();
    const h = await household(hB);
    expect(h.members).toHaveLength(1);
    expect(h.entitlements.find((e: { code: string }) => e.code === 'DIBAO')).toEqual(expect.objectContaining({ status: 'GRADUAL_EXIT', until: '2026-05' }));
  });

  it('an increase applies from the month of the change: a month already paid is made up in the ledger', async () => {
    const res = await report(hC, { kind: 'INCOME', effectiveOn: '2026-03-20', household: { ...householdC, members: [{ ...householdC.members[0]!, monthlyIncome: 0 }] } });
    const decided = await reReview(res.body.reviewId);
    expect(decided.decision.letter.kind).toBe('INCREASE');
    const entries = await ledger(hC);
    expect(paid(entries, 'DIBAO', '2026-04')).toBe(720);
  });

  it('TEKUN ends with a notice, from the next month', async () => {
    const res = await report(hT, { kind: 'MEMBERS', effectiveOn: '2026-04-02', household: { ...householdT, supporters: [{ name: '返乡儿子', idNumber: person('1985-01-01'), able: true }] } });
    const decided = await reReview(res.body.reviewId);
    expect(decided.decision.letter.kind).toBe('TERMINATION');
    expect(decided.decision.letter.categories).toEqual([expect.objectContaining({ code: 'TEKUN', until: '2026-04' })]);
    expect(decided.decision.letter.decisionItems).toEqual(['终止特困人员救助供养，2026年4月后停发']);
    expect(decided.decision.letter.reasons[0]).toMatch(/^特困人员救助供养：经家庭人口变化复核，停发（原每月[\d.]+元，停止发放）$/);
  });

  it('the ledger follows: across May and June the reduction, the end of the gradual exit and the termination show', async () => {
    await api.request('POST', '/_local/clock', { body: { set: '2026-06-02T02:00:00.000Z' } });
    for (const month of ['2026-05', '2026-06']) expect((await api.request('POST', '/ledger/runs', { token: t.admin, body: { month } })).status).toBe(200);
    const a = await ledger(hA);
    expect([paid(a, 'DIBAO', '2026-04'), paid(a, 'DIBAO', '2026-05'), paid(a, 'DIBAO', '2026-06')]).toEqual([620, 420, 420]);
    const b = await ledger(hB);
    // Two members at 100 yuan each: (600 − 100) × 2 + the supplement 120 = 1120, paid through May (one month of gradual exit), then nothing.
    expect([paid(b, 'DIBAO', '2026-04'), paid(b, 'DIBAO', '2026-05'), paid(b, 'DIBAO', '2026-06')]).toEqual([1120, 1120, 0]);
    expect((await household(hB)).entitlements.find((e: { code: string }) => e.code === 'DIBAO').status).toBe('ENDED');
    const c = await ledger(hC);
    expect(paid(c, 'DIBAO', '2026-05')).toBe(720);
    const tk = await ledger(hT);
    expect(paid(tk, 'TEKUN', '2026-04')).toBeGreaterThan(0);
    expect(paid(tk, 'TEKUN', '2026-05')).toBe(0);
  }, 120_000);

  it('refuses a report from outside the jurisdiction, and an unknown field', async () => {
    const body = { kind: 'ADDRESS', effectiveOn: '2026-06-01', household: householdA };
    expect((await report(hA, body, t.other)).status).toBe(404);
    expect((await report(hA, body, t.otherTown)).status).toBe(403);
    expect((await report(hA, { ...body, extra: 1 })).status).toBe(400);
  });
});

describe('periodic re-reviews', () => {
  it('a REREVIEW warning opens the same re-review on the household as it stands', async () => {
    const due = (await household(hC)).nextReviewDue as string;
    const run = await api.request('POST', '/monitoring/runs', { token: t.admin, body: { asOf: due } });
    expect(run.status).toBe(202);
    const c = await until(
      'a periodic re-review of the household',
      async () => {
        const items = (await api.request('GET', '/review-tasks?limit=100', { token: t.town })).body.items.filter((x: { caseKind: string; summary: { change?: { kind: string } } }) => x.caseKind === 'REREVIEW' && x.summary.change?.kind === 'PERIODIC');
        for (const x of items) {
          const v = await view(x.applicationId);
          if (v.householdId === hC) return v;
        }
        return undefined;
      },
      60_000,
    );
    expect(c.change.warningId).toMatch(/^w_/);
    expect(c.history[0]).toEqual(expect.objectContaining({ stage: 'CHANGE', decision: 'PERIODIC_REVIEW' }));
  }, 90_000);
});

describe('TEMPORARY', () => {
  it('急难型 within the town’s cap: the town grants at once, a one-off ledger entry, never a monthly entitlement', async () => {
    const h = dibaoHousehold({ income: 3000 });
    const id = await approved(h, ['TEMPORARY'], { emergency: { kind: 'URGENT', amount: 1500, description: '突发火灾' } });
    const tk = await task(id, 'town');
    expect(tk.kind).toBe('EMERGENCY');
    const res = await api.request('POST', `/review-tasks/${encodeURIComponent(tk.id)}/decision`, { token: t.town, body: { decision: 'approve', reason: '先行救助' } });
    expect(res.body.status).toBe('APPROVED');
    const app = await reach(id, 'APPROVED');
    expect(app.history.some((x: { stage: string }) => x.stage === 'VILLAGE_REVIEW')).toBe(false);
    expect(app.decision.approved).toEqual([]);
    expect(app.decision.grants).toEqual([expect.objectContaining({ code: 'TEMPORARY', amount: 1500 })]);
    expect(app.decision.papersDue).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    const entries = await ledger(app.householdId);
    expect(entries.filter((e) => e.type === 'TEMPORARY')).toEqual([expect.objectContaining({ amount: 1500, date: expect.any(String) })]);
    expect((await household(app.householdId)).entitlements).toEqual([]);
  });

  it('above the cap, or 支出型, the case goes the whole way to the city', async () => {
    const id = await approved(dibaoHousehold({ income: 3000 }), ['TEMPORARY'], { emergency: { kind: 'URGENT', amount: 5000 } });
    await task(id, 'village');
    const spending = await approved(dibaoHousehold({ income: 3000 }), ['TEMPORARY'], { emergency: { kind: 'SPENDING', amount: 800 } });
    await task(spending, 'village');
    expect((await view(spending)).emergency).toEqual({ kind: 'SPENDING', amount: 800 });
  });
});
