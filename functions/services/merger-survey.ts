import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { nowMs } from '../commons/clock.ts';
import { idHash } from '../commons/id-hash.ts';
import { logger } from '../commons/logger.ts';
import { documentClient, tableNameFrom } from '../adapters/dynamo.ts';
import { amountForMonth, ENTITLEMENT_SHARDS, entitlementsOf, entitlementsStartedBy, householdProfile, membersOf } from '../adapters/households-table.ts';
import { listByLevel, monitoredIn, putSurveysIfAbsent, submitSurvey, updateRecordData, getRecord, markSurveyOverdue, type MergerRecord, type SurveyRecord } from '../adapters/merger-table.ts';
import { raiseWarning } from '../adapters/monitoring-table.ts';
import { policyFor } from './eligibility.ts';
import { householdSchema } from '../domain/household.ts';
import { classify, surveyDueOn, surveyOverdue, type RiskType } from '../domain/merger.ts';
import { reevaluateHousehold, warningId, type Finding } from '../domain/monitoring.ts';
import { maskId } from '../domain/resident-id.ts';
import { shanghaiDate } from '../domain/working-days.ts';

/**
 * The merged yearly survey (排查; 庄浪: the July and September surveys became one, in September,
 * on one A4 page). 1 September: one survey task per monitored household and per remaining
 * monitoring object, for its village, due by 30 September. A submitted form updates the
 * household and runs the rules again (what they find becomes warnings); a survey still open on
 * 1 October becomes a SURVEY_OVERDUE warning.
 */
const mergerTable = () => tableNameFrom('MERGER_TABLE');

/** Counties with remaining monitoring objects (written when a chunk creates one). */
export async function putMergerCounties(counties: Iterable<string>): Promise<void> {
  await Promise.all([...new Set(counties)].map((c) => documentClient().send(new PutCommand({ TableName: mergerTable(), Item: { pk: 'COUNTIES', sk: c, county: c } }))));
}

