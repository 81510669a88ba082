import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/runtime.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';
import { household, idBorn, member, writeHousehold } from '../support/monitoring.ts';
import { CONSENT, dibaoHousehold } from '../support/people.ts';
import { until } from '../support/wait.ts';

/**
 * GET /stats/overview from counters that move where things happen (never a scan): a submitted
 * application (received, by category), its approval (decided, approved, the recipients' stock),
 * a monitoring run's warnings (raised) verified and closed (adjusted), a ledger month (paid).
 * Each counter moves once: a retried submission, a re-run of the monitoring run and of the
 * ledger month add nothing.
 */
const VILLAGE = '610124121200';
const PERIOD = 'from=2020-01-01&to=2030-12-31';

let stack: LocalStack;
let api: ApiClient;
const tokens: Record<string, string> = {};

const overview = async (regionCode: string, token = tokens.admin!) => {
  const res = await api.request('GET', `/stats/overview?${regionCode ? `regionCode=${regionCode}&` : ''}${PERIOD}`, { token });
  expect(res.status).toBe(200);
  return res.body;
};

async function taskFor(id: string, level: 'village' | 'town' | 'city') {
  return until(`a ${level} task for ${id}`, async () => (await api.request('GET', '/review-tasks', { token: tokens[level]! })).body.items.find((t: { applicationId: string }) => t.applicationId === id), 30_000);
}
async function approveThrough(id: string, level: 'village' | 'town' | 'city') {
  const task = await taskFor(id, level);
  const body = { decision: 'approve', ...(level === 'town' ? { investigation: { visitedAt: '2026-11-30', investigators: ['王伟', '李娜'], notes: '入户核查属实' } } : {}) };
  expect((await api.request('POST', `/review-tasks/${encodeURIComponent(task.id)}/decision`, { token: tokens[level]!, body })).status).toBe(200);
}
const statusOf = async (id: string) => (await api.request('GET', `/applications/${id}`, { token: tokens.admin! })).body;
const reach = (id: string, status: string) => until(`${id} ${status}`, async () => ((await statusOf(id)).status === status ? true : undefined), 30_000);

async function monitoringRun(asOf: string) {
  const res = await api.request('POST', '/monitoring/runs', { token: tokens.monitor!, body: { asOf, mode: 'daily' } });
  expect(res.status).toBe(202);
  return until(`run ${res.body.runId}`, async () => {
    const r = await api.request('GET', `/monitoring/runs/${res.body.runId}`, { token: tokens.monitor! });
    if (r.body.status === 'FAILED') throw new Error(JSON.stringify(r.body));
    return r.body.status === 'SUCCEEDED' ? r.body : undefined;
  }, 60_000);
}

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  tokens.citizen = await api.token('citizen', undefined, 'stats-citizen');
  tokens.village = await api.token('village', VILLAGE, 'stats-village');
  tokens.town = await api.token('town', '610124121', 'stats-town');
  tokens.city = await api.token('city', '6101', 'stats-city');
  tokens.otherCity = await api.token('city', '6201', 'stats-other-city');
  tokens.admin = await api.token('admin', undefined, 'stats-admin');
  tokens.monitor = await api.token('monitor', undefined, 'stats-monitor');
}, 120_000);
afterAll(() => stack?.stop());

