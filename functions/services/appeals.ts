import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { nowMs } from '../commons/clock.ts';
import { conflict, forbidden, validationFailed } from '../commons/errors.ts';
import type { Caller, HttpResponse } from '../commons/http.ts';
import { getApplication, retakeLockItems, transitionItem, type ApplicationRecord } from '../adapters/applications-table.ts';
import { auditItem } from '../adapters/audit-table.ts';
import { documentClient, tableNameFrom } from '../adapters/dynamo.ts';
import { notHeldCheck } from '../adapters/households-table.ts';
import { decideItem, type ReviewTaskRecord } from '../adapters/review-tasks-table.ts';
import { startWorkflow } from '../adapters/workflows.ts';
import { jurisdictionOf } from '../domain/access.ts';
import { canDecide } from '../domain/application.ts';
import { decisionLetter, type Letter } from '../domain/letters.ts';
import { appealReason } from '../domain/wording.ts';
import { appealLevel } from '../domain/procedure.ts';
import { shanghaiDate, workingDayDeadline } from '../domain/working-days.ts';

/**
 * Appeals (复核): the applicant contests a refusal, a reduction or a termination within 60 days
 * of its letter; a reviewer one level above the one that decided upholds or overturns it, and
 * an overturn reopens the case at the town (a new run of its workflow).
 */
const APPEALABLE: ReadonlySet<string> = new Set(['REFUSAL', 'REDUCTION', 'TERMINATION', 'GRADUAL_EXIT']);

/** Who may decide a task: the level and jurisdiction, and for appeals neither the decider nor a reviewer of the same scope. */
export function mayDecideTask(caller: Caller, task: ReviewTaskRecord): boolean {
  if (!canDecide(caller, task)) return false;
  if (task.kind !== 'APPEAL') return true;
  if (task.excludeSub && caller.sub === task.excludeSub) return false;
  if (task.level === 'admin') return true;
  return (jurisdictionOf(caller)?.length ?? 99) <= (task.maxJurisdictionLength ?? 6);
}

export async function submitAppeal(app: ApplicationRecord, caller: Caller, reason: string): Promise<HttpResponse> {
  const letter = app.decision?.letter as Letter | undefined;
  if (!letter || !APPEALABLE.has(letter.kind)) throw conflict('only a refusal, a reduction or a termination can be appealed');
  const today = shanghaiDate(nowMs());
  if (letter.appeal && today > letter.appeal.by) throw conflict(`the 60 days to appeal ended on ${letter.appeal.by}`);
  const appeals = app.appeals ?? [];
  if (appeals.some((a) => !a.outcome)) throw conflict('an appeal of this decision is already being heard');
  if (appeals.some((a) => a.against === letter.number)) throw conflict('this decision has already been appealed');
  const n = appeals.length + 1;
  const appealId = `apl_${createHash('sha256').update(`${app.id}\n${n}`).digest('base64url').slice(0, 22)}`;
  const taskId = `${app.id}.appeal.${n}`;
  const up = appealLevel({ level: letter.decidedBy.level as 'town', ...(letter.decidedBy.regionCode ? { regionCode: letter.decidedBy.regionCode } : {}) });
  const now = nowMs();
  const at = new Date(now).toISOString();
  const task: ReviewTaskRecord = {
    id: taskId,
    applicationId: app.id,
    level: up.level,
    kind: 'APPEAL',
    caseKind: app.kind ?? 'APPLICATION',
    maxJurisdictionLength: up.maxJurisdictionLength,
    excludeSub: letter.decidedBy.sub,
    regionCode: app.regionCode,
    status: 'OPEN',
    createdAt: at,
    // 行政复议 is decided within 60 days; the platform's 复核 takes the city's 10 working days.
    dueAt: new Date(workingDayDeadline(now, 10)).toISOString(),
    summary: { appealId, reason, against: { letter: letter.number, kind: letter.kind, decidedBy: letter.decidedBy.level, issuedOn: letter.issuedOn }, reasons: letter.reasons },
  };
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableNameFrom('REVIEW_TASKS_TABLE'),
              Item: { ...task, openLevel: task.level, openSort: `${task.regionCode}#${task.createdAt}#${task.id}` },
              ConditionExpression: 'attribute_not_exists(id)',
            },
          },
          {
            Update: transitionItem(
              app.id,
              {
                from: [app.status],
                set: { appeals: [...appeals, { id: appealId, by: caller.sub, at, reason, taskId, against: letter.number }] },
                history: { stage: 'APPEAL', decision: 'FILED', by: caller.sub, at, reason },
              },
              at,
            ),
          },
          auditItem({ entity: `APPLICATION#${app.id}`, action: 'APPEAL_FILED', by: caller.sub, role: caller.role, at, reason, detail: { appealId, against: letter.number, level: up.level } }),
        ],
      }),
    );
  } catch (err) {
    if (err instanceof TransactionCanceledException) throw conflict('an appeal was filed at the same time');
    throw err;
  }
  return { status: 202, body: { appealId, applicationId: app.id, taskId, level: up.level } };
}

