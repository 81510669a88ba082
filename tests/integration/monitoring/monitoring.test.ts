import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTrail } from '../../../functions/adapters/audit-table.ts';
import { documentClient } from '../../../functions/adapters/dynamo.ts';
import { entitlementsOf } from '../../../functions/adapters/households-table.ts';
import { addDays } from '../../../functions/domain/monitoring.ts';
import { registerTestFunction } from '../../../local/eventbridge/test-functions.ts';
import type { LocalStack } from '../../../local/runtime.ts';
import { localAction } from '../eventbridge/support.ts';
import { ApiClient, startTestStack } from '../../support/local-stack.ts';
import { household, idBorn, member, writeHousehold } from '../../support/monitoring.ts';
import { until as waitUntil } from '../../support/wait.ts';

/**
 * Monitoring on the local stack: the monitoring workflow (Step Functions engine), the bus rules
 * for department events, the warnings API with jurisdiction, audit and the amount adjustment.
 */
const VILLAGE = '610124121200';
const APPROVED_AT = '2026-11-20T02:00:00Z';

const until = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000) => waitUntil(what, fn, timeoutMs);

let stack: LocalStack;
let api: ApiClient;
let events: EventBridgeClient;
const tokens: Record<string, string> = {};
const escalations: { detail: Record<string, unknown> }[] = [];

async function run(asOf: string, mode: 'daily' | 'full' = 'daily') {
  const res = await api.request('POST', '/monitoring/runs', { token: tokens.monitor, body: { asOf, mode } });
  expect(res.status).toBe(202);
  return until(`run ${res.body.runId}`, async () => {
    const r = await api.request('GET', `/monitoring/runs/${res.body.runId}`, { token: tokens.monitor });
    if (r.body.status === 'FAILED') throw new Error(`run failed: ${JSON.stringify(r.body)}`);
    return r.body.status === 'SUCCEEDED' ? r.body : undefined;
  });
}

async function warnings(query = '', token = tokens.admin!) {
  const res = await api.request('GET', `/warnings${query}`, { token });
  expect(res.status).toBe(200);
  return res.body.items as { id: string; indicator: string; person: string; householdId: string; regionCode: string; status: string; details: Record<string, unknown>; escalatedAt?: string }[];
}

