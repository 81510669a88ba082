import { createHash } from 'node:crypto';
import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { AppError, forbidden, notFound, validationFailed, conflict } from '../commons/errors.ts';
import { httpHandler, routeGroup, type Caller } from '../commons/http.ts';
import { regionScope, seesEverywhere } from '../commons/jurisdiction.ts';
import { pageQuery, pageSchema } from '../commons/pagination.ts';
import { idHash, withIdHashKey } from '../commons/id-hash.ts';
import { getApplication } from '../adapters/applications-table.ts';
import { entitlementsOf, householdProfile, membersOf, type HouseholdProfile } from '../adapters/households-table.ts';
import { ledgerOf } from '../adapters/ledger-table.ts';
import { getWarning, listWarnings } from '../adapters/monitoring-table.ts';
import {
  cancelOrder,
  createOrder,
  getOrder,
  getOrganization,
  linkOf,
  listOrders,
  listOrganizations,
  ordersOf,
  putOrganization,
  recordVisit,
  referralsOf,
  visitId,
  visitsOf,
  type OrderRecord,
  type OrganizationRecord,
  type VisitRecord,
} from '../adapters/services-table.ts';
import { covers, jurisdictionOf } from '../domain/access.ts';
import { fenToYuan } from '../domain/benefits.ts';
import { TYPE_LABELS } from '../domain/ledger.ts';
import { maskId } from '../domain/resident-id.ts';
import {
  firstUnvisited,
  monthChecked,
  orderBody,
  organizationBody,
  organizationIdSchema,
  ORGANIZATION_KINDS,
  PROGRAMMES,
  programme,
  programmesField,
  regionPrefixSchema,
  serviceCatalog,
  shanghaiDay,
  visitBody,
  visitCheckDue,
  VISITED_MONTHS_KEPT,
} from '../domain/services.ts';
import { citizenMaySee } from '../services/household-access.ts';
import { openReferrals, referralView } from '../services/services.ts';

/**
 * Services and resource linking (服务类救助, 社会组织资源链接): the service catalogue, organizations,
 * service orders and their visits, the programme catalogue, worker referrals, and a household's
 * chain of help (救助链). Reviewers act inside their jurisdiction (region-code prefix).
 */
const WORKERS = ['village', 'town', 'city'] as const;
const READERS = ['village', 'town', 'city', 'admin', 'monitor'] as const;

/** Reviewers see their jurisdiction; admin and monitor everything. */
function mayRead(caller: Caller, region: string): boolean {
  return seesEverywhere(caller) || covers(caller, region);
}

// ---------------------------------------------------------------- response shapes (OpenAPI)

const catalogSchema = z.object({
  categories: z.array(z.object({ code: z.string(), name: z.string(), source: z.enum(['article', 'assumed']) })),
  items: z.array(z.object({ code: z.string(), category: z.string(), categoryCode: z.string(), name: z.string() })),
  source: z.string(),
});
const programmeSchema = z.object({ code: z.string(), department: z.string(), departmentSource: z.string(), name: z.string(), gives: z.string(), dueDays: z.number(), source: z.enum(['article', 'assumed']) });
const organizationSchema = z.object({ id: z.string(), name: z.string(), kind: z.enum(ORGANIZATION_KINDS), regionCode: z.string(), services: z.array(z.string()), members: z.number().optional(), contact: z.string().optional(), createdAt: z.string(), updatedAt: z.string() }).loose();
const visitSchema = z.object({ id: z.string(), orderId: z.string(), at: z.string(), by: z.array(z.string()), items: z.array(z.string()), notes: z.string(), recordedAt: z.string(), recordedBy: z.string() });
const orderSchema = z
  .object({ id: z.string(), householdId: z.string(), regionCode: z.string(), organizationId: z.string(), organizationName: z.string(), items: z.array(z.string()), recurrence: z.enum(['ONCE', 'MONTHLY']), status: z.enum(['ACTIVE', 'COMPLETED', 'CANCELLED']), cancelled: z.object({ at: z.string(), by: z.string(), reason: z.string() }).optional(), fromWarningId: z.string().optional(), since: z.string().optional(), createdAt: z.string(), visitCount: z.number(), lastVisitAt: z.string().optional(), person: z.string(), visits: z.array(visitSchema.omit({ orderId: true })).optional() })
  .loose();
