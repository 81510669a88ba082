import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { nowMs } from '../commons/clock.ts';
import { idHash } from '../commons/id-hash.ts';
import { logger } from '../commons/logger.ts';
import { auditItem } from '../adapters/audit-table.ts';
import { documentClient } from '../adapters/dynamo.ts';
import { addHouseholdLabel, entitlementItems, entitlementsOf, householdIdsOf, householdItems, householdProfile, membersOf, type EntitlementRecord } from '../adapters/households-table.ts';
import {
  addCoverage,
  applyChunkCounts,
  batchPut,
  countedAs,
  coverageItems,
  decisionItem,
  getChunk,
  getRecord,
  getRecords,
  recordDecisionUpdate,
  recordItem,
  type CountedAs,
  type CoverageDelta,
  type ImportDelta,
  type LevelDecision,
  type MergerRecord,
} from '../adapters/merger-table.ts';
import { statsItems } from '../adapters/stats-table.ts';
import { policyFor } from './eligibility.ts';
import { putMergerCounties } from './merger-survey.ts';
import { startMonthAfter } from '../domain/application.ts';
import { evaluateEligibility, Trace } from '../domain/eligibility.ts';
import { householdSchema } from '../domain/household.ts';
import { classify, exitNotice, NEXT_LEVEL, rollupPrefixes, type AssessmentLevel, type Layer } from '../domain/merger.ts';
import { householdInputOf, labelOf, rowFingerprint, type ImportHousehold } from '../domain/merger-import.ts';
import { birthDateOf, maskId } from '../domain/resident-id.ts';
import { shanghaiDate } from '../domain/working-days.ts';

/**
 * The merger's work behind the API and the import workflow: a chunk of imported households →
 * records matched by keyed ID hash, classified by the rules, counted exactly once; an
 * assessment decision → the record's next level, or (city) the entitlement or the exit.
 */
export const recordIdOf = (idNumber: string) => `mr_${idHash(idNumber)}`;

/**
 * What a row said, as a keyed hash (the row's content names ID numbers; kept as HMAC, never in
 * clear). Records written before it was hashed keep the plain form, which still compares.
 */
const fingerprintOf = (h: ImportHousehold, r: ImportHousehold['rows'][number]) => `fp_${idHash(`fingerprint:${rowFingerprint(h, r)}`)}`;
const sameFingerprint = (stored: string, h: ImportHousehold, r: ImportHousehold['rows'][number]) => (stored.startsWith('fp_') ? stored === fingerprintOf(h, r) : stored === rowFingerprint(h, r));

/** BatchWriteItem calls in flight per chunk (the Map runs up to 4 chunks at once). */
const WRITE_PARALLEL = 8;

const ORDER = ['TEKUN', 'DIBAO', 'DIBAO_EDGE', 'RIGID_EXPENDITURE', 'OTHER_HARDSHIP', 'ORPHAN'];

/**
 * People's coverage, a chunk at a time: their households from the keyed membership index (one
 * BatchGetItem per 100 people), then the active entitlements of each household found (a Query
 * per household, cached, bounded concurrency). No per-person round trip.
 */
async function coverageOfPeople(hashes: readonly string[]): Promise<Map<string, { householdId: string; categories: string[] }[]>> {
  const households = await householdIdsOf(hashes, 4);
  const ids = [...new Set([...households.values()].flat())];
  const cats = new Map<string, string[]>();
  await mapLimit(ids, 16, async (id) => cats.set(id, (await entitlementsOf(id)).filter((e) => e.status === 'ACTIVE').map((e) => e.category)));
  const out = new Map<string, { householdId: string; categories: string[] }[]>();
  for (const h of hashes) {
    const covered = (households.get(h) ?? []).map((householdId) => ({ householdId, categories: cats.get(householdId) ?? [] })).filter((c) => c.categories.length);
    out.set(h, covered);
  }
  return out;
}

