import {
  BatchGetCommand,
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { auditItem, type AuditEntry } from './audit-table.ts';
import { documentClient, tableNameFrom, transactOrFalse } from './dynamo.ts';
import { keyAttrs, queryAll as queryAllItems, queryPage } from '../commons/pagination.ts';
import type { Hold, PayeeRecord, PreviousRoster, Recovery, RosterLine, Stop, Totals } from '../domain/payments.ts';

/**
 * The Payments table:
 *   pk = RO#<rosterId>,     sk = #                 the roster (status, cutoff, totals)      GSI rostersByCity
 *   pk = RO#<rosterId>,     sk = L#<lineId>        a line (frozen; only its status moves)   GSI linesByHousehold
 *   pk = CTY#<county>,      sk = LAST              the county's latest roster (rosters go forward)
 *   pk = HOLD#<county>,     sk = <household>#<lineId>  a payment owed, held until the payee is usable
 *   pk = PAYEE#<household>, sk = PAYEE             the payee, account encrypted, returns seen
 *   pk = HH#<household>,    sk = RC#<recoveryId>   a recovery item (追缴)                    GSI recoveriesByCity
 *   pk = STOP#<county>,     sk = <household>#<category|*>  nothing due after a month (late death, termination)
 */
const table = () => tableNameFrom('PAYMENTS_TABLE');
const conditionFailed = (err: unknown) => (err as Error).name === 'ConditionalCheckFailedException';

export type RosterStatus = 'BUILDING' | 'DRAFT' | 'APPROVED';

export interface RosterHeader {
  id: string;
  county: string;
  month: string;
  status: RosterStatus;
  createdBy: string;
  createdByRole: string;
  createdAt: string;
  /** Entries recorded before this instant are on the roster (see functions/domain/payments.ts). */
  cutoff: string;
  prev?: PreviousRoster;
  totals?: Totals;
  /** Items the build read (ledger entries, payees, holds). */
  itemsRead?: number;
  builtAt?: string;
  approvedBy?: string;
  approvedAt?: string;
  returned?: { lines: number; amountFen: number };
  stopped?: { lines: number; amountFen: number };
}

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _p, sk: _s, rosterCity: _c, rosterSort: _r, lineHousehold: _h, lineSort: _l, rcCity: _rc, rcSort: _rs, ...rest } = item;
  return rest as T;
};

/** An audit record on its own (an event that changes nothing else, e.g. the bank copy issued). */
export async function recordAudit(entry: AuditEntry): Promise<void> {
  await documentClient().send(new PutCommand(auditItem(entry).Put));
}

// ---------------------------------------------------------------- paging (functions/commons/pagination.ts)

const send = (cmd: QueryCommand) => documentClient().send(cmd);

/** One page of a list: `keys` name the table's and the index's key attributes (the cursor). */
async function page<T>(input: QueryCommandInput, limit: number, cursor: string | undefined, keys: string[]): Promise<{ items: T[]; nextCursor: string | null }> {
  const res = await queryPage(send, input, { limit, cursor }, keyAttrs(...keys));
  return { items: res.items.map((i) => strip<T>(i)!), nextCursor: res.nextCursor };
}

const queryAll = (input: QueryCommandInput) => queryAllItems(send, input);

// ---------------------------------------------------------------- rosters

export async function countyPointer(county: string): Promise<PreviousRoster | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `CTY#${county}`, sk: 'LAST' }, ConsistentRead: true }));
  return res.Item ? { rosterId: String(res.Item.rosterId), month: String(res.Item.month), cutoff: String(res.Item.cutoff) } : undefined;
}

/**
 * Creates the roster (and moves the county's pointer to it, with the audit record) in one
 * transaction. EXISTS: this county and month has its roster already (a replay); NOT_FORWARD: a
 * later month's roster exists, or another creation moved the pointer meanwhile.
 */
