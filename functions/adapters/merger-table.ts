import { BatchGetCommand, BatchWriteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableNameFrom } from './dynamo.ts';
import { keyAttrs, queryPage, type PageResult } from '../commons/pagination.ts';
import type { AssessmentLevel, CoverageCounts, HouseholdLabel, Layer, MergerReason, RiskType } from '../domain/merger.ts';
import type { RowError } from '../domain/merger-import.ts';

/**
 * The Merger table (两项政策 merger):
 *   pk = REC#<recordId>,   sk = REC          a monitoring object (one per person; recordId = mr_<keyed ID hash>)
 *   pk = IMP#<importId>,   sk = IMP          an import's report (status, counts, row errors, classified)
 *   pk = IMP#<importId>,   sk = CHUNK#<n>    accepted rows of one chunk (the workflow's Map reads them)
 *   pk = IMP#<importId>,   sk = DONE#<n>#<k> a chunk's counts applied (transaction marker: exactly once)
 *   pk = AS#<assessmentId>, sk = AS          a decided assessment (village, town or city)
 *   pk = COV#<prefix>,     sk = TOTAL | D#<date>   coverage counters (running, and per day for the series)
 *   pk = SV#<surveyId>,    sk = SV           a yearly survey task (排查)
 * GSI `byLevel` (levelKey, levelSort = <regionCode>#<id>): ASSESS#<level>#OPEN on records open at a
 * level, ASSESS#<level>#DECIDED on decision items, SURVEY#<year>#OPEN|DONE on surveys — a
 * reviewer's list is one Query with begins_with(jurisdiction).
 * GSI `monitoredByCounty` (monKey = MON#<county>, monSort): records still monitored (not covered,
 * not included, not exited) — the September survey's "remaining monitoring objects".
 */
const table = () => tableNameFrom('MERGER_TABLE');
const db = () => documentClient();

export type RecordStatus = 'COVERED' | 'ASSESSING' | 'INCLUDED' | 'EXITED';

export interface LevelDecision {
  decision: 'include' | 'exit';
  category?: string;
  reason: string;
  by: string;
  role: string;
  at: string;
}

export interface MergerRecord {
  recordId: string;
  maskedId: string;
  name: string;
  relation: string;
  regionCode: string;
  /** The household as the platform knows it (householdIdOf its head). */
  householdId: string;
  householdRef: string;
  /** The head's record holds the household as imported (raw IDs; masked on every way out). */
  headRecordId: string;
  household?: Record<string, unknown>;
  riskTypes: RiskType[];
  identifiedOn: string;
  label: HouseholdLabel;
  fingerprint: string;
  layer: Layer | null;
  reasons: MergerReason[];
  monthlyAmountFen: number;
  /** Covered by a social-assistance entitlement when imported (and by what). */
  coveredAtImport: boolean;
  coveredBy?: { householdId: string; categories: string[] }[];
  status: RecordStatus;
  /** The level whose assessment is open (status ASSESSING). */
  level?: AssessmentLevel;
  decisions?: Partial<Record<AssessmentLevel, LevelDecision>>;
  firstImportId: string;
  lastImportId: string;
  createdAt: string;
  updatedAt: string;
  /** Which chunk counted this record, and what it counted before (so a retried chunk counts once). */
  counted: { chunk: string; prev: CountedAs | null };
  notes?: Record<string, string>;
  exit?: { reason: string; at: string; notice: unknown };
  included?: { category: string; at: string; startMonth: string };
}

/** What a record adds to the coverage counters of its region. */
export interface CountedAs {
  regionCode: string;
  covered: boolean;
  included: boolean;
  exited: boolean;
}

export const countedAs = (r: Pick<MergerRecord, 'regionCode' | 'coveredAtImport' | 'status'>): CountedAs => ({
  regionCode: r.regionCode,
  covered: r.coveredAtImport,
  included: r.status === 'INCLUDED',
  exited: r.status === 'EXITED',
});

