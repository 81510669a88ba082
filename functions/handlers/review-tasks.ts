import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { conflict, forbidden, notFound, validationFailed, type ErrorDetail } from '../commons/errors.ts';
import { httpHandler, routeGroup, type Caller } from '../commons/http.ts';
import { logger } from '../commons/logger.ts';
import { failpoint } from '../commons/failpoints.ts';
import { pageQuery, pageSchema } from '../commons/pagination.ts';
import { getApplication, transitionItem, type ApplicationRecord } from '../adapters/applications-table.ts';
import { auditItem } from '../adapters/audit-table.ts';
import { documentClient } from '../adapters/dynamo.ts';
import { decideItem, deliverDecision, getTask, listOpenTasks, type ReviewTaskRecord } from '../adapters/review-tasks-table.ts';
import { sendSuccess } from '../adapters/workflows.ts';
import { STATUS_OF_LEVEL, type ReviewLevel } from '../domain/application.ts';
import { CATEGORY_CODES } from '../domain/eligibility.ts';
import { yuanToFen } from '../domain/household.ts';
import { routeAfter, STATUS_AFTER, type Route } from '../domain/procedure.ts';
import { covers, jurisdictionOf } from '../domain/access.ts';
import { shanghaiDate } from '../domain/working-days.ts';
import { decideAppeal, mayDecideTask } from '../services/appeals.ts';
import { procedurePolicy } from '../services/procedure.ts';

/**
 * GET /review-tasks, GET /review-tasks/{id} and POST /review-tasks/{id}/decision, for village,
 * town and city reviewers (and admins for appeals against a prefecture city's decision). The
 * village gives an opinion, the town investigates and proposes, the city (or an authorized
 * town) decides; the response names the status the decision sends the case to.
 */
const REVIEWERS = ['village', 'town', 'city', 'admin'] as const;

const escalationSchema = z.object({ at: z.string(), reason: z.enum(['LEVEL_DUE', 'CASE_DEADLINE_NEAR', 'CASE_DEADLINE_PASSED']) });
export const reviewTaskSchema = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    level: z.enum(['village', 'town', 'city', 'admin']),
    kind: z.enum(['REVIEW', 'EMERGENCY', 'APPEAL']),
    caseKind: z.string(),
    status: z.enum(['OPEN', 'DECIDED']),
    regionCode: z.string(),
    createdAt: z.string(),
    dueAt: z.string(),
    overdue: z.boolean(),
    escalations: z.array(escalationSchema),
    nextEscalationAt: z.string().optional(),
    summary: z.unknown(),
  })
  .loose();
const taskListSchema = pageSchema(reviewTaskSchema);
const taskWithCaseSchema = reviewTaskSchema.extend({ case: z.object({ id: z.string(), kind: z.string(), status: z.string() }).loose().nullable() });
const decisionResultSchema = z.object({ applicationId: z.string(), decision: z.string(), status: z.string() }).loose();

/** What a task shows: `overdue` is now past the level's due time (which never moves), `escalations` each one recorded. */
export function taskView(t: ReviewTaskRecord, now: number) {
  return {
    id: t.id,
    applicationId: t.applicationId,
    level: t.level,
    kind: t.kind ?? 'REVIEW',
    caseKind: t.caseKind ?? 'APPLICATION',
    status: t.status,
    regionCode: t.regionCode,
    createdAt: t.createdAt,
    dueAt: t.dueAt,
    overdue: t.status === 'OPEN' && now > Date.parse(t.dueAt),
    escalations: Array.isArray(t.escalations) ? t.escalations : [],
    ...(t.nextEscalationAt && t.status === 'OPEN' ? { nextEscalationAt: t.nextEscalationAt } : {}),
    summary: t.summary,
    ...(t.decision ? { decision: { decision: t.decision.decision, reason: t.decision.reason, by: t.decision.by, at: t.decision.at, ...(t.decision.route ? { route: t.decision.route } : {}) } } : {}),
  };
}

const listQuery = z.object(pageQuery).strict();

export const list = httpHandler({ roles: REVIEWERS, query: listQuery, response: taskListSchema, summary: 'Open review tasks of my level inside my jurisdiction ({items, nextCursor}): overdue, escalations' }, async ({ caller, query }) => {
  const jurisdiction = jurisdictionOf(caller);
  if (caller.role !== 'admin' && !jurisdiction) throw forbidden('your token carries no jurisdiction (regionCode) fitting its role');
  const page = await listOpenTasks(caller.role, caller.role === 'admin' ? '' : jurisdiction!, query);
  const now = nowMs();
  return {
    status: 200,
    body: { items: page.items.filter((t) => mayDecideTask(caller, t)).map((t) => taskView(t, now)), nextCursor: page.nextCursor },
  };
});

const taskParams = z.object({ id: z.string().min(1).max(200).regex(/^[A-Za-z0-9_.-]+$/, 'not a task id') });

