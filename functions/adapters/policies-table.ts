import { createHash, randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { now } from '../commons/clock.ts';
import { conflict } from '../commons/errors.ts';
import { policyPrefixes, type ParameterName, type ParameterValue, type PolicyValue } from '../domain/policy.ts';
import { seedValues } from '../domain/policy-seed.ts';
import { documentClient, tableNameFrom } from './dynamo.ts';

/**
 * The Policies table: `pk` = region prefix (`CN`, 2/4/6/9/12 digits), `sk` =
 * `<parameter>#<effectiveFrom>`; one item per dated value, with `rev` for optimistic locking.
 * `pk = #META, sk = version` holds a counter every write bumps in the same transaction, so
 * readers can keep resolved values in memory and revalidate with one GetItem.
 *
 * The Audit table (shared, generic): `pk` = entity (`POLICY#<region>#<parameter>`), `sk` =
 * `<at>#<uuid>`; who, when, old, new — written in the same transaction as the change.
 */
export interface PolicyTables {
  doc: DynamoDBDocumentClient;
  policies: string;
  audit: string;
}

const META = { pk: '#META', sk: 'version' };
const SEED_MARKER = { pk: '#META', sk: 'seed' };

/** Readers need only the Policies table; writers (`forWrites`) the Audit table as well. */
export function tablesFromEnv(opts: { forWrites?: boolean } = {}): PolicyTables {
  return { doc: documentClient(), policies: tableNameFrom('POLICIES_TABLE'), audit: opts.forWrites ? tableNameFrom('AUDIT_TABLE') : '' };
}

interface PolicyItem extends PolicyValue {
  pk: string;
  sk: string;
  rev: number;
}

function toValue(item: Record<string, unknown>): PolicyValue {
  const i = item as unknown as PolicyItem;
  return {
    regionCode: i.regionCode,
    parameter: i.parameter,
    value: i.value,
    effectiveFrom: i.effectiveFrom,
    setAt: i.setAt,
    ...(i.setBy ? { setBy: i.setBy } : {}),
    ...(i.reference ? { reference: i.reference } : {}),
  };
}

/** Every dated value stored under the given prefixes. */
export async function queryValues(t: PolicyTables, prefixes: readonly string[]): Promise<PolicyValue[]> {
  const parts = await Promise.all(
    prefixes.map(async (pk) => {
      const out: PolicyValue[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const res = await t.doc.send(
          new QueryCommand({ TableName: t.policies, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ExclusiveStartKey: start }),
        );
        for (const item of res.Items ?? []) out.push(toValue(item));
        start = res.LastEvaluatedKey;
      } while (start);
      return out;
    }),
  );
  return parts.flat();
}

export async function policyVersion(t: PolicyTables): Promise<number> {
  const res = await t.doc.send(new GetCommand({ TableName: t.policies, Key: META, ConsistentRead: true }));
  return (res.Item?.version as number | undefined) ?? 0;
}

/**
 * How long a warm container trusts the version counter it read (real time): a policy change
 * reaches every other container within this, the writing one at once. Policy values are dated
 * (effectiveFrom), so a few seconds is far below what a change needs to take effect.
 */
export const POLICY_VERSION_TTL_MS = Number(process.env.POLICY_VERSION_TTL_MS ?? 5000);
const versions = new Map<string, { version: number; at: number } | Promise<number>>();

/** The version counter, read at most once per TTL per table (concurrent callers share the read). */
export async function cachedPolicyVersion(t: PolicyTables): Promise<number> {
  const hit = versions.get(t.policies);
  if (hit instanceof Promise) return hit;
  if (hit && Date.now() - hit.at < POLICY_VERSION_TTL_MS) return hit.version;
  const at = Date.now();
  const read = policyVersion(t).then(
    (version) => {
      if (versions.get(t.policies) === read) versions.set(t.policies, { version, at });
      return version;
    },
    (err: unknown) => {
      if (versions.get(t.policies) === read) versions.delete(t.policies);
      throw err;
    },
  );
  versions.set(t.policies, read);
  return read;
}

/** After a write from this container: the next reader revalidates at once. */
export function forgetPolicyVersion(t: PolicyTables): void {
  versions.delete(t.policies);
}

/**
 * The values that apply to `regionCode` (all its prefixes and CN), cached per region and
 * revalidated against the version counter (itself trusted for POLICY_VERSION_TTL_MS): no
 * DynamoDB call per evaluation while nothing changes.
 */
const cache = new Map<string, { version: number; values: PolicyValue[] }>();
export async function valuesFor(t: PolicyTables, regionCode: string): Promise<{ version: number; values: PolicyValue[] }> {
  const version = await cachedPolicyVersion(t);
  const key = `${t.policies}|${regionCode}`;
  const hit = cache.get(key);
  if (hit && hit.version === version) return hit;
  const values = await queryValues(t, policyPrefixes(regionCode));
  const entry = { version, values };
  if (cache.size > 5000) cache.clear();
  cache.set(key, entry);
  return entry;
}

export interface PolicyWrite {
  regionCode: string;
  parameter: ParameterName;
  value: ParameterValue;
  effectiveFrom: string;
  reference?: string;
}

export interface AuditEntry {
  entity: string;
  at: string;
  by: string;
  action: 'PUT_POLICY_VALUE';
  old: PolicyValue | null;
  new: PolicyValue;
}

const isConditionFailure = (err: unknown) =>
  err instanceof TransactionCanceledException ||
  (err as Error)?.name === 'TransactionCanceledException' ||
  (err as Error)?.name === 'ConditionalCheckFailedException';

/**
 * Writes one dated value (creating it, or replacing the value with the same region, parameter
 * and effectiveFrom) and its audit entry in one transaction, with optimistic locking on `rev`.
 * Concurrent writers retry; after 5 lost races → 409.
 */
export async function putPolicyValue(
  t: PolicyTables,
  w: PolicyWrite,
  by: string,
  at: string,
  opts: { onlyIfAbsent?: boolean } = {},
): Promise<{ previous: PolicyValue | null; value: PolicyValue; written: boolean }> {
  const key = { pk: w.regionCode, sk: `${w.parameter}#${w.effectiveFrom}` };
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = (await t.doc.send(new GetCommand({ TableName: t.policies, Key: key, ConsistentRead: true }))).Item as PolicyItem | undefined;
    const previous = existing ? toValue(existing as unknown as Record<string, unknown>) : null;
    const value: PolicyValue = {
      regionCode: w.regionCode,
      parameter: w.parameter,
      value: w.value,
      effectiveFrom: w.effectiveFrom,
      setAt: at,
      setBy: by,
      ...(w.reference ? { reference: w.reference } : {}),
    };
    if (existing && opts.onlyIfAbsent) return { previous, value: previous!, written: false };
    const audit: AuditEntry & { pk: string; sk: string } = {
      pk: `POLICY#${w.regionCode}#${w.parameter}`,
      sk: `${at}#${randomUUID()}`,
      entity: `POLICY#${w.regionCode}#${w.parameter}`,
      at,
      by,
      action: 'PUT_POLICY_VALUE',
      old: previous,
      new: value,
    };
    try {
      await t.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: t.policies,
                Item: { ...key, ...value, rev: (existing?.rev ?? 0) + 1 },
                ...(existing
                  ? { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': existing.rev } }
                  : { ConditionExpression: 'attribute_not_exists(pk)' }),
              },
            },
            { Put: { TableName: t.audit, Item: audit, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: t.policies,
                Key: META,
                UpdateExpression: 'ADD version :one',
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
      forgetPolicyVersion(t);
      return { previous, value, written: true };
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
  throw conflict(`policy ${w.regionCode}/${w.parameter} changed concurrently; try again`);
}

/** The audit trail of one parameter at one region prefix, oldest first. */
export async function auditTrail(t: PolicyTables, regionCode: string, parameter: string): Promise<AuditEntry[]> {
  const res = await t.doc.send(
    new QueryCommand({ TableName: t.audit, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `POLICY#${regionCode}#${parameter}` } }),
  );
  return (res.Items ?? []).map((i) => ({ entity: i.entity, at: i.at, by: i.by, action: i.action, old: i.old ?? null, new: i.new }) as AuditEntry);
}

/**
 * Loads the seed (domain/policy-seed.ts) idempotently: each value is written only if absent
 * (an admin's later change is never overwritten), audited as `by: seed`; a marker holding the
 * seed's hash makes the next startup a single GetItem. Returns how many values were written.
 *
 * Locally: local/seed.ts calls it at startup. In AWS, once after deploy:
 *   POLICIES_TABLE=<name> AUDIT_TABLE=<name> npx tsx scripts/seed-policies.ts
 */
export async function seedPolicies(doc: DynamoDBDocumentClient, policiesTable: string, auditTable: string, values = seedValues()): Promise<number> {
  const t: PolicyTables = { doc, policies: policiesTable, audit: auditTable };
  const hash = createHash('sha256').update(JSON.stringify(values)).digest('hex').slice(0, 16);
  const marker = await doc.send(new GetCommand({ TableName: policiesTable, Key: SEED_MARKER, ConsistentRead: true }));
  if (marker.Item?.hash === hash) return 0;
  const at = now().toISOString();
  // A fresh table takes the whole seed in a few transactions (49 values + their audit entries +
  // one version bump each: TransactWriteItems' 100-item limit) instead of a read and a
  // transaction per value; values already present (an admin's, or an earlier seed's) are kept.
  const present = await presentKeys(doc, policiesTable, values);
  const absent = values.filter((v) => !present.has(`${v.regionCode}|${v.parameter}#${v.effectiveFrom}`));
  let written = 0;
  for (let i = 0; i < absent.length; i += 49) {
    const chunk = absent.slice(i, i + 49);
    try {
      await doc.send(new TransactWriteCommand({ TransactItems: [...chunk.flatMap((v) => seedItems(policiesTable, auditTable, v, at)), versionBump(policiesTable)] }));
      written += chunk.length;
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      // Someone wrote one of these meanwhile: value by value, each only if still absent.
      for (const v of chunk) {
        const res = await putPolicyValue(t, seedWrite(v), v.setBy ?? 'seed', at, { onlyIfAbsent: true });
        if (res.written) written++;
      }
    }
  }
  if (written) forgetPolicyVersion(t);
  await doc.send(new PutCommand({ TableName: policiesTable, Item: { ...SEED_MARKER, hash, at } }));
  return written;
}

type SeedValue = ReturnType<typeof seedValues>[number];

const seedWrite = (v: SeedValue): PolicyWrite => ({
  regionCode: v.regionCode,
  parameter: v.parameter,
  value: v.value,
  effectiveFrom: v.effectiveFrom,
  ...(v.reference ? { reference: v.reference } : {}),
});

/** The keys among `values` already in the table (one BatchGetItem per 100). */
async function presentKeys(doc: DynamoDBDocumentClient, table: string, values: readonly SeedValue[]): Promise<Set<string>> {
  const keys = [...new Map(values.map((v) => [`${v.regionCode}|${v.parameter}#${v.effectiveFrom}`, { pk: v.regionCode, sk: `${v.parameter}#${v.effectiveFrom}` }])).values()];
  const found = new Set<string>();
  for (let i = 0; i < keys.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean; ProjectionExpression: string }> | undefined = {
      [table]: { Keys: keys.slice(i, i + 100), ConsistentRead: true, ProjectionExpression: 'pk, sk' },
    };
    while (request && Object.keys(request).length) {
      const res = await doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of res.Responses?.[table] ?? []) found.add(`${item.pk}|${item.sk}`);
      request = res.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

/** One seed value and its audit entry, written only if absent. */
function seedItems(policiesTable: string, auditTable: string, v: SeedValue, at: string) {
  const w = seedWrite(v);
  const value: PolicyValue = { ...w, setAt: at, setBy: v.setBy ?? 'seed' };
  return [
    { Put: { TableName: policiesTable, Item: { pk: w.regionCode, sk: `${w.parameter}#${w.effectiveFrom}`, ...value, rev: 1 }, ConditionExpression: 'attribute_not_exists(pk)' } },
    {
      Put: {
        TableName: auditTable,
        Item: { pk: `POLICY#${w.regionCode}#${w.parameter}`, sk: `${at}#${randomUUID()}`, entity: `POLICY#${w.regionCode}#${w.parameter}`, at, by: value.setBy, action: 'PUT_POLICY_VALUE', old: null, new: value },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
  ];
}

const versionBump = (policiesTable: string) => ({
  Update: { TableName: policiesTable, Key: META, UpdateExpression: 'ADD version :one', ExpressionAttributeValues: { ':one': 1 } },
});
