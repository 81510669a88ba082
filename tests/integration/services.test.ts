import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTrail } from '../../functions/adapters/audit-table.ts';
import { addDays } from '../../functions/domain/monitoring.ts';
import { nextMonth } from '../../functions/domain/services.ts';
import { registerTestFunction } from '../../local/eventbridge/test-functions.ts';
import type { LocalStack } from '../../local/runtime.ts';
import { localAction } from './eventbridge/support.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';
import { household, idBorn, member, writeHousehold } from '../support/monitoring.ts';
import { until } from '../support/wait.ts';

/**
 * Services and resource linking on the local stack: organizations, service orders and visits,
 * the missed-visit warning through the monitoring workflow, referrals round-tripping through the
 * local bus (ReferralCreated out, AssistanceGranted back into the ledger), the skill-certificate
 * grant, the help chain, and jurisdiction on all of it.
 */
const FEICHENG = '370983';
const SUNBO_VILLAGE = '370983108201'; // 孙伯镇 孙东村
const OTHER_VILLAGE = '370983108202';
const YICHUAN_VILLAGE = '610630101200'; // 宜川县 秋林镇 秋林村
const NINGYANG_VILLAGE = '370921101201'; // 宁阳县 泗店镇 泗店村
const APPROVED_AT = '2026-06-20T02:00:00Z';

let stack: LocalStack;
let api: ApiClient;
let events: EventBridgeClient;
const t: Record<string, string> = {};
const referralEvents: Record<string, unknown>[] = [];

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
/** The month `k` months before this one (YYYY-MM, Asia/Shanghai). */
function back(k: number): string {
  const [y, m] = today().slice(0, 7).split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) - k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
}

async function run(asOf: string) {
  const res = await api.request('POST', '/monitoring/runs', { token: t.monitor, body: { asOf } });
  expect(res.status).toBe(202);
  return until(
    `run ${res.body.runId}`,
    async () => {
      const r = await api.request('GET', `/monitoring/runs/${res.body.runId}`, { token: t.monitor });
      if (r.body.status === 'FAILED') throw new Error(`run failed: ${JSON.stringify(r.body)}`);
      return r.body.status === 'SUCCEEDED' ? r.body : undefined;
    },
    30_000,
  );
}

async function put(source: string, detailType: string, detail: unknown) {
  const res = await events.send(new PutEventsCommand({ Entries: [{ EventBusName: 'jiuzhu', Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }] }));
  expect(res.FailedEntryCount).toBe(0);
  await localAction(stack.awsUrl, 'LocalWaitForDeliveries', { TimeoutMs: 10_000 });
}

const team = { name: '孙东村困难群众急难问题快速响应服务队', kind: 'RAPID_RESPONSE_TEAM', regionCode: SUNBO_VILLAGE, services: ['EMERGENCY_RESPONSE', 'LIFE_PATROL'] };
const taoxianzi = { name: '肥城市“桃仙子”服务队', kind: 'SERVICE_TEAM', regionCode: FEICHENG, services: ['MEDICAL_ROUNDS', 'LIFE_PATROL', 'HOME_CLEANING', 'COMPANIONSHIP'], members: 140 };

const tekunHead = idBorn('1950-04-04', FEICHENG);
let hh: string;

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  events = new EventBridgeClient({ endpoint: stack.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  t.admin = await api.token('admin', undefined, 'admin-1');
  t.monitor = await api.token('monitor', undefined, 'monitor-1');
  t.citizen = await api.token('citizen', undefined, 'citizen-1');
  t.village = await api.token('village', SUNBO_VILLAGE, 'village-sunbo');
  t.otherVillage = await api.token('village', OTHER_VILLAGE, 'village-other');
  t.town = await api.token('town', '370983108', 'town-sunbo');
  t.city = await api.token('city', '3709', 'city-taian');
  t.otherCity = await api.token('city', '6106', 'city-yanan');
  registerTestFunction('captureReferrals', (e) => {
    referralEvents.push(e as Record<string, unknown>);
    return {};
  });
  await events.send(new PutRuleCommand({ Name: 'capture-referrals', EventBusName: 'jiuzhu', EventPattern: JSON.stringify({ source: ['jiuzhu.referrals'] }) }));
  await events.send(new PutTargetsCommand({ Rule: 'capture-referrals', EventBusName: 'jiuzhu', Targets: [{ Id: 't', Arn: 'arn:aws:lambda:us-east-1:000000000000:function:captureReferrals' }] }));
  // A dispersed TEKUN person in 孙伯镇 (approved, monitored).
  const w = await writeHousehold(household([member(tekunHead, { laborAbility: 'none', monthlyIncome: 0 })], { regionCode: SUNBO_VILLAGE, supporters: [] }), APPROVED_AT);
  hh = w.householdId;
}, 120_000);
afterAll(() => stack?.stop());

