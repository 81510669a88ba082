import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, TransactWriteCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { auditItem } from './audit-table.ts';
import { statsItems } from './stats-table.ts';
import { householdLabels } from './households-table.ts';
import type { HouseholdLabel } from '../domain/merger.ts';
import { documentClient, tableNameFrom } from './dynamo.ts';
import { queryAllRead } from '../commons/pagination.ts';
import { indicator as indicatorOf } from '../domain/indicators.ts';
import { verifyDueBy, type DueMarks, type Finding } from '../domain/monitoring.ts';

/**
 * The Monitoring table:
 *   pk = W#<warningId>,  sk = W          a warning (GSIs byCity, openByDue while OPEN and not escalated)
 *   pk = RUN#<runId>,    sk = RUN        a monitoring run and what it read and raised
 *   pk = MED#<idHash>,   sk = <year>     a person's out-of-pocket medical total (event ids seen)
 *   pk = COUNTIES,       sk = <county>   counties with monitored households (the daily run's fan-out)
 */
const table = () => tableNameFrom('MONITORING_TABLE');
const households = () => tableNameFrom('HOUSEHOLDS_TABLE');
const send = (cmd: QueryCommand) => documentClient().send(cmd);

export type WarningStatus = 'OPEN' | 'VERIFIED' | 'CLOSED';
export type Outcome = 'BENEFIT_ADJUSTED' | 'ASSISTANCE_GRANTED' | 'REFERRED' | 'NO_ACTION';

export interface WarningRecord {
  id: string;
  indicator: string;
  class: string;
  person: string;
  personHash: string;
  householdId: string | null;
  regionCode: string;
  period: string;
  raisedAt: string;
  dueBy: string;
  status: WarningStatus;
  details: Record<string, unknown>;
  source: string;
  verifiedAt?: string;
  verifiedBy?: string;
  verifyNote?: string;
  closedAt?: string;
  closedBy?: string;
  outcome?: Outcome;
  closeNote?: string;
  /** REFERRED: the service order or referral the warning was closed with. */
  serviceOrderId?: string;
  referralId?: string;
  escalatedAt?: string;
  /** The household's labels when the warning was raised (e.g. FORMER_PREVENTION_MONITORING). */
  labels?: HouseholdLabel[];
}

const conditionFailed = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';

/**
 * Raises a warning unless it exists (same person, indicator, period). True when new. `raisedOn`
 * (default: the day of `at` in Asia/Shanghai) starts the 5-working-day verification clock; a
 * monitoring run passes its asOf.
 */
/**
 * Which of these warning ids exist already (one BatchGetItem per 100, keys only). A re-run
 * checks first instead of attempting a conditional put per finding that would fail.
 */
export async function existingWarningIds(ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((id) => ({ pk: `W#${id}`, sk: 'W' }));
    for (let attempt = 0; keys && keys.length > 0; attempt++) {
      const res = await documentClient().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys, ProjectionExpression: 'pk' } } }));
      for (const item of res.Responses?.[table()] ?? []) found.add(String(item.pk).slice(2));
      keys = res.UnprocessedKeys?.[table()]?.Keys as Record<string, unknown>[] | undefined;
      if (keys?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
    }
  }
  return found;
}

export async function raiseWarning(id: string, f: Finding, at: string, source: string, raisedOn = new Date(Date.parse(at) + 8 * 3600_000).toISOString().slice(0, 10)): Promise<boolean> {
  const dueBy = verifyDueBy(raisedOn);
  // The warning carries its household's labels (the merger's FORMER_PREVENTION_MONITORING, …).
  const labels = f.householdId ? await householdLabels(f.householdId) : [];
  const w: WarningRecord = {
    id,
    indicator: f.indicator,
    class: indicatorOf(f.indicator)!.class,
    person: f.person,
    personHash: f.idHash,
    householdId: f.householdId,
    regionCode: f.regionCode,
    period: f.period,
    raisedAt: at,
    dueBy,
    status: 'OPEN',
    details: f.details,
    source,
    ...(labels.length ? { labels } : {}),
  };
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: { pk: `W#${id}`, sk: 'W', ...w, city: f.regionCode.slice(0, 4), regionSort: `${f.regionCode}#${at}#${id}`, openDueBy: dueBy },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          // GET /stats/overview: counted with the warning, once (the put is conditional).
          ...statsItems(f.regionCode, raisedOn, { 'warnings.raised': 1 }),
        ],
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err) || cancelledByCondition(err)) return false;
    throw err;
  }
}

