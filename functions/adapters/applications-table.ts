import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type GetCommandOutput, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { ApplicationStatus, Discrepancy, HistoryEntry } from '../domain/application.ts';
import type { DeclaredAssets } from '../domain/cross-check.ts';
import { gunzipSync, gzipSync } from 'node:zlib';
import { documentClient, tableNameFrom } from './dynamo.ts';

/**
 * The Applications table.
 *   pk = APP#<id>, sk = APP                      the case (version attribute: optimistic locking)
 *   pk = OPEN#<householdId>#<category>, sk = LOCK  one open application per household and category
 * GSI byOwner (ownerSub, createdAt): a citizen's own applications.
 * GSI byRegion (regionPart = the 4-digit city, regionSort = regionCode#createdAt#id): the cases
 * in a reviewer's jurisdiction, one Query with begins_with(regionSort, jurisdiction).
 * Re-reviews of approved households (kind REREVIEW, id rev_…) are cases in this table too.
 */
const table = () => tableNameFrom('APPLICATIONS_TABLE');

/**
 * The rules trace (`eligibility`: every category, every rule, ~15 KB in ~600 attribute values,
 * 85% of a case) is stored gzipped as one binary attribute `eligibilityGz` (~2 KB): a case then
 * reads in 1 RCU instead of 5, each of its ~15 updates writes ~4 WCU instead of ~17, and
 * reading it unmarshals one value instead of 600. Only this adapter knows: callers see
 * `eligibility`. (A case written before keeps its plain attribute; it is read as it is.)
 */
const TRACE = 'eligibility';
const TRACE_GZ = 'eligibilityGz';

function packTrace(trace: unknown): Uint8Array {
  return gzipSync(JSON.stringify(trace));
}

function unpackItem<T extends Record<string, unknown>>(item: T): T {
  const gz = item[TRACE_GZ] as Uint8Array | undefined;
  if (!gz) return item;
  const { [TRACE_GZ]: _gz, ...rest } = item;
  return { ...rest, [TRACE]: JSON.parse(gunzipSync(gz).toString('utf8')) } as unknown as T;
}

function packItem<T extends object>(app: T): T {
  const trace = (app as Record<string, unknown>)[TRACE];
  if (trace === undefined) return app;
  const { [TRACE]: _t, ...rest } = app as Record<string, unknown>;
  return { ...rest, [TRACE_GZ]: packTrace(trace) } as unknown as T;
}

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
  /** Reviewers only: people in two households, a head registered in another household, … */
  flags?: { type: string; detail: string; otherApplicationId?: string; otherHouseholdId?: string }[];
  /** The hash of the creating request: the same Idempotency-Key with another body is a 422. */
  requestHash?: string;
  /** `afterTask`: the town review task the notice follows (a run of the posting step again finds it posted). */
  publicNotice?: { from: string; until: string; round: number; afterTask?: string };
  objections?: { by: string; role?: string; at: string; reason: string; round?: number }[];
  decision?: { approved: ApprovedCategory[]; reasons: string[]; letter?: unknown; decidedBy?: { level: string; sub: string; regionCode?: string }; grants?: unknown[] };
  writtenNotice?: { issuedAt: string; dueBy: string; reasons: string[]; stage: string };
  /** APPLICATION (default) or REREVIEW (a change report or a periodic re-review of a household). */
  kind?: 'APPLICATION' | 'REREVIEW';
  /** The rules' recommendation: never a refusal (procedure v2). */
  recommendation?: { eligible: string[]; requestedEligible: string[]; monthlyAmount: number; reasons: string[]; proposed: string[] };
  deadline?: import('../domain/procedure.ts').CaseDeadline;
  consent?: { crossCheckAuthorized: true; signedAt: string };
  /** 近亲属备案: the applicant's declared relation to a member of staff. */
  staffRelative?: { staffName: string; position: string; relation: string; regionCode?: string };
  emergency?: { kind: 'URGENT' | 'SPENDING'; amount: number; description?: string };
  /** Home visits by the town (and the county's TEKUN spot-check). */
  investigations?: (import('../domain/application.ts').Investigation & { level: string; by: string; at: string; taskId: string })[];
  /** The town's proposal to the city (its decision when the city decides). */
  proposal?: { decision: string; categories: string[]; reason?: string; by: string; at: string };
  spotCheck?: { drawn: boolean; sequence: number; share: number; county: string; record?: unknown };
  appeals?: { id: string; by: string; at: string; reason: string; taskId: string; against: string; outcome?: 'uphold' | 'overturn'; decidedAt?: string; decidedBy?: string; decisionReason?: string }[];
  /** How many times an appeal reopened the case. */
  reopened?: number;
  /** REREVIEW only. */
  change?: Record<string, unknown>;
  /** The programmes the submission referred to ([] for none; absent on cases from before it was kept: look the referrals up). */
  programmes?: string[];
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