describe('catalogues', () => {
  it('GET /services/catalog: 8 categories, 16 items with Chinese names; GET /programmes: departments and what they give', async () => {
    const res = await api.request('GET', '/services/catalog', { token: t.citizen });
    expect(res.status).toBe(200);
    expect(res.body.categories).toHaveLength(8);
    expect(res.body.items).toHaveLength(16);
    expect(res.body.items.map((i: { name: string }) => i.name)).toEqual(expect.arrayContaining(['医疗巡诊', '生活巡护']));
    expect(new Set(res.body.items.map((i: { category: string }) => i.category))).toEqual(new Set(['助洁', '助医', '助餐', '助浴', '助急', '精神慰藉', '助行', '代办']));
    for (const i of res.body.items) expect(i).toEqual({ code: expect.stringMatching(/^[A-Z_]+$/), category: expect.any(String), categoryCode: expect.any(String), name: expect.stringMatching(/\p{Script=Han}/u) });
    expect((await api.request('GET', '/services/catalog?x=1', { token: t.citizen })).status).toBe(400);
    expect((await api.request('GET', '/services/catalog')).status).toBe(401);
    const p = await api.request('GET', '/programmes', { token: t.village });
    expect(p.status).toBe(200);
    expect(p.body.items.find((x: { code: string }) => x.code === 'LITTLE_ANGEL_FUND')).toMatchObject({ department: '红十字会', name: '小天使基金', gives: '对患白血病的儿童和青少年的一次性资助' });
    // The catalogue's texts are Chinese throughout (the console shows them as sent).
    for (const x of p.body.items as { gives: string }[]) expect(x.gives).not.toMatch(/[A-Za-z]/);
    expect(new Set(p.body.items.map((x: { department: string }) => x.department)).size).toBeGreaterThanOrEqual(8);
  });
});

describe('organizations', () => {
  it('PUT (admin | city in jurisdiction) creates then replaces (keeping createdAt), audited; GET by region and kind', async () => {
    // Act
    const created = await api.request('PUT', '/organizations/taoxianzi', { token: t.admin, body: taoxianzi });
    const replaced = await api.request('PUT', '/organizations/taoxianzi', { token: t.city, body: { ...taoxianzi, members: 141 } });
    const rrt = await api.request('PUT', '/organizations/sundong-rrt', { token: t.city, body: team });
    // Assess
    expect([created.status, replaced.status, rrt.status]).toEqual([200, 200, 200]);
    expect(replaced.body.createdAt).toBe(created.body.createdAt);
    expect(replaced.body.members).toBe(141);
    expect((await api.request('PUT', '/organizations/taoxianzi', { token: t.otherCity, body: taoxianzi })).status).toBe(403);
    expect((await api.request('PUT', '/organizations/x-yanan', { token: t.city, body: { ...team, regionCode: '610630101200' } })).status).toBe(403);
    expect((await api.request('PUT', '/organizations/x', { token: t.village, body: team })).status).toBe(403);
    const strict = await api.request('PUT', '/organizations/x-strict', { token: t.admin, body: { ...team, extra: 1 } });
    expect(strict.status).toBe(400);
    expect((await api.request('PUT', '/organizations/x-bad', { token: t.admin, body: { ...team, services: ['NOPE'] } })).status).toBe(400);
    expect((await api.request('PUT', '/organizations/Bad%20Id', { token: t.admin, body: team })).status).toBe(400);
    expect((await auditTrail('ORGANIZATION#taoxianzi')).map((a) => a.action).sort()).toEqual(['ORGANIZATION_CREATED', 'ORGANIZATION_UPDATED']);
    const teams = await api.request('GET', `/organizations?regionCode=${FEICHENG}&kind=RAPID_RESPONSE_TEAM`, { token: t.town });
    expect(teams.status).toBe(200);
    expect(teams.body.items.map((o: { id: string }) => o.id)).toEqual(['sundong-rrt']);
    expect(teams.body.nextCursor).toBeNull();
    const all = await api.request('GET', `/organizations?regionCode=3709`, { token: t.town });
    expect(all.body.items.map((o: { id: string }) => o.id).sort()).toEqual(['sundong-rrt', 'taoxianzi']);
    const paged = await api.request('GET', `/organizations?regionCode=3709&limit=1`, { token: t.town });
    expect(paged.body.items).toHaveLength(1);
    const rest = await api.request('GET', `/organizations?regionCode=3709&limit=1&cursor=${paged.body.nextCursor}`, { token: t.town });
    expect([...paged.body.items, ...rest.body.items].map((o: { id: string }) => o.id).sort()).toEqual(['sundong-rrt', 'taoxianzi']);
    expect((await api.request('GET', '/organizations?regionCode=3709&cursor=nonsense', { token: t.town })).status).toBe(400);
    expect((await api.request('GET', '/organizations?kind=SPACESHIP&regionCode=37', { token: t.town })).status).toBe(400);
    expect((await api.request('GET', '/organizations', { token: t.admin })).status).toBe(400);
  });
});

