import { BatchGetCommand, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import { documentClient, tableNameFrom } from './dynamo.ts';
import { addDays, nextMemberDue, nextReReviewDue, rigidValidityDue, type DueMarks } from '../domain/monitoring.ts';
import { maskId } from '../domain/resident-id.ts';
import { mergeLabel, sameLabels, type HouseholdLabel } from '../domain/merger.ts';

/**
 * The Households table: the approved (monitored) population.
 *   pk = HH#<householdId>, sk = PROFILE           region, the household as approved (for re-evaluation)
 *   pk = HH#<householdId>, sk = MEMBER#<idHash>   a member: masked ID, birth date, relation, death
 *   pk = HH#<householdId>, sk = ENT#<category>    an entitlement with its amount schedule
 *   pk = PERSON#<idHash>,  sk = HH#<householdId>  membership: which households a person is in
 *   pk = PERSON#<idHash>,  sk = HOUSEHOLDS        the same as one keyed item (householdIds, a string
 *                                                 set), written beside every membership, so a batch
 *                                                 of people is one BatchGetItem (the merger import)
 * Written together with the approval (one transaction), so a household is monitored exactly
 * when it receives assistance.
 *
 * Monitoring's sparse GSI `dueByCounty` (dueKey = county#YYYY-MM, dueOn = date, dueKinds):
 * MEMBER items carry their next age milestone, PROFILE its next re-review, ENT#RIGID_EXPENDITURE
 * its validity end, computed by functions/domain/monitoring.ts whenever the item is written;
 * the daily run advances them, a death removes them.
 */
const table = () => tableNameFrom('HOUSEHOLDS_TABLE');

export interface Membership {
  householdId: string;
  applicationId: string;
  regionCode: string;
}

/** One step of an entitlement's amount: from this month on, this much (a grant, or an adjustment). */
export interface AmountStep {
  from: string;
  monthlyAmountFen: number;
  reason: string;
  at: string;
  by: string;
}

export interface EntitlementRecord {
  householdId: string;
  category: string;
  /** The amount now in force (the latest step of `amounts`). */
  monthlyAmountFen: number;
  /** The amount schedule the monthly ledger run pays from: the latest step whose `from` ≤ the month. */
  amounts: AmountStep[];
  /** Last month paid, when the entitlement has ended (death of the last member, validity over). */
  endMonth?: string;
  startMonth: string;
  applicationId: string;
  regionCode: string;
  grantedAt: string;
  /** GRADUAL_EXIT (渐退): paid unchanged until `endMonth`, then over. */
  status: 'ACTIVE' | 'GRADUAL_EXIT' | 'ENDED';
  /** RIGID_EXPENDITURE is granted for 12 months, then the household re-applies. */
  validUntilMonth?: string;
}

const dueMarks = (d: DueMarks | undefined) => (d ? { dueKey: d.dueKey, dueOn: d.dueOn, dueKinds: d.dueKinds } : {});

export async function membershipsOf(idHash: string): Promise<Membership[]> {
  const res = await documentClient().send(
    // Only the HH# items: the partition also holds the keyed index item (sk HOUSEHOLDS).
    new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :p AND begins_with(sk, :hh)', ExpressionAttributeValues: { ':p': `PERSON#${idHash}`, ':hh': 'HH#' } }),
  );
  return (res.Items ?? []) as Membership[];
}

export async function putMembership(idHash: string, m: Membership): Promise<void> {
  await documentClient().send(new TransactWriteCommand({ TransactItems: membershipItems(idHash, m) }));
}

/** A membership and its keyed index item, for a transaction. */
export function membershipItems(idHash: string, m: Membership) {
  return [membershipItem(idHash, m), membershipIndexItem(idHash, m.householdId, 'ADD')];
}

/** A membership write for a transaction (idempotent: the same person and household is one item). */
export function membershipItem(idHash: string, m: Membership) {
  return { Put: { TableName: table(), Item: { pk: `PERSON#${idHash}`, sk: `HH#${m.householdId}`, ...m } } };
}

/**
 * For a transaction: the household holds no live entitlement to `category` (none, or ENDED).
 * A new application for a category held now is refused (changes go through a re-review).
 */
export function notHeldCheck(householdId: string, category: string) {
  return {
    ConditionCheck: {
      TableName: table(),
      Key: { pk: `HH#${householdId}`, sk: `ENT#${category}` },
      ConditionExpression: 'attribute_not_exists(pk) OR #s = :ended',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':ended': 'ENDED' },
    },
  };
}