async function put(source: string, detailType: string, detail: unknown) {
  const res = await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'jiuzhu', Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }] }));
  expect(res.FailedEntryCount).toBe(0);
  await localAction(stack.awsUrl, 'LocalWaitForDeliveries', { TimeoutMs: 10_000 });
}

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  events = new EventBridgeClient({ endpoint: stack.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  tokens.monitor = await api.token('monitor', undefined, 'monitor-1');
  tokens.admin = await api.token('admin', undefined, 'admin-1');
  tokens.citizen = await api.token('citizen', undefined, 'citizen-1');
  tokens.village = await api.token('village', VILLAGE, 'village-1');
  tokens.otherVillage = await api.token('village', '610124121201', 'village-2');
  tokens.town = await api.token('town', '610124121', 'town-1');
  tokens.city = await api.token('city', '6101', 'city-1');
  tokens.otherCity = await api.token('city', '6201', 'city-2');
  registerTestFunction('captureEscalations', (e) => {
    escalations.push(e as { detail: Record<string, unknown> });
    return {};
  });
  await events.send(new PutRuleCommand({ Name: 'capture-escalations', EventBusName: 'jiuzhu', EventPattern: JSON.stringify({ source: ['jiuzhu.monitoring'], 'detail-type': ['WarningEscalated'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'capture-escalations', EventBusName: 'jiuzhu', Targets: [{ Id: 't', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:captureEscalations' }] }));
}, 120_000);
afterAll(() => stack?.stop());

const seventy = idBorn('1957-03-31');
const notYetSeventy = idBorn('1957-04-01');
const eighty = idBorn('1947-03-15');

describe('the daily run', () => {
  it('raises a 70th / 80th birthday warning lead days ahead (not a day earlier), reads ≤ 1.2 items per warning, and raises nothing twice', async () => {
    // Prepare
    await writeHousehold(household([member(seventy)]), APPROVED_AT);
    await writeHousehold(household([member(notYetSeventy)]), APPROVED_AT);
    await writeHousehold(household([member(eighty)]), APPROVED_AT);
    // Act
    const first = await run('2027-03-01');
    const again = await run('2027-03-01');
    const onFirstDay = (await warnings()).filter((w) => w.details.milestoneOn);
    const nextDay = await run('2027-03-02');
    // Assess
    expect(onFirstDay.map((w) => [w.indicator, w.details.milestoneOn]).sort()).toEqual([
      ['ELDERLY_70', '2027-03-31'],
      ['ELDERLY_80', '2027-03-15'],
    ]);
    expect(first.warningsRaised).toBe(2);
    expect(first.breakdown.dueItemsRead).toBe(2);
    expect((first.itemsRead - first.breakdown.planRead) / first.warningsRaised).toBeLessThanOrEqual(1.2);
    expect(again.warningsRaised).toBe(0);
    // one day later the birthday on 2027-04-01 is within the lead days
    expect(nextDay.warningsRaised).toBe(1);
    expect(nextDay.breakdown.dueItemsRead).toBe(1);
    expect((await warnings('?indicator=ELDERLY_70')).map((w) => w.details.milestoneOn).sort()).toEqual(['2027-03-31', '2027-04-01']);
    // the next milestone (80) of the 70-year-old is now in the index; a run lead days before it raises it
    const later = await run(addDays('2037-03-31', -30));
    expect(later.warningsRaised).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

describe('verify and close', () => {
  it('checks jurisdiction, audits each step, masks IDs, and BENEFIT_ADJUSTED raises the DIBAO amount from the birthday month', async () => {
    // Prepare
    const w = (await warnings('?indicator=ELDERLY_70')).find((x) => x.details.milestoneOn === '2027-03-31')!;
    const before = (await entitlementsOf(w.householdId)).find((e) => e.category === 'DIBAO')!;
    // Act + Assess: reading
    const listed = await api.request('GET', '/warnings?indicator=ELDERLY_70', { token: tokens.village });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((x: { id: string }) => x.id)).toContain(w.id);
    expect(listed.text).not.toContain(seventy.slice(6, 14));
    expect(w.person).toBe(`${seventy.slice(0, 6)}********${seventy.slice(14)}`);
    expect((await api.request('GET', '/warnings', { token: tokens.citizen })).status).toBe(403);
    expect((await api.request('GET', '/warnings?regionCode=6201', { token: tokens.town })).status).toBe(403);
    // verify
    expect((await api.request('POST', `/warnings/${w.id}/verify`, { token: tokens.citizen, body: { note: 'x' } })).status).toBe(403);
    expect((await api.request('POST', `/warnings/${w.id}/verify`, { token: tokens.otherVillage, body: { note: 'x' } })).status).toBe(403);
    expect((await api.request('POST', `/warnings/${w.id}/verify`, { token: tokens.admin, body: { note: 'x' } })).status).toBe(403);
    expect((await api.request('POST', `/warnings/${w.id}/close`, { token: tokens.village, body: { outcome: 'NO_ACTION', note: 'x' } })).status).toBe(409);
    const verified = await api.request('POST', `/warnings/${w.id}/verify`, { token: tokens.village, body: { note: '入户核实，老人身体尚可' } });
    expect(verified.status).toBe(200);
    expect(verified.body.status).toBe('VERIFIED');
    expect((await api.request('POST', `/warnings/${w.id}/verify`, { token: tokens.village, body: { note: 'again' } })).status).toBe(409);
    // close
    expect((await api.request('POST', `/warnings/${w.id}/close`, { token: tokens.otherCity, body: { outcome: 'BENEFIT_ADJUSTED', note: 'x' } })).status).toBe(403);
    expect((await api.request('POST', `/warnings/${w.id}/close`, { token: tokens.town, body: { outcome: 'WHATEVER', note: 'x' } })).status).toBe(400);
    const closed = await api.request('POST', `/warnings/${w.id}/close`, { token: tokens.town, body: { outcome: 'BENEFIT_ADJUSTED', note: '调整高龄补助' } });
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('CLOSED');
    expect(closed.body.outcome).toBe('BENEFIT_ADJUSTED');
    const after = (await entitlementsOf(w.householdId)).find((e) => e.category === 'DIBAO')!;
    const step = after.amounts.find((a) => a.from === '2027-03')!;
    expect(step).toBeDefined();
    expect(step.monthlyAmountFen).toBeGreaterThan(before.monthlyAmountFen);
    expect(after.amounts.find((a) => a.from === before.startMonth)!.monthlyAmountFen).toBe(before.monthlyAmountFen);
    const audit = await auditTrail(`WARNING#${w.id}`);
    expect(audit.map((a) => a.action).sort()).toEqual(['WARNING_CLOSED', 'WARNING_VERIFIED']);
    expect(audit.map((a) => a.by).sort()).toEqual(['town-1', 'village-1']);
    const stats = await api.request('GET', '/warnings/stats?regionCode=610124', { token: tokens.city });
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ verified: 1, closed: 1, adjusted: 1 });
    expect(stats.body.raised).toBeGreaterThanOrEqual(2);
  }, 60_000);
});

describe('department events', () => {
  it('medical costs: a key recipient at exactly the threshold does not fire, a fen more does; a redelivered settlement counts once', async () => {
    // Prepare
    const head = idBorn('1960-05-05');
    const w = await writeHousehold(household([member(head), member(idBorn('1962-06-06'), { relation: 'spouse' })]), APPROVED_AT);
    // Act
    await put('gov.medical-insurance', 'MedicalExpenseSettled', { idNumber: head, outOfPocket: 6000, settledOn: '2026-12-01' });
    await put('gov.medical-insurance', 'MedicalExpenseSettled', { idNumber: head, outOfPocket: 4000, settledOn: '2026-12-02' });
    await put('gov.medical-insurance', 'MedicalExpenseSettled', { idNumber: head, outOfPocket: 4000, settledOn: '2026-12-02' });
    const atThreshold = (await warnings('?indicator=MEDICAL_OOP_KEY_RECIPIENT')).filter((x) => x.householdId === w.householdId);
    await put('gov.medical-insurance', 'MedicalExpenseSettled', { idNumber: head, outOfPocket: 0.01, settledOn: '2026-12-03' });
    await put('gov.medical-insurance', 'MedicalExpenseSettled', { idNumber: head, outOfPocket: 0.01, settledOn: '2026-12-03' });
    // Assess
    expect(atThreshold).toHaveLength(0);
    const over = (await warnings('?indicator=MEDICAL_OOP_KEY_RECIPIENT')).filter((x) => x.householdId === w.householdId);
    expect(over).toHaveLength(1);
    expect(over[0]!.details).toMatchObject({ outOfPocketTotal: 10000.01, threshold: 10000 });
    expect(over[0]!.regionCode).toBe(VILLAGE);
  }, 60_000);

  it('medical costs of a resident outside the monitored population go to the county of the ID at the resident threshold', async () => {
    const resident = idBorn('1980-01-01');
    await put('gov.medical-insurance', 'MedicalExpenseSettled', { idNumber: resident, outOfPocket: 50000, settledOn: '2026-12-01' });
    const at = (await warnings('?indicator=MEDICAL_OOP_RESIDENT')).filter((x) => x.person === `${resident.slice(0, 6)}********${resident.slice(14)}`);
    await put('gov.medical-insurance', 'MedicalExpenseSettled', { idNumber: resident, outOfPocket: 1, settledOn: '2026-12-05' });
    const over = (await warnings('?indicator=MEDICAL_OOP_RESIDENT')).filter((x) => x.person === `${resident.slice(0, 6)}********${resident.slice(14)}`);
    expect(at).toHaveLength(0);
    expect(over).toHaveLength(1);
    expect(over[0]!.regionCode).toBe('610124');
    expect(over[0]!.householdId).toBeNull();
  }, 60_000);

  it('a death raises the death warnings once (redelivered too), marks the member, and stops payments after the last member', async () => {
    // Prepare
    const head = idBorn('1950-02-02');
    const spouse = idBorn('1951-03-03');
    const w = await writeHousehold(household([member(head), member(spouse, { relation: 'spouse' })]), APPROVED_AT);
    // Act
    await put('gov.civil-registry', 'PersonDeceased', { idNumber: spouse, date: '2026-12-10' });
    await put('gov.civil-registry', 'PersonDeceased', { idNumber: spouse, date: '2026-12-10' });
    const afterFirst = (await warnings()).filter((x) => x.householdId === w.householdId).map((x) => x.indicator).sort();
    const stillPaying = await entitlementsOf(w.householdId);
    await put('gov.civil-registry', 'PersonDeceased', { idNumber: head, date: '2027-01-05' });
    // Assess
    expect(afterFirst).toEqual(['DECEASED_STOP_PAYMENT', 'MEMBER_DECEASED_REASSESS']);
    expect(stillPaying.every((e) => e.status === 'ACTIVE')).toBe(true);
    const all = (await warnings()).filter((x) => x.householdId === w.householdId).map((x) => x.indicator).sort();
    expect(all).toEqual(['DECEASED_STOP_PAYMENT', 'DECEASED_STOP_PAYMENT', 'MEMBER_DECEASED_REASSESS']);
    const ended = await entitlementsOf(w.householdId);
    expect(ended.every((e) => e.status === 'ENDED' && e.endMonth === '2027-01')).toBe(true);
    const profile = await documentClient().send(new GetCommand({ TableName: process.env.HOUSEHOLDS_TABLE!, Key: { pk: `HH#${w.householdId}`, sk: 'PROFILE' } }));
    expect(profile.Item?.dueKey).toBeUndefined();
  }, 60_000);

  it('a disability certificate: grade 2 in a DIBAO household raises living, care and supplement warnings; grade 3 only the living subsidy', async () => {
    const a = idBorn('1970-07-07');
    const b = idBorn('1971-08-08');
    const wa = await writeHousehold(household([member(a)]), APPROVED_AT);
    const wb = await writeHousehold(household([member(b)]), APPROVED_AT);
    expect(wa.categories).toContain('DIBAO');
    await put('gov.disabled-persons-federation', 'DisabilityCertified', { idNumber: a, category: 'physical', grade: 2 });
    await put('gov.disabled-persons-federation', 'DisabilityCertified', { idNumber: a, category: 'physical', grade: 2 });
    await put('gov.disabled-persons-federation', 'DisabilityCertified', { idNumber: b, category: 'visual', grade: 3 });
    const of = async (hh: string) => (await warnings()).filter((x) => x.householdId === hh).map((x) => x.indicator).sort();
    expect(await of(wa.householdId)).toEqual(['DISABILITY_SUPPLEMENT_REASSESS', 'DISABLED_DIBAO_NO_LIVING_SUBSIDY', 'SEVERE_DISABLED_NO_CARE_SUBSIDY']);
    expect(await of(wb.householdId)).toEqual(['DISABLED_DIBAO_NO_LIVING_SUBSIDY']);
    const profile = await documentClient().send(new GetCommand({ TableName: process.env.HOUSEHOLDS_TABLE!, Key: { pk: `HH#${wb.householdId}`, sk: 'PROFILE' } }));
    expect(profile.Item?.household.members[0].disability).toEqual({ category: 'visual', grade: 3 });
  }, 60_000);
});

describe('at-least-once delivery', () => {
  it('the same event envelope delivered twice to the Lambda raises and counts nothing the second time', async () => {
    // Prepare
    const head = idBorn('1958-04-04');
    const w = await writeHousehold(household([member(head)]), APPROVED_AT);
    const envelope = (detailType: string, source: string, detail: unknown) => ({
      version: '0', id: `evt-${detailType}-${head.slice(-4)}`, 'detail-type': detailType, source, account: '000000000000', time: '2026-12-20T00:00:00Z', region: 'us-east-1', resources: [], detail,
    });
    const medical = envelope('MedicalExpenseSettled', 'gov.medical-insurance', { idNumber: head, outOfPocket: 10000.5, settledOn: '2026-12-20' });
    const death = envelope('PersonDeceased', 'gov.civil-registry', { idNumber: head, date: '2026-12-21' });
    // Act
    const first = [await stack.ctx.lambdas.invoke('monitoringEvents', medical), await stack.ctx.lambdas.invoke('monitoringEvents', death)];
    const second = [await stack.ctx.lambdas.invoke('monitoringEvents', medical), await stack.ctx.lambdas.invoke('monitoringEvents', death)];
    // Assess
    expect(first).toEqual([{ raised: 1 }, { raised: 1 }]);
    expect(second).toEqual([{ raised: 0 }, { raised: 0 }]);
    const mine = (await warnings()).filter((x) => x.householdId === w.householdId);
    expect(mine.map((x) => x.indicator).sort()).toEqual(['DECEASED_STOP_PAYMENT', 'MEDICAL_OOP_KEY_RECIPIENT']);
    expect(mine.find((x) => x.indicator === 'MEDICAL_OOP_KEY_RECIPIENT')!.details.outOfPocketTotal).toBe(10000.5);
  }, 60_000);

  it('a malformed department event is dropped (not retried), and nothing is raised', async () => {
    const res = await stack.ctx.lambdas.invoke('monitoringEvents', { version: '0', id: 'bad-1', 'detail-type': 'MedicalExpenseSettled', source: 'gov.medical-insurance', account: '0', time: '2026-12-20T00:00:00Z', region: 'us-east-1', resources: [], detail: { idNumber: '123', outOfPocket: -1 } });
    expect(res).toEqual({ dropped: 'malformed' });
  });
});

describe('full re-evaluation', () => {
  it('fans out over scan segments, finds a disabled DIBAO member without the living subsidy, and a re-run raises nothing', async () => {
    const id = idBorn('1975-09-09');
    const w = await writeHousehold(household([member(id, { disability: { category: 'physical', grade: 3 } })]), APPROVED_AT, { omit: ['DISABILITY_LIVING_SUBSIDY'] });
    const first = await run('2027-01-15', 'full');
    const second = await run('2027-01-15', 'full');
    const found = (await warnings('?indicator=DISABLED_DIBAO_NO_LIVING_SUBSIDY')).filter((x) => x.householdId === w.householdId);
    expect(found).toHaveLength(1);
    expect(first.warningsRaised).toBeGreaterThanOrEqual(1);
    expect(second.warningsRaised).toBe(0);
    expect(first.itemsRead).toBeGreaterThan(0);
    expect(first.breakdown.households).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

describe('escalation', () => {
  it('an OPEN warning not verified within 5 working days is escalated once, with an event on the bus; a verified one is not', async () => {
    const open = (await warnings('?status=OPEN'))[0]!;
    const all = await warnings();
    const dueBy = (all.find((x) => x.id === open.id) as unknown as { dueBy: string }).dueBy;
    const first = await run(addDays(dueBy, 1));
    await localAction(stack.awsUrl, 'LocalWaitForDeliveries', { TimeoutMs: 10_000 });
    const again = await run(addDays(dueBy, 1));
    await localAction(stack.awsUrl, 'LocalWaitForDeliveries', { TimeoutMs: 10_000 });
    const after = (await warnings()).find((x) => x.id === open.id)!;
    expect(after.escalatedAt).toBeDefined();
    expect(first.breakdown.escalated).toBeGreaterThanOrEqual(1);
    expect(again.breakdown.escalated).toBe(0);
    expect(escalations.filter((e) => e.detail.warningId === open.id)).toHaveLength(1);
    expect(JSON.stringify(escalations)).not.toMatch(/\d{17}[\dX]/);
    expect(escalations.every((e) => /^\d{6}\*{8}\d{3}[\dX]$/.test(e.detail.person as string))).toBe(true);
    const closed = (await warnings('?status=CLOSED')).map((x) => x.id);
    expect(escalations.some((e) => closed.includes(e.detail.warningId as string))).toBe(false);
  }, 120_000);
});

describe('the runs API', () => {
  it('admin and monitor only; asOf is validated; an unknown run is 404', async () => {
    expect((await api.request('POST', '/monitoring/runs', { token: tokens.village, body: { asOf: '2027-01-01' } })).status).toBe(403);
    expect((await api.request('POST', '/monitoring/runs', { token: tokens.citizen, body: { asOf: '2027-01-01' } })).status).toBe(403);
    const bad = await api.request('POST', '/monitoring/runs', { token: tokens.admin, body: { asOf: '2027-02-30' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('asOf');
    expect((await api.request('GET', '/monitoring/runs/run_nope', { token: tokens.admin })).status).toBe(404);
    expect((await api.request('POST', '/warnings/w_doesnotexist0000000000/verify', { token: tokens.village, body: { note: 'x' } })).status).toBe(404);
  });
});

describe('the schedule', () => {
  it('starts the daily run at 01:00 Asia/Shanghai', async () => {
    const now = stack.clock.now();
    const shanghai = new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
    const next = Date.parse(`${addDays(shanghai, 1)}T01:00:00+08:00`);
    await stack.clock.set(next + 60_000);
    const runId = `sched-daily-${addDays(shanghai, 1)}`;
    const rec = await until('the scheduled run', async () => {
      const r = await api.request('GET', `/monitoring/runs/${runId}`, { token: tokens.monitor });
      return r.status === 200 && r.body.status === 'SUCCEEDED' ? r.body : undefined;
    });
    expect(rec.asOf).toBe(addDays(shanghai, 1));
  }, 60_000);
});