let orderId: string;

describe('service orders and visits', () => {
  it('POST /service-orders: village | town | city in jurisdiction → 201; others 403; unknown org or item it does not give → 422', async () => {
    const body = { householdId: hh, items: ['MEDICAL_ROUNDS', 'LIFE_PATROL'], organizationId: 'taoxianzi', recurrence: 'MONTHLY' };
    const res = await api.request('POST', '/service-orders', { token: t.village, body });
    expect(res.status).toBe(201);
    orderId = res.body.id;
    expect(res.body).toMatchObject({ householdId: hh, status: 'ACTIVE', recurrence: 'MONTHLY', organizationName: taoxianzi.name, person: `${tekunHead.slice(0, 6)}********${tekunHead.slice(14)}` });
    expect(res.text).not.toContain(tekunHead.slice(6, 14));
    expect(res.body.personHash).toBeUndefined();
    expect((await api.request('POST', '/service-orders', { token: t.otherVillage, body })).status).toBe(403);
    expect((await api.request('POST', '/service-orders', { token: t.otherCity, body })).status).toBe(403);
    expect((await api.request('POST', '/service-orders', { token: t.citizen, body })).status).toBe(403);
    expect((await api.request('POST', '/service-orders', { token: t.admin, body })).status).toBe(403);
    expect((await api.request('POST', '/service-orders', { token: t.village, body: { ...body, organizationId: 'ghost-team' } })).status).toBe(422);
    const notGiven = await api.request('POST', '/service-orders', { token: t.village, body: { ...body, items: ['HOME_BATHING'] } });
    expect([notGiven.status, notGiven.body.error.details[0].path]).toEqual([422, 'items']);
    expect((await api.request('POST', '/service-orders', { token: t.village, body: { ...body, householdId: 'hh_doesnotexist00' } })).status).toBe(404);
    expect((await api.request('POST', '/service-orders', { token: t.village, body: { ...body, recurrence: 'WEEKLY' } })).status).toBe(400);
    expect((await api.request('POST', '/service-orders', { token: t.village, body: { ...body, colour: 'red' } })).status).toBe(400);
    expect((await auditTrail(`SERVICE_ORDER#${orderId}`)).map((a) => a.action)).toEqual(['SERVICE_ORDER_CREATED']);
  });

  it('POST /service-orders/{id}/visits → 201, the same visit again is the same visit; items outside the order, the future, other jurisdictions refused', async () => {
    const at = new Date(Date.now() - 3600_000).toISOString();
    const visit = { at, by: ['王医生', '李护士'], items: ['MEDICAL_ROUNDS'], notes: '调整用药' };
    const first = await api.request('POST', `/service-orders/${orderId}/visits`, { token: t.village, body: visit });
    const again = await api.request('POST', `/service-orders/${orderId}/visits`, { token: t.village, body: visit });
    expect(first.status).toBe(201);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect((await api.request('POST', `/service-orders/${orderId}/visits`, { token: t.village, body: { ...visit, items: ['HOME_BATHING'] } })).status).toBe(400);
    expect((await api.request('POST', `/service-orders/${orderId}/visits`, { token: t.village, body: { ...visit, at: new Date(Date.now() + 86_400_000).toISOString() } })).status).toBe(400);
    expect((await api.request('POST', `/service-orders/${orderId}/visits`, { token: t.otherVillage, body: visit })).status).toBe(403);
    expect((await api.request('POST', `/service-orders/so_nosuchorder0000/visits`, { token: t.village, body: visit })).status).toBe(404);
    const order = await api.request('GET', `/service-orders/${orderId}`, { token: t.town });
    expect(order.body.visitCount).toBe(1);
    expect(order.body.visits.map((v: { by: string[] }) => v.by)).toEqual([['王医生', '李护士']]);
    expect((await api.request('GET', `/service-orders/${orderId}`, { token: t.otherCity })).status).toBe(403);
  });

  it('GET /service-orders by household, organization and status, inside the jurisdiction only', async () => {
    const byHh = await api.request('GET', `/service-orders?householdId=${hh}`, { token: t.village });
    expect(byHh.body.items.map((o: { id: string }) => o.id)).toEqual([orderId]);
    const byOrg = await api.request('GET', `/service-orders?organizationId=taoxianzi&status=ACTIVE`, { token: t.city });
    expect(byOrg.body.items.map((o: { id: string }) => o.id)).toEqual([orderId]);
    expect((await api.request('GET', `/service-orders?organizationId=taoxianzi&status=COMPLETED`, { token: t.city })).body.items).toEqual([]);
    expect((await api.request('GET', `/service-orders?householdId=${hh}`, { token: t.otherVillage })).body.items).toEqual([]);
    expect((await api.request('GET', `/service-orders`, { token: t.town })).body.items.map((o: { id: string }) => o.id)).toEqual([orderId]);
    expect((await api.request('GET', `/service-orders?regionCode=6106`, { token: t.town })).status).toBe(403);
    expect((await api.request('GET', `/service-orders`, { token: t.citizen })).status).toBe(403);
    expect((await api.request('GET', `/service-orders?since=2020`, { token: t.town })).status).toBe(400);
  });
});

