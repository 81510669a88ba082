import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/runtime.ts';
import { membersOf } from '../../functions/adapters/households-table.ts';
import { ageOn, dateOfAge } from '../../functions/domain/resident-id.ts';
import { seedDemo, XU_2024, type SeedResult } from '../../scripts/seed-demo.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';

/**
 * `npm run seed:demo` against a test stack: the demo household's 2024 ledger totals exactly what
 * the seed put in, by type and overall (the article's 59,486 yuan), every case reaches the review
 * level it was meant for, and a second run changes nothing.
 */
let stack: LocalStack;
let api: ApiClient;
let first: SeedResult;

/** The plan's figures summed here, independently of the seed's own helper. */
function planned(): { total: number; byType: Record<string, number> } {
  const byTypeFen: Record<string, number> = {};
  for (const m of XU_2024.monthly) byTypeFen[m.type] = (byTypeFen[m.type] ?? 0) + 12 * Math.round(m.yuanPerMonth * 100);
  for (const g of XU_2024.grants) byTypeFen[g.type] = (byTypeFen[g.type] ?? 0) + Math.round(g.amount * 100);
  let total = 0;
  for (const f of Object.values(byTypeFen)) total += f;
  return { total: total / 100, byType: Object.fromEntries(Object.entries(byTypeFen).map(([t, f]) => [t, f / 100])) };
}