/** Index attributes a record carries for its status. */
export function recordIndexKeys(r: Pick<MergerRecord, 'status' | 'level' | 'regionCode' | 'recordId'>): Record<string, string> {
  const out: Record<string, string> = {};
  if (r.status === 'ASSESSING' && r.level) {
    out.levelKey = `ASSESS#${r.level}#OPEN`;
    out.levelSort = `${r.regionCode}#${r.recordId}`;
  }
  if (r.status === 'ASSESSING') {
    out.monKey = `MON#${r.regionCode.slice(0, 6)}`;
    out.monSort = `${r.regionCode}#${r.recordId}`;
  }
  return out;
}

export function recordItem(r: MergerRecord): Record<string, unknown> {
  return { pk: `REC#${r.recordId}`, sk: 'REC', ...r, ...recordIndexKeys(r) };
}

const strip = <T>(item: Record<string, unknown> | undefined): T | undefined => {
  if (!item) return undefined;
  const { pk: _p, sk: _s, levelKey: _lk, levelSort: _ls, monKey: _mk, monSort: _ms, ...rest } = item;
  return rest as T;
};

export async function getRecord(recordId: string): Promise<MergerRecord | undefined> {
  const res = await db().send(new GetCommand({ TableName: table(), Key: { pk: `REC#${recordId}`, sk: 'REC' }, ConsistentRead: true }));
  return strip<MergerRecord>(res.Item);
}

async function pause(attempt: number) {
  await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
}

/** Records by id (BatchGetItem, 100 keys a call, `parallel` calls in flight, unprocessed keys retried). */
export async function getRecords(recordIds: readonly string[], parallel = 4): Promise<Map<string, MergerRecord>> {
  const out = new Map<string, MergerRecord>();
  const batches: string[][] = [];
  for (let i = 0; i < recordIds.length; i += 100) batches.push(recordIds.slice(i, i + 100));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let keys: Record<string, unknown>[] | undefined = batches[next++]!.map((id) => ({ pk: `REC#${id}`, sk: 'REC' }));
      for (let attempt = 0; keys && keys.length; attempt++) {
        const res = await db().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of res.Responses?.[table()] ?? []) {
          const r = strip<MergerRecord>(item)!;
          out.set(r.recordId, r);
        }
        keys = res.UnprocessedKeys?.[table()]?.Keys as Record<string, unknown>[] | undefined;
        if (keys?.length) await pause(attempt);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
  return out;
}

/** Puts items with BatchWriteItem, 25 at a time, `parallel` calls at once; unprocessed items retried. */
export async function batchPut(items: readonly Record<string, unknown>[], parallel = 4): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25) as Record<string, unknown>[]);
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests: { PutRequest: { Item: Record<string, unknown> } }[] | undefined = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests && requests.length; attempt++) {
        const res = await db().send(new BatchWriteCommand({ RequestItems: { [table()]: requests } }));
        requests = res.UnprocessedItems?.[table()] as typeof requests;
        if (requests?.length) await pause(attempt);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
}

// ---------------------------------------------------------------- imports

export type ImportStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface ImportRecord {
  importId: string;
  status: ImportStatus;
  rows: number;
  accepted: number;
  rejected: number;
  errors: RowError[];
  /** More errors than are kept. */
  errorsOmitted?: number;
  /** Layer → accepted records in it (covered people under the category covering them). */
  classified: Record<string, number>;
  /** New records, records changed by this import, and records it found unchanged. */
  created: number;
  changed: number;
  unchanged: number;
  covered: number;
  chunks: number;
  chunksDone: number;
  households: number;
  encoding?: string;
  createdBy: string;
  /** The importer's jurisdiction (a city's code), or CN for an admin. */
  scope: string;
  createdAt: string;
  finishedAt?: string;
  failure?: string;
}

export const CLASSIFIED_KEYS = ['TEKUN', 'DIBAO', 'DIBAO_EDGE', 'RIGID_EXPENDITURE', 'OTHER_HARDSHIP', 'ORPHAN', 'NONE'] as const;

export async function putImport(imp: ImportRecord): Promise<void> {
  await db().send(new PutCommand({ TableName: table(), Item: { pk: `IMP#${imp.importId}`, sk: 'IMP', ...imp }, ConditionExpression: 'attribute_not_exists(pk)' }));
}

