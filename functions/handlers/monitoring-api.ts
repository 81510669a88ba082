import { randomUUID } from 'node:crypto';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { LABEL_CODES } from '../domain/merger.ts';
import { nowMs } from '../commons/clock.ts';
import { conflict, forbidden, notFound, validationFailed } from '../commons/errors.ts';
import { httpHandler, routeGroup, type Caller } from '../commons/http.ts';
import { adjustEntitlementAmount, householdProfile, membersOf } from '../adapters/households-table.ts';
import { closeWarning, getRun, getWarning, listWarnings, putRunIfAbsent, verifyWarning, type WarningRecord } from '../adapters/monitoring-table.ts';
import { policyFor } from '../services/eligibility.ts';
import { categoryIndex, evaluateInto, Trace } from '../domain/eligibility.ts';
import { householdSchema } from '../domain/household.ts';
import { indicator as indicatorOf, INDICATOR_CODES } from '../domain/indicators.ts';
import { canHandleWarning } from '../domain/monitoring.ts';
import { covers } from '../domain/access.ts';
import { regionScope } from '../commons/jurisdiction.ts';
import { pageOf, pageQuery, pageSchema } from '../commons/pagination.ts';
import { shanghaiDate } from '../domain/working-days.ts';
import { idHash, withIdHashKey } from '../commons/id-hash.ts';
import { getOrder, getReferral, rapidResponseTeams, type OrganizationRecord } from '../adapters/services-table.ts';
import { AppError } from '../commons/errors.ts';

/**
 * POST /monitoring/runs, GET /monitoring/runs/{runId}, GET /warnings, GET /warnings/stats,
 * POST /warnings/{id}/verify, POST /warnings/{id}/close. Warnings carry masked IDs only.
 */
let sfn: SFNClient | undefined;
const HANDLERS = ['village', 'town', 'city'] as const;
const READERS = ['village', 'town', 'city', 'admin', 'monitor'] as const;