function coveringCategory(coveredBy: { categories: string[] }[]): string {
  const all = coveredBy.flatMap((c) => c.categories);
  return ORDER.find((c) => all.includes(c)) ?? all.sort()[0] ?? 'NONE';
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

function addContribution(delta: CoverageDelta, c: CountedAs | null, sign: 1 | -1): void {
  if (!c) return;
  for (const p of rollupPrefixes(c.regionCode)) addCoverage(delta, p, { total: sign, coveredAtImport: c.covered ? sign : 0, included: c.included ? sign : 0, exited: c.exited ? sign : 0 });
}

export interface ChunkResult {
  importId: string;
  chunk: number;
  records: number;
  created: number;
  changed: number;
  unchanged: number;
}

/**
 * One chunk of an import. Records are written first (BatchWriteItem), each saying which chunk
 * counted it and what it counted as before; the counts then land in one marked transaction. A
 * retry after a fault finds its own records and counts them, once.
 */
export async function processChunk(importId: string, chunk: number): Promise<ChunkResult> {
  const c = await getChunk(importId, chunk);
  if (!c) throw new Error(`import ${importId} has no chunk ${chunk}`);
  const households = c.households as ImportHousehold[];
  const chunkKey = `${importId}#${chunk}`;
  const now = nowMs();
  const at = new Date(now).toISOString();
  const asOf = shanghaiDate(now);
  const rows = households.flatMap((h) => h.rows.map((r) => ({ h, r, hash: idHash(r.idNumber), recordId: recordIdOf(r.idNumber) })));
  // The records and the people's households at once (on a first import nothing exists, so the
  // households are needed for every row; on a re-import the extra lookups are cheap reads).
  const [existing, lookups] = await Promise.all([getRecords(rows.map((x) => x.recordId)), coverageOfPeople(rows.map((x) => x.hash))]);
  const delta: ImportDelta = { created: 0, changed: 0, unchanged: 0, covered: 0, classified: {} };
  const coverage: CoverageDelta = new Map();
  const count = (code: string) => (delta.classified[code] = (delta.classified[code] ?? 0) + 1);

  // Which rows need work: new, changed, or written by an earlier attempt of this very chunk.
  const work = rows.filter((x) => {
    const e = existing.get(x.recordId);
    if (!e) return true;
    if (e.counted?.chunk === chunkKey) return true;
    if (sameFingerprint(e.fingerprint, x.h, x.r)) {
      delta.unchanged++;
      if (e.coveredAtImport) delta.covered++;
      count(e.coveredAtImport ? coveringCategory(e.coveredBy ?? []) : (e.layer ?? 'NONE'));
      return false;
    }
    return true;
  });
  const covers = work.map((x) => lookups.get(x.hash) ?? []);
  const trace = new Trace();
  // One policy per region and chunk (policyFor reads the policy version each call).
  const policies = new Map<string, Awaited<ReturnType<typeof policyFor>>>();
  const classOf = new Map<ImportHousehold, ReturnType<typeof classify>>();
  const toWrite: Record<string, unknown>[] = [];
  const labelled = new Map<string, ImportHousehold>();
  for (let i = 0; i < work.length; i++) {
    const { h, r, recordId } = work[i]!;
    const e = existing.get(recordId);
    if (e && e.counted?.chunk === chunkKey) {
      // Written by an earlier attempt of this chunk: count it, do not write it again.
      addContribution(coverage, countedAs(e), 1);
      addContribution(coverage, e.counted.prev, -1);
      if (e.counted.prev) delta.changed++;
      else delta.created++;
      if (e.coveredAtImport) delta.covered++;
      count(e.coveredAtImport ? coveringCategory(e.coveredBy ?? []) : (e.layer ?? 'NONE'));
      for (const cb of e.coveredBy ?? []) labelled.set(cb.householdId, h);
      continue;
    }
    const coveredBy = e ? (e.coveredBy ?? []) : covers[i]!;
    const coveredAtImport = e ? e.coveredAtImport : coveredBy.length > 0;
    let cls = classOf.get(h);
    if (!cls) {
      let policy = policies.get(h.regionCode);
      if (!policy) policies.set(h.regionCode, (policy = await policyFor(h.regionCode, asOf)));
      cls = classify(householdSchema.parse(householdInputOf(h)), policy, asOf, labelOf(h).riskTypes, trace);
      classOf.set(h, cls);
    }
    const head = h.rows.find((x) => x.relation === 'self')!;
    const record: MergerRecord = {
      recordId,
      maskedId: maskId(r.idNumber),
      name: r.name,
      relation: r.relation,
      regionCode: h.regionCode,
      householdId: e?.householdId && e.status === 'INCLUDED' ? e.householdId : householdIdOfHead(head.idNumber, coveredBy),
      householdRef: h.householdRef,
      headRecordId: recordIdOf(head.idNumber),
      ...(r === head ? { household: householdInputOf(h) as unknown as Record<string, unknown> } : {}),
      riskTypes: r.riskTypes,
      identifiedOn: r.identifiedOn,
      label: labelOf(h),
      fingerprint: fingerprintOf(h, r),
      layer: coveredAtImport ? ((ORDER.includes(coveringCategory(coveredBy)) ? coveringCategory(coveredBy) : cls.layer) as Layer | null) : cls.layer,
      reasons: cls.reasons,
      monthlyAmountFen: cls.monthlyAmountFen,
      coveredAtImport,
      ...(coveredBy.length ? { coveredBy } : {}),
      status: e ? e.status : coveredAtImport ? 'COVERED' : 'ASSESSING',
      ...(e ? (e.level ? { level: e.level } : {}) : coveredAtImport ? {} : { level: 'village' as const }),
      ...(e?.decisions ? { decisions: e.decisions } : {}),
      ...(e?.exit ? { exit: e.exit } : {}),
      ...(e?.included ? { included: e.included } : {}),
      firstImportId: e?.firstImportId ?? importId,
      lastImportId: importId,
      createdAt: e?.createdAt ?? at,
      updatedAt: at,
      counted: { chunk: chunkKey, prev: e ? countedAs(e) : null },
      ...(r.notes ? { notes: r.notes } : {}),
    };
    addContribution(coverage, countedAs(record), 1);
    addContribution(coverage, record.counted.prev, -1);
    if (e) delta.changed++;
    else delta.created++;
    if (coveredAtImport) delta.covered++;
    count(coveredAtImport ? coveringCategory(coveredBy) : (record.layer ?? 'NONE'));
    for (const cb of coveredBy) labelled.set(cb.householdId, h);
    toWrite.push(recordItem(record));
  }
  await batchPut(toWrite, WRITE_PARALLEL);
  await putMergerCounties(toWrite.filter((i) => i.status === 'ASSESSING').map((i) => String(i.regionCode).slice(0, 6)));
  // Covered households keep a label saying where their members came from (idempotent).
  await mapLimit([...labelled], 8, ([householdId, h]) => addHouseholdLabel(householdId, labelOf(h)));
  await applyChunkCounts(importId, chunk, delta, coverage, asOf);
  return { importId, chunk, records: rows.length, created: delta.created, changed: delta.changed, unchanged: delta.unchanged };
}

/** The household a record belongs to: the one covering it, else the import household's own id. */
function householdIdOfHead(headIdNumber: string, coveredBy: { householdId: string }[]): string {
  return coveredBy[0]?.householdId ?? `hh_${idHash(`household:${headIdNumber.toUpperCase()}`).slice(0, 24)}`;
}

// ---------------------------------------------------------------- assessment

export class DecisionConflict extends Error {}

export interface DecisionInput {
  record: MergerRecord;
  level: AssessmentLevel;
  decision: 'include' | 'exit';
  category?: string;
  reason: string;
  by: string;
  role: string;
}

/**
 * One level's decision. Village and town give their opinion and pass the record up; the city
 * decides: `include` starts the entitlement (profile, members, entitlement item: the monthly
 * ledger run pays it from the month after), `exit` ends the monitoring with its reason and a
 * notice. Record, decision, audit, coverage and statistics change in one transaction.
 */
export async function decide(input: DecisionInput): Promise<MergerRecord> {
  const { record, level } = input;
  const now = nowMs();
  const at = new Date(now).toISOString();
  const day = shanghaiDate(now);
  const decision: LevelDecision = { decision: input.decision, ...(input.category ? { category: input.category } : {}), reason: input.reason, by: input.by, role: input.role, at };
  const after: MergerRecord = { ...record, decisions: { ...(record.decisions ?? {}), [level]: decision }, updatedAt: at };
  const extra: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
  let labelAfter: string | undefined;
  const next = NEXT_LEVEL[level];
  if (next) after.level = next;
  else {
    delete after.level;
    const coverage: CoverageDelta = new Map();
    if (input.decision === 'exit') {
      after.status = 'EXITED';
      after.exit = { reason: input.reason, at, notice: exitNotice(input.reason, at) };
      for (const p of rollupPrefixes(record.regionCode)) addCoverage(coverage, p, { exited: 1 });
    } else {
      const category = input.category!;
      const startMonth = startMonthAfter(now);
      after.status = 'INCLUDED';
      after.included = { category, at, startMonth };
      for (const p of rollupPrefixes(record.regionCode)) addCoverage(coverage, p, { included: 1 });
      const grant = await entitlementWrites(record, category, startMonth, at, day);
      extra.push(...grant.items);
      after.householdId = grant.householdId;
      if (grant.labelLater) labelAfter = grant.householdId;
    }
    extra.push(...coverageItems(coverage, day));
  }
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          recordDecisionUpdate(record, after),
          decisionItem({ assessmentId: `${record.recordId}.${level}`, recordId: record.recordId, level, regionCode: record.regionCode, decision, createdAt: at }),
          auditItem({ entity: `MERGER#${record.recordId}`, action: `${level.toUpperCase()}_${input.decision.toUpperCase()}`, by: input.by, role: input.role, at, reason: input.reason, detail: { level, ...(input.category ? { category: input.category } : {}) } }),
          ...extra,
        ],
      }),
    );
  } catch (err) {
    if ((err as Error).name === 'TransactionCanceledException') throw new DecisionConflict('this assessment has been decided already, or the record changed meanwhile');
    throw err;
  }
  if (labelAfter) await addHouseholdLabel(labelAfter, record.label);
  logger.info('merger decision', { recordId: record.recordId, level, decision: input.decision });
  return after;
}

