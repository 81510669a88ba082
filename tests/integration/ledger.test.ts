import { randomUUID } from 'node:crypto';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/runtime.ts';
import { adjustEntitlementAmount, entitlementsOf } from '../../functions/adapters/households-table.ts';
import { idHash } from '../../functions/commons/id-hash.ts';
import { evaluateEligibility } from '../../functions/domain/eligibility.ts';
import { householdSchema } from '../../functions/domain/household.ts';
import { addMonths, shanghaiMonth } from '../../functions/domain/ledger.ts';
import { maskId } from '../../functions/domain/resident-id.ts';
import { policyFor } from '../../functions/services/eligibility.ts';
import { eventsClient, localAction } from './eventbridge/support.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';
import { writeApprovedHousehold } from '../support/approved.ts';
import { CONSENT, dibaoHousehold, person } from '../support/people.ts';

/**
 * The household ledger on the local stack: the monthly run (through the admin route and through
 * the manifest's schedule on the clock), department grants through the bus, dead letters, and
 * the ledger endpoint's authorization.
 */
const VILLAGE = '610124121200';

let stack: LocalStack;
let api: ApiClient;
const tokens: Record<string, string> = {};

const approvedHousehold = writeApprovedHousehold;

async function runMonth(month: string) {
  const res = await api.request('POST', '/ledger/runs', { token: tokens.admin!, body: { month } });
  expect(res.status).toBe(200);
  return res.body as { month: string; itemsRead: number; written: number; alreadyThere: number; ended: number };
}

async function ledger(householdId: string, year: number | string, token = tokens.admin!) {
  return api.request('GET', `/households/${householdId}/ledger?year=${year}`, { token });
}

async function put(entries: { source: string; detailType: string; detail: unknown }[]) {
  const res = await eventsClient(stack.awsUrl).send(
    new PutEventsCommand({
      Entries: entries.map((e) => ({ EventBusName: 'jiuzhu', Source: e.source, DetailType: e.detailType, Detail: JSON.stringify(e.detail) })),
    }),
  );
  expect(res.FailedEntryCount).toBe(0);
  await localAction(stack.awsUrl, 'LocalWaitForDeliveries', { TimeoutMs: 20_000 });
}

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  tokens.admin = await api.token('admin', undefined, 'admin-1');
  tokens.citizen = await api.token('citizen', undefined, 'citizen-ledger-1');
  tokens.otherCitizen = await api.token('citizen', undefined, 'citizen-ledger-2');
  tokens.village = await api.token('village', VILLAGE, 'village-1');
  tokens.town = await api.token('town', '610124121', 'town-1');
  tokens.otherTown = await api.token('town', '610124101', 'town-2');
  tokens.otherCity = await api.token('city', '6201', 'city-2');
}, 120_000);
afterAll(() => stack?.stop());