/** The byRegion index keys of a case. */
export function regionKeys(app: Pick<ApplicationRecord, 'id' | 'regionCode' | 'createdAt'>): { regionPart: string; regionSort: string } {
  return { regionPart: app.regionCode.slice(0, 4), regionSort: `${app.regionCode}#${app.createdAt}#${app.id}` };
}

const lockKey = (householdId: string, category: string) => ({ pk: `OPEN#${householdId}#${category}`, sk: 'LOCK' });

/** Creates the case and its open-application locks in one transaction. Returns false if the id exists. */
/** The household claim in the creating transaction was taken by someone else meanwhile. */
export class HouseholdClaimTaken extends Error {}

/** Categories the household holds now (its entitlement's condition check failed in the creating transaction). */
export class HeldCategories extends Error {
  constructor(readonly categories: string[]) {
    super(`held: ${categories.join(', ')}`);
  }
}

/**
 * Creates the case, its open-application locks, `checks` (one condition per category, e.g. that
 * the household does not hold it) and `extra` items in one transaction. 'exists' when a case
 * with this id exists already (then nothing is written). Which condition failed decides the error:
 * the case first, then a check (HeldCategories), a lock (DuplicateOpenApplication), the rest
 * (the household claim: HouseholdClaimTaken).
 */
export async function createApplication(
  app: ApplicationRecord,
  extra: NonNullable<TransactWriteCommandInput['TransactItems']> = [],
  checks: { category: string; item: NonNullable<TransactWriteCommandInput['TransactItems']>[number] }[] = [],
): Promise<'created' | 'exists'> {
  const items: NonNullable<TransactWriteCommandInput['TransactItems']> = [
    { Put: { TableName: table(), Item: { pk: `APP#${app.id}`, sk: 'APP', ...packItem(app), ...regionKeys(app) }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ...app.requested.map((category) => ({
      Put: {
        TableName: table(),
        Item: { ...lockKey(app.householdId, category), applicationId: app.id, createdAt: app.createdAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    })),
    ...checks.map((c) => c.item),
    ...extra,
  ];
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
    return 'created';
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      const reasons = err.CancellationReasons ?? [];
      const failed = (i: number) => reasons[i]?.Code === 'ConditionalCheckFailed';
      if (failed(0)) return 'exists';
      const locks = app.requested.length;
      const held = checks.filter((_c, i) => failed(1 + locks + i)).map((c) => c.category);
      if (held.length) throw new HeldCategories(held);
      const taken = app.requested.filter((_c, i) => failed(i + 1));
      if (taken.length) throw new DuplicateOpenApplication(taken);
      if (reasons.slice(1 + locks + checks.length).some((r) => r?.Code === 'ConditionalCheckFailed')) throw new HouseholdClaimTaken();
    }
    throw err;
  }
}

export async function openApplicationFor(householdId: string, category: string): Promise<string | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: lockKey(householdId, category) }));
  return res.Item?.applicationId as string | undefined;
}

/** The case item as stored (a consistent read: reviewers and the citizen see its status change). */
async function caseItem(id: string): Promise<GetCommandOutput['Item']> {
  return (await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `APP#${id}`, sk: 'APP' }, ConsistentRead: true }))).Item;
}

export async function getApplication(id: string): Promise<ApplicationRecord | undefined> {
  const item = await caseItem(id);
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, ...rest } = unpackItem(item);
  return rest as ApplicationRecord;
}

/**
 * The case as getApplication reads it, its rules trace left as the JSON text it was stored as
 * (`eligibilityJson`; `eligibility` absent): GET /applications/{id} sends the trace on unchanged,
 * and parsing 14 KB only to serialize it again was a fifth of that route's handler time.
 */
export async function getApplicationTraceText(id: string): Promise<{ app: ApplicationRecord; eligibilityJson: string | undefined } | undefined> {
  const item = await caseItem(id);
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, [TRACE_GZ]: gz, [TRACE]: plain, ...rest } = item;
  const eligibilityJson = gz ? gunzipSync(gz as Uint8Array).toString('utf8') : plain === undefined ? undefined : JSON.stringify(plain);
  return { app: rest as ApplicationRecord, eligibilityJson };
}

export interface Page<T> {
  items: T[];
  next?: Record<string, unknown> | undefined;
}

const strip = (items: Record<string, unknown>[] | undefined) =>
  (items ?? []).map((item) => {
    const { pk: _pk, sk: _sk, regionPart: _rp, regionSort: _rs, ...rest } = unpackItem(item);
    return rest as unknown as ApplicationRecord;
  });

/** A citizen's own cases, newest first; `status` filters (a page may then hold fewer items). */
export async function listByOwner(ownerSub: string, opts: { limit?: number; start?: Record<string, unknown> | undefined; status?: string | undefined } = {}): Promise<Page<ApplicationRecord>> {
  const res = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byOwner',
      KeyConditionExpression: 'ownerSub = :o',
      ...(opts.status ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } } : {}),
      ExpressionAttributeValues: { ':o': ownerSub, ...(opts.status ? { ':s': opts.status } : {}) },
      ScanIndexForward: false,
      Limit: opts.limit ?? 50,
      ...(opts.start ? { ExclusiveStartKey: opts.start } : {}),
    }),
  );
  return { items: strip(res.Items), next: res.LastEvaluatedKey };
}