/** The keyed membership index's change for a transaction: the household joins (ADD) or leaves (DELETE) the person's set. */
export function membershipIndexItem(idHash: string, householdId: string, op: 'ADD' | 'DELETE') {
  return {
    Update: {
      TableName: table(),
      Key: { pk: `PERSON#${idHash}`, sk: 'HOUSEHOLDS' },
      UpdateExpression: `${op} householdIds :h`,
      ExpressionAttributeValues: { ':h': new Set([householdId]) },
    },
  };
}

/** The index item as a plain Put (bulk loaders writing a person's only membership with BatchWriteItem). */
export function membershipIndexPut(idHash: string, householdIds: readonly string[]): Record<string, unknown> {
  return { pk: `PERSON#${idHash}`, sk: 'HOUSEHOLDS', householdIds: new Set(householdIds) };
}

/**
 * The households of many people at once: BatchGetItem on the keyed index items (100 keys a call,
 * `parallel` calls in flight, unprocessed keys retried). People in no household are absent.
 */
export async function householdIdsOf(idHashes: readonly string[], parallel = 4): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const unique = [...new Set(idHashes)];
  const batches: string[][] = [];
  for (let i = 0; i < unique.length; i += 100) batches.push(unique.slice(i, i + 100));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let keys: Record<string, unknown>[] | undefined = batches[next++]!.map((h) => ({ pk: `PERSON#${h}`, sk: 'HOUSEHOLDS' }));
      for (let attempt = 0; keys && keys.length; attempt++) {
        const res = await documentClient().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of res.Responses?.[table()] ?? []) {
          const ids = [...((item.householdIds as Set<string> | undefined) ?? [])].sort();
          if (ids.length) out.set(String(item.pk).slice('PERSON#'.length), ids);
        }
        keys = res.UnprocessedKeys?.[table()]?.Keys as Record<string, unknown>[] | undefined;
        if (keys?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
  return out;
}

/**
 * Entitlement writes for a transaction. The condition keeps a replayed grant from writing a
 * second set: an entitlement from this very application is never overwritten.
 */
export function entitlementItems(records: EntitlementRecord[]): NonNullable<TransactWriteCommandInput['TransactItems']> {
  return records.map((r) => ({
    Put: {
      TableName: table(),
      Item: {
        pk: `HH#${r.householdId}`,
        sk: `ENT#${r.category}`,
        ...r,
        // The ledger run's sparse index, and the monitoring's validity-end mark for RIGID_EXPENDITURE.
        ...entitlementIndexKeys(r),
        ...(r.validUntilMonth && r.status === 'ACTIVE' ? dueMarks(rigidValidityDue(r.regionCode, r.validUntilMonth)) : {}),
      },
      ConditionExpression: 'attribute_not_exists(pk) OR applicationId <> :app',
      ExpressionAttributeValues: { ':app': r.applicationId },
    },
  }));
}

/**
 * Sparse GSI `entitlementsByShard` (the monthly ledger run reads it instead of scanning the
 * table): every entitlement item carries `entShard` = ENT#<0..ENTITLEMENT_SHARDS-1> (by
 * household, so no hot partition) and `entSort` = <startMonth>#<householdId>#<category>, so a
 * month's run reads only entitlements that have started. Profiles, members and memberships
 * have neither attribute and stay out of the index.
 */
export const ENTITLEMENT_SHARDS = 8;

export function entitlementIndexKeys(r: Pick<EntitlementRecord, 'householdId' | 'category' | 'startMonth'>): { entShard: string; entSort: string } {
  const shard = createHash('sha256').update(r.householdId).digest()[0]! % ENTITLEMENT_SHARDS;
  return { entShard: `ENT#${shard}`, entSort: `${r.startMonth}#${r.householdId}#${r.category}` };
}