export async function createRoster(h: RosterHeader, audit: AuditEntry): Promise<'CREATED' | 'EXISTS' | 'NOT_FORWARD'> {
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table(),
              Item: { pk: `RO#${h.id}`, sk: '#', ...h, rosterCity: h.county.slice(0, 4), rosterSort: `${h.county}#${h.month}` },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Put: {
              TableName: table(),
              Item: { pk: `CTY#${h.county}`, sk: 'LAST', rosterId: h.id, month: h.month, cutoff: h.cutoff },
              ConditionExpression: h.prev ? 'rosterId = :prev' : 'attribute_not_exists(pk)',
              ...(h.prev ? { ExpressionAttributeValues: { ':prev': h.prev.rosterId } } : {}),
            },
          },
          auditItem(audit),
        ],
      }),
    );
    return 'CREATED';
  } catch (err) {
    const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
    if ((err as Error).name !== 'TransactionCanceledException' || !reasons) throw err;
    if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'EXISTS';
    if (reasons[1]?.Code === 'ConditionalCheckFailed') return 'NOT_FORWARD';
    throw err;
  }
}

export async function getRoster(id: string): Promise<RosterHeader | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `RO#${id}`, sk: '#' }, ConsistentRead: true }));
  return strip<RosterHeader>(res.Item);
}

/** Rosters of a city (4 digits), optionally one county and month, by county and month. */
export function listRosters(city: string, county: string | undefined, month: string | undefined, limit: number, cursor: string | undefined) {
  const sort = county ? (month ? `${county}#${month}` : `${county}#`) : undefined;
  return page<RosterHeader>(
    {
      TableName: table(),
      IndexName: 'rostersByCity',
      KeyConditionExpression: sort ? (month && county ? 'rosterCity = :c AND rosterSort = :s' : 'rosterCity = :c AND begins_with(rosterSort, :s)') : 'rosterCity = :c',
      ...(month && !county ? { FilterExpression: '#m = :m', ExpressionAttributeNames: { '#m': 'month' } } : {}),
      ExpressionAttributeValues: { ':c': city, ...(sort ? { ':s': sort } : {}), ...(month && !county ? { ':m': month } : {}) },
    },
    limit,
    cursor,
    ['pk', 'sk', 'rosterCity', 'rosterSort'],
  );
}

/** The build is over: the roster is frozen as a DRAFT with its totals. Only from BUILDING. */
export async function finishBuild(id: string, totals: Totals, itemsRead: number, builtAt: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: `RO#${id}`, sk: '#' },
        UpdateExpression: 'SET #s = :draft, totals = :t, itemsRead = :r, builtAt = :b',
        ConditionExpression: '#s = :building',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':draft': 'DRAFT', ':building': 'BUILDING', ':t': totals, ':r': itemsRead, ':b': builtAt },
      }),
    );
    return true;
  } catch (err) {
    if (conditionFailed(err)) return false;
    throw err;
  }
}

/** DRAFT → APPROVED with its audit record, or false when it is not a draft (any more). */
export async function approveRoster(id: string, by: string, at: string, audit: AuditEntry): Promise<boolean> {
  return transactOrFalse([
    {
      Update: {
        TableName: table(),
        Key: { pk: `RO#${id}`, sk: '#' },
        UpdateExpression: 'SET #s = :approved, approvedBy = :by, approvedAt = :at',
        ConditionExpression: '#s = :draft AND createdBy <> :by',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':approved': 'APPROVED', ':draft': 'DRAFT', ':by': by, ':at': at },
      },
    },
    auditItem(audit),
  ]);
}

// ---------------------------------------------------------------- lines

const lineItem = (l: RosterLine) => ({
  pk: `RO#${l.rosterId}`,
  sk: `L#${l.lineId}`,
  ...l,
  lineHousehold: l.householdId,
  lineSort: `${l.forMonth}#${l.rosterId}#${l.lineId}`,
});

async function batchWrite(items: Record<string, unknown>[], parallel = 8): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    for (let c = next++; c < chunks.length; c = next++) {
      let requests: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = chunks[c]!.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests?.length; attempt++) {
        const res = await documentClient().send(new BatchWriteCommand({ RequestItems: { [table()]: requests } }));
        requests = res.UnprocessedItems?.[table()] as typeof requests;
        if (requests?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker));
}

/** The lines of a build (same ids and contents on a retried build: overwriting is harmless). */
export function writeLines(lines: readonly RosterLine[]): Promise<void> {
  return batchWrite(lines.map(lineItem));
}