/** Every item of a paged list. */
async function pages(path: string, token: string): Promise<Record<string, any>[]> {
  const out: Record<string, any>[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.request('GET', `${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    expect(res.status).toBe(200);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  first = await seedDemo({ httpUrl: stack.httpUrl, awsUrl: stack.awsUrl });
}, 600_000);
afterAll(() => stack?.stop());

describe('npm run seed:demo', () => {
  it("puts exactly the planned 2024 ledger in the Xu family's household, as its citizen sees it", async () => {
    const res = await api.request('GET', `/households/${first.xu.householdId}/ledger?year=2024`, { token: first.tokens['citizen:xu']!.token });
    expect(res.status).toBe(200);
    const expected = planned();
    expect(expected.total).toBe(59_486);
    expect(res.body.totals.byType).toEqual(expected.byType);
    expect(res.body.total).toBe(expected.total);
    expect(res.body.entries).toHaveLength(XU_2024.monthly.length * 12 + XU_2024.grants.length);
    expect(new Set(res.body.entries.map((e: { type: string }) => e.type))).toEqual(
      new Set(['DIBAO', 'DISABILITY_CARE_SUBSIDY', 'DISABILITY_LIVING_SUBSIDY', 'ELECTRICITY_SUBSIDY', 'SPRING_FESTIVAL_SUBSIDY', 'HEATING_SUBSIDY', 'EDUCATION_AID', 'MEDICAL_AID']),
    );
    // Another household's citizen does not see it.
    expect((await api.request('GET', `/households/${first.xu.householdId}/ledger?year=2024`, { token: first.tokens['citizen:tekun']!.token })).status).toBe(404);
  });

  it('leaves every case at the level it was meant for, with households in every category', async () => {
    for (const a of first.applications) expect(`${a.key}: ${a.status}`).toBe(`${a.key}: ${a.target}`);
    const approved = new Set<string>();
    for (const a of first.applications.filter((x) => x.status === 'APPROVED')) {
      const app = (await api.request('GET', `/applications/${a.id}`, { token: first.tokens.admin!.token })).body;
      for (const c of [...app.decision.approved, ...(app.decision.grants ?? [])]) approved.add(c.code);
    }
    expect([...approved].sort()).toEqual(['DIBAO', 'DIBAO_EDGE', 'DISABILITY_CARE_SUBSIDY', 'DISABILITY_LIVING_SUBSIDY', 'ORPHAN', 'RIGID_EXPENDITURE', 'TEKUN', 'TEMPORARY']);
    // The printed reviewer tokens each see their open task.
    const open = Object.fromEntries(first.applications.map((a) => [a.key, a.id]));
    for (const [level, key] of [['village', 'open-village'], ['town', 'open-town'], ['city', 'open-city']] as const) {
      const tasks = (await api.request('GET', '/review-tasks', { token: first.tokens[`${level}:baiyanglin`]!.token })).body.items;
      expect(tasks.map((t: { applicationId: string }) => t.applicationId)).toContain(open[key]);
    }
  });

  it('tells the procedure’s stories: a doubted case approved, TEKUN through a DIBAO request, an appeal, a reduction, a gradual exit, an emergency town grant', async () => {
    const admin = first.tokens.admin!.token;
    const get = async (path: string) => (await api.request('GET', path, { token: admin })).body;
    const doubted = await get(`/applications/${first.stories.doubted}`);
    expect(doubted.recommendation.eligible).not.toContain('DIBAO');
    expect(doubted.decision.approved).toEqual([expect.objectContaining({ code: 'DIBAO', monthlyAmount: 400 })]);
    expect(doubted.investigations.some((i: { level: string }) => i.level === 'town')).toBe(true);
    const tekun = await get(`/applications/${first.stories.tekunViaDibao}`);
    expect(tekun.requested).toEqual(['DIBAO']);
    expect(tekun.decision.approved.map((a: { code: string }) => a.code)).toEqual(['TEKUN']);
    const refused = await get(`/applications/${first.stories.appeal.applicationId}`);
    expect(refused.status).toBe('REJECTED');
    expect(refused.decision.letter.kind).toBe('REFUSAL');
    expect(refused.appeals.map((a: { id: string }) => a.id)).toEqual([first.stories.appeal.appealId]);
    expect(first.stories.reduction.outcome).toBe('REDUCTION');
    expect(first.stories.gradualExit.outcome).toBe('GRADUAL_EXIT');
    const gradual = await get(`/households/${first.stories.gradualExit.householdId}`);
    expect(gradual.entitlements.find((e: { code: string }) => e.code === 'DIBAO').status).toBe('GRADUAL_EXIT');
    const emergency = await get(`/applications/${first.stories.emergency}`);
    expect(emergency.decision.grants).toEqual([expect.objectContaining({ code: 'TEMPORARY', amount: 1500 })]);
    expect(emergency.history.some((h: { stage: string }) => h.stage === 'VILLAGE_REVIEW')).toBe(false);
  });

  it('has people about to turn 70 and 80', async () => {
    const today = new Date(stack.clock.now() + 8 * 3600_000).toISOString().slice(0, 10);
    for (const [key, age] of [['turning70', 70], ['turning80', 80]] as const) {
      const hid = first.applications.find((a) => a.key === key)!.householdId;
      const [head] = await membersOf(hid);
      expect(ageOn(head!.birthDate, today)).toBe(age - 1);
      const days = (Date.parse(dateOfAge(head!.birthDate, age)) - Date.parse(today)) / 86_400_000;
      expect(days).toBeGreaterThan(0);
      expect(days).toBeLessThanOrEqual(30);
    }
  });

  it('tells the services stories: 桃仙子 monthly visits with one month missed, verified by the village team and closed REFERRED; 邓某 with 6 stacked items', async () => {
    const admin = first.tokens.admin!.token;
    const s = first.services!;
    const order = (await api.request('GET', `/service-orders/${s.feicheng.orderId}`, { token: admin })).body;
    expect(order.organizationId).toBe('taoxianzi');
    expect(order.visits).toHaveLength(2);
    const w = (await api.request('GET', `/warnings?indicator=SERVICE_VISIT_MISSED&regionCode=370983108201`, { token: admin })).body.items.find((x: { id: string }) => x.id === s.feicheng.warningId);
    expect(w).toMatchObject({ status: 'CLOSED', outcome: 'REFERRED', serviceOrderId: s.feicheng.orderId, assignedTeam: { id: 'sundong-rrt' }, details: { month: s.feicheng.missedMonth } });
    expect(w.verifiedBy).toBe('demo-village-370983108201');
    expect(s.deng.referrals.map((r) => r.status)).toEqual(['GRANTED', 'GRANTED', 'GRANTED', 'GRANTED', 'GRANTED']);
    const chain = (await api.request('GET', `/households/${s.deng.householdId}/help-chain`, { token: admin })).body;
    expect(chain.stacked).toBe(6);
  });

  it("reproduces 肥城's merger: 5,080 records, 4,072 covered at import (80.2%), 356 included and 579 exited after three levels → 98.38%", async () => {
    const admin = first.tokens.admin!.token;
    const today = new Date(stack.clock.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const res = await api.request('GET', `/merger/coverage?regionCode=370983&from=2020-01-01&to=${today}`, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ total: 5080, coveredAtImport: 4072, included: 356, exited: 579 });
    // before (at import) and after (the assessment), as the counters give them
    expect(Math.round(res.body.coverageAtImport * 1000) / 10).toBe(80.2);
    expect(res.body.coverageNowPercent).toBe(98.38);
    // over time: the series ends at today's figures, and started at none covered beyond the import
    const last = res.body.series.at(-1);
    expect(last).toMatchObject({ total: 5080, coveredAtImport: 4072, included: 356, exited: 579, coverageNowPercent: 98.38 });
    // every decision went through the three levels: the city decided 935, the 73 left are open at the village
    const cityDecided = await pages('/merger/assessments?level=city&status=DECIDED&regionCode=370983', admin);
    expect(cityDecided.filter((d) => d.decision.decision === 'include')).toHaveLength(356);
    expect(cityDecided.filter((d) => d.decision.decision === 'exit')).toHaveLength(579);
    expect(await pages('/merger/assessments?level=village&status=DECIDED&regionCode=370983', admin)).toHaveLength(935);
    expect(await pages('/merger/assessments?level=village&regionCode=370983', admin)).toHaveLength(5080 - 4072 - 935);
    // a village reviewer of 肥城 sees the open ones of their own village only
    const village = first.merger!.tokens['village:370983108201']!;
    const mine = await pages('/merger/assessments', village);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((a) => a.regionCode === '370983108201')).toBe(true);
  });

  it('a second run changes nothing: same cases, same ledger, the clock left alone', async () => {
    const coverageBefore = (await api.request('GET', '/merger/coverage?regionCode=370983', { token: first.tokens.admin!.token })).body;
    const before = (await api.request('GET', `/households/${first.xu.householdId}/ledger?year=2024`, { token: first.tokens.admin!.token })).body;
    const clockBefore = stack.clock.now();
    const again = await seedDemo({ httpUrl: stack.httpUrl, awsUrl: stack.awsUrl });
    expect(again.clockMoved).toBe(false);
    expect(stack.clock.now() - clockBefore).toBeLessThan(60_000);
    expect(again.applications.map((a) => [a.key, a.id, a.status])).toEqual(first.applications.map((a) => [a.key, a.id, a.status]));
    expect(again.stories).toEqual(first.stories);
    expect(again.services).toEqual(first.services);
    const after = (await api.request('GET', `/households/${first.xu.householdId}/ledger?year=2024`, { token: first.tokens.admin!.token })).body;
    expect(after).toEqual(before);
    // the merger: nothing written, imported or decided again; the same figures; fresh tokens work
    expect(again.merger).toMatchObject({ householdsWritten: 0, importIds: [], decided: { village: 0, town: 0, city: 0 } });
    expect((await api.request('GET', '/merger/coverage?regionCode=370983', { token: again.tokens.admin!.token })).body).toEqual(coverageBefore);
    expect((await api.request('GET', '/merger/assessments', { token: again.merger!.tokens['village:370983108201']! })).status).toBe(200);
  }, 120_000);

  it('runs again after someone decided its open cases: a fresh case waits at that level again, with fresh tokens', async () => {
    // Prepare: the village reviewer rejects the case meant to wait at village review.
    const open = first.applications.find((a) => a.target === 'VILLAGE_REVIEW')!;
    let rejectedBy: string | undefined;
    for (const [k, t] of Object.entries(first.tokens).filter(([k]) => k.startsWith('village:'))) {
      const task = (await api.request('GET', '/review-tasks?limit=100', { token: t.token })).body.items.find((x: { applicationId: string }) => x.applicationId === open.id);
      if (!task) continue;
      const res = await api.request('POST', `/review-tasks/${encodeURIComponent(task.id)}/decision`, { token: t.token, body: { decision: 'reject', reason: '演示：村级评议不通过' } });
      expect(res.status).toBeLessThan(300);
      rejectedBy = k;
    }
    expect(rejectedBy).toBeDefined();
    // Act
    const again = await seedDemo({ httpUrl: stack.httpUrl, awsUrl: stack.awsUrl });
    // Assess: a new application took the decided one's place, waiting at village review; the
    // decided one stays as decided; the printed tokens work.
    const replaced = again.applications.find((a) => a.key === open.key)!;
    expect(replaced.id).not.toBe(open.id);
    expect(replaced.status).toBe('VILLAGE_REVIEW');
    // (a village "reject" is the village's opinion: the case goes on to the town, as reviewed)
    expect((await api.request('GET', `/applications/${open.id}`, { token: again.tokens.admin!.token })).body.status).toBe('TOWN_REVIEW');
    const tasks = (await api.request('GET', '/review-tasks?limit=100', { token: again.tokens[rejectedBy!]!.token })).body.items;
    expect(tasks.some((x: { applicationId: string }) => x.applicationId === replaced.id)).toBe(true);
  }, 240_000);
});
