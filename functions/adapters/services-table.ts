import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { auditItem } from './audit-table.ts';
import { documentClient, tableNameFrom, transactOrFalse } from './dynamo.ts';
import { keyAttrs, queryAll, queryPage, type PageResult } from '../commons/pagination.ts';
import type { DueMarks } from '../domain/monitoring.ts';
import type { OrganizationKind, OrderStatus, ReferralStatus } from '../domain/services.ts';

/**
 * The Services table (services, organizations, referrals):
 *   pk = ORG#<id>,    sk = ORG                 an organization (GSI byRegion)
 *   pk = ORDER#<id>,  sk = ORDER               a service order (GSIs byRegion, byHousehold, byOrganization)
 *   pk = ORDER#<id>,  sk = VISIT#<at>#<id>     a visit record
 *   pk = REF#<id>,    sk = REF                 a referral to another department's programme (GSI byHousehold)
 *
 * What monitoring needs of orders and referrals also sits in the Households table, beside the
 * household's other items, written in the same transaction:
 *   pk = HH#<householdId>, sk = LINK#ORDER#<id> | LINK#REF#<id>
 * carrying the next dated check in the sparse `dueByCounty` index (a month without a visit, a
 * referral past its due date), so the daily run reads them from the index it already reads, and
 * the monthly re-evaluation sees a household's open referrals in the same Scan.
 */
const table = () => tableNameFrom('SERVICES_TABLE');
const households = () => tableNameFrom('HOUSEHOLDS_TABLE');

const conditionFailed = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';

// ---------------------------------------------------------------- paging (functions/commons/pagination.ts)

export type Page<T> = PageResult<T>;

const send = (cmd: QueryCommand) => documentClient().send(cmd);

/** One page of a list (a filter may leave a DynamoDB page short: it reads on); `keys` name the table's and the index's key attributes. */
async function page<T>(input: QueryCommandInput, limit: number, cursor: string | undefined, keys: string[]): Promise<Page<T>> {
  const res = await queryPage(send, input, { limit, cursor }, keyAttrs(...keys));
  return { items: res.items.map((i) => strip(i) as unknown as T), nextCursor: res.nextCursor };
}

const strip = (item: Record<string, unknown>) => {
  const { pk: _pk, sk: _sk, regionPk: _rp, regionSort: _rs, hhKey: _hk, hhSort: _hs, orgKey: _ok, orgSort: _os, version: _v, ...rest } = item;
  return rest;
};

// ---------------------------------------------------------------- organizations

export interface OrganizationRecord {
  id: string;
  name: string;
  kind: OrganizationKind;
  regionCode: string;
  services: string[];
  members?: number;
  contact?: string;
  createdAt: string;
  updatedAt: string;
  updatedBy: string;
}

/** Creates or replaces an organization, audited in the same transaction. Returns whether it was new. */
export async function putOrganization(org: OrganizationRecord, by: { sub: string; role: string }): Promise<boolean> {
  const existing = await getOrganization(org.id);
  const record = { ...org, createdAt: existing?.createdAt ?? org.createdAt };
  await documentClient().send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table(), Item: { pk: `ORG#${org.id}`, sk: 'ORG', ...record, regionPk: `ORG#${org.regionCode.slice(0, 2)}`, regionSort: `${org.regionCode}#${org.kind}#${org.id}` } } },
        auditItem({ entity: `ORGANIZATION#${org.id}`, action: existing ? 'ORGANIZATION_UPDATED' : 'ORGANIZATION_CREATED', by: by.sub, role: by.role, at: org.updatedAt, detail: { name: org.name, kind: org.kind, regionCode: org.regionCode, services: org.services } }),
      ],
    }),
  );
  return !existing;
}

export async function getOrganization(id: string): Promise<OrganizationRecord | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `ORG#${id}`, sk: 'ORG' }, ConsistentRead: true }));
  return res.Item ? (strip(res.Item) as unknown as OrganizationRecord) : undefined;
}

/** Organizations under a region prefix (≥ 2 digits), optionally of one kind. */
export function listOrganizations(prefix: string, kind: string | undefined, limit: number, cursor?: string): Promise<Page<OrganizationRecord>> {
  return page<OrganizationRecord>(
    {
      TableName: table(),
      IndexName: 'byRegion',
      KeyConditionExpression: 'regionPk = :p AND begins_with(regionSort, :s)',
      ExpressionAttributeValues: { ':p': `ORG#${prefix.slice(0, 2)}`, ':s': prefix, ...(kind ? { ':k': kind } : {}) },
      ...(kind ? { FilterExpression: 'kind = :k' } : {}),
    },
    limit,
    cursor,
    ['pk', 'sk', 'regionPk', 'regionSort'],
  );
}