export async function getLine(rosterId: string, lineId: string): Promise<RosterLine | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `RO#${rosterId}`, sk: `L#${lineId}` }, ConsistentRead: true }));
  return strip<RosterLine>(res.Item);
}

export async function linesOf(rosterId: string): Promise<RosterLine[]> {
  const items = await queryAll({ TableName: table(), KeyConditionExpression: 'pk = :p AND begins_with(sk, :l)', ExpressionAttributeValues: { ':p': `RO#${rosterId}`, ':l': 'L#' }, ConsistentRead: true });
  return items.map((i) => strip<RosterLine>(i)!);
}

export function linesPage(rosterId: string, limit: number, cursor: string | undefined) {
  return page<RosterLine>({ TableName: table(), KeyConditionExpression: 'pk = :p AND begins_with(sk, :l)', ExpressionAttributeValues: { ':p': `RO#${rosterId}`, ':l': 'L#' } }, limit, cursor, ['pk', 'sk']);
}

/** Every line a household has on any roster (GSI linesByHousehold), by month. */
export async function linesOfHousehold(householdId: string): Promise<RosterLine[]> {
  const items = await queryAll({ TableName: table(), IndexName: 'linesByHousehold', KeyConditionExpression: 'lineHousehold = :h', ExpressionAttributeValues: { ':h': householdId } });
  return items.map((i) => strip<RosterLine>(i)!);
}

export async function rosterStatuses(ids: readonly string[]): Promise<Map<string, RosterStatus>> {
  const out = new Map<string, RosterStatus>();
  for (let i = 0; i < ids.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = ids.slice(i, i + 100).map((id) => ({ pk: `RO#${id}`, sk: '#' }));
    for (let attempt = 0; keys?.length; attempt++) {
      const res = await documentClient().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys, ProjectionExpression: 'id, #s', ExpressionAttributeNames: { '#s': 'status' }, ConsistentRead: true } } }));
      for (const item of res.Responses?.[table()] ?? []) out.set(String(item.id), item.status as RosterStatus);
      keys = res.UnprocessedKeys?.[table()]?.Keys as Record<string, unknown>[] | undefined;
      if (keys?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
    }
  }
  return out;
}

/**
 * A bank return: the line PAYABLE → RETURNED with the bank's reason, a hold for the payment, the
 * payee blocked until corrected (its returns remembered), the roster's counters and the audit
 * record, all in one transaction. False when the line is not PAYABLE (returned already).
 */
export async function recordReturn(line: RosterLine, reason: string, at: string, hold: Hold, audit: AuditEntry): Promise<boolean> {
  const ret = { at, rosterId: line.rosterId, lineId: line.lineId, reason };
  return transactOrFalse([
    {
      Update: {
        TableName: table(),
        Key: { pk: `RO#${line.rosterId}`, sk: `L#${line.lineId}` },
        UpdateExpression: 'SET #s = :returned, returnReason = :r, returnedAt = :at',
        ConditionExpression: '#s = :payable',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':returned': 'RETURNED', ':payable': 'PAYABLE', ':r': reason, ':at': at },
      },
    },
    { Put: { TableName: table(), Item: { pk: `HOLD#${hold.county}`, sk: `${hold.householdId}#${hold.lineId}`, ...hold } } },
    {
      Update: {
        TableName: table(),
        Key: { pk: `PAYEE#${line.householdId}`, sk: 'PAYEE' },
        UpdateExpression: 'SET blockedSince = if_not_exists(blockedSince, :at), #ret = list_append(if_not_exists(#ret, :none), :one)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#ret': 'returns' },
        ExpressionAttributeValues: { ':at': at, ':none': [], ':one': [ret] },
      },
    },
    {
      Update: {
        TableName: table(),
        Key: { pk: `RO#${line.rosterId}`, sk: '#' },
        UpdateExpression: 'SET returned.#n = returned.#n + :one, returned.amountFen = returned.amountFen + :fen',
        ExpressionAttributeNames: { '#n': 'lines' },
        ExpressionAttributeValues: { ':one': 1, ':fen': line.amountFen },
      },
    },
    auditItem(audit),
  ]);
}