/** One shard's entitlements that started in or before `month` (any status), page by page. */
export async function* entitlementsStartedBy(shard: number, month: string): AsyncGenerator<EntitlementRecord[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const res = await documentClient().send(
      new QueryCommand({
        TableName: table(),
        IndexName: 'entitlementsByShard',
        KeyConditionExpression: 'entShard = :s AND entSort < :next',
        ExpressionAttributeValues: { ':s': `ENT#${shard}`, ':next': `${month}#~` },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    yield (res.Items ?? []) as EntitlementRecord[];
    start = res.LastEvaluatedKey;
  } while (start);
}

/**
 * Ends an entitlement whose time is over (RIGID_EXPENDITURE after its 12 months, a gradual exit
 * after its months) and takes it out of the run's index. Conditional: only an ACTIVE or
 * GRADUAL_EXIT one, so repeating it is harmless.
 */
export async function endEntitlement(householdId: string, category: string, endMonth: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: `HH#${householdId}`, sk: `ENT#${category}` },
        UpdateExpression: 'SET #s = :ended, endMonth = :m REMOVE entShard, entSort',
        ConditionExpression: '#s IN (:active, :gradual)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':ended': 'ENDED', ':m': endMonth, ':active': 'ACTIVE', ':gradual': 'GRADUAL_EXIT' },
      }),
    );
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

/** Takes an ENDED entitlement out of the run's index once the run is past its last month. */
export async function unindexEntitlement(householdId: string, category: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: `HH#${householdId}`, sk: `ENT#${category}` },
      UpdateExpression: 'REMOVE entShard, entSort',
      ConditionExpression: '#s = :ended',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':ended': 'ENDED' },
    }),
  ).catch((err: unknown) => {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
  });
}

export async function entitlementsOf(householdId: string): Promise<EntitlementRecord[]> {
  const res = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':p': `HH#${householdId}`, ':e': 'ENT#' },
      ConsistentRead: true,
    }),
  );
  return (res.Items ?? []) as EntitlementRecord[];
}

export interface MemberRecord {
  householdId: string;
  idHash: string;
  maskedId: string;
  birthDate: string;
  relation: string;
  regionCode: string;
  deceasedOn?: string;
}

export interface HouseholdProfile {
  householdId: string;
  regionCode: string;
  applicationId: string;
  /** The household as approved (raw IDs; masked on every way out). */
  household: Record<string, unknown>;
  updatedAt: string;
  /** Categories granted with this approval (monitoring's milestones depend on them). */
  categories?: string[];
  /** Where the household came from, e.g. FORMER_PREVENTION_MONITORING (the 两项政策 merger, functions/domain/merger.ts). */
  labels?: HouseholdLabel[];
}

/** The profile, member and membership writes that go with an approval's transaction. */
export function householdItems(profile: HouseholdProfile, members: MemberRecord[]): NonNullable<TransactWriteCommandInput['TransactItems']> {
  const categories = profile.categories ?? [];
  const writtenOn = new Date(Date.parse(profile.updatedAt) + 8 * 3600_000).toISOString().slice(0, 10);
  const raw = ((profile.household as { members?: { idNumber: string; laborAbility?: string; orphaned?: boolean }[] }).members ?? []).filter((m) => typeof m?.idNumber === 'string');
  const orphanedMasked = new Set(raw.filter((m) => m.orphaned).map((m) => `${maskId(m.idNumber.toUpperCase())}|${m.idNumber.slice(6, 14)}`));
  const orphaned = (m: MemberRecord) => orphanedMasked.has(`${m.maskedId}|${m.birthDate.replace(/-/g, '')}`);
  const since = addDays(writtenOn, -1);
  return [
    {
      Put: {
        TableName: table(),
        Item: { pk: `HH#${profile.householdId}`, sk: 'PROFILE', ...profile, ...(categories.length ? dueMarks(nextReReviewDue(raw, writtenOn, profile.regionCode, since)) : {}) },
      },
    },
    ...members.map((m) => ({
      Put: {
        TableName: table(),
        Item: {
          pk: `HH#${m.householdId}`,
          sk: `MEMBER#${m.idHash}`,
          ...m,
          categories,
          orphaned: orphaned(m),
          ...dueMarks(nextMemberDue({ birthDate: m.birthDate, orphaned: orphaned(m), ...(m.deceasedOn ? { deceasedOn: m.deceasedOn } : {}) }, categories, m.regionCode, since)),
        },
      },
    })),
    ...members.map((m) => ({
      Put: {
        TableName: table(),
        Item: { pk: `PERSON#${m.idHash}`, sk: `HH#${m.householdId}`, householdId: m.householdId, applicationId: profile.applicationId, regionCode: m.regionCode, maskedId: m.maskedId, birthDate: m.birthDate },
      },
    })),
    ...members.map((m) => membershipIndexItem(m.idHash, m.householdId, 'ADD')),
  ];
}