export const referralSchema = z
  .object({ id: z.string(), programme: z.string(), name: z.string().optional(), department: z.string(), status: z.enum(['OPEN', 'GRANTED', 'DECLINED']), person: z.string(), householdId: z.string(), applicationId: z.string().optional(), openedAt: z.string(), dueBy: z.string(), routedAt: z.string().optional(), grantedAt: z.string().optional(), grant: z.object({ amount: z.number(), date: z.string(), type: z.string(), department: z.string(), source: z.string() }).optional() })
  .loose();
const helpChainSchema = z.object({
  householdId: z.string(),
  regionCode: z.string(),
  members: z.array(z.object({ person: z.string(), relation: z.string(), deceasedOn: z.string().optional() })),
  year: z.number(),
  items: z.array(z.object({ layer: z.enum(['BASIC', 'SPECIAL', 'CHARITY', 'SERVICES']), kind: z.enum(['ENTITLEMENT', 'GRANT', 'REFERRAL', 'SERVICE_ORDER']) }).loose()),
  stacked: z.number(),
  ledgerTotal: z.number(),
  warnings: z.array(z.object({ id: z.string(), indicator: z.string(), status: z.string(), raisedAt: z.string(), outcome: z.string().optional() })),
});

// ---------------------------------------------------------------- catalogues

export const catalog = httpHandler({ query: z.strictObject({}), response: catalogSchema, summary: 'The service catalogue: 8 categories, 16 items (服务类救助)' }, async () => ({ status: 200, body: serviceCatalog() }));

export const programmes = httpHandler({ query: z.strictObject({ department: z.string().trim().max(100).optional() }), response: pageSchema(programmeSchema), summary: 'The one-window catalogue of other departments’ programmes (一门受理)' }, async ({ query }) => {
  const items = PROGRAMMES.filter((p) => !query.department || p.department.includes(query.department)).map((p) => ({
    code: p.code,
    department: p.department,
    departmentSource: p.source,
    name: p.name,
    gives: p.gives,
    dueDays: p.dueDays,
    source: p.sourced ? 'article' : 'assumed',
  }));
  return { status: 200, body: { items, nextCursor: null } };
});

// ---------------------------------------------------------------- organizations

export const putOrg = httpHandler({ roles: ['admin', 'city'], params: z.strictObject({ id: organizationIdSchema }), body: organizationBody, response: organizationSchema, summary: 'Create or replace an organization (social organization, service team, rapid-response team, station, charity)' }, async ({ caller, params, body }) => {
  if (caller.role === 'city' && !covers(caller, body.regionCode)) throw forbidden(`region ${body.regionCode} is outside your jurisdiction ${jurisdictionOf(caller) ?? ''}`);
  const existing = await getOrganization(params.id);
  if (existing && caller.role === 'city' && !covers(caller, existing.regionCode)) throw forbidden('this organization is outside your jurisdiction');
  const at = new Date(nowMs()).toISOString();
  const org: OrganizationRecord = {
    id: params.id,
    name: body.name,
    kind: body.kind,
    regionCode: body.regionCode,
    services: body.services,
    ...(body.members !== undefined ? { members: body.members } : {}),
    ...(body.contact ? { contact: body.contact } : {}),
    createdAt: at,
    updatedAt: at,
    updatedBy: caller.sub,
  };
  await putOrganization(org, caller);
  return { status: 200, body: { ...org, createdAt: existing?.createdAt ?? at } };
});

export const getOrg = httpHandler({ params: z.strictObject({ id: organizationIdSchema }), response: organizationSchema, summary: 'One organization' }, async ({ params }) => {
  const org = await getOrganization(params.id);
  if (!org) throw notFound(`organization ${params.id} not found`);
  return { status: 200, body: org };
});