/** A line for a month after the entitlement ended, not yet paid: STOPPED (out of the bank file), its hold gone. */
export async function stopLine(line: RosterLine, reason: string): Promise<boolean> {
  return transactOrFalse([
    {
      Update: {
        TableName: table(),
        Key: { pk: `RO#${line.rosterId}`, sk: `L#${line.lineId}` },
        UpdateExpression: 'SET #s = :stopped, stoppedReason = :r',
        ConditionExpression: '#s IN (:payable, :held)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':stopped': 'STOPPED', ':payable': 'PAYABLE', ':held': 'HELD', ':r': reason },
      },
    },
    {
      Update: {
        TableName: table(),
        Key: { pk: `RO#${line.rosterId}`, sk: '#' },
        UpdateExpression: 'SET stopped.#n = stopped.#n + :one, stopped.amountFen = stopped.amountFen + :fen',
        ExpressionAttributeNames: { '#n': 'lines' },
        ExpressionAttributeValues: { ':one': 1, ':fen': line.amountFen },
      },
    },
  ]);
}

// ---------------------------------------------------------------- holds

export async function openHolds(county: string): Promise<Hold[]> {
  const items = await queryAll({ TableName: table(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `HOLD#${county}` }, ConsistentRead: true });
  return items.map((i) => strip<Hold>(i)!);
}

export async function putHoldIfAbsent(h: Hold): Promise<void> {
  try {
    await documentClient().send(new PutCommand({ TableName: table(), Item: { pk: `HOLD#${h.county}`, sk: `${h.householdId}#${h.lineId}`, ...h }, ConditionExpression: 'attribute_not_exists(pk)' }));
  } catch (err) {
    if (!conditionFailed(err)) throw err;
  }
}

/** Pays a hold again: its repayment line and the hold's removal land together (once). */
export async function repayHold(h: Hold, line: RosterLine): Promise<boolean> {
  return transactOrFalse([
    { Delete: { TableName: table(), Key: { pk: `HOLD#${h.county}`, sk: `${h.householdId}#${h.lineId}` }, ConditionExpression: 'attribute_exists(pk)' } },
    { Put: { TableName: table(), Item: lineItem(line) } },
  ]);
}

export async function holdsOfHousehold(county: string, householdId: string): Promise<Hold[]> {
  const items = await queryAll({ TableName: table(), KeyConditionExpression: 'pk = :p AND begins_with(sk, :h)', ExpressionAttributeValues: { ':p': `HOLD#${county}`, ':h': `${householdId}#` }, ConsistentRead: true });
  return items.map((i) => strip<Hold>(i)!);
}

export async function deleteHold(h: Pick<Hold, 'county' | 'householdId' | 'lineId'>): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: table(), Key: { pk: `HOLD#${h.county}`, sk: `${h.householdId}#${h.lineId}` } }));
}

// ---------------------------------------------------------------- stops

export async function putStop(s: Stop): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: table(), Item: { pk: `STOP#${s.county}`, sk: `${s.householdId}#${s.category ?? '*'}`, ...s } }));
}

export async function stopsOf(county: string): Promise<Stop[]> {
  const items = await queryAll({ TableName: table(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `STOP#${county}` }, ConsistentRead: true });
  return items.map((i) => strip<Stop>(i)!);
}

/** Marks the start of a build; true when an earlier attempt had started it already (a retry). */
export async function startBuild(id: string, at: string): Promise<boolean> {
  const res = await documentClient().send(
    new UpdateCommand({ TableName: table(), Key: { pk: `RO#${id}`, sk: '#' }, UpdateExpression: 'SET buildStartedAt = if_not_exists(buildStartedAt, :at), buildAttempts = if_not_exists(buildAttempts, :zero) + :one', ExpressionAttributeValues: { ':at': at, ':zero': 0, ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
  );
  return Number(res.Attributes?.buildAttempts ?? 1) > 1;
}

// ---------------------------------------------------------------- payees

export async function getPayee(householdId: string): Promise<PayeeRecord | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `PAYEE#${householdId}`, sk: 'PAYEE' }, ConsistentRead: true }));
  return strip<PayeeRecord>(res.Item);
}