function caseSummary(app: ApplicationRecord) {
  return {
    id: app.id,
    kind: app.kind ?? 'APPLICATION',
    status: app.status,
    householdId: app.householdId,
    regionCode: app.regionCode,
    requested: app.requested,
    ...(app.recommendation ? { recommendation: app.recommendation } : {}),
    ...(app.deadline ? { deadline: app.deadline } : {}),
    ...(app.proposal ? { proposal: app.proposal } : {}),
    ...(app.spotCheck ? { spotCheck: app.spotCheck } : {}),
    ...(app.investigations ? { investigations: app.investigations } : {}),
    ...(app.staffRelative ? { staffRelative: app.staffRelative } : {}),
    ...(app.emergency ? { emergency: app.emergency } : {}),
    ...(app.change ? { change: { kind: app.change.kind, effectiveOn: app.change.effectiveOn, proposal: app.change.proposal } } : {}),
    flags: app.flags ?? [],
  };
}

export const getOne = httpHandler({ roles: REVIEWERS, params: taskParams, response: taskWithCaseSchema, summary: 'One review task with its case summary (recommendation, deadline, proposal, spot-check, investigations)' }, async ({ caller, params }) => {
  const task = await getTask(params.id);
  if (!task) throw notFound(`review task ${params.id} not found`);
  if (caller.role !== 'admin' && (caller.role !== task.level || !covers(caller, task.regionCode))) throw forbidden('this task is outside your level or jurisdiction');
  const app = await getApplication(task.applicationId);
  return { status: 200, body: { ...taskView(task, nowMs()), case: app ? caseSummary(app) : null } };
});

const investigationSchema = z.strictObject({
  visitedAt: z.iso.date('visitedAt must be a date YYYY-MM-DD'),
  investigators: z.array(z.string().trim().min(1).max(50)).min(1).max(20),
  notes: z.string().max(5000).optional(),
});

const decisionBody = z
  .object({
    decision: z.enum(['approve', 'reject', 'uphold', 'overturn']),
    reason: z.string().trim().max(2000).optional(),
    investigation: investigationSchema.optional(),
    /** Town: its proposal; city (or a deciding town): what is granted, requested or not (一次认定). */
    categories: z
      .array(z.enum(CATEGORY_CODES))
      .min(1)
      .max(CATEGORY_CODES.length)
      .refine((r) => new Set(r).size === r.length, 'each category once')
      .optional(),
    /** The decider's amount (yuan per month; TEMPORARY: the one-off amount), where it differs from the rules'. */
    monthlyAmounts: z.partialRecord(z.enum(CATEGORY_CODES), yuanToFen).optional(),
    /** TEKUN: the county's spot-check home visit, when the case was drawn. */
    spotCheck: investigationSchema.extend({ findings: z.string().max(5000).optional() }).optional(),
  })
  .strict()
  .superRefine((d, ctx) => {
    if ((d.decision === 'reject' || d.decision === 'uphold' || d.decision === 'overturn') && !d.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'this decision needs its reasons' });
    for (const inv of [d.investigation, d.spotCheck]) {
      if (inv && new Set(inv.investigators).size !== inv.investigators.length) {
        ctx.addIssue({ code: 'custom', path: [inv === d.investigation ? 'investigation' : 'spotCheck', 'investigators'], message: 'investigators must be different people' });
      }
    }
  });
type DecisionBody = z.output<typeof decisionBody>;

function refuse(message: string, details: ErrorDetail[]): never {
  throw validationFailed(message, details);
}

/** What the law asks of each level's decision before it can be taken. */
function checkDecision(task: ReviewTaskRecord, app: ApplicationRecord, body: DecisionBody, final: boolean): void {
  if (body.decision !== 'approve' && body.decision !== 'reject') refuse('approve or reject', [{ path: 'decision', message: 'a review task is approved or rejected (uphold/overturn are for appeals)' }]);
  if (task.level === 'village' && (body.categories || body.monthlyAmounts || body.spotCheck)) {
    refuse('the village gives an opinion', [{ path: body.categories ? 'categories' : body.monthlyAmounts ? 'monthlyAmounts' : 'spotCheck', message: 'the village assists and gives its opinion; the town proposes and the city decides' }]);
  }
  // 不得未经家庭经济状况调查核实直接认定: the town's decision, either way, rests on its home visit.
  if (task.level === 'town' && task.kind !== 'EMERGENCY' && (body.investigation?.investigators.length ?? 0) < 2) {
    refuse('the town’s decision needs its household investigation', [{ path: 'investigation.investigators', message: 'a home visit by at least 2 investigators is required' }]);
  }
  if (!final || body.decision !== 'approve' || app.kind === 'REREVIEW') return;
  const chosen = body.categories ?? app.proposal?.categories ?? app.recommendation?.proposed ?? app.requested;
  const eligible = app.recommendation?.eligible ?? [];
  const details: ErrorDetail[] = [];
  for (const code of chosen) {
    if (code === 'TEMPORARY' || eligible.includes(code)) continue;
    if (!body.reason) details.push({ path: 'reason', message: `${code} is granted against the rules' recommendation: say why (the investigation's findings)` });
    if (!(body.monthlyAmounts as Record<string, number> | undefined)?.[code]) details.push({ path: `monthlyAmounts.${code}`, message: `the rules found no amount for ${code}: set the monthly amount` });
  }
  if (chosen.includes('TEKUN') && app.spotCheck?.drawn && !app.spotCheck.record && !body.spotCheck) {
    details.push({ path: 'spotCheck', message: 'this TEKUN case was drawn for the county’s spot-check (≥ 30%): record the home visit' });
  }
  if (details.length) refuse('the decision is not complete', details);
}