/** The rapid-response teams of these villages (one query per village; a village has one or two). */
export async function rapidResponseTeams(villages: readonly string[]): Promise<Map<string, OrganizationRecord>> {
  const out = new Map<string, OrganizationRecord>();
  await Promise.all(
    [...new Set(villages)].filter((v) => v.length === 12).map(async (v) => {
      const res = await documentClient().send(
        new QueryCommand({
          TableName: table(),
          IndexName: 'byRegion',
          KeyConditionExpression: 'regionPk = :p AND begins_with(regionSort, :s)',
          ExpressionAttributeValues: { ':p': `ORG#${v.slice(0, 2)}`, ':s': `${v}#RAPID_RESPONSE_TEAM#` },
        }),
      );
      const teams = (res.Items ?? []).map((i) => strip(i) as unknown as OrganizationRecord).sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
      if (teams[0]) out.set(v, teams[0]);
    }),
  );
  return out;
}

// ---------------------------------------------------------------- orders and visits

export interface OrderRecord {
  id: string;
  householdId: string;
  regionCode: string;
  organizationId: string;
  organizationName: string;
  items: string[];
  recurrence: 'ONCE' | 'MONTHLY';
  status: OrderStatus;
  fromWarningId?: string;
  notes?: string;
  createdAt: string;
  createdBy: string;
  visitCount: number;
  lastVisitAt?: string;
  /** A care plan that began before the order was placed: its months are checked from then. */
  since?: string;
  /** The person the order's warnings name (the household's head), masked and hashed. */
  person: string;
  personHash: string;
  /** Why, when and by whom an ACTIVE order was cancelled. */
  cancelled?: { at: string; by: string; reason: string };
}

const orderIndexKeys = (o: OrderRecord) => ({
  regionPk: `ORDER#${o.regionCode.slice(0, 2)}`,
  regionSort: `${o.regionCode}#${o.createdAt}#${o.id}`,
  hhKey: `HH#${o.householdId}`,
  hhSort: `ORDER#${o.createdAt}#${o.id}`,
  orgKey: `ORG#${o.organizationId}`,
  orgSort: `${o.createdAt}#${o.id}`,
});

const dueAttrs = (d: DueMarks | undefined) => (d ? { dueKey: d.dueKey, dueOn: d.dueOn, dueKinds: d.dueKinds } : {});

/** Order, its household link (with the first visit check of a MONTHLY order) and the audit record, together. */
export async function createOrder(o: OrderRecord, firstCheck: DueMarks | undefined, by: { sub: string; role: string }): Promise<void> {
  await documentClient().send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: table(), Item: { pk: `ORDER#${o.id}`, sk: 'ORDER', ...o, ...orderIndexKeys(o), version: 1 }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: households(),
            Item: { pk: `HH#${o.householdId}`, sk: `LINK#ORDER#${o.id}`, kind: 'ORDER', orderId: o.id, householdId: o.householdId, regionCode: o.regionCode, organizationId: o.organizationId, items: o.items, recurrence: o.recurrence, status: o.status, idHash: o.personHash, maskedId: o.person, ...dueAttrs(firstCheck) },
          },
        },
        auditItem({ entity: `SERVICE_ORDER#${o.id}`, action: 'SERVICE_ORDER_CREATED', by: by.sub, role: by.role, at: o.createdAt, detail: { householdId: o.householdId, organizationId: o.organizationId, items: o.items, recurrence: o.recurrence, ...(o.fromWarningId ? { fromWarningId: o.fromWarningId } : {}) } }),
      ],
    }),
  );
}

/**
 * ACTIVE → CANCELLED with its reason, the household link out of the dated checks (no missed-visit
 * warning after), and the audit record, in one transaction. False when the order is not ACTIVE.
 */
export async function cancelOrder(order: OrderRecord, cancelled: NonNullable<OrderRecord['cancelled']>, role: string): Promise<boolean> {
  return transactOrFalse([
    {
      Update: {
        TableName: table(),
        Key: { pk: `ORDER#${order.id}`, sk: 'ORDER' },
        UpdateExpression: 'SET #st = :c, cancelled = :cx, version = version + :one',
        ConditionExpression: '#st = :active',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: { ':c': 'CANCELLED', ':cx': cancelled, ':one': 1, ':active': 'ACTIVE' },
      },
    },
    {
      Update: {
        TableName: households(),
        Key: { pk: `HH#${order.householdId}`, sk: `LINK#ORDER#${order.id}` },
        UpdateExpression: 'SET #st = :c REMOVE dueKey, dueOn, dueKinds',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: { ':c': 'CANCELLED' },
      },
    },
    auditItem({ entity: `SERVICE_ORDER#${order.id}`, action: 'SERVICE_ORDER_CANCELLED', by: cancelled.by, role, at: cancelled.at, reason: cancelled.reason, detail: { householdId: order.householdId, organizationId: order.organizationId, visitCount: order.visitCount } }),
  ]);
}

