import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { ensureIdHashKey, idHash } from '../commons/id-hash.ts';
import { logger } from '../commons/logger.ts';
import { count, metrics } from '../commons/metrics.ts';
import { getApplication, nextSpotCheckSequence, releaseLockItems, transition, transitionItem, type ApplicationRecord, type ApprovedCategory } from '../adapters/applications-table.ts';
import { auditItem } from '../adapters/audit-table.ts';
import { documentClient, tableNameFrom } from '../adapters/dynamo.ts';
import { putEvent } from '../adapters/events.ts';
import { factsOf } from '../adapters/facts-table.ts';
import { entitlementItems, householdHistoryItem, householdItems, type EntitlementRecord } from '../adapters/households-table.ts';
import { ledgerItem } from '../adapters/ledger-table.ts';
import { statsItems, statsItemsMany } from '../adapters/stats-table.ts';
import { attachToken, getTask, putTaskIfAbsent, recordEscalation, markDelivered } from '../adapters/review-tasks-table.ts';
import { sendFailure, sendSuccess } from '../adapters/workflows.ts';
import { evaluateApplication } from '../services/eligibility.ts';
import { failedReasons, procedurePolicy, recommendationOf, rulesFor } from '../services/procedure.ts';
import { rereviewSteps } from '../services/rereview.ts';
import { decisionLetter, parametersOf } from '../domain/letters.ts';
import { AMOUNT_GRANTED, MEETS_CONDITIONS, STEP_STALLED, grantedAgainstRecommendation, grantedWithoutApplication, opinionOf } from '../domain/wording.ts';
import { ENTITLEMENT_DEPARTMENT, ENTITLEMENT_SOURCE } from '../domain/ledger.ts';
import { escalationReason, nextEscalationAt, spotCheckDrawn, TEKUN_SPOT_CHECK_SHARE } from '../domain/procedure.ts';
import {
  ESCALATION_GRACE_WORKING_DAYS,
  noticeUntil,
  OPEN_STATUSES,
  reviewDueAt,
  startMonthAfter,
  STATUS_OF_LEVEL,
  type ApplicationStatus,
  type ReviewLevel,
} from '../domain/application.ts';
import { crossCheck } from '../domain/cross-check.ts';
import { householdSchema } from '../domain/household.ts';
import { birthDateOf, maskId } from '../domain/resident-id.ts';
import { addWorkingDays, shanghaiDate, workingDayDeadline } from '../domain/working-days.ts';

/**
 * The application workflow's steps (workflows/application.asl.json). Each is idempotent: Step
 * Functions may run a step again after a fault (at-least-once), so every write is conditional.
 */
const SYSTEM = 'system:workflow';

/** A case that would be refused without the town's investigation: never done (the case stalls for an operator). */
class ProcedureError extends Error {
  override name = 'Procedure.Violation';
}

/** A transient fault the workflow retries (see the definition's Retry on Step.Transient). */
class TransientStepError extends Error {
  override name = 'Step.Transient';
}

const stepInput = z.discriminatedUnion('action', [
  z.object({ action: z.literal('verify'), applicationId: z.string() }),
  z.object({ action: z.literal('crossCheck'), applicationId: z.string() }),
  z.object({ action: z.literal('evaluate'), applicationId: z.string() }),
  z.object({ action: z.literal('openReview'), applicationId: z.string(), level: z.enum(['village', 'town', 'city']), kind: z.enum(['REVIEW', 'EMERGENCY']).optional() }),
  z.object({ action: z.literal('attachReviewToken'), applicationId: z.string(), taskId: z.string(), taskToken: z.string() }),
  z.object({ action: z.literal('escalateReview'), applicationId: z.string(), level: z.enum(['village', 'town', 'city']), taskId: z.string() }),
  z.object({ action: z.literal('postNotice'), applicationId: z.string(), taskId: z.string(), enteredAt: z.string(), taskToken: z.string() }),
  z.object({ action: z.literal('openNotice'), applicationId: z.string() }),
  z.object({ action: z.literal('attachObjectionToken'), applicationId: z.string(), taskToken: z.string() }),
  z.object({ action: z.literal('grant'), applicationId: z.string(), taskId: z.string().optional() }),
  z.object({ action: z.literal('reject'), applicationId: z.string(), taskId: z.string().optional(), stage: z.string().optional() }),
  z.object({ action: z.literal('stall'), applicationId: z.string(), error: z.unknown().optional() }),
  z.object({ action: z.literal('reevaluate'), applicationId: z.string() }),
  z.object({ action: z.literal('applyReview'), applicationId: z.string(), taskId: z.string(), adopt: z.boolean() }),
]);
type StepInput = z.output<typeof stepInput>;