/** One line of a household's history (approval, change report, re-review decision): pk = HH#id, sk = HIST#at#kind. */
export interface HouseholdHistoryEntry {
  at: string;
  kind: string;
  by: string;
  detail?: Record<string, unknown>;
}

export function householdHistoryItem(householdId: string, h: HouseholdHistoryEntry) {
  return { TableName: table(), Item: { pk: `HH#${householdId}`, sk: `HIST#${h.at}#${h.kind}`, ...h } };
}

export async function householdHistory(householdId: string): Promise<HouseholdHistoryEntry[]> {
  const res = await documentClient().send(
    new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :p AND begins_with(sk, :h)', ExpressionAttributeValues: { ':p': `HH#${householdId}`, ':h': 'HIST#' } }),
  );
  return (res.Items ?? []).map(({ pk: _pk, sk: _sk, ...rest }) => rest as HouseholdHistoryEntry);
}

/** Deletes of a member who left the household (a re-review adopted a new composition). */
export function memberRemovalItems(householdId: string, idHash: string) {
  return [
    { Delete: { TableName: table(), Key: { pk: `HH#${householdId}`, sk: `MEMBER#${idHash}` } } },
    { Delete: { TableName: table(), Key: { pk: `PERSON#${idHash}`, sk: `HH#${householdId}` } } },
    membershipIndexItem(idHash, householdId, 'DELETE'),
  ];
}

export async function householdProfile(householdId: string): Promise<HouseholdProfile | undefined> {
  const res = await documentClient().send(new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :p AND sk = :s', ExpressionAttributeValues: { ':p': `HH#${householdId}`, ':s': 'PROFILE' } }));
  return res.Items?.[0] as HouseholdProfile | undefined;
}

/** Whether the person is an approved member of the household (written with the approval). */
export async function isApprovedMember(householdId: string, idHash: string): Promise<boolean> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `HH#${householdId}`, sk: `MEMBER#${idHash}` }, ProjectionExpression: 'pk' }));
  return res.Item !== undefined;
}

export async function membersOf(householdId: string): Promise<MemberRecord[]> {
  const res = await documentClient().send(
    new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :p AND begins_with(sk, :m)', ExpressionAttributeValues: { ':p': `HH#${householdId}`, ':m': 'MEMBER#' }, ConsistentRead: true }),
  );
  return (res.Items ?? []) as MemberRecord[];
}

/**
 * Adds a step to an entitlement's amount schedule (e.g. a worker closing a 70th-birthday warning
 * with BENEFIT_ADJUSTED). Steps with the same `from` are replaced, so repeating is harmless.
 */
export async function adjustEntitlementAmount(householdId: string, category: string, step: AmountStep): Promise<EntitlementRecord | undefined> {
  const current = (await entitlementsOf(householdId)).find((e) => e.category === category);
  if (!current || current.status !== 'ACTIVE') return undefined;
  const amounts = [...(current.amounts ?? []).filter((a) => a.from !== step.from), step].sort((a, b) => a.from.localeCompare(b.from));
  const latest = amounts[amounts.length - 1]!;
  const res = await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: `HH#${householdId}`, sk: `ENT#${category}` },
      UpdateExpression: 'SET amounts = :a, monthlyAmountFen = :m',
      ConditionExpression: '#s = :active',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':a': amounts, ':m': latest.monthlyAmountFen, ':active': 'ACTIVE' },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return res.Attributes as EntitlementRecord;
}

