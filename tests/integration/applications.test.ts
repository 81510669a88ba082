import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { registerTestFunction } from '../../local/eventbridge/test-functions.ts';
import type { LocalStack } from '../../local/runtime.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';
import { CONSENT, dibaoHousehold, person } from '../support/people.ts';
import { until } from '../support/wait.ts';

/**
 * The application workflow end to end on the local stack: the real HTTP API, DynamoDB Local,
 * the local Step Functions engine running workflows/application.asl.json, and the local bus.
 */
const VILLAGE = '610124121200';
const TOWN = '610124121';
const CITY = '6101';

let stack: LocalStack;
let api: ApiClient;
const tokens: Record<string, string> = {};

async function submit(household: unknown, requested = ['DIBAO'], citizen = tokens.citizen!, key = randomUUID(), extra: Record<string, unknown> = {}) {
  return api.request('POST', '/applications', { token: citizen, body: { household, requested, consent: CONSENT, ...extra }, headers: { 'idempotency-key': key } });
}

async function statusOf(id: string, token = tokens.admin!) {
  return (await api.request('GET', `/applications/${id}`, { token })).body;
}

async function reachStatus(id: string, status: string) {
  return until(`${id} to reach ${status}`, async () => {
    const app = await statusOf(id);
    if (app.status === 'REJECTED' && status !== 'REJECTED') throw new Error(`rejected: ${JSON.stringify(app.history)}`);
    return app.status === status ? app : undefined;
  });
}

async function taskFor(id: string, level: 'village' | 'town' | 'city') {
  return until(`a ${level} task for ${id}`, async () => {
    const res = await api.request('GET', '/review-tasks', { token: tokens[level]! });
    return res.body.items.find((t: { applicationId: string }) => t.applicationId === id);
  });
}

async function decide(taskId: string, level: string, body: unknown, token = tokens[level]!) {
  return api.request('POST', `/review-tasks/${encodeURIComponent(taskId)}/decision`, { token, body });
}

const investigation = { visitedAt: '2026-11-30', investigators: ['王伟', '李娜'], notes: '入户核查属实' };

async function approveThrough(id: string, level: 'village' | 'town' | 'city') {
  const task = await taskFor(id, level);
  const res = await decide(task.id, level, { decision: 'approve', ...(level === 'town' ? { investigation } : {}) });
  expect(res.status).toBe(200);
  return task;
}

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  tokens.citizen = await api.token('citizen', undefined, 'citizen-1');
  tokens.otherCitizen = await api.token('citizen', undefined, 'citizen-2');
  tokens.village = await api.token('village', VILLAGE, 'village-1');
  tokens.town = await api.token('town', TOWN, 'town-1');
  tokens.city = await api.token('city', CITY, 'city-1');
  tokens.admin = await api.token('admin', undefined, 'admin-1');
  tokens.otherTown = await api.token('town', '610124101', 'town-2');
  tokens.otherCity = await api.token('city', '6201', 'city-2');
}, 120_000);
afterAll(() => stack?.stop());

describe('the happy path', () => {
  it('goes from intake through 核对, village, town, a 7-day notice and the city to APPROVED, paying from next month', async () => {
    const household = dibaoHousehold();
    const key = randomUUID();
    const created = await submit(household, ['DIBAO'], tokens.citizen, key);
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    expect(created.body.household.members[0].idNumber).toMatch(/^610124\*{8}\d{3}[\dX]$/);

    await approveThrough(id, 'village');
    await approveThrough(id, 'town');
    const onNotice = await reachStatus(id, 'PUBLIC_NOTICE');
    expect(Date.parse(onNotice.publicNotice.until) - Date.parse(onNotice.publicNotice.from)).toBe(7 * 86_400_000);

    // Six days in, still on notice; past the seventh, on to the city.
    await api.advanceDays(6);
    expect((await statusOf(id)).status).toBe('PUBLIC_NOTICE');
    await api.advanceDays(1.01);
    await approveThrough(id, 'city');
    const approved = await reachStatus(id, 'APPROVED');

    expect(approved.decision.approved.map((a: { code: string }) => a.code)).toContain('DIBAO');
    const dibao = approved.decision.approved.find((a: { code: string }) => a.code === 'DIBAO');
    expect(dibao.monthlyAmount).toBeGreaterThan(0);
    const now = new Date((await api.request('GET', '/_local/clock')).body.now);
    const shanghai = new Date(now.getTime() + 8 * 3600_000);
    const next = new Date(Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() + 1, 1));
    expect(dibao.startMonth).toBe(next.toISOString().slice(0, 7));
    expect(approved.history.map((h: { stage: string; decision: string }) => `${h.stage}:${h.decision}`)).toEqual(
      expect.arrayContaining(['INTAKE:SUBMITTED', 'VILLAGE_REVIEW:approve', 'TOWN_REVIEW:approve', 'CITY_REVIEW:approve', 'GRANT:APPROVED']),
    );
    // The applicant follows their own case.
    expect((await statusOf(id, tokens.citizen)).status).toBe('APPROVED');
    // A late retry of the submission (same key, same body) is the same case as it stands now,
    // not a 409 for the category the household now holds.
    const retried = await submit(household, ['DIBAO'], tokens.citizen, key);
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ id, status: 'APPROVED' });
    // Another key for the same household and category: the category is held now (409).
    const anew = await submit(household, ['DIBAO'], tokens.citizen);
    expect(anew.status).toBe(409);
    expect(anew.body.error.message).toMatch(/already receives DIBAO/);
  });
});