/** Payees of many households (BatchGetItem, 100 at a time, a few in parallel). */
export async function payeesOf(householdIds: readonly string[], parallel = 4): Promise<Map<string, PayeeRecord>> {
  const out = new Map<string, PayeeRecord>();
  const chunks: string[][] = [];
  for (let i = 0; i < householdIds.length; i += 100) chunks.push(householdIds.slice(i, i + 100));
  let next = 0;
  const worker = async () => {
    for (let c = next++; c < chunks.length; c = next++) {
      let keys: Record<string, unknown>[] | undefined = chunks[c]!.map((h) => ({ pk: `PAYEE#${h}`, sk: 'PAYEE' }));
      for (let attempt = 0; keys?.length; attempt++) {
        const res = await documentClient().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of res.Responses?.[table()] ?? []) {
          const p = strip<PayeeRecord>(item)!;
          out.set(p.householdId, p);
        }
        keys = res.UnprocessedKeys?.[table()]?.Keys as Record<string, unknown>[] | undefined;
        if (keys?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, chunks.length) }, worker));
  return out;
}

/**
 * Sets the payee (a correction clears the block a return set), keeping the returns history,
 * with its audit record. Optimistic: `expectedVersion` is the version read (0: none yet).
 */
export async function putPayee(p: PayeeRecord, expectedVersion: number, audit: AuditEntry): Promise<boolean> {
  const { blockedSince: _b, ...rest } = p;
  return transactOrFalse([
    {
      Put: {
        TableName: table(),
        Item: { pk: `PAYEE#${p.householdId}`, sk: 'PAYEE', ...rest },
        ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
        ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':v': expectedVersion } }),
      },
    },
    auditItem(audit),
  ]);
}

// ---------------------------------------------------------------- recoveries

/** Records a recovery item once (its id follows from the line it recovers), with its id pointer. */
export async function putRecovery(r: Recovery): Promise<boolean> {
  return transactOrFalse([
    {
      Put: {
        TableName: table(),
        Item: { pk: `HH#${r.householdId}`, sk: `RC#${r.id}`, ...r, rcCity: r.regionCode.slice(0, 4), rcSort: `${r.regionCode}#${r.forMonth}#${r.id}` },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    { Put: { TableName: table(), Item: { pk: `RC#${r.id}`, sk: 'RC', householdId: r.householdId } } },
  ]);
}

export async function getRecovery(id: string): Promise<Recovery | undefined> {
  const ptr = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `RC#${id}`, sk: 'RC' }, ConsistentRead: true }));
  if (!ptr.Item) return undefined;
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `HH#${String(ptr.Item.householdId)}`, sk: `RC#${id}` }, ConsistentRead: true }));
  return strip<Recovery>(res.Item);
}

/** OPEN → RECOVERED | WAIVED with the audit record; false when it is not open (any more). */
export async function closeRecovery(r: Recovery, status: 'RECOVERED' | 'WAIVED', note: string, by: string, at: string, audit: AuditEntry): Promise<boolean> {
  return transactOrFalse([
    {
      Update: {
        TableName: table(),
        Key: { pk: `HH#${r.householdId}`, sk: `RC#${r.id}` },
        UpdateExpression: 'SET #s = :s, closedBy = :by, closedAt = :at, closeNote = :n',
        ConditionExpression: '#s = :open',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': status, ':by': by, ':at': at, ':n': note, ':open': 'OPEN' },
      },
    },
    auditItem(audit),
  ]);
}

export async function recoveriesOf(householdId: string): Promise<Recovery[]> {
  const items = await queryAll({ TableName: table(), KeyConditionExpression: 'pk = :p AND begins_with(sk, :r)', ExpressionAttributeValues: { ':p': `HH#${householdId}`, ':r': 'RC#' }, ConsistentRead: true });
  return items.map((i) => strip<Recovery>(i)!);
}

/** Recovery items whose region starts with `regionCode` (4 digits or more). */
export function listRecoveries(regionCode: string, limit: number, cursor: string | undefined) {
  return page<Recovery>(
    {
      TableName: table(),
      IndexName: 'recoveriesByCity',
      KeyConditionExpression: regionCode.length > 4 ? 'rcCity = :c AND begins_with(rcSort, :r)' : 'rcCity = :c',
      ExpressionAttributeValues: { ':c': regionCode.slice(0, 4), ...(regionCode.length > 4 ? { ':r': regionCode } : {}) },
    },
    limit,
    cursor,
    ['pk', 'sk', 'rcCity', 'rcSort'],
  );
}