describe('the missed-visit warning (SERVICE_VISIT_MISSED)', () => {
  it('a month with a visit raises nothing; the next month without one raises one warning on the 1st, once; the village team is assigned; REFERRED names the order', async () => {
    const month = today().slice(0, 7);
    const afterVisited = `${nextMonth(month)}-01`;
    const afterMissed = `${nextMonth(nextMonth(month))}-01`;
    // Act
    const quiet = await run(afterVisited);
    const dayBefore = await run(addDays(afterMissed, -1));
    const missed = await run(afterMissed);
    const again = await run(afterMissed);
    // Assess
    const list = await api.request('GET', '/warnings?indicator=SERVICE_VISIT_MISSED', { token: t.village });
    expect(list.status).toBe(200);
    expect(quiet.warningsRaised).toBe(0);
    expect(dayBefore.warningsRaised).toBe(0);
    expect(missed.warningsRaised).toBe(1);
    expect(missed.breakdown.dueItemsRead).toBe(1);
    expect(again.warningsRaised).toBe(0);
    expect(list.body.items).toHaveLength(1);
    const w = list.body.items[0];
    expect(w).toMatchObject({ householdId: hh, regionCode: SUNBO_VILLAGE, details: { serviceOrderId: orderId, month: nextMonth(month) }, assignedTeam: { id: 'sundong-rrt', name: team.name } });
    expect((await api.request('GET', '/warnings?indicator=SERVICE_VISIT_MISSED', { token: t.otherVillage })).body.items).toEqual([]);
    // the team verifies; REFERRED must name the order, and an order of this household
    expect((await api.request('POST', `/warnings/${w.id}/verify`, { token: t.village, body: { note: '快速响应服务队上门核实：服务队当月未到' } })).status).toBe(200);
    const noOrder = await api.request('POST', `/warnings/${w.id}/close`, { token: t.village, body: { outcome: 'REFERRED', note: '转服务队' } });
    expect([noOrder.status, noOrder.body.error.details[0].path]).toEqual([400, 'serviceOrderId']);
    expect((await api.request('POST', `/warnings/${w.id}/close`, { token: t.village, body: { outcome: 'REFERRED', note: '转服务队', serviceOrderId: 'so_nosuchorder0000' } })).status).toBe(422);
    expect((await api.request('POST', `/warnings/${w.id}/close`, { token: t.village, body: { outcome: 'NO_ACTION', note: 'x', serviceOrderId: orderId } })).status).toBe(400);
    const closed = await api.request('POST', `/warnings/${w.id}/close`, { token: t.village, body: { outcome: 'REFERRED', note: '补充上门', serviceOrderId: orderId } });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', outcome: 'REFERRED', serviceOrderId: orderId });
    const audit = (await auditTrail(`WARNING#${w.id}`)).find((a) => a.action === 'WARNING_CLOSED')!;
    expect(audit.detail).toMatchObject({ outcome: 'REFERRED', serviceOrderId: orderId });
  }, 120_000);

  it('an existing care plan (since) with visits entered late: the month left out is still warned, visited months are not', async () => {
    const elder = idBorn('1948-08-08', FEICHENG);
    const w = await writeHousehold(household([member(elder, { laborAbility: 'none', monthlyIncome: 0 })], { regionCode: SUNBO_VILLAGE, supporters: [] }), APPROVED_AT);
    const order = await api.request('POST', '/service-orders', { token: t.village, body: { householdId: w.householdId, items: ['LIFE_PATROL'], organizationId: 'taoxianzi', recurrence: 'MONTHLY', since: `${back(3)}-01` } });
    expect(order.status).toBe(201);
    expect((await api.request('POST', '/service-orders', { token: t.village, body: { householdId: w.householdId, items: ['LIFE_PATROL'], organizationId: 'taoxianzi', recurrence: 'MONTHLY', since: '2001-01-01' } })).status).toBe(400);
    // visits of months −1 and −3 entered newest first; month −2 has none
    for (const k of [1, 3]) expect((await api.request('POST', `/service-orders/${order.body.id}/visits`, { token: t.village, body: { at: `${back(k)}-10T02:00:00Z`, by: ['桃仙子服务队 刘护士'], items: ['LIFE_PATROL'] } })).status).toBe(201);
    expect((await api.request('POST', `/service-orders/${order.body.id}/visits`, { token: t.village, body: { at: `${back(4)}-10T02:00:00Z`, by: ['x'], items: ['LIFE_PATROL'] } })).status).toBe(400);
    // Act: the run of the first day of month −1 checks month −2
    const r = await run(`${back(1)}-01`);
    const again = await run(`${back(1)}-01`);
    // Assess
    const mine = (await api.request('GET', '/warnings?indicator=SERVICE_VISIT_MISSED', { token: t.village })).body.items.filter((x: { householdId: string }) => x.householdId === w.householdId);
    expect(mine.map((x: { details: { month: string } }) => x.details.month)).toEqual([back(2)]);
    expect(r.warningsRaised).toBeGreaterThanOrEqual(1);
    expect(again.warningsRaised).toBe(0);
  }, 120_000);

  it('an order placed from a warning names it; a ONCE order completes with its visit and is never checked', async () => {
    const w = (await api.request('GET', '/warnings?indicator=SERVICE_VISIT_MISSED', { token: t.village })).body.items.find((x: { householdId: string }) => x.householdId === hh);
    const res = await api.request('POST', '/service-orders', { token: t.town, body: { householdId: hh, items: ['LIFE_PATROL'], organizationId: 'sundong-rrt', recurrence: 'ONCE', fromWarningId: w.id } });
    expect(res.status).toBe(201);
    expect(res.body.fromWarningId).toBe(w.id);
    expect((await api.request('POST', '/service-orders', { token: t.town, body: { householdId: hh, items: ['LIFE_PATROL'], organizationId: 'sundong-rrt', recurrence: 'ONCE', fromWarningId: 'w_notawarningatall00' } })).status).toBe(422);
    const v = await api.request('POST', `/service-orders/${res.body.id}/visits`, { token: t.town, body: { at: new Date(Date.now() - 60_000).toISOString(), by: ['张队长'], items: ['LIFE_PATROL'] } });
    expect(v.status).toBe(201);
    expect((await api.request('GET', `/service-orders/${res.body.id}`, { token: t.town })).body.status).toBe('COMPLETED');
    expect((await api.request('POST', `/service-orders/${res.body.id}/visits`, { token: t.town, body: { at: new Date(Date.now() - 30_000).toISOString(), by: ['张队长'], items: ['LIFE_PATROL'] } })).status).toBe(409);
  });
});