const cancelledByCondition = (err: unknown) => (err as Error).name === 'TransactionCanceledException' && (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
const shanghaiDay = (at: string) => new Date(Date.parse(at) + 8 * 3600_000).toISOString().slice(0, 10);

const strip = (item: Record<string, unknown>): WarningRecord => {
  const { pk: _pk, sk: _sk, city: _c, regionSort: _r, openDueBy: _o, ...rest } = item;
  return rest as unknown as WarningRecord;
};

export async function getWarning(id: string): Promise<WarningRecord | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `W#${id}`, sk: 'W' }, ConsistentRead: true }));
  return res.Item ? strip(res.Item) : undefined;
}

export interface WarningFilter {
  prefix?: string | undefined;
  status?: WarningStatus | undefined;
  indicator?: string | undefined;
  limit?: number;
}

/** Warnings under a region prefix: the byCity GSI for prefixes of ≥ 4 digits, else a filtered Scan. */
export async function listWarnings(filter: WarningFilter): Promise<WarningRecord[]> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  if (filter.status) {
    names['#st'] = 'status';
    values[':st'] = filter.status;
    filters.push('#st = :st');
  }
  if (filter.indicator) {
    names['#ind'] = 'indicator';
    values[':ind'] = filter.indicator;
    filters.push('#ind = :ind');
  }
  const out: WarningRecord[] = [];
  const limit = filter.limit ?? 1000;
  let start: Record<string, unknown> | undefined;
  do {
    let res;
    if (filter.prefix && filter.prefix.length >= 4) {
      const input: QueryCommandInput = {
        TableName: table(),
        IndexName: 'byCity',
        KeyConditionExpression: 'city = :c AND begins_with(regionSort, :p)',
        ExpressionAttributeValues: { ':c': filter.prefix.slice(0, 4), ':p': filter.prefix, ...values },
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
        ...(start ? { ExclusiveStartKey: start } : {}),
      };
      res = await documentClient().send(new QueryCommand(input));
    } else {
      filters.push('sk = :w');
      values[':w'] = 'W';
      if (filter.prefix) {
        values[':p'] = filter.prefix;
        filters.push('begins_with(regionCode, :p)');
      }
      res = await documentClient().send(
        new ScanCommand({
          TableName: table(),
          FilterExpression: [...new Set(filters)].join(' AND '),
          ExpressionAttributeValues: values,
          ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
    }
    for (const item of res.Items ?? []) out.push(strip(item));
    start = res.LastEvaluatedKey;
  } while (start && out.length < limit);
  return out.slice(0, limit);
}

export interface Actor {
  sub: string;
  role: string;
}

/**
 * One lifecycle step of a warning: the conditional status update and its audit record in one
 * transaction. False when the warning is not in the expected status.
 */
async function stepWithAudit(id: string, update: { set: string; from: string; values: Record<string, unknown> }, audit: Parameters<typeof auditItem>[0], stats: { regionCode: string; deltas: Record<string, number> }): Promise<boolean> {
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table(),
              Key: { pk: `W#${id}`, sk: 'W' },
              UpdateExpression: update.set,
              ConditionExpression: '#s = :from',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ...update.values, ':from': update.from },
            },
          },
          auditItem(audit),
          ...statsItems(stats.regionCode, shanghaiDay(audit.at), stats.deltas),
        ],
      }),
    );
    return true;
  } catch (err) {
    if ((err as Error).name === 'TransactionCanceledException') return false;
    throw err;
  }
}