const iso = (ms: number) => new Date(ms).toISOString();

async function load(id: string): Promise<ApplicationRecord> {
  const app = await getApplication(id);
  if (!app) throw new Error(`application ${id} does not exist`);
  return app;
}

const PREVIOUS_STATUS: Record<ReviewLevel, ApplicationStatus[]> = {
  village: ['VERIFYING'],
  // After an objection or an appeal the endpoint has already set TOWN_REVIEW; an emergency and a
  // re-review come to the town straight from the evaluation.
  town: ['VILLAGE_REVIEW', 'PUBLIC_NOTICE', 'VERIFYING'],
  city: ['PUBLIC_NOTICE', 'TOWN_REVIEW'],
};

/** A review task's id: one per case, level and round (objections, reopenings by appeal). */
export function reviewTaskId(app: Pick<ApplicationRecord, 'id' | 'objections' | 'reopened'>, level: ReviewLevel, kind: 'REVIEW' | 'EMERGENCY' = 'REVIEW'): string {
  const round = level === 'town' ? (app.objections?.length ?? 0) : 0;
  return `${app.id}.${kind === 'EMERGENCY' ? 'emergency' : level}.${round}${app.reopened ? `.r${app.reopened}` : ''}`;
}

/** 核对: the declared assets against the departments' facts on each member (one Query per member). */
async function crossCheckOf(app: ApplicationRecord) {
  const household = householdSchema.parse(app.household);
  const factsByMember = await Promise.all(
    household.members.map(async (m) => ({
      person: maskId(m.idNumber),
      facts: (await factsOf(idHash(m.idNumber))).map((f) => ({ kind: f.kind, source: f.source, amount: f.amount })),
    })),
  );
  return crossCheck(
    { depositsFen: household.depositsFen, vehicles: household.vehicles, properties: household.properties, businessRegistered: household.businessRegistered },
    factsByMember,
  );
}

/** The rules' recommendation on the verified assets, the TEKUN spot-check draw, and whether the town grants at once (急难型). */
async function evaluationOf(app: ApplicationRecord) {
  const asOf = shanghaiDate(nowMs());
  const outcome = await evaluateApplication(app, asOf);
  const recommendation = recommendationOf(app, outcome);
  let spotCheck = app.spotCheck;
  if (!spotCheck && (app.requested.includes('TEKUN') || recommendation.eligible.includes('TEKUN'))) {
    const county = app.regionCode.slice(0, 6);
    const sequence = await nextSpotCheckSequence(county);
    spotCheck = { drawn: spotCheckDrawn(sequence), sequence, share: TEKUN_SPOT_CHECK_SHARE, county };
  }
  const policy = await procedurePolicy(app.regionCode, asOf);
  const emergencyTown =
    app.emergency?.kind === 'URGENT' && app.requested.length === 1 && app.requested[0] === 'TEMPORARY' && Math.round(app.emergency.amount * 100) <= policy.townApprovalCapFen;
  return { outcome, recommendation, spotCheck, emergencyTown };
}

/** When a review task escalates next: its own due time, the case's deadline, or a grace of working days from now. */
const escalationAfter = (dueAt: number, deadline: ApplicationRecord['deadline'], now: number) =>
  nextEscalationAt(dueAt, deadline, now, workingDayDeadline(now, ESCALATION_GRACE_WORKING_DAYS));