export async function getImport(importId: string): Promise<ImportRecord | undefined> {
  const res = await db().send(new GetCommand({ TableName: table(), Key: { pk: `IMP#${importId}`, sk: 'IMP' }, ConsistentRead: true }));
  return strip<ImportRecord>(res.Item);
}

export interface ChunkRows {
  importId: string;
  chunk: number;
  /** Households (rows grouped), as domain/merger-import.ts ImportHousehold. */
  households: unknown[];
}

export async function putChunks(chunks: readonly ChunkRows[]): Promise<void> {
  await batchPut(chunks.map((c) => ({ pk: `IMP#${c.importId}`, sk: `CHUNK#${String(c.chunk).padStart(5, '0')}`, ...c })));
}

export async function getChunk(importId: string, chunk: number): Promise<ChunkRows | undefined> {
  const res = await db().send(new GetCommand({ TableName: table(), Key: { pk: `IMP#${importId}`, sk: `CHUNK#${String(chunk).padStart(5, '0')}` }, ConsistentRead: true }));
  return strip<ChunkRows>(res.Item);
}

export interface ImportDelta {
  created: number;
  changed: number;
  unchanged: number;
  covered: number;
  classified: Record<string, number>;
}

/** Per prefix and day: what the coverage counters gain (or lose). */
export type CoverageDelta = Map<string, CoverageCounts>;

export function addCoverage(delta: CoverageDelta, prefix: string, d: Partial<CoverageCounts>): void {
  const cur = delta.get(prefix) ?? { total: 0, coveredAtImport: 0, included: 0, exited: 0 };
  cur.total += d.total ?? 0;
  cur.coveredAtImport += d.coveredAtImport ?? 0;
  cur.included += d.included ?? 0;
  cur.exited += d.exited ?? 0;
  delta.set(prefix, cur);
}

/** Coverage counter updates (running total and the day's item) for a transaction. */
export function coverageItems(delta: CoverageDelta, day: string): NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> {
  const out: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [];
  for (const [prefix, d] of delta) {
    if (!d.total && !d.coveredAtImport && !d.included && !d.exited) continue;
    for (const sk of ['TOTAL', `D#${day}`]) {
      out.push({
        Update: {
          TableName: table(),
          Key: { pk: `COV#${prefix}`, sk },
          UpdateExpression: 'ADD #t :t, coveredAtImport :c, included :i, exited :e SET regionCode = :r',
          ExpressionAttributeNames: { '#t': 'total' },
          ExpressionAttributeValues: { ':t': d.total, ':c': d.coveredAtImport, ':i': d.included, ':e': d.exited, ':r': prefix },
        },
      });
    }
  }
  return out;
}

/**
 * A chunk's counts, applied exactly once: each transaction carries a marker item that must not
 * exist yet, so a retried chunk (Step Functions runs a task at least once) adds nothing twice.
 * Coverage updates are split over several transactions when a chunk spans many villages.
 */
export async function applyChunkCounts(importId: string, chunk: number, delta: ImportDelta, coverage: CoverageDelta, day: string): Promise<boolean> {
  const cov = coverageItems(coverage, day);
  const parts: (typeof cov)[] = [];
  for (let i = 0; i < Math.max(cov.length, 1); i += 90) parts.push(cov.slice(i, i + 90));
  let applied = false;
  for (let k = 0; k < parts.length; k++) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':one': k === 0 ? 1 : 0 };
    const adds = ['chunksDone :one'];
    if (k === 0) {
      for (const f of ['created', 'changed', 'unchanged', 'covered'] as const) {
        adds.push(`${f} :${f}`);
        values[`:${f}`] = delta[f];
      }
      Object.entries(delta.classified).forEach(([code, n], i) => {
        names[`#c${i}`] = code;
        values[`:c${i}`] = n;
        adds.push(`classified.#c${i} :c${i}`);
      });
    }
    try {
      await db().send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table(), Item: { pk: `IMP#${importId}`, sk: `DONE#${String(chunk).padStart(5, '0')}#${k}` }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: table(),
                Key: { pk: `IMP#${importId}`, sk: 'IMP' },
                UpdateExpression: `ADD ${adds.join(', ')}`,
                ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
                ExpressionAttributeValues: values,
              },
            },
            ...parts[k]!,
          ],
        }),
      );
      applied = true;
    } catch (err) {
      const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
      if (reasons?.[0]?.Code === 'ConditionalCheckFailed') continue;
      throw err;
    }
  }
  return applied;
}