async function mergerCounties(): Promise<string[]> {
  const out: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const res = await documentClient().send(new QueryCommand({ TableName: mergerTable(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': 'COUNTIES' }, ...(start ? { ExclusiveStartKey: start } : {}) }));
    for (const i of res.Items ?? []) out.push(String(i.sk));
    start = res.LastEvaluatedKey;
  } while (start);
  return out;
}

export async function openSurveys(yearArg?: string): Promise<{ year: string; households: number; objects: number; opened: number }> {
  const now = nowMs();
  const year = yearArg ?? shanghaiDate(now).slice(0, 4);
  const at = new Date(now).toISOString();
  const dueOn = surveyDueOn(year);
  const month = `${year}-09`;
  // Monitored households: those with an active entitlement by September (the ledger run's sparse index).
  const households = new Map<string, { regionCode: string; categories: Set<string> }>();
  await Promise.all(
    Array.from({ length: ENTITLEMENT_SHARDS }, async (_v, shard) => {
      for await (const page of entitlementsStartedBy(shard, month)) {
        for (const e of page) {
          if (e.status !== 'ACTIVE' || amountForMonth(e, month) < 0) continue;
          const h = households.get(e.householdId) ?? { regionCode: e.regionCode, categories: new Set<string>() };
          h.categories.add(e.category);
          households.set(e.householdId, h);
        }
      }
    }),
  );
  const surveys: SurveyRecord[] = [...households].map(([householdId, h]) => ({
    surveyId: `sv_${year}_${householdId}`,
    year,
    kind: 'HOUSEHOLD',
    target: householdId,
    regionCode: h.regionCode,
    dueOn,
    status: 'OPEN',
    openedAt: at,
    summary: { householdId, categories: [...h.categories].sort() },
  }));
  let objects = 0;
  for (const county of await mergerCounties()) {
    for await (const page of monitoredIn(county)) {
      for (const r of page) {
        objects++;
        surveys.push({
          surveyId: `sv_${year}_${r.recordId}`,
          year,
          kind: 'MONITORING_OBJECT',
          target: r.recordId,
          regionCode: r.regionCode,
          dueOn,
          status: 'OPEN',
          openedAt: at,
          summary: { recordId: r.recordId, person: r.maskedId, name: r.name, layer: r.layer, riskTypes: r.riskTypes, level: r.level },
        });
      }
    }
  }
  const opened = await putSurveysIfAbsent(surveys);
  logger.info('surveys opened', { year, households: households.size, objects, opened });
  return { year, households: households.size, objects, opened };
}

/** After September: every survey still open is a warning for its village (once per survey). */
export async function overdueSurveys(yearArg?: string): Promise<{ year: string; warningsRaised: number }> {
  const now = nowMs();
  const today = shanghaiDate(now);
  // Run on 1 October: the survey year is the one whose September just ended.
  const year = yearArg ?? (today.slice(5, 7) >= '10' ? today.slice(0, 4) : String(Number(today.slice(0, 4)) - 1));
  const at = new Date(now).toISOString();
  let raised = 0;
  let cursor: string | undefined;
  do {
    const page = await listByLevel<SurveyRecord>(`SURVEY#${year}#OPEN`, '', 100, cursor);
    for (const s of page.items) {
      if (!surveyOverdue(s, today)) continue;
      const hash = `survey:${s.surveyId}`;
      const id = warningId(hash, 'SURVEY_OVERDUE', year);
      const f: Finding = {
        indicator: 'SURVEY_OVERDUE',
        idHash: hash,
        person: typeof s.summary.person === 'string' ? s.summary.person : '',
        householdId: s.kind === 'HOUSEHOLD' ? s.target : null,
        regionCode: s.regionCode,
        period: year,
        details: { surveyId: s.surveyId, kind: s.kind, dueOn: s.dueOn },
      };
      if (await raiseWarning(id, f, at, 'merger.survey')) raised++;
      if (!s.overdueWarningId) await markSurveyOverdue(s.surveyId, id);
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  logger.info('overdue surveys', { year, raised });
  return { year, warningsRaised: raised };
}

export interface SurveyForm {
  visitedOn: string;
  surveyors: string[];
  members?: { idNumber: string; monthlyIncome: number }[];
  deposits?: number;
  housingSafe?: boolean;
  drinkingWaterSafe?: boolean;
  riskTypes?: RiskType[];
  notes?: string;
}

export class SurveyFormError extends Error {
  constructor(readonly details: { path: string; message: string }[]) {
    super('the form does not fit the household');
  }
}

/** Applies the short form to a household (raw, as stored): incomes by member ID, deposits, living conditions. */
function applyForm(raw: Record<string, unknown>, form: SurveyForm): Record<string, unknown> {
  const members = ((raw.members as Record<string, unknown>[] | undefined) ?? []).map((m) => ({ ...m }));
  const problems: { path: string; message: string }[] = [];
  (form.members ?? []).forEach((fm, i) => {
    const m = members.find((x) => String(x.idNumber).toUpperCase() === fm.idNumber.toUpperCase());
    if (!m) problems.push({ path: `members.${i}.idNumber`, message: 'not a member of this household' });
    else {
      delete m.incomes;
      m.monthlyIncome = fm.monthlyIncome;
    }
  });
  if (problems.length) throw new SurveyFormError(problems);
  const assets = { ...((raw.assets as Record<string, unknown> | undefined) ?? {}) };
  if (form.deposits !== undefined) assets.deposits = form.deposits;
  const living = { housingSafe: true, drinkingWaterSafe: true, ...((raw.livingConditions as Record<string, unknown> | undefined) ?? {}) };
  if (form.housingSafe !== undefined) living.housingSafe = form.housingSafe;
  if (form.drinkingWaterSafe !== undefined) living.drinkingWaterSafe = form.drinkingWaterSafe;
  return { ...raw, members, assets, livingConditions: living };
}

/**
 * A submitted survey: the household (profile, or the monitoring object's imported household)
 * takes the form's facts and the rules run again. The rules recommend: what they find becomes
 * warnings (a household that no longer qualifies, a missed layer) or the record's new
 * recommendation, never a changed entitlement.
 */
export async function submit(s: SurveyRecord, form: SurveyForm, by: string): Promise<{ submitted: boolean; outcome: Record<string, unknown> }> {
  const now = nowMs();
  const at = new Date(now).toISOString();
  const asOf = shanghaiDate(now);
  let outcome: Record<string, unknown>;
  if (s.kind === 'HOUSEHOLD') {
    const profile = await householdProfile(s.target);
    if (!profile) throw new SurveyFormError([{ path: '', message: 'the household no longer exists' }]);
    const next = applyForm(profile.household, form);
    const parsed = householdSchema.safeParse(next);
    if (!parsed.success) throw new SurveyFormError(parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
    await documentClient().send(
      new UpdateCommand({
        TableName: tableNameFrom('HOUSEHOLDS_TABLE'),
        Key: { pk: `HH#${s.target}`, sk: 'PROFILE' },
        UpdateExpression: 'SET household = :h, lastSurvey = :s',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':h': next, ':s': { surveyId: s.surveyId, visitedOn: form.visitedOn, at, by } },
      }),
    );
    const dead = new Set((await membersOf(s.target)).filter((m) => m.deceasedOn).map((m) => m.idHash));
    const living = parsed.data.members.filter((m) => !dead.has(idHash(m.idNumber)));
    const ents = await entitlementsOf(s.target);
    const active = ents.filter((e) => e.status === 'ACTIVE').map((e) => e.category);
    const dibao = ents.find((e) => e.category === 'DIBAO' && e.status === 'ACTIVE');
    const findings = reevaluateHousehold(
      {
        householdId: s.target,
        regionCode: profile.regionCode,
        household: { ...parsed.data, members: living },
        people: living.map((m) => ({ idHash: idHash(m.idNumber), maskedId: maskId(m.idNumber) })),
        active,
        dibaoPaidFen: dibao ? amountForMonth(dibao, asOf.slice(0, 7)) : 0,
      },
      await policyFor(profile.regionCode, asOf),
      asOf,
    );
    const raised: string[] = [];
    for (const f of findings) {
      const id = warningId(f.idHash, f.indicator, f.period);
      if (await raiseWarning(id, f, at, 'merger.survey')) raised.push(id);
    }
    outcome = { findings: findings.map((f) => f.indicator), warningsRaised: raised };
  } else {
    const record = await getRecord(s.target);
    if (!record) throw new SurveyFormError([{ path: '', message: 'the monitoring object no longer exists' }]);
    const head = record.headRecordId === record.recordId ? record : await getRecord(record.headRecordId);
    const raw = (head?.household ?? {}) as Record<string, unknown>;
    const next = applyForm(raw, form);
    const parsed = householdSchema.safeParse(next);
    if (!parsed.success) throw new SurveyFormError(parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
    const riskTypes = form.riskTypes ?? record.riskTypes;
    const cls = classify(parsed.data, await policyFor(record.regionCode, asOf), asOf, riskTypes);
    const patch: Partial<MergerRecord> = { layer: cls.layer, reasons: cls.reasons, monthlyAmountFen: cls.monthlyAmountFen, riskTypes, updatedAt: at };
    if (head && head.recordId === record.recordId) patch.household = next;
    if (!(await updateRecordData(record, patch))) throw new SurveyFormError([{ path: '', message: 'the record changed meanwhile; submit again' }]);
    if (head && head.recordId !== record.recordId) await updateRecordData(head, { household: next, updatedAt: at }).catch(() => false);
    outcome = { layer: cls.layer, monthlyAmount: cls.monthlyAmountFen / 100, reasons: cls.reasons };
  }
  const submitted = await submitSurvey(s, form as unknown as Record<string, unknown>, outcome, by, at);
  return { submitted, outcome };
}