describe('the monthly ledger run', () => {
  it('runs on the schedule at 02:00 Asia/Shanghai on the 1st, paying the month from the entitlement', async () => {
    // Prepare: a household paid from the next month; the clock just before that month's run.
    const now = stack.clock.now();
    const month = addMonths(shanghaiMonth(now), 1);
    const runAt = Date.parse(`${month}-01T02:00:00+08:00`);
    const hid = await approvedHousehold(dibaoHousehold(), [{ category: 'DIBAO', fen: 81_250, startMonth: month }]);
    expect((await ledger(hid, month.slice(0, 4))).body.entries).toEqual([]);

    // Act: the clock passes 02:00 on the 1st (Shanghai).
    await stack.clock.set(runAt - 60_000);
    expect((await ledger(hid, month.slice(0, 4))).body.entries).toEqual([]);
    await stack.clock.set(runAt + 60_000);
    await localAction(stack.awsUrl, 'LocalWaitForDeliveries', { TimeoutMs: 20_000 });

    // Assess
    const body = (await ledger(hid, month.slice(0, 4))).body;
    expect(body.entries).toEqual([expect.objectContaining({ type: 'DIBAO', month, amount: 812.5, source: 'gov.civil-affairs' })]);
    expect(body.total).toBe(812.5);
  });

  it('run twice in one month writes nothing new', async () => {
    const hid = await approvedHousehold(dibaoHousehold(), [
      { category: 'DIBAO', fen: 60_000, startMonth: '2024-01' },
      { category: 'DISABILITY_CARE_SUBSIDY', fen: 10_000, startMonth: '2024-01' },
    ]);
    const first = await runMonth('2024-02');
    const second = await runMonth('2024-02');
    expect(first.written).toBeGreaterThanOrEqual(2);
    expect(second.written).toBe(0);
    expect(second.alreadyThere).toBe(first.written + first.alreadyThere);
    const body = (await ledger(hid, 2024)).body;
    expect(body.entries.map((e: { type: string; month: string }) => `${e.month} ${e.type}`).sort()).toEqual(['2024-02 DIBAO', '2024-02 DISABILITY_CARE_SUBSIDY']);
    expect(body.total).toBe(700);
  });

  it('changes the supplement in the month of the 70th birthday', async () => {
    // Prepare: the head turns 70 on 2025-03-15; the DIBAO amount as granted in January (aged 69).
    const household = dibaoHousehold({ headId: person('1955-03-15') });
    const parsed = householdSchema.parse(household);
    const amountOn = async (date: string) => {
      const result = evaluateEligibility(parsed, await policyFor(household.regionCode, date), date);
      return Math.round(result.categories.find((c) => c.code === 'DIBAO')!.monthlyAmount * 100);
    };
    const at69 = await amountOn('2025-01-01');
    const hid = await approvedHousehold(household, [{ category: 'DIBAO', fen: at69, startMonth: '2025-01' }]);
    // As the worker closing the 70th-birthday warning with BENEFIT_ADJUSTED does it: the amount the rules give at 70.
    const at70 = await amountOn('2025-03-15');
    expect(at70).toBeGreaterThan(at69);
    await adjustEntitlementAmount(hid, 'DIBAO', { from: '2025-03', monthlyAmountFen: at70, reason: 'age 70: supplement.elderly70', at: new Date().toISOString(), by: 'village-1' });

    // Act
    for (const m of ['2025-01', '2025-02', '2025-03', '2025-04']) await runMonth(m);

    // Assess
    const byMonth = Object.fromEntries((await ledger(hid, 2025)).body.entries.map((e: { month: string; amount: number }) => [e.month, e.amount]));
    expect(byMonth).toEqual({ '2025-01': at69 / 100, '2025-02': at69 / 100, '2025-03': at70 / 100, '2025-04': at70 / 100 });
  });

  it('pays nothing after PersonDeceased (the month of death is the last), and keeps paying a household with a living member', async () => {
    const alone = person('1940-05-05');
    const hid = await approvedHousehold(dibaoHousehold({ headId: alone }), [{ category: 'DIBAO', fen: 50_000, startMonth: '2026-01' }]);
    const widowed = person('1945-06-06');
    const spouse = person('1947-07-07', { female: true });
    const hid2 = await approvedHousehold(dibaoHousehold({ headId: widowed, memberIds: [spouse] }), [{ category: 'DIBAO', fen: 70_000, startMonth: '2026-01' }]);
    await runMonth('2026-01');

    await put([
      { source: 'gov.civil-registry', detailType: 'PersonDeceased', detail: { idNumber: alone, date: '2026-02-10' } },
      { source: 'gov.civil-registry', detailType: 'PersonDeceased', detail: { idNumber: widowed, date: '2026-02-11' } },
    ]);
    for (const m of ['2026-02', '2026-03', '2026-04']) await runMonth(m);

    expect((await ledger(hid, 2026)).body.entries.map((e: { month: string }) => e.month)).toEqual(['2026-01', '2026-02']);
    expect((await entitlementsOf(hid))[0]).toMatchObject({ status: 'ENDED', endMonth: '2026-02' });
    expect((await ledger(hid2, 2026)).body.entries.map((e: { month: string }) => e.month)).toEqual(['2026-01', '2026-02', '2026-03', '2026-04']);
  });

  it('stops RIGID_EXPENDITURE after its 12 months of validity and ends the entitlement', async () => {
    const hid = await approvedHousehold(dibaoHousehold(), [{ category: 'RIGID_EXPENDITURE', fen: 20_000, startMonth: '2025-01', validUntilMonth: '2025-12' }]);
    await runMonth('2025-12');
    const after = await runMonth('2026-01');
    expect(after.ended).toBeGreaterThanOrEqual(1);
    expect((await ledger(hid, 2025)).body.entries.map((e: { month: string }) => e.month)).toEqual(['2025-12']);
    expect((await ledger(hid, 2026)).body.entries).toEqual([]);
    expect((await entitlementsOf(hid))[0]).toMatchObject({ status: 'ENDED', endMonth: '2025-12' });
  });
});