export async function finishImport(importId: string, status: ImportStatus, at: string, failure?: string): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: table(),
      Key: { pk: `IMP#${importId}`, sk: 'IMP' },
      UpdateExpression: `SET #s = :s, finishedAt = if_not_exists(finishedAt, :at)${failure ? ', failure = :f' : ''}`,
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': status, ':at': at, ...(failure ? { ':f': failure.slice(0, 1000) } : {}) },
    }),
  );
}

// ---------------------------------------------------------------- coverage

export async function coverageTotal(prefix: string): Promise<CoverageCounts> {
  const res = await db().send(new GetCommand({ TableName: table(), Key: { pk: `COV#${prefix}`, sk: 'TOTAL' }, ConsistentRead: true }));
  const i = res.Item ?? {};
  return { total: Number(i.total ?? 0), coveredAtImport: Number(i.coveredAtImport ?? 0), included: Number(i.included ?? 0), exited: Number(i.exited ?? 0) };
}

/** The day items of a prefix up to `to` (one per day with activity), oldest first. */
export async function coverageDays(prefix: string, to: string): Promise<({ date: string } & CoverageCounts)[]> {
  const out: ({ date: string } & CoverageCounts)[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await db().send(
      new QueryCommand({
        TableName: table(),
        KeyConditionExpression: 'pk = :p AND sk BETWEEN :a AND :b',
        ExpressionAttributeValues: { ':p': `COV#${prefix}`, ':a': 'D#', ':b': `D#${to}` },
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const i of res.Items ?? []) out.push({ date: String(i.sk).slice(2), total: Number(i.total ?? 0), coveredAtImport: Number(i.coveredAtImport ?? 0), included: Number(i.included ?? 0), exited: Number(i.exited ?? 0) });
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

// ---------------------------------------------------------------- lists (byLevel GSI)

export type Page<T> = PageResult<T>;

/** One page of the byLevel GSI under `levelKey` and a region prefix (paging: functions/commons/pagination.ts; a forged cursor is its 400). */
export async function listByLevel<T>(levelKey: string, prefix: string, limit: number, cursor?: string): Promise<Page<T>> {
  const input: QueryCommandInput = {
    TableName: table(),
    IndexName: 'byLevel',
    KeyConditionExpression: prefix ? 'levelKey = :k AND begins_with(levelSort, :p)' : 'levelKey = :k',
    ExpressionAttributeValues: { ':k': levelKey, ...(prefix ? { ':p': prefix } : {}) },
  };
  const page = await queryPage((cmd) => db().send(cmd), input, { limit, cursor }, keyAttrs('pk', 'sk', 'levelKey', 'levelSort'));
  return { items: page.items.map((i) => strip<T>(i)!), nextCursor: page.nextCursor };
}

export interface DecisionItem {
  assessmentId: string;
  recordId: string;
  level: AssessmentLevel;
  regionCode: string;
  decision: LevelDecision;
  createdAt: string;
}

export function decisionItem(d: DecisionItem) {
  return {
    Put: {
      TableName: table(),
      Item: { pk: `AS#${d.assessmentId}`, sk: 'AS', ...d, levelKey: `ASSESS#${d.level}#DECIDED`, levelSort: `${d.regionCode}#${d.recordId}` },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** The record's move for a decision: conditional on it being open at `level` (409 otherwise). */
export function recordDecisionUpdate(before: MergerRecord, after: MergerRecord) {
  return {
    Put: {
      TableName: table(),
      Item: recordItem(after),
      ConditionExpression: '#s = :assessing AND #l = :level AND updatedAt = :u',
      ExpressionAttributeNames: { '#s': 'status', '#l': 'level' },
      ExpressionAttributeValues: { ':assessing': 'ASSESSING', ':level': before.level, ':u': before.updatedAt },
    },
  };
}

/** Remaining monitoring objects of a county (monitoredByCounty GSI), page by page. */
export async function* monitoredIn(county: string): AsyncGenerator<MergerRecord[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const res = await db().send(
      new QueryCommand({ TableName: table(), IndexName: 'monitoredByCounty', KeyConditionExpression: 'monKey = :k', ExpressionAttributeValues: { ':k': `MON#${county}` }, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    yield (res.Items ?? []).map((i) => strip<MergerRecord>(i)!);
    start = res.LastEvaluatedKey;
  } while (start);
}

// ---------------------------------------------------------------- surveys (排查)

export type SurveyStatus = 'OPEN' | 'SUBMITTED';

export interface SurveyRecord {
  surveyId: string;
  year: string;
  kind: 'HOUSEHOLD' | 'MONITORING_OBJECT';
  /** householdId or recordId. */
  target: string;
  regionCode: string;
  dueOn: string;
  status: SurveyStatus;
  openedAt: string;
  summary: Record<string, unknown>;
  submittedAt?: string;
  submittedBy?: string;
  form?: Record<string, unknown>;
  outcome?: Record<string, unknown>;
  overdueWarningId?: string;
}

export function surveyItem(s: SurveyRecord): Record<string, unknown> {
  return { pk: `SV#${s.surveyId}`, sk: 'SV', ...s, levelKey: `SURVEY#${s.year}#${s.status}`, levelSort: `${s.regionCode}#${s.surveyId}` };
}

/** Opens surveys that do not exist yet (a re-run of the 1 September schedule opens nothing twice). */
export async function putSurveysIfAbsent(surveys: readonly SurveyRecord[]): Promise<number> {
  let opened = 0;
  for (let i = 0; i < surveys.length; i += 16) {
    const results = await Promise.all(
      surveys.slice(i, i + 16).map(async (s) => {
        try {
          await db().send(new PutCommand({ TableName: table(), Item: surveyItem(s), ConditionExpression: 'attribute_not_exists(pk)' }));
          return 1;
        } catch (err) {
          if ((err as Error).name === 'ConditionalCheckFailedException') return 0;
          throw err;
        }
      }),
    );
    opened += results.reduce((a: number, b) => a + b, 0);
  }
  return opened;
}

export async function getSurvey(surveyId: string): Promise<SurveyRecord | undefined> {
  const res = await db().send(new GetCommand({ TableName: table(), Key: { pk: `SV#${surveyId}`, sk: 'SV' }, ConsistentRead: true }));
  return strip<SurveyRecord>(res.Item);
}

/** OPEN → SUBMITTED with the form and what the rules found; false when it was not OPEN. */
export async function submitSurvey(s: SurveyRecord, form: Record<string, unknown>, outcome: Record<string, unknown>, by: string, at: string): Promise<boolean> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: `SV#${s.surveyId}`, sk: 'SV' },
        UpdateExpression: 'SET #s = :done, form = :f, outcome = :o, submittedBy = :by, submittedAt = :at, levelKey = :lk',
        ConditionExpression: '#s = :open',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':done': 'SUBMITTED', ':open': 'OPEN', ':f': form, ':o': outcome, ':by': by, ':at': at, ':lk': `SURVEY#${s.year}#SUBMITTED` },
      }),
    );
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}

export async function markSurveyOverdue(surveyId: string, warningId: string): Promise<void> {
  await db().send(
    new UpdateCommand({ TableName: table(), Key: { pk: `SV#${surveyId}`, sk: 'SV' }, UpdateExpression: 'SET overdueWarningId = :w', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':w': warningId } }),
  );
}

export async function updateRecordData(r: MergerRecord, patch: Partial<MergerRecord>): Promise<boolean> {
  const next = { ...r, ...patch };
  try {
    await db().send(
      new PutCommand({ TableName: table(), Item: recordItem(next), ConditionExpression: 'updatedAt = :u', ExpressionAttributeValues: { ':u': r.updatedAt } }),
    );
    return true;
  } catch (err) {
    if ((err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
}