export const listOrgs = httpHandler(
  { query: z.strictObject({ regionCode: regionPrefixSchema.optional(), kind: z.enum(ORGANIZATION_KINDS).optional(), ...pageQuery }), response: pageSchema(organizationSchema), summary: 'Organizations under a region prefix, by kind, paged' },
  async ({ caller, query }) => {
    const prefix = query.regionCode ?? jurisdictionOf(caller);
    if (!prefix) throw validationFailed('regionCode is required', [{ path: 'regionCode', message: 'give a region code of 2, 4, 6, 9 or 12 digits' }]);
    const page = await listOrganizations(prefix, query.kind, query.limit, query.cursor);
    return { status: 200, body: page };
  },
);

// ---------------------------------------------------------------- orders and visits

function headOf(profile: HouseholdProfile): { idNumber: string } | undefined {
  const members = ((profile.household as { members?: { idNumber?: unknown; relation?: unknown }[] }).members ?? []).filter((m) => typeof m?.idNumber === 'string') as { idNumber: string; relation?: string }[];
  return members.find((m) => m.relation === 'self') ?? members[0];
}

async function householdFor(caller: Caller, householdId: string, path = 'householdId'): Promise<HouseholdProfile> {
  const profile = await householdProfile(householdId);
  if (!profile) throw notFound(`household ${householdId} not found`);
  if (!covers(caller, profile.regionCode)) throw forbidden(`household ${householdId} is outside your jurisdiction (${path})`);
  return profile;
}

const unprocessable = (message: string, path: string) => new AppError('UNPROCESSABLE', message, [{ path, message }]);

function orderView(o: OrderRecord & { version?: number }, visits?: VisitRecord[]) {
  const { personHash: _h, ...rest } = o;
  return { ...rest, ...(visits ? { visits: visits.map(({ orderId: _o, ...v }) => v) } : {}) };
}

export const createOrderRoute = httpHandler({ roles: WORKERS, body: orderBody, status: 201, response: orderSchema, summary: 'A service order for a household (from a case, a household or a warning), once or monthly' }, async ({ caller, body }) => {
  const profile = await householdFor(caller, body.householdId);
  const org = await getOrganization(body.organizationId);
  if (!org) throw unprocessable(`organization ${body.organizationId} not found`, 'organizationId');
  if (!profile.regionCode.startsWith(org.regionCode)) throw unprocessable(`${org.name} (${org.regionCode}) does not serve region ${profile.regionCode}`, 'organizationId');
  const missing = org.services.length ? body.items.filter((i) => !org.services.includes(i)) : [];
  if (missing.length) throw unprocessable(`${org.name} does not give ${missing.join(', ')}`, 'items');
  if (body.fromWarningId) {
    const w = await getWarning(body.fromWarningId);
    if (!w || (w.householdId && w.householdId !== body.householdId)) throw unprocessable(`warning ${body.fromWarningId} is not a warning of this household`, 'fromWarningId');
  }
  const head = headOf(profile);
  if (!head) throw unprocessable('the household has no members on record', 'householdId');
  const at = new Date(nowMs()).toISOString();
  if (body.since && (body.since > shanghaiDay(at) || body.since < `${Number(shanghaiDay(at).slice(0, 4)) - 2}${shanghaiDay(at).slice(4)}`)) throw validationFailed('since must lie within the last two years', [{ path: 'since', message: 'not in the future, at most two years back' }]);
  const id = `so_${createHash('sha256').update(`${caller.sub}|${at}|${body.householdId}|${body.organizationId}|${Math.random()}`).digest('base64url').slice(0, 22)}`;
  const order: OrderRecord = {
    id,
    householdId: body.householdId,
    regionCode: profile.regionCode,
    organizationId: org.id,
    organizationName: org.name,
    items: body.items,
    recurrence: body.recurrence,
    status: 'ACTIVE',
    ...(body.fromWarningId ? { fromWarningId: body.fromWarningId } : {}),
    ...(body.notes ? { notes: body.notes } : {}),
    ...(body.since ? { since: body.since } : {}),
    createdAt: at,
    createdBy: caller.sub,
    visitCount: 0,
    person: maskId(head.idNumber.toUpperCase()),
    personHash: idHash(head.idNumber),
  };
  // A MONTHLY order is checked from the month it is placed (or its plan began): each calendar month needs a visit.
  await createOrder(order, body.recurrence === 'MONTHLY' ? visitCheckDue(profile.regionCode, (body.since ?? shanghaiDay(at)).slice(0, 7)) : undefined, caller);
  return { status: 201, body: orderView(order) };
});