const crossCheckHistory = (discrepancies: number, at: string) => ({ stage: 'CROSS_CHECK', decision: discrepancies ? 'DISCREPANCIES' : 'CONSISTENT', by: SYSTEM, at });
const recommendationHistory = (recommendation: NonNullable<ApplicationRecord['recommendation']>, at: string) => ({
  stage: 'RECOMMENDATION',
  decision: recommendation.eligible.length ? 'ELIGIBLE' : 'DOUBTFUL',
  by: SYSTEM,
  at,
  reason: recommendation.reasons.join('；').slice(0, 2000),
});

const steps = {
  /**
   * 核对 and the rules' recommendation as one step (the Verify state): one read of the case, one
   * conditional write with both history entries. A run again after the write (at-least-once)
   * recomputes the same and records neither entry twice.
   */
  async verify({ applicationId }: Extract<StepInput, { action: 'verify' }>) {
    const app = await load(applicationId);
    const checked = await crossCheckOf(app);
    const verified: ApplicationRecord = { ...app, discrepancies: checked.discrepancies, verifiedAssets: checked.verified };
    const { outcome, recommendation, spotCheck, emergencyTown } = await evaluationOf(verified);
    const at = iso(nowMs());
    await transition(
      applicationId,
      {
        from: ['SUBMITTED', 'VERIFYING'],
        to: 'VERIFYING',
        history: [...(app.status === 'SUBMITTED' ? [crossCheckHistory(checked.discrepancies.length, at)] : []), ...(app.recommendation ? [] : [recommendationHistory(recommendation, at)])],
        set: { discrepancies: checked.discrepancies, verifiedAssets: checked.verified, eligibility: outcome.result, recommendation, ...(spotCheck ? { spotCheck } : {}) },
      },
      at,
    );
    return { discrepancies: checked.discrepancies.length, emergencyTown, eligible: recommendation.eligible };
  },

  // crossCheck and evaluate: the two steps Verify replaced, kept for executions started on an
  // earlier definition (an execution runs to its end on the definition it started with).
  async crossCheck({ applicationId }: Extract<StepInput, { action: 'crossCheck' }>) {
    const app = await load(applicationId);
    const result = await crossCheckOf(app);
    const at = iso(nowMs());
    await transition(
      applicationId,
      {
        from: ['SUBMITTED', 'VERIFYING'],
        to: 'VERIFYING',
        ...(app.status === 'SUBMITTED' ? { history: crossCheckHistory(result.discrepancies.length, at) } : {}),
        set: { discrepancies: result.discrepancies, verifiedAssets: result.verified },
      },
      at,
    );
    return { discrepancies: result.discrepancies.length };
  },

  /** The rules recommend, they never refuse: every case goes on to people (and TEKUN cases to the spot-check draw). */
  async evaluate({ applicationId }: Extract<StepInput, { action: 'evaluate' }>) {
    const app = await load(applicationId);
    const { outcome, recommendation, spotCheck, emergencyTown } = await evaluationOf(app);
    const at = iso(nowMs());
    await transition(
      applicationId,
      {
        from: ['VERIFYING'],
        set: { eligibility: outcome.result, recommendation, ...(spotCheck ? { spotCheck } : {}) },
        ...(app.recommendation ? {} : { history: recommendationHistory(recommendation, at) }),
      },
      at,
    );
    return { emergencyTown, eligible: recommendation.eligible };
  },

  async openReview({ applicationId, level, kind }: Extract<StepInput, { action: 'openReview' }>) {
    const app = await load(applicationId);
    const now = nowMs();
    const at = iso(now);
    const taskId = reviewTaskId(app, level, kind);
    let dueAt = reviewDueAt(level, app.requested, now);
    let nextAt = escalationAfter(dueAt, app.deadline, now);
    const rec = app.recommendation;
    // The task is written if absent, not read first: only a step run again finds it there, and
    // then its own due times stand.
    const created = await putTaskIfAbsent({
      id: taskId,
      applicationId,
      level,
      kind: kind ?? 'REVIEW',
      caseKind: app.kind ?? 'APPLICATION',
      regionCode: app.regionCode,
      status: 'OPEN',
      createdAt: at,
      dueAt: iso(dueAt),
      nextEscalationAt: iso(nextAt),
      summary: {
        requested: app.requested,
        members: (app.household.members as unknown[] | undefined)?.length ?? 0,
        address: app.household.address,
        discrepancies: app.discrepancies?.length ?? 0,
        flags: app.flags?.map((f) => f.type) ?? [],
        ...(rec ? { recommendation: { eligible: rec.eligible, proposed: rec.proposed, monthlyAmount: rec.monthlyAmount } } : {}),
        ...(app.deadline ? { caseDue: app.deadline.extendedTo ?? app.deadline.due } : {}),
        ...(app.proposal && level === 'city' ? { townProposal: app.proposal } : {}),
        ...(app.spotCheck ? { spotCheck: { drawn: app.spotCheck.drawn, sequence: app.spotCheck.sequence } } : {}),
        ...(app.staffRelative ? { nearRelativeOfStaff: true } : {}),
        ...(app.emergency ? { emergency: app.emergency } : {}),
        ...(app.change ? { change: { kind: app.change.kind, effectiveOn: app.change.effectiveOn } } : {}),
        ...(app.reopened ? { reopenedByAppeal: app.reopened } : {}),
        ...((app.objections?.length ?? 0) > 0 && level === 'town' ? { objections: app.objections?.map((o) => o.reason) } : {}),
      },
    });
    if (!created) {
      const existing = await getTask(taskId);
      if (existing) {
        dueAt = Date.parse(existing.dueAt);
        nextAt = existing.nextEscalationAt ? Date.parse(existing.nextEscalationAt) : escalationAfter(dueAt, app.deadline, now);
      }
    }
    if (app.status !== STATUS_OF_LEVEL[level]) {
      await transition(
        applicationId,
        { from: PREVIOUS_STATUS[level], to: STATUS_OF_LEVEL[level], history: { stage: `${level.toUpperCase()}_REVIEW`, decision: 'OPENED', by: SYSTEM, at } },
        at,
      );
    }
    return { taskId, dueAt: iso(dueAt), timeoutSeconds: Math.max(1, Math.ceil((nextAt - now) / 1000)) };
  },

  async attachReviewToken({ taskId, taskToken }: Extract<StepInput, { action: 'attachReviewToken' }>) {
    // Write the token, then look at the status: a decision that came in meanwhile is forwarded now.
    const task = await attachToken(taskId, taskToken);
    if (task?.status === 'DECIDED' && task.decision && (await sendSuccess(taskToken, task.decision)) === 'delivered') await markDelivered(taskId);
    return {};
  },

  /** A missed level deadline, or the case's 30 (45) working days running out: recorded and announced, never decided. */
  async escalateReview({ applicationId, level, taskId }: Extract<StepInput, { action: 'escalateReview' }>) {
    const now = nowMs();
    const [task, app] = await Promise.all([getTask(taskId), load(applicationId)]);
    if (!task) throw new Error(`review task ${taskId} does not exist`);
    const next = escalationAfter(Date.parse(task.dueAt), app.deadline, now);
    const reason = escalationReason(app.deadline, now);
    const recorded = await recordEscalation(taskId, { at: iso(now), reason }, task.nextEscalationAt, iso(next));
    let nextAt = next;
    if (recorded) {
      await putEvent('jiuzhu.applications', 'ReviewOverdue', {
        applicationId,
        taskId,
        level,
        reason,
        regionCode: task.regionCode,
        wasDueAt: task.dueAt,
        caseDue: app.deadline ? (app.deadline.extendedTo ?? app.deadline.due) : undefined,
        escalations: (task.escalations?.length ?? 0) + 1,
        nextEscalationAt: iso(next),
      });
    } else {
      const again = await getTask(taskId);
      if (again?.nextEscalationAt) nextAt = Date.parse(again.nextEscalationAt);
    }
    return { taskId, timeoutSeconds: Math.max(1, Math.ceil((nextAt - now) / 1000)) };
  },

  /**
   * 公示 posted and watched in one step (the PublicNotice state, a waitForTaskToken task whose
   * TimeoutSeconds is the notice's 7 days): the notice runs from the state's entry, so the
   * timeout ends it exactly at `until`; the same conditional write stores the token an objection
   * fails. The notice remembers the town task it follows, so a run again (or a late duplicate
   * after an objection) never posts it twice: it attaches its token, or fails it at once when the
   * case is no longer on notice.
   */
  async postNotice({ applicationId, taskId, enteredAt, taskToken }: Extract<StepInput, { action: 'postNotice' }>) {
    let app = await load(applicationId);
    const at = iso(nowMs());
    if (app.publicNotice?.afterTask !== taskId) {
      const from = Date.parse(enteredAt);
      const notice = { from: iso(from), until: iso(noticeUntil(from)), round: (app.objections?.length ?? 0) + 1, afterTask: taskId };
      const item = transitionItem(
        applicationId,
        { from: ['TOWN_REVIEW'], to: 'PUBLIC_NOTICE', set: { publicNotice: notice, objectionToken: taskToken }, history: { stage: 'PUBLIC_NOTICE', decision: 'POSTED', by: SYSTEM, at: notice.from } },
        at,
      );
      try {
        await documentClient().send(
          new UpdateCommand({
            ...item,
            ConditionExpression: `${item.ConditionExpression} AND (attribute_not_exists(publicNotice.afterTask) OR publicNotice.afterTask <> :afterTask)`,
            ExpressionAttributeValues: { ...item.ExpressionAttributeValues, ':afterTask': taskId },
          }),
        );
        return {};
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
      app = await load(applicationId);
      if (app.publicNotice?.afterTask !== taskId) throw new Error(`case ${applicationId} is ${app.status}, not at the town review: the notice cannot be posted`);
    }
    const attached = await transition(applicationId, { from: ['PUBLIC_NOTICE'], set: { objectionToken: taskToken } }, at);
    // Not on notice any more: an objection has ended it already.
    if (!attached) await sendFailure(taskToken, 'Objection.Raised', 'an objection was raised during the public notice');
    return {};
  },

  // openNotice and attachObjectionToken: the notice's two steps before PublicNotice did both,
  // kept for executions started on an earlier definition.
  async openNotice({ applicationId }: Extract<StepInput, { action: 'openNotice' }>) {
    const app = await load(applicationId);
    const now = nowMs();
    let notice = app.status === 'PUBLIC_NOTICE' ? app.publicNotice : undefined;
    if (!notice) {
      notice = { from: iso(now), until: iso(noticeUntil(now)), round: (app.objections?.length ?? 0) + 1 };
      await transition(
        applicationId,
        { from: ['TOWN_REVIEW'], to: 'PUBLIC_NOTICE', set: { publicNotice: notice }, history: { stage: 'PUBLIC_NOTICE', decision: 'POSTED', by: SYSTEM, at: notice.from } },
        notice.from,
      );
    }
    return { applicationId, until: notice.until, seconds: Math.max(1, Math.ceil((Date.parse(notice.until) - now) / 1000)) };
  },

  async attachObjectionToken({ applicationId, taskToken }: Extract<StepInput, { action: 'attachObjectionToken' }>) {
    const at = iso(nowMs());
    const attached = await transition(applicationId, { from: ['PUBLIC_NOTICE'], set: { objectionToken: taskToken } }, at);
    // Not on notice any more: an objection arrived before the watch began.
    if (!attached) await sendFailure(taskToken, 'Objection.Raised', 'an objection was raised during the public notice');
    return {};
  },

  /**
   * The final approval (the city's, or a deciding town's): the categories the decider chose (一次认定),
   * at the rules' amounts unless the decider set one; monthly ones become entitlements paid from
   * next month, TEMPORARY a one-off ledger entry. With its decision letter.
   */
  async grant({ applicationId, taskId }: Extract<StepInput, { action: 'grant' }>) {
    const app = await load(applicationId);
    if (app.status === 'APPROVED') return decided(app);
    const now = nowMs();
    const at = iso(now);
    const today = shanghaiDate(now);
    const startMonth = startMonthAfter(now);
    const task = taskId ? await getTask(taskId) : undefined;
    const d = task?.decision;
    const outcome = await evaluateApplication(app, today);
    const chosen = d?.categories?.length ? d.categories : app.proposal?.categories?.length ? app.proposal.categories : (app.recommendation?.proposed ?? outcome.eligibleRequested);
    const approved: ApprovedCategory[] = [];
    const grants: { code: string; amount: number; date: string }[] = [];
    for (const code of chosen) {
      const set = d?.monthlyAmounts?.[code];
      if (code === 'TEMPORARY') {
        const fen = Math.round((set ?? app.emergency?.amount ?? 0) * 100);
        if (fen > 0) grants.push({ code, amount: fen / 100, date: today });
        continue;
      }
      const category = outcome.result.categories.find((c) => c.code === code);
      const fen = set !== undefined ? Math.round(set * 100) : category?.eligible ? Math.round(category.monthlyAmount * 100) : 0;
      // DIBAO_EDGE and RIGID_EXPENDITURE are recognitions (often 0 yuan a month): granted all the same.
      if (fen > 0 || category?.eligible) approved.push({ code, monthlyAmount: fen / 100, startMonth });
    }
    const entitlements: EntitlementRecord[] = approved.map((a) => ({
      householdId: app.householdId,
      category: a.code,
      monthlyAmountFen: Math.round(a.monthlyAmount * 100),
      amounts: [{ from: startMonth, monthlyAmountFen: Math.round(a.monthlyAmount * 100), reason: AMOUNT_GRANTED, at, by: d?.by ?? SYSTEM }],
      startMonth,
      applicationId,
      regionCode: app.regionCode,
      grantedAt: at,
      status: 'ACTIVE',
      ...(a.code === 'RIGID_EXPENDITURE' ? { validUntilMonth: addMonths(startMonth, 11) } : {}),
    }));
    const rules = rulesFor(outcome.result, chosen, 'all');
    const decidedBy = { level: d?.level ?? 'city', sub: d?.by ?? SYSTEM, ...(d?.regionCode ? { regionCode: d.regionCode } : {}) };
    const reasons = [
      ...(d?.reason ? [opinionOf(decidedBy.level, d.reason)] : []),
      ...(app.proposal?.reason && app.proposal.decision === 'approve' ? [opinionOf('town', app.proposal.reason)] : []),
      ...chosen.filter((c) => !(app.recommendation?.eligible ?? []).includes(c) && c !== 'TEMPORARY').map(grantedAgainstRecommendation),
      ...chosen.filter((c) => !app.requested.includes(c)).map(grantedWithoutApplication),
    ];
    const letter = decisionLetter({
      kind: 'APPROVAL',
      caseId: applicationId,
      householdId: app.householdId,
      regionCode: app.regionCode,
      issuedAt: at,
      decidedBy,
      categories: [...approved.map((a) => ({ code: a.code, monthlyAmount: a.monthlyAmount, from: a.startMonth })), ...grants.map((g) => ({ code: g.code, amount: g.amount }))],
      reasons: reasons.length ? reasons : [MEETS_CONDITIONS],
      rules,
      parameters: parametersOf(rules, outcome.result.policy.parameters),
    });
    const ledger = grants.map((g) => ({
      Put: {
        TableName: tableNameFrom('LEDGER_TABLE'),
        Item: ledgerItem({
          householdId: app.householdId,
          type: 'TEMPORARY',
          kind: 'grant',
          month: g.date.slice(0, 7),
          date: g.date,
          amountFen: Math.round(g.amount * 100),
          source: ENTITLEMENT_SOURCE,
          department: ENTITLEMENT_DEPARTMENT,
          regionCode: app.regionCode,
          ref: `app:${applicationId}`,
          recordedAt: at,
        }),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    }));
    const decision = { approved, reasons, letter, decidedBy, grants, ...(task?.kind === 'EMERGENCY' ? { papersDue: addWorkingDays(today, 10) } : {}) } as NonNullable<ApplicationRecord['decision']>;
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: transitionItem(
                applicationId,
                {
                  from: ['CITY_REVIEW', 'TOWN_REVIEW', 'PUBLIC_NOTICE'],
                  to: 'APPROVED',
                  set: {
                    decision,
                    eligibility: outcome.result,
                  },
                  history: { stage: 'GRANT', decision: 'APPROVED', by: decidedBy.sub, at },
                  remove: ['objectionToken'],
                },
                at,
              ),
            },
            ...entitlementItems(entitlements),
            ...householdItems(
              { householdId: app.householdId, regionCode: app.regionCode, applicationId, household: app.household, updatedAt: at, categories: approved.map((a) => a.code) },
              householdSchema.parse(app.household).members.map((m) => ({
                householdId: app.householdId,
                idHash: idHash(m.idNumber),
                maskedId: maskId(m.idNumber),
                birthDate: birthDateOf(m.idNumber),
                relation: m.relation,
                regionCode: app.regionCode,
              })),
            ),
            ...ledger,
            // Statistics move with the decision (GET /stats/overview): decided, approved, the
            // recipients' stock, temporary aid and what it paid (on its ledger month's first day).
            ...statsItemsMany([
              {
                regionCode: app.regionCode,
                day: today,
                deltas: {
                  'applications.decided': 1,
                  'applications.approved': 1,
                  ...Object.fromEntries(approved.flatMap((a) => [[`recipients.${a.code}.households`, 1], [`recipients.${a.code}.people`, householdSchema.parse(app.household).members.length]])),
                  ...(grants.length ? { 'temporaryAid.grants': grants.length, 'temporaryAid.amountFen': grants.reduce((n, g) => n + Math.round(g.amount * 100), 0) } : {}),
                },
              },
              ...grants.map((g) => ({ regionCode: app.regionCode, day: `${g.date.slice(0, 7)}-01`, deltas: { paidFen: Math.round(g.amount * 100) } })),
            ]),
            { Put: householdHistoryItem(app.householdId, { at, kind: 'APPROVED', by: decidedBy.sub, detail: { applicationId, approved, grants, letter: letter.number } }) },
            ...releaseLockItems(app),
            auditItem({ entity: `APPLICATION#${applicationId}`, action: 'GRANTED', by: decidedBy.sub, role: decidedBy.level, at, detail: { approved, grants } }),
          ],
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException) {
        const again = await load(applicationId);
        if (again.status === 'APPROVED') return decided(again);
      }
      throw err;
    }
    // What was written, without reading the case again (the condition held: it is APPROVED now).
    return decided({ ...app, status: 'APPROVED', decision });
  },

  /** A refusal: only after the town's household investigation, with its letter (reasons, rules, appeal). */
  async reject({ applicationId, taskId, stage }: Extract<StepInput, { action: 'reject' }>) {
    const app = await load(applicationId);
    if (app.status === 'REJECTED') return decided(app);
    if (!(app.investigations ?? []).some((i) => i.level === 'town')) {
      throw new ProcedureError('no town investigation on record: a case is never refused without the household economic investigation');
    }
    const now = nowMs();
    const at = iso(now);
    const task = taskId ? await getTask(taskId) : undefined;
    const d = task?.decision;
    const level = d?.level ?? 'city';
    const texts = [
      ...(d?.reason ? [opinionOf(level, d.reason)] : []),
      ...(level === 'city' && app.proposal?.decision === 'reject' && app.proposal.reason ? [opinionOf('town', app.proposal.reason)] : []),
      ...failedReasons(app.eligibility as never, app.requested),
    ];
    const rules = rulesFor(app.eligibility as never, app.requested, 'failed');
    const decidedBy = { level, sub: d?.by ?? SYSTEM, ...(d?.regionCode ? { regionCode: d.regionCode } : {}) };
    const letter = decisionLetter({
      kind: 'REFUSAL',
      caseId: applicationId,
      householdId: app.householdId,
      regionCode: app.regionCode,
      issuedAt: at,
      decidedBy,
      categories: app.requested.map((code) => ({ code })),
      reasons: texts,
      rules,
      parameters: parametersOf(rules, (app.eligibility as { policy?: { parameters?: Record<string, { value: number; effectiveFrom: string; regionCode: string; reference?: string }> } } | undefined)?.policy?.parameters),
    });
    // The written notice with reasons is due within 3 working days (审核确认办法).
    const writtenNotice = { issuedAt: at, dueBy: addWorkingDays(shanghaiDate(now), 3), reasons: texts, stage: stage ?? `${level.toUpperCase()}_REVIEW` };
    const refusal = { approved: [], reasons: texts, letter, decidedBy } as NonNullable<ApplicationRecord['decision']>;
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: transitionItem(
                applicationId,
                {
                  from: OPEN_STATUSES,
                  to: 'REJECTED',
                  set: { writtenNotice, decision: refusal },
                  history: { stage: writtenNotice.stage, decision: 'REJECTED', by: decidedBy.sub, at, reason: texts.join('；').slice(0, 2000) },
                  remove: ['objectionToken'],
                },
                at,
              ),
            },
            ...releaseLockItems(app),
            ...statsItems(app.regionCode, shanghaiDate(now), { 'applications.decided': 1, 'applications.rejected': 1 }),
            auditItem({ entity: `APPLICATION#${applicationId}`, action: 'REJECTED', by: decidedBy.sub, role: level, at, reason: texts.join('；').slice(0, 2000), detail: { stage: writtenNotice.stage } }),
          ],
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException) {
        const again = await load(applicationId);
        if (again.status === 'REJECTED') return decided(again);
      }
      throw err;
    }
    return decided({ ...app, status: 'REJECTED', decision: refusal });
  },

  async stall({ applicationId, error }: Extract<StepInput, { action: 'stall' }>) {
    const at = iso(nowMs());
    logger.error('application workflow stalled', { applicationId, error: JSON.stringify(error ?? null).slice(0, 2000) });
    await transition(applicationId, { from: OPEN_STATUSES, history: { stage: 'SYSTEM', decision: 'STALLED', by: SYSTEM, at, reason: STEP_STALLED } }, at);
    await putEvent('jiuzhu.applications', 'ApplicationStalled', { applicationId, at });
    return { applicationId };
  },

  reevaluate: (i: Extract<StepInput, { action: 'reevaluate' }>) => rereviewSteps.reevaluate(i.applicationId),
  applyReview: (i: Extract<StepInput, { action: 'applyReview' }>) => rereviewSteps.apply(i.applicationId, i.taskId, i.adopt),
};