describe('cancelling a service order', () => {
  it('POST /service-orders/{id}/cancel {reason}: a worker in jurisdiction, audited; 409 once cancelled or completed; no visit after; a cancelled MONTHLY order is never warned', async () => {
    const elder = idBorn('1946-06-06', FEICHENG);
    const w = await writeHousehold(household([member(elder, { laborAbility: 'none', monthlyIncome: 0 })], { regionCode: SUNBO_VILLAGE, supporters: [] }), APPROVED_AT);
    // Two care plans from month −3, neither visited: one kept, one cancelled.
    const place = async () => {
      const res = await api.request('POST', '/service-orders', { token: t.village, body: { householdId: w.householdId, items: ['LIFE_PATROL'], organizationId: 'taoxianzi', recurrence: 'MONTHLY', since: `${back(3)}-01` } });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    const kept = await place();
    const id = await place();
    const reason = '服务对象已入住敬老院';
    const cancel = (order: string, token: string, body: unknown = { reason }) => api.request('POST', `/service-orders/${order}/cancel`, { token, body });

    for (const token of [t.otherVillage, t.otherCity, t.citizen, t.admin, t.monitor]) expect((await cancel(id, token!)).status).toBe(403);
    for (const body of [{}, { reason: '   ' }, { reason, colour: 'red' }, { reason: 'x'.repeat(2001) }]) expect((await cancel(id, t.village!, body)).status).toBe(400);
    expect((await cancel('so_nosuchorder0000', t.village!)).status).toBe(404);
    expect((await api.request('GET', `/service-orders/${id}`, { token: t.town })).body.status).toBe('ACTIVE');

    // The town above the ordering village may cancel it too.
    const res = await cancel(id, t.town!);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id, status: 'CANCELLED', cancelled: { reason, by: 'town-sunbo' } });
    expect((await cancel(id, t.village!)).status).toBe(409);
    expect((await api.request('POST', `/service-orders/${id}/visits`, { token: t.village, body: { at: new Date(Date.now() - 60_000).toISOString(), by: ['刘护士'], items: ['LIFE_PATROL'] } })).status).toBe(409);
    expect((await api.request('GET', `/service-orders/${id}`, { token: t.village })).body).toMatchObject({ status: 'CANCELLED', cancelled: { reason } });
    expect((await api.request('GET', `/service-orders?householdId=${w.householdId}&status=CANCELLED`, { token: t.village })).body.items.map((o: { id: string }) => o.id)).toEqual([id]);
    const trail = await auditTrail(`SERVICE_ORDER#${id}`);
    expect(trail.map((a) => a.action)).toEqual(['SERVICE_ORDER_CREATED', 'SERVICE_ORDER_CANCELLED']);
    expect(trail[1]).toMatchObject({ by: 'town-sunbo', reason });

    // The run of month −2's first day checks month −3: the kept plan is warned, the cancelled one is not.
    await run(`${back(2)}-01`);
    const mine = (await api.request('GET', '/warnings?indicator=SERVICE_VISIT_MISSED&limit=100', { token: t.village })).body.items.filter((x: { householdId: string }) => x.householdId === w.householdId);
    expect(mine.map((x: { details: { serviceOrderId: string } }) => x.details.serviceOrderId)).toEqual([kept]);

    // A completed ONCE order is done: nothing to cancel.
    const once = await api.request('POST', '/service-orders', { token: t.village, body: { householdId: w.householdId, items: ['LIFE_PATROL'], organizationId: 'taoxianzi', recurrence: 'ONCE' } });
    expect((await api.request('POST', `/service-orders/${once.body.id}/visits`, { token: t.village, body: { at: new Date(Date.now() - 60_000).toISOString(), by: ['刘护士'], items: ['LIFE_PATROL'] } })).status).toBe(201);
    expect((await cancel(once.body.id, t.village!)).status).toBe(409);
  }, 120_000);
});