const orderParams = z.strictObject({ id: z.string().regex(/^so_[A-Za-z0-9_-]{10,40}$/, 'not a service order id') });

async function orderFor(caller: Caller, id: string, write: boolean) {
  const order = await getOrder(id);
  if (!order) throw notFound(`service order ${id} not found`);
  if (write ? !covers(caller, order.regionCode) : !mayRead(caller, order.regionCode)) throw forbidden('this service order is outside your jurisdiction');
  return order;
}

export const getOrderRoute = httpHandler({ roles: READERS, params: orderParams, response: orderSchema, summary: 'One service order with its visits' }, async ({ caller, params }) => {
  const order = await orderFor(caller, params.id, false);
  return { status: 200, body: orderView(order, await visitsOf(order.id)) };
});

export const addVisit = httpHandler({ roles: WORKERS, params: orderParams, body: visitBody, status: 201, response: visitSchema, summary: 'Record a visit (who, when, which items, notes); the same visit twice is one visit (200)' }, async ({ caller, params, body }) => {
  const now = nowMs();
  const atMs = Date.parse(body.at);
  if (atMs > now + 5 * 60_000) throw validationFailed('a visit cannot be in the future', [{ path: 'at', message: 'must not be later than now' }]);
  const at = new Date(atMs).toISOString();
  for (let attempt = 0; attempt < 4; attempt++) {
    const order = await orderFor(caller, params.id, true);
    if (order.status !== 'ACTIVE') throw conflict(`service order is ${order.status}`);
    const start = order.since ?? shanghaiDay(order.createdAt);
    if (shanghaiDay(at) < start) throw validationFailed('a visit cannot precede its order', [{ path: 'at', message: `the order (or its plan) began on ${start}` }]);
    const extra = body.items.filter((i) => !order.items.includes(i));
    if (extra.length) throw validationFailed('items not in the order', extra.map((i) => ({ path: 'items', message: `${i} is not one of the order's items` })));
    const link = await linkOf(order.householdId, 'ORDER', order.id);
    const readDueOn = typeof link?.dueOn === 'string' ? link.dueOn : undefined;
    const visitMonth = shanghaiDay(at).slice(0, 7);
    const visited = [...new Set([...((link?.visitedMonths as string[] | undefined) ?? []), visitMonth])].sort().slice(-VISITED_MONTHS_KEPT);
    let next: ReturnType<typeof visitCheckDue> | undefined;
    if (order.recurrence === 'MONTHLY' && readDueOn) {
      // The check moves over visited months only: a month left out stays due.
      const candidate = visitCheckDue(order.regionCode, firstUnvisited(monthChecked(readDueOn), visited));
      if (candidate.dueOn > readDueOn) next = candidate;
    }
    const visit: VisitRecord = { id: visitId(order.id, at, body.by, body.items), orderId: order.id, at, by: body.by, items: body.items, notes: body.notes, recordedAt: new Date(now).toISOString(), recordedBy: caller.sub };
    const res = await recordVisit(order, visit, readDueOn, next, caller, order.recurrence === 'ONCE', visited);
    if (res.status === 'retry') continue;
    const { orderId: _o, ...v } = res.visit;
    return { status: res.status === 'created' ? 201 : 200, body: { ...v, orderId: order.id } };
  }
  throw conflict('the order changed while the visit was being recorded; try again');
});

const cancelBody = z.strictObject({ reason: z.string().trim().min(1, 'a cancellation needs its reason').max(2000) });