/** OPEN → VERIFIED, with its audit record in the same transaction. False when not OPEN. */
export function verifyWarning(id: string, regionCode: string, by: Actor, note: string, at: string): Promise<boolean> {
  return stepWithAudit(
    id,
    { set: 'SET #s = :v, verifiedAt = :at, verifiedBy = :by, verifyNote = :n REMOVE openDueBy', from: 'OPEN', values: { ':v': 'VERIFIED', ':at': at, ':by': by.sub, ':n': note } },
    { entity: `WARNING#${id}`, action: 'WARNING_VERIFIED', by: by.sub, role: by.role, at, reason: note },
    { regionCode, deltas: { 'warnings.verified': 1 } },
  );
}

/** VERIFIED → CLOSED with an outcome, audited in the same transaction. False when not VERIFIED. */
export function closeWarning(id: string, regionCode: string, by: Actor, outcome: Outcome, note: string, at: string, detail: Record<string, unknown>, links: { serviceOrderId?: string | undefined; referralId?: string | undefined } = {}): Promise<boolean> {
  const linkSet = [links.serviceOrderId ? ', serviceOrderId = :so' : '', links.referralId ? ', referralId = :ref' : ''].join('');
  const linkValues = { ...(links.serviceOrderId ? { ':so': links.serviceOrderId } : {}), ...(links.referralId ? { ':ref': links.referralId } : {}) };
  return stepWithAudit(
    id,
    { set: `SET #s = :c, closedAt = :at, closedBy = :by, outcome = :o, closeNote = :n${linkSet}`, from: 'VERIFIED', values: { ':c': 'CLOSED', ':at': at, ':by': by.sub, ':o': outcome, ':n': note, ...linkValues } },
    { entity: `WARNING#${id}`, action: 'WARNING_CLOSED', by: by.sub, role: by.role, at, reason: note, detail: { outcome, ...detail, ...(links.serviceOrderId ? { serviceOrderId: links.serviceOrderId } : {}), ...(links.referralId ? { referralId: links.referralId } : {}) } },
    { regionCode, deltas: { 'warnings.closed': 1, ...(outcome === 'BENEFIT_ADJUSTED' ? { 'warnings.adjusted': 1 } : {}) } },
  );
}

/** OPEN warnings whose verification was due on `dueBy` and that have not escalated yet. */
export async function openDueOn(dueBy: string): Promise<{ items: WarningRecord[]; read: number }> {
  const { items, read } = await queryAllRead(send, { TableName: table(), IndexName: 'openByDue', KeyConditionExpression: 'openDueBy = :d', ExpressionAttributeValues: { ':d': dueBy } });
  return { items: items.map((i) => strip(i)), read };
}

export async function markEscalated(id: string, at: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: `W#${id}`, sk: 'W' },
        UpdateExpression: 'SET escalatedAt = :at REMOVE openDueBy',
        ConditionExpression: '#s = :open AND attribute_exists(openDueBy)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':at': at, ':open': 'OPEN' },
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}

// ---------------------------------------------------------------- runs

export interface RunRecord {
  runId: string;
  asOf: string;
  mode: 'daily' | 'full';
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  itemsRead: number;
  warningsRaised: number;
  startedAt: string;
  finishedAt?: string;
  breakdown?: Record<string, number>;
  error?: string;
}

export async function putRunIfAbsent(run: RunRecord): Promise<void> {
  await documentClient()
    .send(new PutCommand({ TableName: table(), Item: { pk: `RUN#${run.runId}`, sk: 'RUN', ...run }, ConditionExpression: 'attribute_not_exists(pk)' }))
    .catch((err: unknown) => {
      if (!conditionFailed(err)) throw err;
    });
}

export async function getRun(runId: string): Promise<RunRecord | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `RUN#${runId}`, sk: 'RUN' }, ConsistentRead: true }));
  if (!res.Item) return undefined;
  const { pk: _p, sk: _s, ...run } = res.Item;
  return run as RunRecord;
}