function decided(app: ApplicationRecord) {
  return {
    applicationId: app.id,
    householdId: app.householdId,
    regionCode: app.regionCode,
    status: app.status,
    decision: app.decision ?? { approved: [], reasons: [] },
    kind: app.kind ?? 'APPLICATION',
  };
}

function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/** What operators watch: decisions, escalations and stalls per step run. */
const STEP_METRICS: Partial<Record<StepInput['action'], string>> = {
  grant: 'ApplicationsApproved',
  applyReview: 'ReReviewsDecided',
  reject: 'ApplicationsRejected',
  escalateReview: 'ReviewsEscalated',
  stall: 'ApplicationsStalled',
  openNotice: 'PublicNoticesPosted',
  postNotice: 'PublicNoticesPosted',
};

export async function handler(event: unknown): Promise<unknown> {
  const input = stepInput.parse(event);
  await ensureIdHashKey();
  try {
    const out = await (steps[input.action] as (i: StepInput) => Promise<unknown>)(input);
    const metric = STEP_METRICS[input.action];
    if (metric) {
      count(metric);
      metrics.publishStoredMetrics();
    }
    return out;
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'ProvisionedThroughputExceededException' || name === 'ThrottlingException' || name === 'InternalServerError') {
      throw new TransientStepError((err as Error).message);
    }
    throw err;
  }
}