describe('referrals (一门受理) round-trip through the local bus', () => {
  const patient = idBorn('1990-02-02', '610630');
  const application = () => ({
    household: {
      regionCode: YICHUAN_VILLAGE,
      hukouType: 'rural',
      members: [{ name: '邓某', idNumber: patient, relation: 'self', disability: null, seriousIllness: true, laborAbility: 'none', monthlyIncome: 200 }],
      assets: { deposits: 1000, vehicles: [], properties: 1, businessRegistered: false },
      rigidExpenditure12m: { medical: 62600, education: 0, rehabilitation: 0 },
    },
    requested: ['DIBAO'],
    consent: { crossCheckAuthorized: true, signedAt: today() },
    programmes: ['MEDICAL_AID', 'LITTLE_ANGEL_FUND'],
  });
  let appId: string;

  it('an application requesting programmes: each is a ReferralCreated event (masked person, no ID), routed by the manifest rule; GET /applications/{id} lists them', async () => {
    const citizen = await api.token('citizen', undefined, `citizen-${randomUUID()}`);
    const bad = await api.request('POST', '/applications', { token: citizen, body: { ...application(), programmes: ['TIME_MACHINE'] }, headers: { 'idempotency-key': randomUUID() } });
    expect(bad.status).toBe(400);
    const res = await api.request('POST', '/applications', { token: citizen, body: application(), headers: { 'idempotency-key': randomUUID() } });
    expect(res.status).toBe(201);
    appId = res.body.id;
    t.yichuanCitizen = citizen;
    await until('both referrals routed', async () => {
      const a = await api.request('GET', `/applications/${appId}`, { token: citizen });
      return a.body.referrals?.length === 2 && a.body.referrals.every((r: { routedAt?: string }) => r.routedAt) ? a : undefined;
    });
    const app = await api.request('GET', `/applications/${appId}`, { token: citizen });
    expect(app.body.referrals.map((r: { programme: string; status: string }) => [r.programme, r.status]).sort()).toEqual([
      ['LITTLE_ANGEL_FUND', 'OPEN'],
      ['MEDICAL_AID', 'OPEN'],
    ]);
    const mine = referralEvents.filter((e) => app.body.referrals.some((r: { id: string }) => r.id === (e.detail as { referralId: string }).referralId));
    expect(mine).toHaveLength(2);
    for (const e of mine) {
      expect(e['detail-type']).toBe('ReferralCreated');
      expect(e.detail).toMatchObject({ referralId: expect.stringMatching(/^ref_/), programme: expect.any(String), department: expect.any(String), person: `${patient.slice(0, 6)}********${patient.slice(14)}`, idNumberHash: expect.any(String) });
      expect(JSON.stringify(e)).not.toContain(patient.slice(6, 14));
    }
  }, 60_000);

  it('AssistanceGranted with the referralId closes it and lands in the ledger; a grant for someone else leaves it open; the open one is overdue the day after its due date', async () => {
    const app = await api.request('GET', `/applications/${appId}`, { token: t.yichuanCitizen });
    const medical = app.body.referrals.find((r: { programme: string }) => r.programme === 'MEDICAL_AID');
    const angel = app.body.referrals.find((r: { programme: string }) => r.programme === 'LITTLE_ANGEL_FUND');
    const someoneElse = idBorn('1991-03-03', '610630');
    // Act
    await put('gov.red-cross', 'AssistanceGranted', { idNumber: someoneElse, type: 'CHARITY', amount: 5000, date: today(), department: '红十字会', referralId: angel.id });
    await put('gov.medical-insurance', 'AssistanceGranted', { idNumber: patient, type: 'MEDICAL_AID', amount: 30000, date: today(), department: '医疗保障局', referralId: medical.id, reference: 'MA-2026-1' });
    await put('gov.medical-insurance', 'AssistanceGranted', { idNumber: patient, type: 'MEDICAL_AID', amount: 30000, date: today(), department: '医疗保障局', referralId: medical.id, reference: 'MA-2026-1' });
    // Assess
    const after = await api.request('GET', `/applications/${appId}`, { token: t.yichuanCitizen });
    const state = Object.fromEntries(after.body.referrals.map((r: { programme: string; status: string }) => [r.programme, r.status]));
    expect(state).toEqual({ MEDICAL_AID: 'GRANTED', LITTLE_ANGEL_FUND: 'OPEN' });
    expect(after.body.referrals.find((r: { programme: string }) => r.programme === 'MEDICAL_AID').grant).toMatchObject({ amount: 30000, type: 'MEDICAL_AID' });
    const ledger = await api.request('GET', `/households/${after.body.householdId}/ledger?year=${today().slice(0, 4)}`, { token: t.yichuanCitizen });
    expect(ledger.status).toBe(200);
    expect(ledger.body.entries.filter((e: { type: string }) => e.type === 'MEDICAL_AID').map((e: { amount: number }) => e.amount)).toEqual([30000]);
    // overdue: the day after the due date, once; the granted one never
    const overdueIds = async () => (await api.request('GET', '/warnings?indicator=REFERRAL_OVERDUE', { token: t.admin })).body.items.map((w: { details: { referralId: string } }) => w.details.referralId);
    await run(angel.dueBy);
    expect(await overdueIds()).toEqual([]);
    const overdue = await run(addDays(angel.dueBy, 1));
    const again = await run(addDays(angel.dueBy, 1));
    expect(overdue.warningsRaised).toBeGreaterThanOrEqual(1);
    expect(again.warningsRaised).toBe(0);
    const warnings = await api.request('GET', '/warnings?indicator=REFERRAL_OVERDUE', { token: t.admin });
    expect(warnings.body.items.map((w: { details: { referralId: string } }) => w.details.referralId)).toEqual([angel.id]);
    expect((await api.request('GET', '/warnings?indicator=REFERRAL_OVERDUE&regionCode=610630', { token: t.city })).status).toBe(403);
  }, 120_000);

  it('a worker refers a household in jurisdiction (POST /referrals); another jurisdiction 403', async () => {
    const body = { householdId: hh, programmes: ['CHARITY_AID'] };
    expect((await api.request('POST', '/referrals', { token: t.otherCity, body })).status).toBe(403);
    expect((await api.request('POST', '/referrals', { token: t.citizen, body })).status).toBe(403);
    const res = await api.request('POST', '/referrals', { token: t.village, body });
    expect(res.status).toBe(201);
    const again = await api.request('POST', '/referrals', { token: t.village, body });
    expect(again.body.items[0].id).toBe(res.body.items[0].id);
    expect((await auditTrail(`REFERRAL#${res.body.items[0].id}`)).map((a) => a.action)).toEqual(['REFERRAL_OPENED']);
  });
});