export async function getOrder(id: string): Promise<(OrderRecord & { version: number }) | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `ORDER#${id}`, sk: 'ORDER' }, ConsistentRead: true }));
  if (!res.Item) return undefined;
  return { ...(strip(res.Item) as unknown as OrderRecord), version: Number(res.Item.version ?? 1) };
}

export interface VisitRecord {
  id: string;
  orderId: string;
  at: string;
  by: string[];
  items: string[];
  notes: string;
  recordedAt: string;
  recordedBy: string;
}

export async function visitsOf(orderId: string): Promise<VisitRecord[]> {
  const items = await queryAll(send, { TableName: table(), KeyConditionExpression: 'pk = :p AND begins_with(sk, :v)', ExpressionAttributeValues: { ':p': `ORDER#${orderId}`, ':v': 'VISIT#' }, ConsistentRead: true });
  return items.map((i) => strip(i) as unknown as VisitRecord);
}

/** A visit's id is its content's: the same visit posted twice is one visit. */
export function visitId(orderId: string, at: string, by: readonly string[], items: readonly string[]): string {
  return `v_${createHash('sha256').update(JSON.stringify([orderId, Date.parse(at), [...by].sort(), [...items].sort()])).digest('base64url').slice(0, 22)}`;
}

export async function linkOf(householdId: string, kind: 'ORDER' | 'REF', id: string): Promise<Record<string, unknown> | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: households(), Key: { pk: `HH#${householdId}`, sk: `LINK#${kind}#${id}` }, ConsistentRead: true }));
  return res.Item;
}

export type VisitOutcome = { status: 'created'; visit: VisitRecord } | { status: 'exists'; visit: VisitRecord } | { status: 'retry' };

/**
 * Visit, order counters and the household link's next check, in one transaction. The check
 * moves only forward (`nextCheck` is computed by the caller from what it read; the condition
 * makes a concurrent move retry).
 */
export async function recordVisit(order: OrderRecord & { version: number }, v: VisitRecord, readDueOn: string | undefined, nextCheck: DueMarks | undefined, by: { sub: string; role: string }, complete = false, visitedMonths: string[] = []): Promise<VisitOutcome> {
  const lastVisitAt = order.lastVisitAt && order.lastVisitAt > v.at ? order.lastVisitAt : v.at;
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table(), Item: { pk: `ORDER#${order.id}`, sk: `VISIT#${v.at}#${v.id}`, ...v }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: table(),
              Key: { pk: `ORDER#${order.id}`, sk: 'ORDER' },
              // A ONCE order is done with its visit.
              UpdateExpression: `SET visitCount = visitCount + :one, lastVisitAt = :last, version = version + :one${complete ? ', #st = :done' : ''}`,
              ConditionExpression: 'version = :v',
              ...(complete ? { ExpressionAttributeNames: { '#st': 'status' } } : {}),
              ExpressionAttributeValues: { ':one': 1, ':last': lastVisitAt, ':v': order.version, ...(complete ? { ':done': 'COMPLETED' } : {}) },
            },
          },
          nextCheck
            ? {
                Update: {
                  TableName: households(),
                  Key: { pk: `HH#${order.householdId}`, sk: `LINK#ORDER#${order.id}` },
                  UpdateExpression: 'SET dueKey = :k, dueOn = :d, dueKinds = :ks, lastVisitAt = :last, visitedMonths = :vm',
                  ConditionExpression: readDueOn ? 'dueOn = :read' : 'attribute_not_exists(dueOn)',
                  ExpressionAttributeValues: { ':k': nextCheck.dueKey, ':d': nextCheck.dueOn, ':ks': nextCheck.dueKinds, ':last': lastVisitAt, ':vm': visitedMonths, ...(readDueOn ? { ':read': readDueOn } : {}) },
                },
              }
            : {
                Update: {
                  TableName: households(),
                  Key: { pk: `HH#${order.householdId}`, sk: `LINK#ORDER#${order.id}` },
                  UpdateExpression: `SET lastVisitAt = :last, visitedMonths = :vm${complete ? ', #st = :done' : ''}`,
                  ...(readDueOn ? { ConditionExpression: 'dueOn = :read' } : {}),
                  ...(complete ? { ExpressionAttributeNames: { '#st': 'status' } } : {}),
                  ExpressionAttributeValues: { ':last': lastVisitAt, ':vm': visitedMonths, ...(readDueOn ? { ':read': readDueOn } : {}), ...(complete ? { ':done': 'COMPLETED' } : {}) },
                },
              },
          auditItem({ entity: `SERVICE_ORDER#${order.id}`, action: 'SERVICE_VISIT_RECORDED', by: by.sub, role: by.role, at: v.recordedAt, detail: { visitId: v.id, at: v.at, visitors: v.by.length, items: v.items } }),
        ],
      }),
    );
    return { status: 'created', visit: v };
  } catch (err) {
    if ((err as Error).name !== 'TransactionCanceledException') throw err;
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    if (reasons[0]?.Code === 'ConditionalCheckFailed') {
      const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `ORDER#${order.id}`, sk: `VISIT#${v.at}#${v.id}` }, ConsistentRead: true }));
      if (res.Item) return { status: 'exists', visit: strip(res.Item) as unknown as VisitRecord };
    }
    return { status: 'retry' };
  }
}