export async function finishRun(runId: string, fields: Partial<RunRecord>): Promise<void> {
  const sets = Object.keys(fields).map((k) => `#${k} = :${k}`);
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: `RUN#${runId}`, sk: 'RUN' },
      UpdateExpression: `SET ${sets.join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(Object.keys(fields).map((k) => [`#${k}`, k])),
      ExpressionAttributeValues: Object.fromEntries(Object.entries(fields).map(([k, v]) => [`:${k}`, v])),
    }),
  );
}

// ---------------------------------------------------------------- counties, medical totals

export async function registerCounty(county: string, at: string): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: table(), Item: { pk: 'COUNTIES', sk: county, county, since: at }, ConditionExpression: 'attribute_not_exists(pk)' })).catch((err: unknown) => {
    if (!conditionFailed(err)) throw err;
  });
}

export async function listCounties(): Promise<{ counties: string[]; read: number }> {
  const { items, read } = await queryAllRead(send, { TableName: table(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'COUNTIES' } });
  return { counties: items.map((i) => String(i.sk)), read };
}

/** Adds one settlement (once per event id) and returns the year's total in fen. */
export async function addMedicalExpense(idHash: string, year: string, eventId: string, fen: number): Promise<number> {
  try {
    const res = await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: `MED#${idHash}`, sk: year },
        UpdateExpression: 'ADD totalFen :f, seen :ids',
        ConditionExpression: 'attribute_not_exists(seen) OR NOT contains(seen, :id)',
        ExpressionAttributeValues: { ':f': fen, ':ids': new Set([eventId]), ':id': eventId },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Number(res.Attributes?.totalFen ?? 0);
  } catch (err) {
    if (!conditionFailed(err)) throw err;
    const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `MED#${idHash}`, sk: year }, ConsistentRead: true }));
    return Number(res.Item?.totalFen ?? 0);
  }
}

// ---------------------------------------------------------------- dated items in Households

export interface DueItem {
  pk: string;
  sk: string;
  dueKey: string;
  dueOn: string;
  dueKinds: string[];
  [k: string]: unknown;
}

/** Items of one dueByCounty partition due on or before `until`. */
export async function queryDue(dueKey: string, until: string): Promise<{ items: DueItem[]; read: number }> {
  const { items, read } = await queryAllRead(send, { TableName: households(), IndexName: 'dueByCounty', KeyConditionExpression: 'dueKey = :k AND dueOn <= :u', ExpressionAttributeValues: { ':k': dueKey, ':u': until } });
  return { items: items as DueItem[], read };
}

/** Moves an item to its next dated check (or out of the index), if it is still where we read it. */
export async function advanceDue(item: DueItem, next: DueMarks | undefined): Promise<void> {
  await documentClient()
    .send(
      new UpdateCommand({
        TableName: households(),
        Key: { pk: item.pk, sk: item.sk },
        UpdateExpression: next ? 'SET dueKey = :k, dueOn = :o, dueKinds = :n' : 'REMOVE dueKey, dueOn, dueKinds',
        ConditionExpression: 'dueOn = :was',
        ExpressionAttributeValues: { ':was': item.dueOn, ...(next ? { ':k': next.dueKey, ':o': next.dueOn, ':n': next.dueKinds } : {}) },
      }),
    )
    .catch((err: unknown) => {
      if (!conditionFailed(err)) throw err;
    });
}

/** A disability certificate: the member's disability in the household as approved (for re-evaluation). */
export async function setMemberDisability(householdId: string, memberIndex: number, disability: { category: string; grade: number }): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: households(),
      Key: { pk: `HH#${householdId}`, sk: 'PROFILE' },
      UpdateExpression: `SET household.members[${memberIndex}].disability = :d`,
      ExpressionAttributeValues: { ':d': disability },
    }),
  );
}