describe('department grants', () => {
  it('events from two departments land in one ledger, once each, with type, date, amount and department', async () => {
    const head = person('1970-01-01');
    const child = person('2012-09-09', { female: true });
    const hid = await approvedHousehold(dibaoHousehold({ headId: head, memberIds: [child] }), [{ category: 'DIBAO', fen: 40_000, startMonth: '2026-01' }]);
    const education = { source: 'gov.education', detailType: 'AssistanceGranted', detail: { idNumber: child, type: 'EDUCATION_AID', amount: 600, date: '2026-09-01', department: '县教育局', reference: 'EDU-2026-0001' } };
    const medical = { source: 'gov.medical-insurance', detailType: 'AssistanceGranted', detail: { idNumber: head, type: 'MEDICAL_AID', amount: 1234.56, date: '2026-10-20', department: '县医疗保障局' } };

    await put([education, medical]);
    await put([education]); // the department sends the same grant again (same reference)
    await runMonth('2026-09');

    const body = (await ledger(hid, 2026)).body;
    expect(body.entries).toEqual([
      expect.objectContaining({ type: 'DIBAO', month: '2026-09', amount: 400, source: 'gov.civil-affairs' }),
      expect.objectContaining({ type: 'EDUCATION_AID', label: '教育救助', date: '2026-09-01', amount: 600, source: 'gov.education', department: '县教育局' }),
      expect.objectContaining({ type: 'MEDICAL_AID', label: '医疗救助', date: '2026-10-20', amount: 1234.56, source: 'gov.medical-insurance', department: '县医疗保障局' }),
    ]);
    expect(body.totals.byType).toEqual({ DIBAO: 400, EDUCATION_AID: 600, MEDICAL_AID: 1234.56 });
    expect(body.total).toBe(2234.56);
  });

  it('sends a malformed event and an unknown person to the dead-letter store, with the reason and no raw ID', async () => {
    const stranger = person('1980-08-08');
    const badCheck = `${stranger.slice(0, 17)}${stranger[17] === '1' ? '2' : '1'}`;
    const marker = randomUUID();
    await put([
      { source: 'gov.energy', detailType: 'AssistanceGranted', detail: { idNumber: badCheck, type: 'ELECTRICITY_SUBSIDY', amount: -5, date: '2036-13-01', department: marker } },
      { source: 'gov.energy', detailType: 'AssistanceGranted', detail: { idNumber: stranger, type: 'ELECTRICITY_SUBSIDY', amount: 15.6, date: '2036-01-31', department: marker } },
    ]);

    const res = await api.request('GET', `/ledger/dead-letters?month=${shanghaiMonth(stack.clock.now())}`, { token: tokens.admin! });
    expect(res.status).toBe(200);
    const mine = res.body.items.filter((d: { detail: { department: string } }) => d.detail.department === marker);
    expect(mine.map((d: { reason: string }) => d.reason).sort()).toEqual(['MALFORMED', 'UNKNOWN_PERSON']);
    const malformed = mine.find((d: { reason: string }) => d.reason === 'MALFORMED');
    expect(malformed.details.map((d: { path: string }) => d.path).sort()).toEqual(['amount', 'date', 'idNumber']);
    const unknown = mine.find((d: { reason: string }) => d.reason === 'UNKNOWN_PERSON');
    expect(unknown.personHash).toBe(idHash(stranger));
    expect(unknown.detail.idNumber).toBe(maskId(stranger));
    expect(res.text).not.toContain(stranger);
    expect(res.text).not.toContain(badCheck);
    // Only admins list them.
    expect((await api.request('GET', '/ledger/dead-letters', { token: tokens.town! })).status).toBe(403);
  });
});

describe('GET /households/{id}/ledger', () => {
  let householdId: string;
  beforeAll(async () => {
    // A citizen's application names the household; a grant for the applicant lands in its ledger.
    const household = dibaoHousehold();
    const created = await api.request('POST', '/applications', { token: tokens.citizen!, body: { household, requested: ['DIBAO'], consent: CONSENT }, headers: { 'idempotency-key': randomUUID() } });
    expect(created.status).toBe(201);
    householdId = created.body.householdId;
    await put([{ source: 'gov.civil-affairs', detailType: 'AssistanceGranted', detail: { idNumber: household.members[0]!.idNumber, type: 'TEMPORARY', amount: 2000, date: '2026-10-08', department: '周至县民政局' } }]);
  });

  it('shows the household to the citizen who applied for it and to reviewers in jurisdiction', async () => {
    for (const token of [tokens.citizen!, tokens.village!, tokens.town!, tokens.admin!]) {
      const res = await ledger(householdId, 2026, token);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ householdId, year: 2026, total: 2000, totals: { byType: { TEMPORARY: 2000 } } });
    }
  });

  it('answers 404 to another citizen, 403 to reviewers outside the jurisdiction, 401 without a token', async () => {
    expect((await ledger(householdId, 2026, tokens.otherCitizen!)).status).toBe(404);
    expect((await ledger(householdId, 2026, tokens.otherTown!)).status).toBe(403);
    expect((await ledger(householdId, 2026, tokens.otherCity!)).status).toBe(403);
    expect((await api.request('GET', `/households/${householdId}/ledger?year=2026`)).status).toBe(401);
    expect((await ledger('hh_doesnotexist0000000000', 2026, tokens.town!)).status).toBe(404);
  });

  it('answers 400 for a bad year, household id or run month, and 403 to non-admins starting a run', async () => {
    for (const year of ['abc', '1999', '20261', '2101']) {
      const res = await ledger(householdId, year);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details[0].path).toBe('year');
    }
    expect((await api.request('GET', '/households/nothousehold/ledger?year=2026', { token: tokens.admin! })).status).toBe(400);
    expect((await api.request('POST', '/ledger/runs', { token: tokens.admin!, body: { month: '2026-13' } })).status).toBe(400);
    expect((await api.request('POST', '/ledger/runs', { token: tokens.town!, body: { month: '2026-12' } })).status).toBe(403);
  });
});