const runSchema = z.object({
  runId: z.string(),
  asOf: z.string(),
  mode: z.enum(['daily', 'full']),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED']),
  itemsRead: z.number(),
  warningsRaised: z.number(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  breakdown: z.record(z.string(), z.number()).optional(),
  error: z.string().optional(),
});

export const warningSchema = z.object({
  id: z.string(),
  indicator: z.string(),
  class: z.enum(['RAPID_HELP', 'DEMAND', 'DYNAMIC']),
  name: z.string().optional(),
  person: z.string().meta({ description: 'masked ID' }),
  householdId: z.string().nullable(),
  regionCode: z.string(),
  assignedTo: z.string(),
  raisedAt: z.string(),
  dueBy: z.string(),
  status: z.enum(['OPEN', 'VERIFIED', 'CLOSED']),
  details: z.record(z.string(), z.unknown()),
  suggestedAction: z.string().optional(),
  escalatedAt: z.string().optional(),
  verifiedAt: z.string().optional(),
  verifiedBy: z.string().optional(),
  verifyNote: z.string().optional(),
  closedAt: z.string().optional(),
  closedBy: z.string().optional(),
  outcome: z.enum(['BENEFIT_ADJUSTED', 'ASSISTANCE_GRANTED', 'REFERRED', 'NO_ACTION']).optional(),
  closeNote: z.string().optional(),
  adjustment: z.object({ category: z.string(), from: z.string(), monthlyAmount: z.number() }).optional(),
  labels: z.array(z.object({ code: z.string(), riskTypes: z.array(z.string()).optional(), since: z.string().optional() }).loose()).meta({ description: "the household's labels when the warning was raised" }),
});

const statsSchema = z.object({ regionCode: z.string(), raised: z.number(), verified: z.number(), closed: z.number(), adjusted: z.number(), open: z.number(), escalated: z.number() });

const runBody = z.strictObject({
  asOf: z.iso.date('asOf must be a date YYYY-MM-DD'),
  mode: z.enum(['daily', 'full']).optional().default('daily'),
  segments: z.number().int().min(1).max(1000).optional(),
});

export const startRun = httpHandler({ roles: ['admin', 'monitor'], body: runBody, status: 202, response: z.object({ runId: z.string() }), summary: 'Start a monitoring run for a date' }, async ({ body }) => {
  const runId = `run_${randomUUID()}`;
  await putRunIfAbsent({ runId, asOf: body.asOf, mode: body.mode, status: 'RUNNING', itemsRead: 0, warningsRaised: 0, startedAt: new Date(nowMs()).toISOString() });
  const arn = process.env.MONITORING_WORKFLOW_ARN;
  if (!arn) throw new Error('MONITORING_WORKFLOW_ARN is not set');
  await (sfn ??= new SFNClient({})).send(
    new StartExecutionCommand({ stateMachineArn: arn, name: runId, input: JSON.stringify({ runId, asOf: body.asOf, mode: body.mode, ...(body.segments ? { segments: body.segments } : {}) }) }),
  );
  return { status: 202, body: { runId } };
});

export const getRunRoute = httpHandler({ roles: ['admin', 'monitor'], params: z.object({ runId: z.string().min(1).max(200) }), response: runSchema, summary: 'A monitoring run: status, items read, warnings raised' }, async ({ params }) => {
  const run = await getRun(params.runId);
  if (!run) throw notFound(`run ${params.runId} not found`);
  return { status: 200, body: run };
});

/** The village's rapid-response team (快速响应服务队) is assigned to its warnings by default. */
async function teamsOf(ws: readonly WarningRecord[]): Promise<Map<string, OrganizationRecord>> {
  return process.env.SERVICES_TABLE ? rapidResponseTeams(ws.map((w) => w.regionCode)) : new Map();
}

export function view(w: WarningRecord, teams: ReadonlyMap<string, OrganizationRecord> = new Map()) {
  const team = teams.get(w.regionCode);
  return {
    id: w.id,
    indicator: w.indicator,
    class: w.class,
    name: indicatorOf(w.indicator)?.name,
    person: w.person,
    householdId: w.householdId,
    regionCode: w.regionCode,
    /** The village (12 digits) the warning is assigned to; the county (6) for people outside the monitored population. */
    assignedTo: w.regionCode,
    assignedTeam: team ? { id: team.id, name: team.name } : null,
    raisedAt: w.raisedAt,
    dueBy: w.dueBy,
    status: w.status,
    details: w.details,
    labels: w.labels ?? [],
    suggestedAction: indicatorOf(w.indicator)?.action,
    ...(w.escalatedAt ? { escalatedAt: w.escalatedAt } : {}),
    ...(w.verifiedAt ? { verifiedAt: w.verifiedAt, verifiedBy: w.verifiedBy, verifyNote: w.verifyNote } : {}),
    ...(w.closedAt ? { closedAt: w.closedAt, closedBy: w.closedBy, outcome: w.outcome, closeNote: w.closeNote } : {}),
    ...(w.serviceOrderId ? { serviceOrderId: w.serviceOrderId } : {}),
    ...(w.referralId ? { referralId: w.referralId } : {}),
  };
}

const regionParam = z.string().regex(/^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, 'regionCode must have 2, 4, 6, 9 or 12 digits');

const listQuery = z.object({
  status: z.enum(['OPEN', 'VERIFIED', 'CLOSED']).optional(),
  indicator: z.enum(INDICATOR_CODES).optional(),
  regionCode: regionParam.optional(),
  label: z.enum(LABEL_CODES).optional(),
  ...pageQuery,
});

export const list = httpHandler({ roles: READERS, query: listQuery, response: pageSchema(warningSchema), summary: 'Warnings by status, indicator, region and household label' }, async ({ caller, query }) => {
  const all = await listWarnings({ prefix: regionScope(caller, query.regionCode), status: query.status, indicator: query.indicator });
  const items = query.label ? all.filter((w) => w.labels?.some((l) => l.code === query.label)) : all;
  items.sort((a, b) => a.raisedAt.localeCompare(b.raisedAt) || a.id.localeCompare(b.id));
  const page = pageOf(items, query, (w) => `${w.raisedAt}#${w.id}`);
  const teams = await teamsOf(page.items);
  return { status: 200, body: { items: page.items.map((w) => view(w, teams)), nextCursor: page.nextCursor } };
});

export const stats = httpHandler({ roles: READERS, query: z.object({ regionCode: regionParam.optional() }), response: statsSchema, summary: 'The lifecycle: raised, verified, closed, adjusted' }, async ({ caller, query }) => {
  const items = await listWarnings({ prefix: regionScope(caller, query.regionCode), limit: Number.MAX_SAFE_INTEGER });
  return {
    status: 200,
    body: {
      regionCode: regionScope(caller, query.regionCode) ?? 'CN',
      raised: items.length,
      verified: items.filter((w) => w.status !== 'OPEN').length,
      closed: items.filter((w) => w.status === 'CLOSED').length,
      adjusted: items.filter((w) => w.outcome === 'BENEFIT_ADJUSTED').length,
      open: items.filter((w) => w.status === 'OPEN').length,
      escalated: items.filter((w) => w.escalatedAt).length,
    },
  };
});

const idParams = z.object({ id: z.string().regex(/^w_[A-Za-z0-9_-]{10,40}$/, 'not a warning id') });

async function loadFor(caller: Caller, id: string): Promise<WarningRecord> {
  const w = await getWarning(id);
  if (!w) throw notFound(`warning ${id} not found`);
  if (!canHandleWarning(caller, w.regionCode)) throw forbidden(`only a village, town or city whose jurisdiction covers ${w.regionCode} may handle this warning`);
  return w;
}

export const verify = httpHandler({ roles: HANDLERS, params: idParams, body: z.strictObject({ note: z.string().trim().min(1, 'a note is required').max(2000) }), response: warningSchema, summary: 'Verify an open warning (village team)' }, async ({ caller, params, body }) => {
  const w = await loadFor(caller, params.id);
  if (w.status !== 'OPEN') throw conflict(`warning is ${w.status}, not OPEN`);
  const at = new Date(nowMs()).toISOString();
  if (!(await verifyWarning(w.id, w.regionCode, caller, body.note, at))) throw conflict('warning is no longer OPEN');
  const after = (await getWarning(w.id))!;
  return { status: 200, body: view(after, await teamsOf([after])) };
});

const closeBody = z.strictObject({
  outcome: z.enum(['BENEFIT_ADJUSTED', 'ASSISTANCE_GRANTED', 'REFERRED', 'NO_ACTION']),
  note: z.string().trim().min(1, 'a note is required').max(2000),
  /** REFERRED names what the case was referred to: a service order or a department referral. */
  serviceOrderId: z.string().regex(/^so_[A-Za-z0-9_-]{10,40}$/, 'not a service order id').optional(),
  referralId: z.string().regex(/^ref_[A-Za-z0-9_-]{10,40}$/, 'not a referral id').optional(),
});

/** A REFERRED close names a service order or referral of the warning's household, in the caller's jurisdiction. */
async function referredTo(w: WarningRecord, caller: Caller, body: z.output<typeof closeBody>): Promise<{ serviceOrderId?: string; referralId?: string }> {
  if (body.outcome !== 'REFERRED') {
    if (body.serviceOrderId || body.referralId) throw validationFailed('only a REFERRED close names an order or referral', [{ path: body.serviceOrderId ? 'serviceOrderId' : 'referralId', message: 'only with outcome REFERRED' }]);
    return {};
  }
  if (!body.serviceOrderId && !body.referralId) throw validationFailed('REFERRED names the service order (or referral)', [{ path: 'serviceOrderId', message: 'required when the outcome is REFERRED (or give referralId)' }]);
  const bad = (path: string, message: string) => new AppError('UNPROCESSABLE', message, [{ path, message }]);
  if (body.serviceOrderId) {
    const o = await getOrder(body.serviceOrderId);
    if (!o || (w.householdId ? o.householdId !== w.householdId : !covers(caller, o.regionCode))) throw bad('serviceOrderId', `service order ${body.serviceOrderId} is not an order of this warning's household`);
  }
  if (body.referralId) {
    const r = await getReferral(body.referralId);
    if (!r || (w.householdId ? r.householdId !== w.householdId : r.personHash !== w.personHash)) throw bad('referralId', `referral ${body.referralId} is not a referral of this warning's household`);
  }
  return { ...(body.serviceOrderId ? { serviceOrderId: body.serviceOrderId } : {}), ...(body.referralId ? { referralId: body.referralId } : {}) };
}

/**
 * BENEFIT_ADJUSTED on an indicator that adjusts DIBAO: the household's DIBAO amount is
 * recomputed under the policy in force on the milestone date (or today), and applies from that
 * month on (the birthday month for an age milestone).
 */
async function adjustBenefit(w: WarningRecord, by: Caller, at: string): Promise<Record<string, unknown>> {
  const ind = indicatorOf(w.indicator);
  if (ind?.adjusts !== 'DIBAO' || !w.householdId) return {};
  const effective = typeof w.details.milestoneOn === 'string' ? w.details.milestoneOn : shanghaiDate(nowMs());
  const profile = await householdProfile(w.householdId);
  if (!profile) return {};
  const dead = new Set((await membersOf(w.householdId)).filter((m) => m.deceasedOn).map((m) => m.idHash));
  const raw = profile.household as { members?: { idNumber: string }[] };
  const living = (raw.members ?? []).filter((m) => !dead.has(idHash(m.idNumber)));
  const parsed = householdSchema.safeParse({ ...raw, members: living });
  if (!parsed.success || living.length === 0) return {};
  const t = evaluateInto(new Trace(), parsed.data, await policyFor(profile.regionCode, effective), effective);
  const fen = Math.round(t.amountFen[categoryIndex('DIBAO')]!);
  const from = effective.slice(0, 7);
  const ent = await adjustEntitlementAmount(w.householdId, 'DIBAO', { from, monthlyAmountFen: fen, reason: `监测预警 ${w.id}（${w.indicator}）调整`, at, by: by.sub });
  return ent ? { adjustment: { category: 'DIBAO', from, monthlyAmount: fen / 100 } } : {};
}

export const close = httpHandler({ roles: HANDLERS, params: idParams, body: closeBody, response: warningSchema, summary: 'Close a verified warning with its outcome' }, async ({ caller, params, body }) => {
  const w = await loadFor(caller, params.id);
  if (w.status !== 'VERIFIED') throw conflict(`warning is ${w.status}; it must be VERIFIED before it is closed`);
  const links = await referredTo(w, caller, body);
  const at = new Date(nowMs()).toISOString();
  // The adjustment is an idempotent schedule step (same `from` replaces), so it goes first.
  const detail = body.outcome === 'BENEFIT_ADJUSTED' ? await adjustBenefit(w, caller, at) : {};
  if (!(await closeWarning(w.id, w.regionCode, caller, body.outcome, body.note, at, detail, links))) throw conflict('warning is no longer VERIFIED');
  const after = (await getWarning(w.id))!;
  return { status: 200, body: { ...view(after, await teamsOf([after])), ...detail } };
});

export const handler = withIdHashKey(
  routeGroup({
  'POST /monitoring/runs': startRun,
  'GET /monitoring/runs/{runId}': getRunRoute,
  'GET /warnings': list,
  'GET /warnings/stats': stats,
  'POST /warnings/{id}/verify': verify,
  'POST /warnings/{id}/close': close,
}),
);
