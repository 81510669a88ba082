import { randomUUID } from 'node:crypto';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { conflict, forbidden, notFound, validationFailed } from '../commons/errors.ts';
import { httpHandler, routeGroup, type Caller } from '../commons/http.ts';
import { regionScope, seesEverywhere } from '../commons/jurisdiction.ts';
import { withIdHashKey } from '../commons/id-hash.ts';
import { CLASSIFIED_KEYS, coverageDays, coverageTotal, getImport, getRecord, listByLevel, putChunks, putImport, type DecisionItem, type ImportRecord, type MergerRecord } from '../adapters/merger-table.ts';
import { cachedCounty } from '../adapters/regions-table.ts';
import { decide, DecisionConflict } from '../services/merger.ts';
import { submit, SurveyFormError } from '../services/merger-survey.ts';
import { getSurvey, type SurveyRecord } from '../adapters/merger-table.ts';
import { covers, jurisdictionOf } from '../domain/access.ts';
import { isWithin, resolveInCounty } from '../domain/regions.ts';
import { ASSESSMENT_LEVELS, assessmentId, coverageOf, LAYERS, parseAssessmentId, RISK_TYPES, type AssessmentLevel } from '../domain/merger.ts';
import { csvRecords, decodeCsv, ImportFormatError, MAX_IMPORT_ROWS, validateRows, type ImportHousehold } from '../domain/merger-import.ts';
import { shanghaiDate } from '../domain/working-days.ts';

/**
 * POST /merger/imports, GET /merger/imports/{id}, GET /merger/assessments,
 * POST /merger/assessments/{id}/decision, GET /merger/coverage (两项政策 merger, API.md v2).
 * The import handler validates and stages rows in chunks; the merger-import workflow's Map does
 * the matching and classification, so no single Lambda holds a big import.
 */
let sfn: SFNClient | undefined;
/** Households per chunk: one Map iteration (and one BatchWriteItem stream) each. */
export const CHUNK_ROWS = 500;
const REVIEWERS = ['village', 'town', 'city'] as const;
const READERS = ['village', 'town', 'city', 'admin', 'monitor'] as const;