export const cancelOrderRoute = httpHandler({ roles: WORKERS, params: orderParams, body: cancelBody, response: orderSchema, summary: 'Cancel an ACTIVE order with its reason (a worker whose jurisdiction covers it), audited; its monthly visit checks stop' }, async ({ caller, params, body }) => {
  const order = await orderFor(caller, params.id, true);
  if (order.status !== 'ACTIVE') throw conflict(`service order is ${order.status}`);
  const cancelled = { at: new Date(nowMs()).toISOString(), by: caller.sub, reason: body.reason };
  if (!(await cancelOrder(order, cancelled, caller.role))) {
    const now = await getOrder(order.id);
    throw conflict(now && now.status !== 'ACTIVE' ? `service order is ${now.status}` : 'the order changed while it was being cancelled; try again');
  }
  return { status: 200, body: orderView({ ...order, version: order.version + 1, status: 'CANCELLED', cancelled }) };
});

export const listOrdersRoute = httpHandler(
  {
    roles: READERS,
    query: z.strictObject({
      householdId: z.string().regex(/^hh_[A-Za-z0-9_-]{8,64}$/, 'not a household id').optional(),
      organizationId: organizationIdSchema.optional(),
      status: z.enum(['ACTIVE', 'COMPLETED', 'CANCELLED']).optional(),
      regionCode: regionPrefixSchema.optional(),
      ...pageQuery,
    }),
    response: pageSchema(orderSchema),
    summary: 'Service orders by household, organization, status or region, paged, in the jurisdiction',
  },
  async ({ caller, query }) => {
    const prefix = regionScope(caller, query.regionCode);
    if (!prefix && !query.householdId && !query.organizationId) throw validationFailed('say which orders', [{ path: 'regionCode', message: 'give regionCode, householdId or organizationId' }]);
    const page = await listOrders({ householdId: query.householdId, organizationId: query.organizationId, status: query.status, prefix }, query.limit, query.cursor);
    return { status: 200, body: { items: page.items.map((o) => orderView(o)), nextCursor: page.nextCursor } };
  },
);

// ---------------------------------------------------------------- referrals by a worker

const referralBody = z.strictObject({
  householdId: z.string().regex(/^hh_[A-Za-z0-9_-]{8,64}$/, 'not a household id'),
  programmes: programmesField.min(1, 'refer to at least one programme'),
});

export const createReferrals = httpHandler({ roles: WORKERS, body: referralBody, status: 201, response: pageSchema(referralSchema), summary: 'Refer a household in the jurisdiction to programmes (ReferralCreated on the bus)' }, async ({ caller, body }) => {
  const profile = await householdFor(caller, body.householdId);
  const head = headOf(profile);
  if (!head) throw unprocessable('the household has no members on record', 'householdId');
  const refs = await openReferrals({ householdId: profile.householdId, regionCode: profile.regionCode, idNumber: head.idNumber, programmes: body.programmes, by: caller });
  return { status: 201, body: { items: refs.map(referralView), nextCursor: null } };
});

// ---------------------------------------------------------------- the chain of help (救助链)

const LAYER_OF_PROGRAMME_TYPE = (type: string) => (['CHARITY'].includes(type) ? 'CHARITY' : 'SPECIAL');
const BASIC = new Set(['DIBAO', 'TEKUN', 'DIBAO_EDGE', 'RIGID_EXPENDITURE', 'ORPHAN', 'DISABILITY_LIVING_SUBSIDY', 'DISABILITY_CARE_SUBSIDY', 'TEMPORARY']);

/** API.md v2 "Who may see a household": reviewers in jurisdiction, admin, monitor; a citizen who is a member (verified idNumber) or submitted its case. */
async function mayReadHousehold(caller: Caller, profile: HouseholdProfile): Promise<boolean> {
  if (mayRead(caller, profile.regionCode)) return true;
  if (caller.role !== 'citizen') return false;
  if (await citizenMaySee(caller, profile.householdId)) return true;
  const app = await getApplication(profile.applicationId);
  return !!app && app.ownerSub === caller.sub;
}

/**
 * Everything a household gets, in one view, in the order of the chain: basic assistance
 * (民政基本救助: entitlements), special assistance (行业专项救助: referrals to departments and their
 * grants), charity and social help (社会慈善帮扶), and services (orders and visits); with the
 * warnings that started them.
 */