describe('statistics counters', () => {
  it('start at zero', async () => {
    const o = await overview('610124');
    expect(o.applications).toMatchObject({ received: 0, decided: 0, approved: 0, rejected: 0, byCategory: {} });
    expect(o.warnings).toEqual({ raised: 0, verified: 0, closed: 0, adjusted: 0 });
    expect(o.paid).toEqual([]);
    expect(o.recipients).toEqual({});
  });

  it('count an application once when received (a retried POST adds nothing), and its approval with the recipients it adds', async () => {
    const key = randomUUID();
    const body = { household: dibaoHousehold(), requested: ['DIBAO'], consent: CONSENT };
    const created = await api.request('POST', '/applications', { token: tokens.citizen!, body, headers: { 'idempotency-key': key } });
    expect(created.status).toBe(201);
    const retried = await api.request('POST', '/applications', { token: tokens.citizen!, body, headers: { 'idempotency-key': key } });
    expect(retried.body.id).toBe(created.body.id);
    const id = created.body.id as string;
    const received = await overview(VILLAGE);
    expect(received.applications).toMatchObject({ received: 1, decided: 0, byCategory: { DIBAO: 1 } });

    await approveThrough(id, 'village');
    await approveThrough(id, 'town');
    await until('public notice', async () => ((await statusOf(id)).status === 'PUBLIC_NOTICE' ? true : undefined), 30_000);
    await api.advanceDays(7.01);
    await approveThrough(id, 'city');
    await reach(id, 'APPROVED');
    const people = body.household.members.length;
    for (const prefix of [VILLAGE, '610124121', '610124', '6101', '61', '']) {
      const o = await overview(prefix);
      expect(o.applications).toMatchObject({ received: 1, decided: 1, approved: 1, rejected: 0, byCategory: { DIBAO: 1 } });
      expect(o.recipients.DIBAO).toEqual({ households: 1, people });
    }
    // another county, and another city's reviewer, see none of it
    expect((await overview('620825')).applications.received).toBe(0);
    expect((await api.request('GET', '/stats/overview?regionCode=610124', { token: tokens.otherCity! })).status).toBe(403);
    expect((await overview('6201', tokens.otherCity!)).applications.received).toBe(0);
  }, 180_000);

  it('count warnings raised by a monitoring run (a re-run raises and counts nothing), verified and closed', async () => {
    await writeHousehold(household([member(idBorn('1957-03-31'))]), '2026-11-20T02:00:00Z');
    const first = await monitoringRun('2027-03-01');
    expect(first.warningsRaised).toBe(1);
    const again = await monitoringRun('2027-03-01');
    expect(again.warningsRaised).toBe(0);
    let o = await overview('610124');
    expect(o.warnings).toEqual({ raised: 1, verified: 0, closed: 0, adjusted: 0 });

    const w = (await api.request('GET', '/warnings?indicator=ELDERLY_70', { token: tokens.admin! })).body.items[0];
    expect((await api.request('POST', `/warnings/${w.id}/verify`, { token: tokens.village!, body: { note: '入户核实' } })).status).toBe(200);
    // a second verify is refused, and counts nothing
    expect((await api.request('POST', `/warnings/${w.id}/verify`, { token: tokens.village!, body: { note: 'again' } })).status).toBe(409);
    expect((await api.request('POST', `/warnings/${w.id}/close`, { token: tokens.town!, body: { outcome: 'BENEFIT_ADJUSTED', note: '调整高龄补助' } })).status).toBe(200);
    expect((await api.request('POST', `/warnings/${w.id}/close`, { token: tokens.town!, body: { outcome: 'NO_ACTION', note: 'again' } })).status).toBe(409);
    o = await overview(w.regionCode);
    expect(o.warnings).toEqual({ raised: 1, verified: 1, closed: 1, adjusted: 1 });
    // the period counts: a period before the run has none
    const before = (await api.request('GET', `/stats/overview?regionCode=610124&from=2020-01-01&to=2027-02-28`, { token: tokens.admin! })).body;
    expect(before.warnings.raised).toBe(0);
  }, 180_000);

  it('sum counters written in the earlier layout (one item per prefix and day) with the current ones, at every level', async () => {
    // Another county, untouched by the tests above: what a store from before the two-level layout holds.
    const village = '620825100200';
    const prefixes = ['CN', '62', '6208', '620825', '620825100', village];
    const before = await Promise.all(prefixes.map((p) => overview(p === 'CN' ? '' : p)));
    for (const p of prefixes) {
      await stack.ctx.doc.send(
        new UpdateCommand({
          TableName: 'jiuzhu-Stats',
          Key: { pk: `S#${p}`, sk: 'D#2026-06-01' },
          UpdateExpression: 'ADD #r :two, #h :one',
          ExpressionAttributeNames: { '#r': 'applications.received', '#h': 'recipients.DIBAO.households' },
          ExpressionAttributeValues: { ':two': 2, ':one': 1 },
        }),
      );
    }
    for (const [i, p] of prefixes.entries()) {
      const o = await overview(p === 'CN' ? '' : p);
      expect(o.applications.received, p).toBe(before[i].applications.received + 2);
      expect(o.recipients.DIBAO?.households ?? 0, p).toBe((before[i].recipients.DIBAO?.households ?? 0) + 1);
    }
    // the county's neighbours see none of it
    expect((await overview('620826')).applications.received).toBe(0);
    expect((await overview('620825100201')).applications.received).toBe(0);
  });

  it('count what a ledger month paid, once however often the month runs', async () => {
    // a household paid from 2026-11 (its approval written as history)
    const h = household([member(idBorn('1960-05-05')), member(idBorn('1962-06-06'), { relation: 'spouse' })]);
    await writeHousehold(h, '2026-10-10T02:00:00Z', { categories: ['DIBAO'], amountsFen: { DIBAO: 50_000 } });
    const run = async () => {
      const res = await api.request('POST', '/ledger/runs', { token: tokens.admin!, body: { month: '2026-11' } });
      expect(res.status).toBe(200);
      return res.body;
    };
    const first = await run();
    const paidFirst = (await overview('610124')).paid.find((p: { month: string }) => p.month === '2026-11');
    expect(first.written).toBeGreaterThanOrEqual(1);
    expect(paidFirst.amount).toBeGreaterThanOrEqual(500);
    // the counter is what the run paid
    expect(paidFirst.amount).toBe(first.amount);
    await run();
    await run();
    const paidAfter = (await overview('610124')).paid.find((p: { month: string }) => p.month === '2026-11');
    expect(paidAfter).toEqual(paidFirst);
  }, 120_000);
});
