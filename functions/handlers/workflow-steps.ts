import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { ensureIdHashKey, idHash } from '../commons/id-hash.ts';
import { logger } from '../commons/logger.ts';
import { count, metrics } from '../commons/metrics.ts';
import { getApplication, releaseLockItems, transition, transitionItem, type ApplicationRecord, type ApprovedCategory } from '../adapters/applications-table.ts';
import { auditItem } from '../adapters/audit-table.ts';
import { documentClient } from '../adapters/dynamo.ts';
import { putEvent } from '../adapters/events.ts';
import { factsOf } from '../adapters/facts-table.ts';
import { entitlementItems, householdItems, type EntitlementRecord } from '../adapters/households-table.ts';
import { attachToken, getTask, markOverdue, putTaskIfAbsent } from '../adapters/review-tasks-table.ts';
import { sendFailure, sendSuccess } from '../adapters/workflows.ts';
import { evaluateApplication } from '../services/eligibility.ts';
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

/** A transient fault the workflow retries (see the definition's Retry on Step.Transient). */
class TransientStepError extends Error {
  override name = 'Step.Transient';
}

const stepInput = z.discriminatedUnion('action', [
  z.object({ action: z.literal('crossCheck'), applicationId: z.string() }),
  z.object({ action: z.literal('evaluate'), applicationId: z.string() }),
  z.object({ action: z.literal('openReview'), applicationId: z.string(), level: z.enum(['village', 'town', 'city']) }),
  z.object({ action: z.literal('attachReviewToken'), applicationId: z.string(), taskId: z.string(), taskToken: z.string() }),
  z.object({ action: z.literal('escalateReview'), applicationId: z.string(), level: z.enum(['village', 'town', 'city']), taskId: z.string() }),
  z.object({ action: z.literal('openNotice'), applicationId: z.string() }),
  z.object({ action: z.literal('attachObjectionToken'), applicationId: z.string(), taskToken: z.string() }),
  z.object({ action: z.literal('grant'), applicationId: z.string() }),
  z.object({ action: z.literal('reject'), applicationId: z.string(), stage: z.string(), reasons: z.array(z.unknown()).optional() }),
  z.object({ action: z.literal('stall'), applicationId: z.string(), error: z.unknown().optional() }),
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
  // After an objection the endpoint has already set TOWN_REVIEW.
  town: ['VILLAGE_REVIEW', 'PUBLIC_NOTICE'],
  city: ['PUBLIC_NOTICE'],
};

const steps = {
  async crossCheck({ applicationId }: Extract<StepInput, { action: 'crossCheck' }>) {
    const app = await load(applicationId);
    const household = householdSchema.parse(app.household);
    const factsByMember = await Promise.all(
      household.members.map(async (m) => ({
        person: maskId(m.idNumber),
        facts: (await factsOf(idHash(m.idNumber))).map((f) => ({ kind: f.kind, source: f.source, amount: f.amount })),
      })),
    );
    const result = crossCheck(
      { depositsFen: household.depositsFen, vehicles: household.vehicles, properties: household.properties, businessRegistered: household.businessRegistered },
      factsByMember,
    );
    const at = iso(nowMs());
    await transition(
      applicationId,
      {
        from: ['SUBMITTED', 'VERIFYING'],
        to: 'VERIFYING',
        ...(app.status === 'SUBMITTED'
          ? { history: { stage: 'CROSS_CHECK', decision: result.discrepancies.length ? 'DISCREPANCIES' : 'CONSISTENT', by: SYSTEM, at } }
          : {}),
        set: { discrepancies: result.discrepancies, verifiedAssets: result.verified },
      },
      at,
    );
    return { discrepancies: result.discrepancies.length };
  },

  async evaluate({ applicationId }: Extract<StepInput, { action: 'evaluate' }>) {
    const app = await load(applicationId);
    const asOf = shanghaiDate(nowMs());
    const outcome = await evaluateApplication(app, asOf);
    const at = iso(nowMs());
    await transition(applicationId, { from: ['VERIFYING'], set: { eligibility: outcome.result } }, at);
    return { eligible: outcome.eligibleRequested.length > 0, eligibleCategories: outcome.eligibleRequested, reasons: outcome.reasons };
  },

  async openReview({ applicationId, level }: Extract<StepInput, { action: 'openReview' }>) {
    const app = await load(applicationId);
    const now = nowMs();
    const at = iso(now);
    const round = level === 'town' ? (app.objections?.length ?? 0) : 0;
    const taskId = `${applicationId}.${level}.${round}`;
    const existing = await getTask(taskId);
    const dueAt = existing ? Date.parse(existing.dueAt) : reviewDueAt(level, app.requested, now);
    if (!existing) {
      await putTaskIfAbsent({
        id: taskId,
        applicationId,
        level,
        regionCode: app.regionCode,
        status: 'OPEN',
        createdAt: at,
        dueAt: iso(dueAt),
        summary: {
          requested: app.requested,
          members: (app.household.members as unknown[] | undefined)?.length ?? 0,
          address: app.household.address,
          discrepancies: app.discrepancies?.length ?? 0,
          flags: app.flags?.map((f) => f.type) ?? [],
          ...(round > 0 ? { objections: app.objections?.map((o) => o.reason) } : {}),
        },
      });
    }
    if (app.status !== STATUS_OF_LEVEL[level]) {
      await transition(
        applicationId,
        { from: PREVIOUS_STATUS[level], to: STATUS_OF_LEVEL[level], history: { stage: `${level.toUpperCase()}_REVIEW`, decision: 'OPENED', by: SYSTEM, at } },
        at,
      );
    }
    return { taskId, dueAt: iso(dueAt), timeoutSeconds: Math.max(1, Math.ceil((dueAt - now) / 1000)) };
  },

  async attachReviewToken({ taskId, taskToken }: Extract<StepInput, { action: 'attachReviewToken' }>) {
    // Write the token, then look at the status: a decision that came in meanwhile is forwarded now.
    const task = await attachToken(taskId, taskToken);
    if (task?.status === 'DECIDED' && task.decision) await sendSuccess(taskToken, task.decision);
    return {};
  },

  async escalateReview({ applicationId, level, taskId }: Extract<StepInput, { action: 'escalateReview' }>) {
    const now = nowMs();
    const task = await getTask(taskId);
    const dueAt = workingDayDeadline(now, ESCALATION_GRACE_WORKING_DAYS);
    await markOverdue(taskId, iso(dueAt));
    await putEvent('jiuzhu.applications', 'ReviewOverdue', {
      applicationId,
      taskId,
      level,
      regionCode: task?.regionCode,
      wasDueAt: task?.dueAt,
      escalations: (task?.escalations ?? 0) + 1,
      newDueAt: iso(dueAt),
    });
    return { taskId, timeoutSeconds: Math.max(1, Math.ceil((dueAt - now) / 1000)) };
  },

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

  async grant({ applicationId }: Extract<StepInput, { action: 'grant' }>) {
    const app = await load(applicationId);
    if (app.status === 'APPROVED') return decided(app);
    const now = nowMs();
    const at = iso(now);
    const startMonth = startMonthAfter(now);
    const outcome = await evaluateApplication(app, shanghaiDate(now));
    const approved: ApprovedCategory[] = outcome.approvals.map((a) => ({ code: a.code, monthlyAmount: a.monthlyAmountFen / 100, startMonth }));
    const entitlements: EntitlementRecord[] = outcome.approvals.map((a) => ({
      householdId: app.householdId,
      category: a.code,
      monthlyAmountFen: a.monthlyAmountFen,
      amounts: [{ from: startMonth, monthlyAmountFen: a.monthlyAmountFen, reason: 'granted', at, by: SYSTEM }],
      startMonth,
      applicationId,
      regionCode: app.regionCode,
      grantedAt: at,
      status: 'ACTIVE',
      ...(a.code === 'RIGID_EXPENDITURE' ? { validUntilMonth: addMonths(startMonth, 11) } : {}),
    }));
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: transitionItem(
                applicationId,
                {
                  from: ['CITY_REVIEW'],
                  to: 'APPROVED',
                  set: { decision: { approved, reasons: outcome.reasons.map(String) }, eligibility: outcome.result },
                  history: { stage: 'GRANT', decision: 'APPROVED', by: SYSTEM, at },
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
            ...releaseLockItems(app),
            auditItem({ entity: `APPLICATION#${applicationId}`, action: 'GRANTED', by: SYSTEM, role: 'system', at, detail: { approved } }),
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
    return decided(await load(applicationId));
  },

  async reject({ applicationId, stage, reasons }: Extract<StepInput, { action: 'reject' }>) {
    const app = await load(applicationId);
    if (app.status === 'REJECTED') return decided(app);
    const now = nowMs();
    const at = iso(now);
    const texts = (reasons ?? []).map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));
    // The written notice with reasons is due within 3 working days (审核确认办法).
    const writtenNotice = { issuedAt: at, dueBy: addWorkingDays(shanghaiDate(now), 3), reasons: texts, stage };
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
                  set: { writtenNotice, decision: { approved: [], reasons: texts } },
                  history: { stage, decision: 'REJECTED', by: SYSTEM, at, reason: texts.join('; ') },
                  remove: ['objectionToken'],
                },
                at,
              ),
            },
            ...releaseLockItems(app),
            auditItem({ entity: `APPLICATION#${applicationId}`, action: 'REJECTED', by: SYSTEM, role: 'system', at, reason: texts.join('; '), detail: { stage } }),
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
    return decided(await load(applicationId));
  },

  async stall({ applicationId, error }: Extract<StepInput, { action: 'stall' }>) {
    const at = iso(nowMs());
    logger.error('application workflow stalled', { applicationId, error: JSON.stringify(error ?? null).slice(0, 2000) });
    await transition(applicationId, { from: OPEN_STATUSES, history: { stage: 'SYSTEM', decision: 'STALLED', by: SYSTEM, at, reason: 'a step failed after its retries; an operator will redrive it' } }, at);
    await putEvent('jiuzhu.applications', 'ApplicationStalled', { applicationId, at });
    return { applicationId };
  },
};

function decided(app: ApplicationRecord) {
  return {
    applicationId: app.id,
    householdId: app.householdId,
    regionCode: app.regionCode,
    status: app.status,
    decision: app.decision ?? { approved: [], reasons: [] },
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
  reject: 'ApplicationsRejected',
  escalateReview: 'ReviewsEscalated',
  stall: 'ApplicationsStalled',
  openNotice: 'PublicNoticesPosted',
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