describe('the rules recommend, people decide', () => {
  it('a village "reject" is an opinion: the case reaches TOWN_REVIEW, and the response says so', async () => {
    const id = (await submit(dibaoHousehold())).body.id as string;
    const task = await taskFor(id, 'village');
    const res = await decide(task.id, 'village', { decision: 'reject', reason: '村民代表认为收入偏高' });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('TOWN_REVIEW');
    await reachStatus(id, 'TOWN_REVIEW');
    await taskFor(id, 'town');
  });

  it('a town rejection goes to the city as its proposal, with no notice; the city’s refusal carries a letter with reasons, basis and the appeal', async () => {
    const household = dibaoHousehold();
    const id = (await submit(household)).body.id as string;
    await approveThrough(id, 'village');
    const townTask = await taskFor(id, 'town');
    const res = await decide(townTask.id, 'town', { decision: 'reject', reason: '入户调查发现有经营收入', investigation });
    expect(res.body.status).toBe('CITY_REVIEW');
    const atCity = await reachStatus(id, 'CITY_REVIEW');
    expect(atCity.publicNotice).toBeUndefined();
    expect(atCity.proposal).toMatchObject({ decision: 'reject', reason: '入户调查发现有经营收入' });
    const cityTask = await taskFor(id, 'city');
    expect(cityTask.summary.townProposal.decision).toBe('reject');
    const final = await decide(cityTask.id, 'city', { decision: 'reject', reason: '家庭收入超过标准' });
    expect(final.body.status).toBe('REJECTED');
    const rejected = await reachStatus(id, 'REJECTED');
    expect(rejected.writtenNotice.reasons).toEqual(expect.arrayContaining(['县市民政局审批意见：家庭收入超过标准', '乡镇（街道）审核意见：入户调查发现有经营收入']));
    const letter = rejected.decision.letter;
    expect(letter.kind).toBe('REFUSAL');
    expect(letter.reasons).toContain('县市民政局审批意见：家庭收入超过标准');
    // Every text a citizen reads is Chinese: no English words in the reasons, the decided items or the appeal's wording.
    expect(letter.decisionItems).toEqual(['不予给予最低生活保障']);
    expect([...letter.reasons, ...letter.decisionItems, letter.appeal.how].join('')).not.toMatch(/\b(city|town|proposal|actual|limit|yuan|POST)\b/);
    expect(letter.appeal.how).toContain('行政复议');
    expect(letter.appeal.how).toContain('六个月内');
    expect(letter.legalBasis.join()).toContain('《社会救助暂行办法》第九条');
    expect(letter.legalBasis.join()).not.toMatch(/第十章|第八条/);
    expect(letter.appeal.by).toBe(new Date(Date.parse(`${letter.issuedOn}T00:00:00Z`) + 60 * 86_400_000).toISOString().slice(0, 10));
    expect(letter.appeal.basis.join()).toContain('行政复议法》第二十条');
    // The case is closed, so the household may apply again.
    expect((await submit(household)).status).toBe(201);
  });

  it('the rules never refuse: an ineligible household goes on to the village with a recommendation and the failed rules', async () => {
    const id = (await submit(dibaoHousehold({ income: 50_000 }))).body.id as string;
    const atVillage = await reachStatus(id, 'VILLAGE_REVIEW');
    expect(atVillage.recommendation.eligible).not.toContain('DIBAO');
    expect(atVillage.recommendation.reasons.join()).toMatch(/最低生活保障：不符合“家庭月人均收入低于当地低保标准”（实际 [\d.]+，标准 [\d.]+）〔参数 [\w.]+〕。依据：社会救助暂行办法 第九条/);
    await taskFor(id, 'village');
  });

  it('the city’s approval of a case the rules doubt needs its reasons and an amount, and its letter says it went against the recommendation', async () => {
    const id = (await submit(dibaoHousehold({ income: 50_000 }))).body.id as string;
    await approveThrough(id, 'village');
    await approveThrough(id, 'town');
    await reachStatus(id, 'PUBLIC_NOTICE');
    await api.advanceDays(7.01);
    const task = await taskFor(id, 'city');
    const bare = await decide(task.id, 'city', { decision: 'approve' });
    expect(bare.status).toBe(400);
    expect(bare.body.error.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(['reason', 'monthlyAmounts.DIBAO']));
    const ok = await decide(task.id, 'city', { decision: 'approve', reason: '收入为一次性补偿，入户核实月收入低于标准', monthlyAmounts: { DIBAO: 320 } });
    expect(ok.body.status).toBe('APPROVED');
    const approved = await reachStatus(id, 'APPROVED');
    expect(approved.decision.approved).toEqual([expect.objectContaining({ code: 'DIBAO', monthlyAmount: 320 })]);
    expect(approved.decision.letter.kind).toBe('APPROVAL');
    expect(approved.decision.letter.reasons.join()).toContain('最低生活保障：经家庭经济状况调查核实和审核，认定符合条件（与规则测算建议不同）');
    expect(approved.decision.letter.reasons).toContain('县市民政局审批意见：收入为一次性补偿，入户核实月收入低于标准');
    expect(approved.decision.letter.decisionItems[0]).toMatch(/^给予最低生活保障，每月320元，自\d{4}年\d{1,2}月起执行$/);
  });
});