function bodyBytes(event: { body?: string; isBase64Encoded?: boolean }): Buffer {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

const pageSchema = z.object({ items: z.array(z.record(z.string(), z.unknown())), nextCursor: z.string().nullable() });
const importSchema = z.looseObject({
  importId: z.string(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
  rows: z.number(),
  accepted: z.number(),
  rejected: z.number(),
  errors: z.array(z.object({ row: z.number(), path: z.string(), message: z.string() })),
  classified: z.record(z.string(), z.number()),
});
const coverageSchema = z.looseObject({ regionCode: z.string(), total: z.number(), coveredAtImport: z.number(), included: z.number(), exited: z.number(), coverageAtImport: z.number().nullable(), coverageNow: z.number().nullable() });

const jsonRowsBody = z.strictObject({ rows: z.array(z.record(z.string(), z.unknown())).min(1, 'at least one row').max(MAX_IMPORT_ROWS, `at most ${MAX_IMPORT_ROWS} rows`) });

/** The importer's reach: a city its jurisdiction, an admin everywhere. */
const scopeOf = (caller: Caller) => (caller.role === 'admin' ? 'CN' : (jurisdictionOf(caller) ?? ''));

export const createImport = httpHandler({ roles: ['admin', 'city'], status: 202, response: z.object({ importId: z.string(), status: z.string(), rows: z.number(), accepted: z.number(), rejected: z.number() }), summary: 'Import monitoring objects (CSV UTF-8/GBK with a header, or JSON {rows}); rows are validated and staged, the merger-import workflow classifies them' }, async ({ caller, event, headers }) => {
  const scope = scopeOf(caller);
  if (caller.role === 'city' && !scope) throw forbidden('your token carries no jurisdiction (regionCode)');
  const contentType = (headers['content-type'] ?? '').toLowerCase();
  const bytes = bodyBytes(event);
  let raw: unknown[];
  let encoding: string | undefined;
  try {
    if (contentType.startsWith('text/csv') || contentType.startsWith('application/octet-stream')) {
      const charset = /charset=([^;\s]+)/.exec(contentType)?.[1];
      const decoded = decodeCsv(bytes, charset);
      encoding = decoded.encoding;
      raw = csvRecords(decoded.text);
    } else if (contentType === '' || contentType.startsWith('application/json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(bytes.toString('utf8'));
      } catch {
        throw validationFailed('request body is not valid JSON', [{ path: '', message: 'invalid JSON' }]);
      }
      const body = jsonRowsBody.safeParse(parsed);
      if (!body.success) throw validationFailed('invalid request body', body.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
      raw = body.data.rows;
    } else {
      throw validationFailed('unsupported content type', [{ path: 'content-type', message: 'send text/csv (UTF-8 or GBK, header row) or application/json {"rows": [...]}' }]);
    }
  } catch (err) {
    if (err instanceof ImportFormatError) throw validationFailed(err.message, err.details);
    throw err;
  }
  if (raw.length === 0) throw validationFailed('no rows', [{ path: 'rows', message: 'the file has a header and no rows' }]);
  if (raw.length > MAX_IMPORT_ROWS) throw validationFailed('too many rows', [{ path: 'rows', message: `at most ${MAX_IMPORT_ROWS} rows per import; split the file` }]);
  // Region existence: one county record per county (cached), never a lookup per row.
  const counties = new Map<string, Awaited<ReturnType<typeof cachedCounty>>>();
  for (const r of raw) {
    const code = String((r as Record<string, unknown>)?.regionCode ?? '').trim();
    if (/^\d{12}$/.test(code) && !counties.has(code.slice(0, 6))) counties.set(code.slice(0, 6), await cachedCounty(code.slice(0, 6)));
  }
  const known = (code: string) => {
    const county = counties.get(code.slice(0, 6));
    return county !== undefined && resolveInCounty(code, county) !== undefined;
  };
  const now = nowMs();
  const { households, errors } = validateRows(raw, known, shanghaiDate(now), (code) => scope === 'CN' || isWithin(scope, code));
  const importId = `imp_${randomUUID().replace(/-/g, '').slice(0, 20)}`;
  const at = new Date(now).toISOString();
  // Households in region order, so a chunk touches few villages' counters.
  households.sort((a, b) => a.regionCode.localeCompare(b.regionCode) || a.householdRef.localeCompare(b.householdRef));
  const chunks: ImportHousehold[][] = [];
  let current: ImportHousehold[] = [];
  let size = 0;
  for (const h of households) {
    if (size + h.rows.length > CHUNK_ROWS && current.length) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(h);
    size += h.rows.length;
  }
  if (current.length) chunks.push(current);
  const accepted = households.reduce((n, h) => n + h.rows.length, 0);
  const record: ImportRecord = {
    importId,
    status: chunks.length ? 'RUNNING' : 'SUCCEEDED',
    rows: raw.length,
    accepted,
    rejected: raw.length - accepted,
    errors: errors.slice(0, 2000),
    ...(errors.length > 2000 ? { errorsOmitted: errors.length - 2000 } : {}),
    classified: Object.fromEntries(CLASSIFIED_KEYS.map((k) => [k, 0])),
    created: 0,
    changed: 0,
    unchanged: 0,
    covered: 0,
    chunks: chunks.length,
    chunksDone: 0,
    households: households.length,
    ...(encoding ? { encoding } : {}),
    createdBy: caller.sub,
    scope,
    createdAt: at,
    ...(chunks.length ? {} : { finishedAt: at }),
  };
  await putChunks(chunks.map((hs, chunk) => ({ importId, chunk, households: hs })));
  await putImport(record);
  if (chunks.length) {
    const arn = process.env.MERGER_IMPORT_WORKFLOW_ARN;
    if (!arn) throw new Error('MERGER_IMPORT_WORKFLOW_ARN is not set');
    try {
      await (sfn ??= new SFNClient({})).send(new StartExecutionCommand({ stateMachineArn: arn, name: importId, input: JSON.stringify({ importId, chunks: chunks.map((_c, i) => i) }) }));
    } catch (err) {
      if (!(err instanceof ExecutionAlreadyExists)) throw err;
    }
  }
  return { status: 202, body: { importId, status: record.status, rows: record.rows, accepted, rejected: record.rejected } };
});

const importParams = z.object({ id: z.string().regex(/^imp_[A-Za-z0-9]{8,40}$/, 'not an import id') });

export const getImportRoute = httpHandler({ roles: ['admin', 'city', 'monitor'], params: importParams, response: importSchema, summary: 'An import: status, counts, row errors {row, path, message}, classified per layer' }, async ({ caller, params }) => {
  const imp = await getImport(params.id);
  if (!imp) throw notFound(`import ${params.id} not found`);
  if (caller.role === 'city' && !(imp.scope !== 'CN' && covers(caller, imp.scope))) throw forbidden('this import is outside your jurisdiction');
  const { scope: _s, ...view } = imp;
  return { status: 200, body: { ...view, classified: Object.fromEntries(Object.entries(imp.classified).filter(([, n]) => n > 0)) } };
});

// ---------------------------------------------------------------- assessments

const prefixSchema = z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, 'regionCode must have 2, 4, 6, 9 or 12 digits');

const listQuery = z.object({
  level: z.enum(ASSESSMENT_LEVELS).optional(),
  status: z.enum(['OPEN', 'DECIDED']).optional().default('OPEN'),
  regionCode: prefixSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional().default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

/** What a caller may list: reviewers their level inside their jurisdiction; admin and monitor everything. */
function listScope(caller: Caller, level: AssessmentLevel | undefined, asked: string | undefined): { level: AssessmentLevel; prefix: string } {
  if (seesEverywhere(caller)) return { level: level ?? 'village', prefix: asked ?? '' };
  const prefix = regionScope(caller, asked)!;
  const own = caller.role as AssessmentLevel;
  if (level && level !== own) throw forbidden(`a ${own} reviewer sees ${own}-level assessments only`);
  return { level: own, prefix };
}

export function assessmentView(r: MergerRecord, level: AssessmentLevel) {
  return {
    id: assessmentId(r.recordId, level),
    recordId: r.recordId,
    level,
    status: r.status === 'ASSESSING' && r.level === level ? 'OPEN' : 'DECIDED',
    regionCode: r.regionCode,
    person: r.maskedId,
    name: r.name,
    relation: r.relation,
    householdRef: r.householdRef,
    riskTypes: r.riskTypes,
    identifiedOn: r.identifiedOn,
    label: r.label,
    recommendation: { layer: r.layer, monthlyAmount: r.monthlyAmountFen / 100, reasons: r.reasons },
    opinions: r.decisions ?? {},
    createdAt: r.createdAt,
  };
}

export const listAssessments = httpHandler({ roles: READERS, query: listQuery, response: pageSchema, summary: 'Assessments (市镇村三级研判) of a level, open or decided, inside the jurisdiction' }, async ({ caller, query }) => {
  const { level, prefix } = listScope(caller, query.level, query.regionCode);
  if (query.status === 'OPEN') {
    const page = await listByLevel<MergerRecord>(`ASSESS#${level}#OPEN`, prefix, query.limit, query.cursor);
    return { status: 200, body: { items: page.items.map((r) => assessmentView(r, level)), nextCursor: page.nextCursor } };
  }
  const page = await listByLevel<DecisionItem>(`ASSESS#${level}#DECIDED`, prefix, query.limit, query.cursor);
  return {
    status: 200,
    body: { items: page.items.map((d) => ({ id: d.assessmentId, recordId: d.recordId, level: d.level, status: 'DECIDED', regionCode: d.regionCode, decision: d.decision })), nextCursor: page.nextCursor },
  };
});

const decisionParams = z.object({ id: z.string().min(1).max(200) });
const decisionBody = z
  .strictObject({
    decision: z.enum(['include', 'exit']),
    category: z.enum(LAYERS).optional(),
    reason: z.string().trim().min(1, 'a decision needs its reason').max(2000),
  })
  .superRefine((d, ctx) => {
    if (d.decision === 'exit' && d.category) ctx.addIssue({ code: 'custom', path: ['category'], message: 'an exit has no category' });
  });

export const decideAssessment = httpHandler({ roles: REVIEWERS, params: decisionParams, body: decisionBody, response: z.looseObject({ id: z.string(), recordId: z.string(), decision: z.string(), status: z.string(), nextLevel: z.string().nullable() }), summary: 'A level’s decision: include (with a category) or exit (with its reason); the city’s is final' }, async ({ caller, params, body }) => {
  const ref = parseAssessmentId(params.id);
  if (!ref) throw notFound(`assessment ${params.id} not found`);
  const record = await getRecord(ref.recordId);
  if (!record) throw notFound(`assessment ${params.id} not found`);
  if (caller.role !== ref.level || !covers(caller, record.regionCode)) {
    throw forbidden(`only a ${ref.level} reviewer whose jurisdiction covers ${record.regionCode} may decide this assessment`);
  }
  if (record.status !== 'ASSESSING' || record.level !== ref.level) throw conflict('this assessment has been decided already');
  const category = body.decision === 'include' ? (body.category ?? record.layer ?? undefined) : undefined;
  if (body.decision === 'include' && !category) {
    throw validationFailed('the rules found no layer for this record: name the category to include it in', [{ path: 'category', message: `one of ${LAYERS.join(', ')}` }]);
  }
  try {
    const after = await decide({ record, level: ref.level, decision: body.decision, ...(category ? { category } : {}), reason: body.reason, by: caller.sub, role: caller.role });
    return {
      status: 200,
      body: {
        id: params.id,
        recordId: after.recordId,
        decision: body.decision,
        ...(category ? { category } : {}),
        status: after.status,
        nextLevel: after.level ?? null,
        ...(after.included ? { entitlement: { householdId: after.householdId, category: after.included.category, startMonth: after.included.startMonth } } : {}),
        ...(after.exit ? { notice: after.exit.notice } : {}),
      },
    };
  } catch (err) {
    if (err instanceof DecisionConflict) throw conflict(err.message);
    throw err;
  }
});

// ---------------------------------------------------------------- coverage

const dateSchema = z.iso.date('must be a date YYYY-MM-DD');
const coverageQuery = z.object({ regionCode: prefixSchema.optional(), from: dateSchema.optional(), to: dateSchema.optional() });

export const coverage = httpHandler({ roles: READERS, query: coverageQuery, response: coverageSchema, summary: 'Coverage of the monitoring objects = covered ÷ (records − exited), now and over time' }, async ({ caller, query }) => {
  const prefix = regionScope(caller, query.regionCode) ?? 'CN';
  if (query.from && query.to && query.from > query.to) throw validationFailed('invalid period', [{ path: 'from', message: 'from is after to' }]);
  const counts = await coverageTotal(prefix);
  const body: Record<string, unknown> = { regionCode: prefix, ...counts, ...coverageOf(counts) };
  if (query.from || query.to) {
    // Over time: the counters as they stood at the end of each day with activity in the period.
    const to = query.to ?? shanghaiDate(nowMs());
    const running = { total: 0, coveredAtImport: 0, included: 0, exited: 0 };
    const series: Record<string, unknown>[] = [];
    for (const d of await coverageDays(prefix, to)) {
      running.total += d.total;
      running.coveredAtImport += d.coveredAtImport;
      running.included += d.included;
      running.exited += d.exited;
      if (!query.from || d.date >= query.from) series.push({ date: d.date, ...running, ...coverageOf(running) });
    }
    body.series = series;
  }
  return { status: 200, body };
});

// ---------------------------------------------------------------- the yearly survey (排查)

const surveyQuery = z.object({
  year: z.string().regex(/^\d{4}$/, 'year must be YYYY').optional(),
  status: z.enum(['OPEN', 'SUBMITTED']).optional().default('OPEN'),
  regionCode: prefixSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).optional().default(50),
  cursor: z.string().min(1).max(2048).optional(),
});

function surveyScope(caller: Caller, asked: string | undefined): string {
  return regionScope(caller, asked) ?? '';
}

const surveyView = (s: SurveyRecord) => {
  const { overdueWarningId, ...rest } = s;
  return { ...rest, ...(overdueWarningId ? { overdueWarningId } : {}), form: s.form ?? null };
};

export const listSurveys = httpHandler({ roles: READERS, query: surveyQuery, response: pageSchema, summary: 'Yearly surveys (排查) of a year inside the jurisdiction' }, async ({ caller, query }) => {
  const prefix = surveyScope(caller, query.regionCode);
  const year = query.year ?? shanghaiDate(nowMs()).slice(0, 4);
  const page = await listByLevel<SurveyRecord>(`SURVEY#${year}#${query.status}`, prefix, query.limit, query.cursor);
  return { status: 200, body: { items: page.items.map(surveyView), nextCursor: page.nextCursor } };
});

const surveyParams = z.object({ id: z.string().regex(/^sv_\d{4}_[A-Za-z0-9_-]{8,60}$/, 'not a survey id') });

async function surveyFor(caller: Caller, id: string): Promise<SurveyRecord> {
  const s = await getSurvey(id);
  if (!s) throw notFound(`survey ${id} not found`);
  if (!seesEverywhere(caller) && !covers(caller, s.regionCode)) throw forbidden(`survey ${id} is outside your jurisdiction`);
  return s;
}

export const getSurveyRoute = httpHandler({ roles: READERS, params: surveyParams, response: z.looseObject({ surveyId: z.string(), status: z.string() }), summary: 'One survey task with its short form' }, async ({ caller, params }) => ({ status: 200, body: surveyView(await surveyFor(caller, params.id)) }));

const yuan = z.number().min(0).max(100_000_000).refine((v) => Math.abs(v * 100 - Math.round(v * 100)) < 1e-6, 'money has at most 2 decimals');
/** The short form (one printable A4 page): what changed since last year, nothing the platform already holds. */
const surveyForm = z.strictObject({
  visitedOn: z.iso.date('visitedOn must be a date YYYY-MM-DD'),
  surveyors: z.array(z.string().trim().min(1).max(50)).min(1, 'who visited').max(10),
  members: z.array(z.strictObject({ idNumber: z.string().trim().length(18, 'an ID number has 18 characters'), monthlyIncome: yuan })).max(30).optional(),
  deposits: yuan.optional(),
  housingSafe: z.boolean().optional(),
  drinkingWaterSafe: z.boolean().optional(),
  riskTypes: z.array(z.enum(RISK_TYPES)).max(RISK_TYPES.length).optional(),
  notes: z.string().trim().max(2000).optional(),
});

export const submitSurveyRoute = httpHandler({ roles: REVIEWERS, params: surveyParams, body: surveyForm, response: z.object({ id: z.string(), status: z.string(), outcome: z.record(z.string(), z.unknown()) }), summary: 'Submit a survey: the household is updated and the rules run again' }, async ({ caller, params, body }) => {
  const s = await surveyFor(caller, params.id);
  if (s.status !== 'OPEN') throw conflict('this survey has been submitted already');
  try {
    const { submitted, outcome } = await submit(s, body, caller.sub);
    if (!submitted) throw conflict('this survey has been submitted already');
    return { status: 200, body: { id: s.surveyId, status: 'SUBMITTED', outcome } };
  } catch (err) {
    if (err instanceof SurveyFormError) throw validationFailed(err.message, err.details);
    throw err;
  }
});

export const handler = withIdHashKey(
  routeGroup({
    'POST /merger/imports': createImport,
    'GET /merger/imports/{id}': getImportRoute,
    'GET /merger/assessments': listAssessments,
    'POST /merger/assessments/{id}/decision': decideAssessment,
    'GET /merger/coverage': coverage,
    'GET /merger/surveys': listSurveys,
    'GET /merger/surveys/{id}': getSurveyRoute,
    'POST /merger/surveys/{id}': submitSurveyRoute,
  }),
);


