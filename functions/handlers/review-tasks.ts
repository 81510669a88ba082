import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { conflict, forbidden, notFound, validationFailed } from '../commons/errors.ts';
import { httpHandler, routeGroup } from '../commons/http.ts';
import { logger } from '../commons/logger.ts';
import { getApplication, transitionItem } from '../adapters/applications-table.ts';
import { auditItem } from '../adapters/audit-table.ts';
import { documentClient } from '../adapters/dynamo.ts';
import { decideItem, getTask, listOpenTasks } from '../adapters/review-tasks-table.ts';
import { sendSuccess } from '../adapters/workflows.ts';
import { canDecide, STATUS_OF_LEVEL, type ReviewLevel } from '../domain/application.ts';

export const reviewTaskSchema = z.object({
  id: z.string(),
  applicationId: z.string(),
  level: z.enum(['village', 'town', 'city']),
  regionCode: z.string(),
  createdAt: z.string(),
  dueAt: z.string(),
  overdue: z.boolean(),
  summary: z.unknown(),
}).loose();
const taskListSchema = z.object({ items: z.array(reviewTaskSchema), nextCursor: z.string().nullable().optional() });
const decisionResultSchema = z.object({ applicationId: z.string(), status: z.string().optional(), decision: z.string() }).loose();

/** GET /review-tasks and POST /review-tasks/{id}/decision, for village, town and city reviewers. */
const REVIEWERS = ['village', 'town', 'city'] as const;

export const list = httpHandler({ roles: REVIEWERS, response: taskListSchema, summary: 'Open review tasks of my level inside my jurisdiction' }, async ({ caller }) => {
  if (!caller.regionCode) throw forbidden('your token carries no jurisdiction (regionCode)');
  const tasks = await listOpenTasks(caller.role as ReviewLevel, caller.regionCode);
  return {
    status: 200,
    body: {
      items: tasks.map((t) => ({
        id: t.id,
        applicationId: t.applicationId,
        level: t.level,
        regionCode: t.regionCode,
        createdAt: t.createdAt,
        dueAt: t.dueAt,
        overdue: t.overdue ?? false,
        summary: t.summary,
      })),
    },
  };
});

const investigationSchema = z.object({
  visitedAt: z.iso.date('visitedAt must be a date YYYY-MM-DD'),
  investigators: z.array(z.string().trim().min(1).max(50)).min(1).max(20),
  notes: z.string().max(5000).optional(),
});

const decisionBody = z
  .object({
    decision: z.enum(['approve', 'reject']),
    reason: z.string().trim().max(2000).optional(),
    investigation: investigationSchema.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.decision === 'reject' && !d.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'a rejection needs its reasons' });
    if (d.investigation && new Set(d.investigation.investigators).size !== d.investigation.investigators.length) {
      ctx.addIssue({ code: 'custom', path: ['investigation', 'investigators'], message: 'investigators must be different people' });
    }
  });

const taskParams = z.object({ id: z.string().min(1).max(200) });

export const decide = httpHandler({ roles: REVIEWERS, params: taskParams, body: decisionBody, response: decisionResultSchema, summary: 'Decide a review task (town approval: investigation with ≥ 2 investigators)' }, async ({ params, body, caller }) => {
  const task = await getTask(params.id);
  if (!task) throw notFound(`review task ${params.id} not found`);
  if (!canDecide(caller, task)) throw forbidden(`only a ${task.level} reviewer whose jurisdiction covers ${task.regionCode} may decide this task`);
  if (task.status !== 'OPEN') throw conflict('this task has already been decided');
  if (task.level === 'town' && body.decision === 'approve' && (body.investigation?.investigators.length ?? 0) < 2) {
    throw validationFailed('the town’s approval needs its household investigation', [
      { path: 'investigation.investigators', message: 'a home visit by at least 2 investigators is required' },
    ]);
  }
  const at = new Date(nowMs()).toISOString();
  const decision = {
    decision: body.decision,
    ...(body.reason ? { reason: body.reason } : {}),
    ...(body.investigation ? { investigation: body.investigation } : {}),
    by: caller.sub,
    role: caller.role,
    at,
  };
  // First the conditional write (OPEN → DECIDED, with the audit record and the case's history),
  // then the callback: a replay finds the task DECIDED and gets 409, so it can never decide twice.
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: decideItem(task.id, decision) },
          {
            Update: transitionItem(
              task.applicationId,
              {
                from: [STATUS_OF_LEVEL[task.level]],
                history: { stage: `${task.level.toUpperCase()}_REVIEW`, decision: body.decision, by: caller.sub, at, ...(body.reason ? { reason: body.reason } : {}) },
              },
              at,
            ),
          },
          auditItem({
            entity: `APPLICATION#${task.applicationId}`,
            action: `${task.level.toUpperCase()}_${body.decision.toUpperCase()}`,
            by: caller.sub,
            role: caller.role,
            at,
            ...(body.reason ? { reason: body.reason } : {}),
            detail: { taskId: task.id, ...(body.investigation ? { investigation: body.investigation } : {}) },
          }),
        ],
      }),
    );
  } catch (err) {
    if (err instanceof TransactionCanceledException) throw conflict('this task has already been decided, or the case has moved on');
    throw err;
  }
  await deliverDecision(task.id, decision);
  const app = await getApplication(task.applicationId);
  return { status: 200, body: { applicationId: task.applicationId, status: app?.status, decision: body.decision } };
});

/**
 * The decision is written first, then read back with the task's current token: the workflow's
 * token step writes its token and then reads the status, so one side always sees the other and
 * the decision reaches the workflow (twice at worst, and the second is refused as resolved).
 */
async function deliverDecision(taskId: string, decision: unknown): Promise<void> {
  let lastToken: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await getTask(taskId);
    const token = current?.taskToken;
    if (!token || token === lastToken) return;
    if ((await sendSuccess(token, decision)) === 'delivered') return;
    logger.info('callback token already resolved; trying the task’s current token', { taskId });
    lastToken = token;
  }
}

export const handler = routeGroup({
  'GET /review-tasks': list,
  'POST /review-tasks/{id}/decision': decide,
});