export interface OrderFilter {
  householdId?: string | undefined;
  organizationId?: string | undefined;
  status?: string | undefined;
  /** Jurisdiction: only orders whose region starts with this. */
  prefix?: string | undefined;
}

export function listOrders(f: OrderFilter, limit: number, cursor?: string): Promise<Page<OrderRecord>> {
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  if (f.status) {
    values[':st'] = f.status;
    filters.push('#st = :st');
  }
  let input: QueryCommandInput;
  if (f.householdId || f.organizationId) {
    if (f.prefix) {
      values[':pre'] = f.prefix;
      filters.push('begins_with(regionCode, :pre)');
    }
    if (f.householdId && f.organizationId) {
      values[':org'] = f.organizationId;
      filters.push('organizationId = :org');
    }
    input = f.householdId
      ? { TableName: table(), IndexName: 'byHousehold', KeyConditionExpression: 'hhKey = :k AND begins_with(hhSort, :o)', ExpressionAttributeValues: { ':k': `HH#${f.householdId}`, ':o': 'ORDER#', ...values } }
      : { TableName: table(), IndexName: 'byOrganization', KeyConditionExpression: 'orgKey = :k', ExpressionAttributeValues: { ':k': `ORG#${f.organizationId}`, ...values } };
  } else {
    const prefix = f.prefix ?? '';
    if (prefix.length < 2) throw new RangeError('a region prefix of at least 2 digits is needed');
    input = { TableName: table(), IndexName: 'byRegion', KeyConditionExpression: 'regionPk = :k AND begins_with(regionSort, :s)', ExpressionAttributeValues: { ':k': `ORDER#${prefix.slice(0, 2)}`, ':s': prefix, ...values } };
  }
  if (filters.length) {
    input.FilterExpression = filters.join(' AND ');
    if (f.status) input.ExpressionAttributeNames = { '#st': 'status' };
  }
  const index = f.householdId ? ['hhKey', 'hhSort'] : f.organizationId ? ['orgKey', 'orgSort'] : ['regionPk', 'regionSort'];
  return page<OrderRecord>(input, limit, cursor, ['pk', 'sk', ...index]);
}

// ---------------------------------------------------------------- referrals

export interface ReferralRecord {
  id: string;
  programme: string;
  department: string;
  source: string;
  householdId: string;
  regionCode: string;
  applicationId?: string;
  person: string;
  personHash: string;
  status: ReferralStatus;
  openedAt: string;
  openedBy: string;
  dueBy: string;
  /** When the bus delivered the ReferralCreated event to the routing rule's target. */
  routedAt?: string;
  eventSent?: boolean;
  grantedAt?: string;
  grant?: { amount: number; date: string; type: string; department: string; source: string };
}

/** Deterministic per (application or household, person, programme): asking twice refers once. */
export function referralId(parent: string, personHash: string, programme: string): string {
  return `ref_${createHash('sha256').update(`${parent}|${personHash}|${programme}`).digest('base64url').slice(0, 22)}`;
}