/** The writes a city `include` needs: a household where there is none, the entitlement unless it is active. */
async function entitlementWrites(record: MergerRecord, category: string, startMonth: string, at: string, day: string) {
  const head = record.headRecordId === record.recordId ? record : await getRecord(record.headRecordId);
  const raw = (head?.household ?? record.household) as Record<string, unknown> | undefined;
  if (!raw) throw new Error(`record ${record.recordId} has no household to include`);
  const household = householdSchema.parse(raw);
  const householdId = record.coveredBy?.[0]?.householdId ?? record.householdId;
  const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
  const profile = await householdProfile(householdId);
  const applicationId = `merger:${record.headRecordId}`;
  const members = household.members.map((m) => ({ householdId, idHash: idHash(m.idNumber), maskedId: maskId(m.idNumber), birthDate: birthDateOf(m.idNumber), relation: m.relation, regionCode: record.regionCode }));
  let labelLater = false;
  const stats: Record<string, number> = {};
  if (!profile) {
    items.push(...householdItems({ householdId, regionCode: record.regionCode, applicationId, household: raw, updatedAt: at, categories: [category], labels: [record.label] }, members));
  } else {
    labelLater = true;
    const known = new Set((await membersOf(householdId)).map((m) => m.idHash));
    const mine = members.filter((m) => m.idHash === record.recordId.slice(3) && !known.has(m.idHash));
    if (mine.length) items.push(...householdItems({ ...profile, updatedAt: at }, mine).slice(1));
  }
  const active = (await entitlementsOf(householdId)).some((e) => e.category === category && e.status === 'ACTIVE');
  if (!active) {
    const result = evaluateEligibility(household, await policyFor(record.regionCode, day), day);
    const fen = Math.round((result.categories.find((c) => c.code === category)?.monthlyAmount ?? 0) * 100);
    const ent: EntitlementRecord = {
      householdId,
      category,
      monthlyAmountFen: fen,
      amounts: [{ from: startMonth, monthlyAmountFen: fen, reason: '两项政策衔接：县市评估纳入', at, by: 'system:merger' }],
      startMonth,
      applicationId,
      regionCode: record.regionCode,
      grantedAt: at,
      status: 'ACTIVE',
      ...(category === 'RIGID_EXPENDITURE' ? { validUntilMonth: addMonths(startMonth, 11) } : {}),
    };
    const [put] = entitlementItems([ent]);
    // Never over an active entitlement of the same category (an application may have granted it meanwhile).
    items.push({ Put: { ...put!.Put!, ConditionExpression: 'attribute_not_exists(pk) OR #s <> :active', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':active': 'ACTIVE' } } });
    stats[`recipients.${category}.households`] = 1;
    stats[`recipients.${category}.people`] = household.members.length;
  }
  if (!profile) {
    stats['labels.FORMER_PREVENTION_MONITORING.households'] = 1;
    stats['labels.FORMER_PREVENTION_MONITORING.people'] = household.members.length;
  }
  // One update per prefix (a transaction may touch an item once).
  items.push(...statsItems(record.regionCode, day, stats));
  return { items, householdId, labelLater };
}

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}