export const decide = httpHandler({ roles: REVIEWERS, params: taskParams, body: decisionBody, response: decisionResultSchema, summary: 'Decide a review task (village opinion; town with its investigation; city final, may grant other categories) or an appeal (uphold/overturn); answers the status the case goes to' }, async ({ params, body, caller }) => {
  const task = await getTask(params.id);
  if (!task) throw notFound(`review task ${params.id} not found`);
  if (!mayDecideTask(caller, task)) throw forbidden(`only a ${task.level} reviewer whose jurisdiction covers ${task.regionCode} may decide this task`);
  if (task.status !== 'OPEN') throw conflict('this task has already been decided');
  if (task.kind === 'APPEAL') return decideAppeal(task, caller, body);
  const app = await getApplication(task.applicationId);
  if (!app) throw notFound(`case ${task.applicationId} not found`);
  const level = task.level as ReviewLevel;
  const policy = await procedurePolicy(app.regionCode, shanghaiDate(nowMs()));
  const final = level === 'city' || (level === 'town' && (policy.townDecides || task.kind === 'EMERGENCY'));
  checkDecision(task, app, body, final);
  const decision = body.decision as 'approve' | 'reject';
  const rereview = app.kind === 'REREVIEW';
  const proposed = body.categories ?? app.proposal?.categories ?? app.recommendation?.proposed ?? app.requested;
  const routed: { route: Route; afterNotice?: Route } =
    task.kind === 'EMERGENCY'
      ? { route: decision === 'approve' ? 'GRANT' : 'CITY' }
      : routeAfter(level, decision, { townDecides: policy.townDecides, proposed: rereview ? [] : proposed });
  const at = new Date(nowMs()).toISOString();
  const record = {
    decision,
    ...(body.reason ? { reason: body.reason } : {}),
    ...(body.investigation ? { investigation: body.investigation } : {}),
    ...(body.categories ? { categories: body.categories } : {}),
    ...(body.monthlyAmounts ? { monthlyAmounts: Object.fromEntries(Object.entries(body.monthlyAmounts).map(([k, fen]) => [k, (fen as number) / 100])) } : {}),
    ...(body.spotCheck ? { spotCheck: body.spotCheck } : {}),
    route: routed.route,
    ...(routed.afterNotice ? { afterNotice: routed.afterNotice } : {}),
    taskId: task.id,
    level,
    by: caller.sub,
    role: caller.role,
    ...(caller.regionCode ? { regionCode: caller.regionCode } : {}),
    at,
  };
  const set: Partial<ApplicationRecord> = {};
  if (body.investigation) set.investigations = [...(app.investigations ?? []), { ...body.investigation, level, by: caller.sub, at, taskId: task.id }];
  if (level === 'town') set.proposal = { decision, categories: [...proposed], ...(body.reason ? { reason: body.reason } : {}), by: caller.sub, at };
  if (body.spotCheck && app.spotCheck) set.spotCheck = { ...app.spotCheck, record: { ...body.spotCheck, by: caller.sub, at } };
  // First the conditional write (OPEN → DECIDED, with the audit record and the case's history),
  // then the callback: a replay finds the task DECIDED and gets 409, so it can never decide twice.
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: decideItem(task.id, record) },
          {
            Update: transitionItem(
              task.applicationId,
              {
                from: [STATUS_OF_LEVEL[level]],
                history: { stage: `${level.toUpperCase()}_REVIEW`, decision: body.decision, by: caller.sub, at, ...(body.reason ? { reason: body.reason } : {}) },
                set,
              },
              at,
            ),
          },
          auditItem({
            entity: `APPLICATION#${task.applicationId}`,
            action: `${level.toUpperCase()}_${body.decision.toUpperCase()}`,
            by: caller.sub,
            role: caller.role,
            at,
            ...(body.reason ? { reason: body.reason } : {}),
            detail: { taskId: task.id, route: routed.route, ...(body.investigation ? { investigation: body.investigation } : {}), ...(body.categories ? { categories: body.categories } : {}) },
          }),
        ],
      }),
    );
  } catch (err) {
    if (err instanceof TransactionCanceledException) throw conflict('this task has already been decided, or the case has moved on');
    throw err;
  }
  await failpoint('after-decision-commit');
  await deliverDecision(task.id, sendSuccess, { token: task.taskToken, decision: record });
  const status = rereview && (routed.route === 'GRANT' || routed.route === 'REJECT') ? 'DECIDED' : STATUS_AFTER[routed.route];
  return { status: 200, body: { applicationId: task.applicationId, decision: body.decision, status } };
});

export type { Caller };

export const handler = routeGroup({
  'GET /review-tasks': list,
  'GET /review-tasks/{id}': getOne,
  'POST /review-tasks/{id}/decision': decide,
});