/** Referral + household link (with its overdue check) + audit, together; false when it exists. */
export async function createReferral(r: ReferralRecord, due: DueMarks, by: { sub: string; role: string }): Promise<boolean> {
  return transactOrFalse([
    { Put: { TableName: table(), Item: { pk: `REF#${r.id}`, sk: 'REF', ...r, hhKey: `HH#${r.householdId}`, hhSort: `REF#${r.openedAt}#${r.id}` }, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Put: {
        TableName: households(),
        Item: { pk: `HH#${r.householdId}`, sk: `LINK#REF#${r.id}`, kind: 'REF', referralId: r.id, programme: r.programme, householdId: r.householdId, regionCode: r.regionCode, status: r.status, idHash: r.personHash, maskedId: r.person, dueBy: r.dueBy, ...dueAttrs(due) },
      },
    },
    auditItem({ entity: `REFERRAL#${r.id}`, action: 'REFERRAL_OPENED', by: by.sub, role: by.role, at: r.openedAt, detail: { programme: r.programme, department: r.department, householdId: r.householdId, ...(r.applicationId ? { applicationId: r.applicationId } : {}) } }),
  ]);
}

export async function getReferral(id: string): Promise<ReferralRecord | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `REF#${id}`, sk: 'REF' }, ConsistentRead: true }));
  return res.Item ? (strip(res.Item) as unknown as ReferralRecord) : undefined;
}

export async function markReferralField(id: string, field: 'eventSent' | 'routedAt', value: unknown): Promise<void> {
  await documentClient()
    .send(new UpdateCommand({ TableName: table(), Key: { pk: `REF#${id}`, sk: 'REF' }, UpdateExpression: 'SET #f = if_not_exists(#f, :v)', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeNames: { '#f': field }, ExpressionAttributeValues: { ':v': value } }))
    .catch((err: unknown) => {
      if (!conditionFailed(err)) throw err;
    });
}

/** OPEN → GRANTED with the grant, the link's overdue check removed, audited; false when not OPEN. */
export async function grantReferral(r: ReferralRecord, grant: NonNullable<ReferralRecord['grant']>, at: string): Promise<boolean> {
  return transactOrFalse([
    {
      Update: {
        TableName: table(),
        Key: { pk: `REF#${r.id}`, sk: 'REF' },
        UpdateExpression: 'SET #s = :g, grantedAt = :at, #grant = :grant',
        ConditionExpression: '#s = :open',
        ExpressionAttributeNames: { '#s': 'status', '#grant': 'grant' },
        ExpressionAttributeValues: { ':g': 'GRANTED', ':open': 'OPEN', ':at': at, ':grant': grant },
      },
    },
    {
      Update: {
        TableName: households(),
        Key: { pk: `HH#${r.householdId}`, sk: `LINK#REF#${r.id}` },
        UpdateExpression: 'SET #s = :g REMOVE dueKey, dueOn, dueKinds',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':g': 'GRANTED' },
      },
    },
    auditItem({ entity: `REFERRAL#${r.id}`, action: 'REFERRAL_GRANTED', by: grant.source, role: 'department', at, detail: { amount: grant.amount, date: grant.date, type: grant.type } }),
  ]);
}

/** A household's referrals (all, oldest first); optionally of one application. */
export async function referralsOf(householdId: string, applicationId?: string): Promise<ReferralRecord[]> {
  const items = await queryAll(send, {
    TableName: table(),
    IndexName: 'byHousehold',
    KeyConditionExpression: 'hhKey = :k AND begins_with(hhSort, :r)',
    ExpressionAttributeValues: { ':k': `HH#${householdId}`, ':r': 'REF#', ...(applicationId ? { ':a': applicationId } : {}) },
    ...(applicationId ? { FilterExpression: 'applicationId = :a' } : {}),
  });
  return items.map((i) => strip(i) as unknown as ReferralRecord);
}

/** All of a household's orders (the help chain). */
export async function ordersOf(householdId: string): Promise<OrderRecord[]> {
  const out: OrderRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await listOrders({ householdId }, 100, cursor);
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

// ---------------------------------------------------------------- skill certificates (宁阳)

/**
 * One grant per certificate: the ledger entry and the certificate's claim in one transaction
 * (the same certificate reported again, on another date or by another event, grants nothing).
 */
export async function grantCertificate(certKey: string, ledger: Record<string, unknown>, detail: Record<string, unknown>, at: string): Promise<boolean> {
  return transactOrFalse([
    { Put: { TableName: table(), Item: { pk: `CERT#${certKey}`, sk: 'CERT', ...detail, at }, ConditionExpression: 'attribute_not_exists(pk)' } },
    { Put: { TableName: tableNameFrom('LEDGER_TABLE'), Item: ledger, ConditionExpression: 'attribute_not_exists(pk)' } },
  ]);
}