/** The cases whose region code starts with `prefix` (≥ 4 digits), in region then date order. */
export async function listByRegion(prefix: string, opts: { limit?: number; start?: Record<string, unknown> | undefined; status?: string | undefined } = {}): Promise<Page<ApplicationRecord>> {
  const res = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'byRegion',
      KeyConditionExpression: 'regionPart = :p AND begins_with(regionSort, :j)',
      ...(opts.status ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } } : {}),
      ExpressionAttributeValues: { ':p': prefix.slice(0, 4), ':j': prefix, ...(opts.status ? { ':s': opts.status } : {}) },
      Limit: opts.limit ?? 50,
      ...(opts.start ? { ExclusiveStartKey: opts.start } : {}),
    }),
  );
  return { items: strip(res.Items), next: res.LastEvaluatedKey };
}

/** Creates a re-review case (no open-application locks: the household is already approved). */
export async function putCaseIfAbsent(app: ApplicationRecord): Promise<boolean> {
  try {
    await documentClient().send(new PutCommand({ TableName: table(), Item: { pk: `APP#${app.id}`, sk: 'APP', ...packItem(app), ...regionKeys(app) }, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** Counts the county's TEKUN cases for the spot-check draw: the new sequence number. */
export async function nextSpotCheckSequence(county: string): Promise<number> {
  const res = await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: `SPOTCHECK#${county}`, sk: 'TEKUN' },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(res.Attributes?.n ?? 1);
}

export interface Transition {
  from: readonly ApplicationStatus[];
  to?: ApplicationStatus;
  /** One entry, or several recorded by one step (e.g. the cross-check and the recommendation). */
  history?: HistoryEntry | readonly HistoryEntry[];
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
  const history = t.history === undefined ? [] : Array.isArray(t.history) ? t.history : [t.history];
  if (history.length) {
    names['#history'] = 'history';
    values[':h'] = history;
    sets.push('#history = list_append(#history, :h)');
  }
  const set: Record<string, unknown> = { ...t.set };
  const remove: string[] = [...(t.remove ?? [])];
  if (set[TRACE] !== undefined) {
    // Stored gzipped; a plain trace from before goes.
    set[TRACE_GZ] = packTrace(set[TRACE]);
    delete set[TRACE];
    remove.push(TRACE);
  }
  Object.entries(set).forEach(([k, v], i) => {
    names[`#s${i}`] = k;
    values[`:s${i}`] = v;
    sets.push(`#s${i} = :s${i}`);
  });
  const removes = remove.map((k, i) => {
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

/** Transaction items that take a reopened case's open-application locks back (failing where another case holds one). */
export function retakeLockItems(app: Pick<ApplicationRecord, 'id' | 'householdId' | 'requested' | 'createdAt'>) {
  return app.requested.map((category) => ({
    Put: {
      TableName: table(),
      Item: { ...lockKey(app.householdId, category), applicationId: app.id, createdAt: app.createdAt },
      ConditionExpression: 'attribute_not_exists(pk) OR applicationId = :id',
      ExpressionAttributeValues: { ':id': app.id },
    },
  }));
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
export async function addFlag(id: string, flag: { type: string; detail: string; otherApplicationId?: string; otherHouseholdId?: string }, now: string): Promise<void> {
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

/**
 * The claim of a household id by the citizen whose application first named it (pk =
 * HHCLAIM#<householdId>): written in the same transaction as that case, so two strangers naming
 * the same head cannot both attach to one household.
 */
export function householdClaimItem(householdId: string, ownerSub: string, applicationId: string, at: string) {
  return {
    Put: {
      TableName: table(),
      // Not `ownerSub`/`createdAt`: those would put the claim into the byOwner index of cases.
      Item: { pk: `HHCLAIM#${householdId}`, sk: 'CLAIM', householdId, claimedBy: ownerSub, applicationId, claimedAt: at },
      ConditionExpression: 'attribute_not_exists(pk) OR claimedBy = :o',
      ExpressionAttributeValues: { ':o': ownerSub },
    },
  };
}

export async function householdClaim(householdId: string): Promise<{ ownerSub: string; applicationId: string } | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `HHCLAIM#${householdId}`, sk: 'CLAIM' }, ConsistentRead: true }));
  return res.Item ? { ownerSub: res.Item.claimedBy as string, applicationId: res.Item.applicationId as string } : undefined;
}

/** At most one objection per person per notice round (pk = OBJ#<id>#<round>#<sub>). */
export function objectionLockItem(applicationId: string, round: number, bySub: string, at: string) {
  return {
    Put: {
      TableName: table(),
      Item: { pk: `OBJ#${applicationId}#${round}#${bySub}`, sk: 'OBJECTION', applicationId, round, by: bySub, at },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
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