export async function decideAppeal(task: ReviewTaskRecord, caller: Caller, body: { decision: string; reason?: string | undefined }): Promise<HttpResponse> {
  if (body.decision !== 'uphold' && body.decision !== 'overturn') {
    throw validationFailed('an appeal is upheld or overturned', [{ path: 'decision', message: 'uphold or overturn' }]);
  }
  const app = await getApplication(task.applicationId);
  if (!app) throw forbidden('the case is gone');
  const appeals = app.appeals ?? [];
  const i = appeals.findIndex((a) => a.taskId === task.id);
  if (i < 0) throw conflict('this appeal is not on the case');
  const at = new Date(nowMs()).toISOString();
  const overturn = body.decision === 'overturn';
  const letter = decisionLetter({
    kind: overturn ? 'APPEAL_OVERTURNED' : 'APPEAL_UPHELD',
    caseId: app.id,
    householdId: app.householdId,
    regionCode: app.regionCode,
    issuedAt: at,
    decidedBy: { level: task.level, sub: caller.sub, ...(caller.regionCode ? { regionCode: caller.regionCode } : {}) },
    categories: app.requested.map((code) => ({ code })),
    reasons: [appealReason(task.level, overturn, body.reason)],
    basisCategories: app.requested,
  });
  const updated = [...appeals];
  updated[i] = { ...appeals[i]!, outcome: body.decision, decidedAt: at, decidedBy: caller.sub, decisionReason: body.reason ?? '', letter } as (typeof appeals)[number];
  const reopened = (app.reopened ?? 0) + (overturn ? 1 : 0);
  // Reopened, an application holds its categories again, as when it was made (re-reviews hold none):
  // their open-application locks, and the check that the household does not hold them meanwhile.
  const locks = overturn && app.kind !== 'REREVIEW' ? retakeLockItems(app) : [];
  const notHeld = locks.length ? app.requested.map((c) => notHeldCheck(app.householdId, c)) : [];
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: decideItem(task.id, { decision: body.decision as 'uphold', ...(body.reason ? { reason: body.reason } : {}), by: caller.sub, role: caller.role, at }) },
          {
            Update: transitionItem(
              app.id,
              {
                from: [app.status],
                ...(overturn ? { to: 'TOWN_REVIEW' as const } : {}),
                set: { appeals: updated, ...(overturn ? { reopened } : {}) },
                history: { stage: 'APPEAL', decision: overturn ? 'OVERTURNED' : 'UPHELD', by: caller.sub, at, ...(body.reason ? { reason: body.reason } : {}) },
              },
              at,
            ),
          },
          auditItem({ entity: `APPLICATION#${app.id}`, action: overturn ? 'APPEAL_OVERTURNED' : 'APPEAL_UPHELD', by: caller.sub, role: caller.role, at, ...(body.reason ? { reason: body.reason } : {}), detail: { taskId: task.id } }),
          ...locks,
          ...notHeld,
        ],
      }),
    );
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      const failed = (k: number) => err.CancellationReasons?.[k]?.Code === 'ConditionalCheckFailed';
      const mine = locks.length && !failed(0) && !failed(1);
      const holds = mine ? app.requested.filter((_c, k) => failed(3 + locks.length + k)) : [];
      if (holds.length) throw conflict(`the household holds ${holds.join(', ')} now: the case cannot reopen for it (uphold, or end that entitlement first)`);
      const held = mine ? app.requested.filter((_c, k) => failed(3 + k)) : [];
      if (held.length) throw conflict(`the household has another open application for ${held.join(', ')}: the case cannot reopen beside it (uphold, or decide once that case is closed)`);
      throw conflict('this appeal has already been decided, or the case has moved on');
    }
    throw err;
  }
  // Reopened: a new run of the case's workflow, starting at the town (idempotent by name).
  if (overturn) await startWorkflow(app.kind === 'REREVIEW' ? 'rereview' : 'application', `${app.id}-reopen-${reopened}`, { applicationId: app.id, reopen: true });
  return { status: 200, body: { applicationId: app.id, decision: body.decision, status: overturn ? 'TOWN_REVIEW' : app.status } };
}
