import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { queryAll as queryAllItems } from '../commons/pagination.ts';
import { ledgerKey, type LedgerEntry } from '../domain/ledger.ts';
import { paymentIndexKeys, type IndexedEntry, type Window } from '../domain/payments.ts';
import { documentClient, tableNameFrom } from './dynamo.ts';

/**
 * The Ledger table: what each household received.
 *   pk = HH#<householdId>, sk = <YYYY-MM>#<type>#ENT               a month of an entitlement
 *   pk = HH#<householdId>, sk = <YYYY-MM>#<type>#EVT#<ref>          a department's grant
 * Writes are conditional puts (attribute_not_exists): the same month, category or event never
 * lands twice, and a year is one Query (begins_with sk "YYYY-").
 *
 * The LedgerDeadLetters table: events the ledger could not take (malformed, unknown person),
 * with the reason; IDs masked and hashed, never raw.
 *   pk = <YYYY-MM of the event time>, sk = <event id>
 */
const table = () => tableNameFrom('LEDGER_TABLE');
const deadLetters = () => tableNameFrom('LEDGER_DEAD_LETTERS_TABLE');

/** The item a ledger entry is stored as (also what the demo seed writes for invented history). */
export function ledgerItem(e: LedgerEntry): Record<string, unknown> {
  // Civil-affairs entries also carry the payment roster's index keys (GSI byCountyMonth).
  return { ...ledgerKey(e), ...e, ...paymentIndexKeys(e) };
}

/** Puts the entry unless it is already there. Returns whether it was new. */
export async function putLedgerEntry(e: LedgerEntry): Promise<boolean> {
  try {
    await documentClient().send(new PutCommand({ TableName: table(), Item: ledgerItem(e), ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

const queryAll = (input: QueryCommandInput) => queryAllItems((cmd) => documentClient().send(cmd), input);

/**
 * One window of the payment roster's index (GSI byCountyMonth, see functions/domain/payments.ts):
 * a county's civil-affairs entries for one month recorded in [from, before), page by page.
 */
export async function* paymentEntries(county: string, w: Window): AsyncGenerator<IndexedEntry[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const res = await documentClient().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'byCountyMonth',
        KeyConditionExpression: w.from ? 'payKey = :k AND paySort BETWEEN :from AND :before' : 'payKey = :k AND paySort < :before',
        // BETWEEN's inclusive upper bound still excludes an entry recorded at `before` itself:
        // its paySort is `before` followed by '#…', which sorts after `before`.
        ExpressionAttributeValues: { ':k': `${county}#${w.month}`, ':before': w.before, ...(w.from ? { ':from': w.from } : {}) },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    yield (res.Items ?? []).map(({ pk: _pk, payKey: _k, paySort: _s, ...rest }) => rest as unknown as IndexedEntry);
    start = res.LastEvaluatedKey;
  } while (start);
}

/** A household's entries of one year. */
export async function ledgerOf(householdId: string, year: number): Promise<LedgerEntry[]> {
  const items = await queryAll({
    TableName: table(),
    KeyConditionExpression: 'pk = :p AND begins_with(sk, :y)',
    ExpressionAttributeValues: { ':p': `HH#${householdId}`, ':y': `${year}-` },
    ConsistentRead: true,
  });
  return items.map(({ pk: _pk, sk: _sk, ...rest }) => rest as unknown as LedgerEntry);
}

/** Any one entry of the household (to learn its region when it has no approved profile). */
export async function anyLedgerEntry(householdId: string): Promise<LedgerEntry | undefined> {
  const res = await documentClient().send(
    new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `HH#${householdId}` }, Limit: 1 }),
  );
  return res.Items?.[0] as LedgerEntry | undefined;
}

export interface DeadLetter {
  eventId: string;
  /** YYYY-MM of the event's time (the partition). */
  month: string;
  receivedAt: string;
  source: string;
  detailType: string;
  reason: 'MALFORMED' | 'UNKNOWN_PERSON';
  /** Validation messages, or what was looked up. */
  details: { path: string; message: string }[];
  /** Keyed hash of the ID when there was a valid one (to match it later); never the ID itself. */
  personHash?: string;
  /** The event's detail with every ID-like string masked. */
  detail: unknown;
}

/** Records a dead letter once per event id (a redelivered event does not add a second). */
export async function putDeadLetter(d: DeadLetter): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({ TableName: deadLetters(), Item: { pk: d.month, sk: d.eventId, ...d }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

export async function deadLettersOf(month: string): Promise<DeadLetter[]> {
  const items = await queryAll({ TableName: deadLetters(), KeyConditionExpression: 'pk = :m', ExpressionAttributeValues: { ':m': month }, ConsistentRead: true });
  return items.map(({ pk: _pk, sk: _sk, ...rest }) => rest as unknown as DeadLetter).sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
}