describe('the chain of help (救助链) and development-type help', () => {
  it('GET /households/{id}/help-chain: entitlements, referrals, service orders, warnings in one view; jurisdiction', async () => {
    const res = await api.request('GET', `/households/${hh}/help-chain`, { token: t.town });
    expect(res.status).toBe(200);
    const kinds = res.body.items.map((i: { layer: string; kind: string }) => `${i.layer}:${i.kind}`);
    expect(kinds).toEqual(expect.arrayContaining(['BASIC:ENTITLEMENT', 'SERVICES:SERVICE_ORDER', 'CHARITY:REFERRAL']));
    expect(res.body.warnings.map((w: { indicator: string }) => w.indicator)).toContain('SERVICE_VISIT_MISSED');
    expect(res.text).not.toContain(tekunHead.slice(6, 14));
    expect((await api.request('GET', `/households/${hh}/help-chain`, { token: t.otherCity })).status).toBe(403);
    expect((await api.request('GET', `/households/${hh}/help-chain`, { token: t.citizen })).status).toBe(404);
  });

  it('SkillCertificateObtained for a member of a monitored 宁阳 household grants 600 yuan once per certificate; elsewhere nothing', async () => {
    const student = idBorn('2004-09-09', '370921');
    const ningyang = await writeHousehold(household([member(student, { laborAbility: 'full', monthlyIncome: 0, inSchool: true })], { regionCode: NINGYANG_VILLAGE, supporters: [] }), APPROVED_AT, { categories: ['DIBAO'] });
    const other = idBorn('2004-10-10');
    const zhouzhi = await writeHousehold(household([member(other, { laborAbility: 'full', monthlyIncome: 0, inSchool: true })], { supporters: [] }), APPROVED_AT, { categories: ['DIBAO'] });
    const cert = { idNumber: student, certificateId: 'JSZG-2026-0001', certificate: '教师资格证', obtainedOn: today() };
    // Act
    await put('gov.human-resources', 'SkillCertificateObtained', cert);
    await put('gov.human-resources', 'SkillCertificateObtained', { ...cert, obtainedOn: addDays(today(), -40) });
    await put('gov.human-resources', 'SkillCertificateObtained', { ...cert, idNumber: other });
    // Assess
    const year = today().slice(0, 4);
    const entriesOf = async (id: string) => (await api.request('GET', `/households/${id}/ledger?year=${year}`, { token: t.admin })).body.entries.filter((e: { type: string }) => e.type === 'SKILL_CERTIFICATE_GRANT');
    expect((await entriesOf(ningyang.householdId)).map((e: { amount: number }) => e.amount)).toEqual([600]);
    expect(await entriesOf(zhouzhi.householdId)).toEqual([]);
  }, 60_000);
});