/** The amount an entitlement pays for `month` (YYYY-MM), or 0 outside its months. */
export function amountForMonth(e: EntitlementRecord, month: string): number {
  if (month < e.startMonth || (e.endMonth && month > e.endMonth) || (e.validUntilMonth && month > e.validUntilMonth)) return 0;
  let fen = 0;
  for (const step of e.amounts ?? [{ from: e.startMonth, monthlyAmountFen: e.monthlyAmountFen }]) if (step.from <= month) fen = step.monthlyAmountFen;
  return fen;
}

/**
 * Records a death (PersonDeceased) on every household the person is in. When no member is left
 * alive, the household's entitlements end with the month of death: nothing is paid after it.
 * Returns the households touched. Repeating it changes nothing.
 */
export async function markDeceased(idHash: string, date: string): Promise<string[]> {
  const touched: string[] = [];
  for (const m of await membershipsOf(idHash)) {
    await documentClient().send(
      new UpdateCommand({ TableName: table(), Key: { pk: `HH#${m.householdId}`, sk: `MEMBER#${idHash}` }, UpdateExpression: 'SET deceasedOn = if_not_exists(deceasedOn, :d) REMOVE dueKey, dueOn, dueKinds', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':d': date } }),
    ).catch((err: unknown) => {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    });
    await documentClient().send(
      new UpdateCommand({ TableName: table(), Key: { pk: `PERSON#${idHash}`, sk: `HH#${m.householdId}` }, UpdateExpression: 'SET deceasedOn = if_not_exists(deceasedOn, :d)', ExpressionAttributeValues: { ':d': date } }),
    );
    const members = await membersOf(m.householdId);
    if (members.length > 0 && members.every((x) => x.deceasedOn)) {
      await documentClient().send(
        new UpdateCommand({ TableName: table(), Key: { pk: `HH#${m.householdId}`, sk: 'PROFILE' }, UpdateExpression: 'REMOVE dueKey, dueOn, dueKinds', ConditionExpression: 'attribute_exists(pk)' }),
      ).catch((err: unknown) => {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      });
      for (const e of await entitlementsOf(m.householdId)) {
        if (e.status === 'ENDED') continue;
        await documentClient().send(
          new UpdateCommand({
            TableName: table(),
            Key: { pk: `HH#${m.householdId}`, sk: `ENT#${e.category}` },
            UpdateExpression: 'SET #s = :ended, endMonth = :m REMOVE dueKey, dueOn, dueKinds',
            // A gradual exit ends with a death too.
            ConditionExpression: '#s IN (:active, :gradual)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':ended': 'ENDED', ':m': date.slice(0, 7), ':active': 'ACTIVE', ':gradual': 'GRADUAL_EXIT' },
          }),
        ).catch((err: unknown) => {
          if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
        });
      }
    }
    touched.push(m.householdId);
  }
  return touched;
}

/** A household's labels (none when it has none, or no profile). */
export async function householdLabels(householdId: string): Promise<HouseholdLabel[]> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: `HH#${householdId}`, sk: 'PROFILE' }, ProjectionExpression: 'labels' }));
  return (res.Item?.labels as HouseholdLabel[] | undefined) ?? [];
}

/**
 * Adds a label to a household's profile (the same code merges: risk types united, the earlier
 * `since` kept). Conditional on the labels read, so two imports labelling at once both land;
 * adding the same label again changes nothing. Returns the labels, or undefined without a profile.
 */
export async function addHouseholdLabel(householdId: string, label: HouseholdLabel): Promise<{ labels: HouseholdLabel[]; changed: boolean } | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const profile = await householdProfile(householdId);
    if (!profile) return undefined;
    const labels = mergeLabel(profile.labels, label);
    if (sameLabels(labels, profile.labels)) return { labels, changed: false };
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: table(),
          Key: { pk: `HH#${householdId}`, sk: 'PROFILE' },
          UpdateExpression: 'SET labels = :new',
          ConditionExpression: profile.labels ? 'labels = :old' : 'attribute_exists(pk) AND attribute_not_exists(labels)',
          ExpressionAttributeValues: { ':new': labels, ...(profile.labels ? { ':old': profile.labels } : {}) },
        }),
      );
      return { labels, changed: true };
    } catch (err) {
      if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
    }
  }
  throw new Error(`labels of ${householdId} keep changing under us`);
}