export const helpChain = httpHandler({ params: z.strictObject({ id: z.string().regex(/^hh_[A-Za-z0-9_-]{8,64}$/, 'not a household id') }), query: z.strictObject({ year: z.string().regex(/^\d{4}$/).optional() }), response: helpChainSchema, summary: 'The household’s chain of help (救助链): entitlements, referrals and grants, charity, services, warnings' }, async ({ caller, params, query }) => {
  const profile = await householdProfile(params.id);
  if (!profile || !(await mayReadHousehold(caller, profile))) {
    if (!profile || caller.role === 'citizen') throw notFound(`household ${params.id} not found`);
    throw forbidden('this household is outside your jurisdiction');
  }
  const year = Number(query.year ?? new Date(nowMs() + 8 * 3600_000).toISOString().slice(0, 4));
  const [ents, members, ledger, refs, orders, warnings] = await Promise.all([
    entitlementsOf(params.id),
    membersOf(params.id),
    ledgerOf(params.id, year),
    referralsOf(params.id),
    ordersOf(params.id),
    listWarnings({ prefix: profile.regionCode, limit: 10_000 }).then((ws) => ws.filter((w) => w.householdId === params.id)),
  ]);
  const grants = ledger.filter((e) => e.kind === 'grant');
  const byRef = new Map(refs.map((r) => [r.id, r]));
  const specialAndCharity = refs.map((r) => ({ layer: LAYER_OF_PROGRAMME_TYPE(programme(r.programme)?.ledgerType ?? ''), ...referralView(r) }));
  const items = [
    ...ents.map((e) => ({ layer: 'BASIC', kind: 'ENTITLEMENT', code: e.category, name: TYPE_LABELS[e.category] ?? e.category, status: e.status, monthlyAmount: fenToYuan(e.monthlyAmountFen), from: e.startMonth, ...(e.endMonth ? { until: e.endMonth } : {}) })),
    ...grants.filter((g) => BASIC.has(g.type) && !(g.referralId && byRef.has(g.referralId))).map((g) => ({ layer: 'BASIC', kind: 'GRANT', code: g.type, name: TYPE_LABELS[g.type] ?? g.type, date: g.date, amount: fenToYuan(g.amountFen), department: g.department })),
    ...specialAndCharity.map((r) => ({ kind: 'REFERRAL', ...r })),
    ...grants.filter((g) => !BASIC.has(g.type) && !(g.referralId && byRef.has(g.referralId))).map((g) => ({ layer: g.type === 'CHARITY' ? 'CHARITY' : 'SPECIAL', kind: 'GRANT', code: g.type, name: TYPE_LABELS[g.type] ?? g.type, date: g.date, amount: fenToYuan(g.amountFen), department: g.department })),
    ...orders.map((o) => ({ layer: 'SERVICES', kind: 'SERVICE_ORDER', ...orderView(o) })),
  ];
  const totalFen = ledger.reduce((a, e) => a + e.amountFen, 0);
  return {
    status: 200,
    body: {
      householdId: params.id,
      regionCode: profile.regionCode,
      members: members.map((m) => ({ person: m.maskedId, relation: m.relation, ...(m.deceasedOn ? { deceasedOn: m.deceasedOn } : {}) })),
      year,
      items,
      stacked: items.filter((i) => i.kind === 'ENTITLEMENT' || i.kind === 'GRANT' || (i.kind === 'REFERRAL' && 'status' in i && i.status === 'GRANTED')).length,
      ledgerTotal: fenToYuan(totalFen),
      warnings: warnings.map((w) => ({ id: w.id, indicator: w.indicator, status: w.status, raisedAt: w.raisedAt, ...(w.outcome ? { outcome: w.outcome } : {}) })),
    },
  };
});

export const handler = withIdHashKey(
  routeGroup({
    'GET /services/catalog': catalog,
    'GET /programmes': programmes,
    'PUT /organizations/{id}': putOrg,
    'GET /organizations/{id}': getOrg,
    'GET /organizations': listOrgs,
    'POST /service-orders': createOrderRoute,
    'GET /service-orders': listOrdersRoute,
    'GET /service-orders/{id}': getOrderRoute,
    'POST /service-orders/{id}/visits': addVisit,
    'POST /service-orders/{id}/cancel': cancelOrderRoute,
    'POST /referrals': createReferrals,
    'GET /households/{id}/help-chain': helpChain,
  }),
);

