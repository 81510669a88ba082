import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { ApplicationStatus, Discrepancy, HistoryEntry } from '../domain/application.ts';
import type { DeclaredAssets } from '../domain/cross-check.ts';
import { documentClient, tableNameFrom } from './dynamo.ts';

/**
 * The Applications table.
 *   pk = APP#<id>, sk = APP                      the case (version attribute: optimistic locking)
 *   pk = OPEN#<householdId>#<category>, sk = LOCK  one open application per household and category
 * GSI byOwner (ownerSub, createdAt): a citizen's own applications.
 */
const table = () => tableNameFrom('APPLICATIONS_TABLE');

export interface ApprovedCategory {
  code: string;
  monthlyAmount: number;
  startMonth: string;
}

export interface ApplicationRecord {
  id: string;
  status: ApplicationStatus;
  version: number;
  ownerSub: string;
  householdId: string;
  regionCode: string;
  requested: string[];
  /** The household as submitted (validated); IDs are raw here and masked on the way out. */
  household: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
  history: HistoryEntry[];
  eligibility?: unknown;
  discrepancies?: Discrepancy[];
  /** Assets as the cross-check established them (fen), what eligibility is evaluated on. */
  verifiedAssets?: DeclaredAssets;
  flags?: { type: string; detail: string; otherApplicationId?: string }[];
  publicNotice?: { from: string; until: string; round: number };
  objections?: { by: string; at: string; reason: string }[];
  decision?: { approved: ApprovedCategory[]; reasons: string[] };
  writtenNotice?: { issuedAt: string; dueBy: string; reasons: string[]; stage: string };
  /** Server-side only: the notice's objection callback token. */
  objectionToken?: string;
  executionArn?: string;
}

export class DuplicateOpenApplication extends Error {
  constructor(readonly categories: string[]) {
    super(`an open application already exists for ${categories.join(', ')}`);
  }
}

export class StaleApplication extends Error {}

const lockKey = (householdId: string, category: string) => ({ pk: `OPEN#${householdId}#${category}`, sk: 'LOCK' });

/** Creates the case and its open-application locks in one transaction. Returns false if the id exists. */
export async function createApplication(app: ApplicationRecord): Promise<'created' | 'exists'> {
  const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
    { Put: { TableName: table(), Item: { pk: `APP#${app.id}`, sk: 'APP', ...app }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ...app.requested.map((category) => ({
      Put: {
        TableName: table(),
        Item: { ...lockKey(app.householdId, category), applicationId: app.id, createdAt: app.createdAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    })),
  ];
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
    return 'created';
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      const reasons = err.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return 'exists';
      const taken = app.requested.filter((_c, i) => reasons[i + 1]?.Code === 'ConditionalCheckFailed');
      if (taken.length) throw new DuplicateOpenApplication(taken);
    }
    throw err;
  }
}

export async function openApplicationFor(householdId: string, category: string): Promise<string | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: lockKey(householdId, category) }));
  return res.Item?.applicationId as string | undefined;
}

export async function getApplication(id: string): Promise<ApplicationRecord | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `APP#${id}`, sk: 'APP' }, ConsistentRead: true }));
  if (!res.Item) return undefined;
  const { pk: _pk, sk: _sk, ...rest } = res.Item;
  return rest as ApplicationRecord;
}

export async function listByOwner(ownerSub: string, limit = 50): Promise<ApplicationRecord[]> {
  const res = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byOwner',
      KeyConditionExpression: 'ownerSub = :o',
      ExpressionAttributeValues: { ':o': ownerSub },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (res.Items ?? []) as ApplicationRecord[];
}

export interface Transition {
  from: readonly ApplicationStatus[];
  to?: ApplicationStatus;
  history?: HistoryEntry;
  set?: Partial<Omit<ApplicationRecord, 'id' | 'status' | 'version' | 'history'>>;
  remove?: (keyof ApplicationRecord)[];
}

/**
 * Builds the conditional update of one transition: only from the expected statuses, bumping the
 * version. Returned as a transaction item so callers can pair it with other writes.
 */
export function transitionItem(id: string, t: Transition, now: string) {
  const names: Record<string, string> = { '#status': 'status', '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':one': 1, ':now': now };
  const sets = ['#version = #version + :one', '#updatedAt = :now'];
  if (t.to) {
    sets.push('#status = :to');
    values[':to'] = t.to;
  }
  if (t.history) {
    names['#history'] = 'history';
    values[':h'] = [t.history];
    sets.push('#history = list_append(#history, :h)');
  }
  Object.entries(t.set ?? {}).forEach(([k, v], i) => {
    names[`#s${i}`] = k;
    values[`:s${i}`] = v;
    sets.push(`#s${i} = :s${i}`);
  });
  const removes = (t.remove ?? []).map((k, i) => {
    names[`#r${i}`] = k;
    return `#r${i}`;
  });
  const fromValues = t.from.map((s, i) => {
    values[`:f${i}`] = s;
    return `:f${i}`;
  });
  return {
    TableName: table(),
    Key: { pk: `APP#${id}`, sk: 'APP' },
    UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: `#status IN (${fromValues.join(', ')})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Applies a transition; false when the case is no longer in an expected status. */
export async function transition(id: string, t: Transition, now: string): Promise<boolean> {
  try {
    await documentClient().send(new UpdateCommand({ ...transitionItem(id, t, now) }));
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** Transaction items that release a finished case's open-application locks (only its own). */
export function releaseLockItems(app: Pick<ApplicationRecord, 'id' | 'householdId' | 'requested'>) {
  return app.requested.map((category) => ({
    Delete: {
      TableName: table(),
      Key: lockKey(app.householdId, category),
      ConditionExpression: 'attribute_not_exists(pk) OR applicationId = :id',
      ExpressionAttributeValues: { ':id': app.id },
    },
  }));
}

/** Adds a flag (e.g. a person found in two households) unless an identical one is there. */
export async function addFlag(id: string, flag: { type: string; detail: string; otherApplicationId?: string }, now: string): Promise<void> {
  const app = await getApplication(id);
  if (!app) return;
  const flags = app.flags ?? [];
  if (flags.some((f) => f.type === flag.type && f.otherApplicationId === flag.otherApplicationId)) return;
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: `APP#${id}`, sk: 'APP' },
      UpdateExpression: 'SET flags = list_append(if_not_exists(flags, :empty), :f), updatedAt = :now',
      ExpressionAttributeValues: { ':f': [flag], ':empty': [], ':now': now },
    }),
  );
}

/** Whether `ownerSub` has (had) an application for the household: how a citizen is linked to a household. */
export async function ownsApplicationFor(ownerSub: string, householdId: string): Promise<boolean> {
  let start: Record<string, unknown> | undefined;
  do {
    const res = await documentClient().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'byOwner',
        KeyConditionExpression: 'ownerSub = :o',
        FilterExpression: 'householdId = :h',
        ExpressionAttributeValues: { ':o': ownerSub, ':h': householdId },
        ProjectionExpression: 'householdId',
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    if ((res.Items ?? []).length > 0) return true;
    start = res.LastEvaluatedKey;
  } while (start);
  return false;
}