describe('public notice objections', () => {
  it('sends the case back to town review, and a new notice follows', async () => {
    const id = (await submit(dibaoHousehold())).body.id as string;
    await approveThrough(id, 'village');
    await approveThrough(id, 'town');
    await reachStatus(id, 'PUBLIC_NOTICE');
    await api.advanceDays(3);
    const objection = await api.request('POST', `/applications/${id}/objections`, { token: tokens.otherCitizen, body: { reason: '该户有经营性收入' } });
    expect(objection.status).toBe(202);
    expect((await statusOf(id)).status).toBe('TOWN_REVIEW');
    // A second town task (round 1) appears; approving it posts a new 7-day notice.
    const task = await until('the re-investigation task', async () => {
      const res = await api.request('GET', '/review-tasks', { token: tokens.town! });
      return res.body.items.find((t: { applicationId: string; id: string }) => t.applicationId === id && t.id.endsWith('.town.1'));
    });
    expect(task.summary.objections).toEqual(['该户有经营性收入']);
    expect((await decide(task.id, 'town', { decision: 'approve', investigation })).status).toBe(200);
    const again = await reachStatus(id, 'PUBLIC_NOTICE');
    expect(again.publicNotice.round).toBe(2);
    await api.advanceDays(7.01);
    await approveThrough(id, 'city');
    await reachStatus(id, 'APPROVED');
  });

  it('refuses objections outside the notice (409) and empty ones (400)', async () => {
    const id = (await submit(dibaoHousehold())).body.id as string;
    await taskFor(id, 'village');
    expect((await api.request('POST', `/applications/${id}/objections`, { token: tokens.otherCitizen, body: { reason: 'x' } })).status).toBe(409);
    const empty = await api.request('POST', `/applications/${id}/objections`, { token: tokens.otherCitizen, body: { reason: '' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0].path).toBe('reason');
  });
});

describe('deadlines', () => {
  it('a missed review deadline marks the task overdue and escalates, but never decides', async () => {
    // Prepare: listen on the real bus for the escalation.
    const escalations: { detail: { applicationId: string; level: string; escalations: number } }[] = [];
    registerTestFunction('escalation-recorder', (e) => void escalations.push(e as (typeof escalations)[number]));
    const eb = new EventBridgeClient({ endpoint: stack.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } });
    await eb.send(new PutRuleCommand({ Name: 'overdue-reviews', EventBusName: 'jiuzhu', EventPattern: JSON.stringify({ source: ['jiuzhu.applications'], 'detail-type': ['ReviewOverdue'] }) }));
    await eb.send(
      new PutTargetsCommand({ Rule: 'overdue-reviews', EventBusName: 'jiuzhu', Targets: [{ Id: 'rec', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:escalation-recorder' }] }),
    );
    const id = (await submit(dibaoHousehold())).body.id as string;
    const task = await taskFor(id, 'village');
    // Act: let the 3-working-day deadline pass.
    await api.advanceDays(10);
    const overdue = await until('the task to be overdue', async () => {
      const res = await api.request('GET', '/review-tasks', { token: tokens.village! });
      const t = res.body.items.find((x: { id: string }) => x.id === task.id);
      return t?.overdue ? t : undefined;
    });
    // Honest: the level's due time stays where it was; the escalation is recorded with its reason.
    expect(overdue.dueAt).toBe(task.dueAt);
    expect(overdue.escalations.length).toBeGreaterThanOrEqual(1);
    expect(overdue.escalations[0].reason).toBe('LEVEL_DUE');
    expect((await statusOf(id)).status).toBe('VILLAGE_REVIEW');
    const mine = await until('the escalation event', async () => {
      const e = escalations.filter((x) => x.detail.applicationId === id);
      return e.length ? e : undefined;
    });
    expect(mine[0]!.detail.level).toBe('village');
    expect(mine[0]!.detail.escalations).toBe(1);
    // The reviewer can still decide, and the workflow goes on.
    expect((await decide(task.id, 'village', { decision: 'approve' })).status).toBe(200);
    await taskFor(id, 'town');
  });
});

describe('duplicates and replays', () => {
  it('the same Idempotency-Key gives the same application; another key for the same household and category is 409', async () => {
    const household = dibaoHousehold();
    const key = randomUUID();
    const first = await submit(household, ['DIBAO'], tokens.citizen, key);
    const again = await submit(household, ['DIBAO'], tokens.citizen, key);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    const other = await submit(household, ['DIBAO'], tokens.citizen);
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('CONFLICT');
    const changed = await submit({ ...household, address: '别处' }, ['DIBAO'], tokens.citizen, key);
    expect(changed.status).toBe(422);
  });

  it('a replayed decision is 409 and grants nothing twice', async () => {
    const id = (await submit(dibaoHousehold())).body.id as string;
    const task = await approveThrough(id, 'village');
    const replay = await decide(task.id, 'village', { decision: 'approve' });
    expect(replay.status).toBe(409);
    const history = (await statusOf(id)).history.filter((h: { stage: string; decision: string }) => h.stage === 'VILLAGE_REVIEW' && h.decision === 'approve');
    expect(history).toHaveLength(1);
  });

  it('a person found in two households is flagged on both cases', async () => {
    const shared = person('1990-05-05', { female: true });
    const a = (await submit(dibaoHousehold({ memberIds: [shared] }))).body.id as string;
    const b = (await submit(dibaoHousehold({ memberIds: [shared] }), ['DIBAO'], tokens.otherCitizen)).body.id as string;
    const flagsOf = async (id: string) => ((await statusOf(id)).flags ?? []).map((f: { type: string; otherApplicationId: string }) => `${f.type}:${f.otherApplicationId}`);
    expect(await flagsOf(a)).toContain(`PERSON_IN_TWO_HOUSEHOLDS:${b}`);
    expect(await flagsOf(b)).toContain(`PERSON_IN_TWO_HOUSEHOLDS:${a}`);
    // Exactly those: nothing else in a person's partition (e.g. the keyed membership index item) counts as a household.
    expect(await flagsOf(a)).toEqual([`PERSON_IN_TWO_HOUSEHOLDS:${b}`]);
    expect(await flagsOf(b)).toEqual([`PERSON_IN_TWO_HOUSEHOLDS:${a}`]);
    const alone = (await submit(dibaoHousehold())).body.id as string;
    expect(await flagsOf(alone)).toEqual([]);
  });
});

describe('authorization', () => {
  it('refuses decisions outside the jurisdiction or at the wrong level (403)', async () => {
    const id = (await submit(dibaoHousehold())).body.id as string;
    const task = await taskFor(id, 'village');
    expect((await decide(task.id, 'village', { decision: 'approve' }, tokens.otherTown)).status).toBe(403);
    expect((await decide(task.id, 'village', { decision: 'approve' }, tokens.town)).status).toBe(403);
    expect((await decide(task.id, 'village', { decision: 'approve' }, tokens.city)).status).toBe(403);
    expect((await decide(task.id, 'village', { decision: 'approve' }, tokens.citizen)).status).toBe(403);
    // Other towns do not even see it.
    const other = await api.request('GET', '/review-tasks', { token: tokens.otherTown! });
    expect(other.body.items.some((t: { applicationId: string }) => t.applicationId === id)).toBe(false);
  });

  it('a citizen cannot read someone else’s case; a reviewer outside the jurisdiction gets 403', async () => {
    const id = (await submit(dibaoHousehold())).body.id as string;
    expect((await api.request('GET', `/applications/${id}`, { token: tokens.otherCitizen })).status).toBe(404);
    expect((await api.request('GET', `/applications/${id}`, { token: tokens.otherCity })).status).toBe(403);
    expect((await api.request('GET', `/applications/${id}`, { token: tokens.city })).status).toBe(200);
  });

  it('never shows a task token or unmasked ID', async () => {
    const id = (await submit(dibaoHousehold())).body.id as string;
    await taskFor(id, 'village');
    const text = (await api.request('GET', `/applications/${id}`, { token: tokens.citizen })).text + (await api.request('GET', '/review-tasks', { token: tokens.village! })).text;
    expect(text).not.toMatch(/taskToken|objectionToken/);
    expect(text).not.toMatch(/\d{17}[\dX]/);
  });
});

describe('malformed input', () => {
  it.each([
    [{ household: { regionCode: '610124121200' }, requested: ['DIBAO'] }, 'household.hukouType'],
    [{ household: dibaoHousehold(), requested: ['NOT_A_CATEGORY'] }, 'requested.0'],
    [{ household: dibaoHousehold(), requested: [] }, 'requested'],
    [{ household: { ...dibaoHousehold(), members: [{ ...dibaoHousehold().members[0], idNumber: '610124195612120010' }] }, requested: ['DIBAO'] }, 'household.members.0.idNumber'],
    [{ household: dibaoHousehold({ regionCode: '610124121999' }), requested: ['DIBAO'] }, 'household.regionCode'],
  ])('answers 400 with the field path (%#)', async (body, path) => {
    const res = await api.request('POST', '/applications', { token: tokens.citizen, body, headers: { 'idempotency-key': randomUUID() } });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('answers 400 for a decision without reasons and a town approval without two investigators', async () => {
    const id = (await submit(dibaoHousehold())).body.id as string;
    const task = await taskFor(id, 'village');
    const noReason = await decide(task.id, 'village', { decision: 'reject' });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].path).toBe('reason');
    await decide(task.id, 'village', { decision: 'approve' });
    const townTask = await taskFor(id, 'town');
    const lone = await decide(townTask.id, 'town', { decision: 'approve', investigation: { ...investigation, investigators: ['王伟'] } });
    expect(lone.status).toBe(400);
    expect(lone.body.error.details[0].path).toBe('investigation.investigators');
    // A town rejection rests on the investigation too: no refusal without it.
    const blind = await decide(townTask.id, 'town', { decision: 'reject', reason: '不符合' });
    expect(blind.status).toBe(400);
    expect(blind.body.error.details[0].path).toBe('investigation.investigators');
  });

  it('answers 400 for a body that is not JSON and for a missing Idempotency-Key', async () => {
    const res = await api.request('POST', '/applications', { token: tokens.citizen, rawBody: '{not json', headers: { 'idempotency-key': randomUUID() } });
    expect(res.status).toBe(400);
    const noKey = await api.request('POST', '/applications', { token: tokens.citizen, body: { household: dibaoHousehold(), requested: ['DIBAO'] } });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.details[0].path).toBe('headers.Idempotency-Key');
  });
});
