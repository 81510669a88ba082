import { createHash } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { nowMs } from '../commons/clock.ts';
import { idHash } from '../commons/id-hash.ts';
import { getApplication, putCaseIfAbsent, transition, transitionItem, type ApplicationRecord } from '../adapters/applications-table.ts';
import { auditItem } from '../adapters/audit-table.ts';
import { documentClient, tableNameFrom } from '../adapters/dynamo.ts';
import { entitlementIndexKeys, entitlementsOf, householdHistoryItem, householdItems, householdProfile, memberRemovalItems, membersOf, type EntitlementRecord } from '../adapters/households-table.ts';
import { ledgerItem, ledgerOf } from '../adapters/ledger-table.ts';
import { getTask } from '../adapters/review-tasks-table.ts';
import { startWorkflow } from '../adapters/workflows.ts';
import { evaluateEligibility } from '../domain/eligibility.ts';
import { householdSchema } from '../domain/household.ts';
import { addMonths, ENTITLEMENT_DEPARTMENT, ENTITLEMENT_SOURCE, shanghaiMonth } from '../domain/ledger.ts';
import { decisionLetter, parametersOf, type LetterKind } from '../domain/letters.ts';
import { alsoQualifiesLine, amountChanged, changeLine, opinionOf } from '../domain/wording.ts';
import { caseDeadline } from '../domain/procedure.ts';
import { changeAction, employmentIncomeFen, type ChangeItem } from '../domain/rereview.ts';
import { birthDateOf, maskId } from '../domain/resident-id.ts';
import { shanghaiDate } from '../domain/working-days.ts';
import { policyFor } from './eligibility.ts';
import { procedurePolicy, rulesFor } from './procedure.ts';

/**
 * Dynamic management: a change report (or a periodic re-review) is a case of kind REREVIEW
 * (id rev_…) in the Applications table, run by workflows/rereview.asl.json: the rules
 * re-evaluate, the town reviews, the city decides; adopting the proposal changes the
 * entitlements (and the ledger) with a decision letter.
 */
const SYSTEM = 'system:rereview';
const iso = (ms: number) => new Date(ms).toISOString();

export interface ChangeReport {
  kind: 'INCOME' | 'MEMBERS' | 'ASSETS' | 'ADDRESS' | 'PERIODIC';
  effectiveOn: string;
  household: Record<string, unknown>;
}

/** Ids from the report itself: the same report again is the same change and the same re-review. */
export function changeIds(householdId: string, report: unknown): { changeId: string; reviewId: string } {
  const h = createHash('sha256').update(`${householdId}\n${canonical(report)}`).digest('base64url');
  return { changeId: `chg_${h.slice(0, 22)}`, reviewId: `rev_${h.slice(22, 43)}` };
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** Opens the re-review (idempotent: a replayed report finds its case and changes nothing). */
export async function openReReview(input: { householdId: string; report: ChangeReport; by: string; ownerSub: string; ids: { changeId: string; reviewId: string }; warningId?: string }): Promise<{ created: boolean }> {
  const profile = await householdProfile(input.householdId);
  if (!profile) throw new Error(`household ${input.householdId} has no profile`);
  const active = (await entitlementsOf(input.householdId)).filter((e) => isCurrent(e, shanghaiMonth(nowMs())));
  const now = nowMs();
  const at = iso(now);
  const regionCode = String((input.report.household as { regionCode?: unknown }).regionCode ?? profile.regionCode);
  const record: ApplicationRecord = {
    id: input.ids.reviewId,
    kind: 'REREVIEW',
    status: 'VERIFYING',
    version: 1,
    ownerSub: input.ownerSub,
    householdId: input.householdId,
    regionCode,
    requested: active.map((e) => e.category),
    household: input.report.household,
    createdAt: at,
    updatedAt: at,
    history: [{ stage: 'CHANGE', decision: input.report.kind === 'PERIODIC' ? 'PERIODIC_REVIEW' : 'REPORTED', by: input.by, at }],
    deadline: caseDeadline(shanghaiDate(now)),
    change: { changeId: input.ids.changeId, kind: input.report.kind, effectiveOn: input.report.effectiveOn, reportedBy: input.by, reportedAt: at, ...(input.warningId ? { warningId: input.warningId } : {}) },
  };
  const created = await putCaseIfAbsent(record);
  if (created) {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: householdHistoryItem(input.householdId, { at, kind: 'CHANGE_REPORTED', by: input.by, detail: { changeId: input.ids.changeId, reviewId: input.ids.reviewId, change: input.report.kind, effectiveOn: input.report.effectiveOn } }) },
          auditItem({ entity: `HOUSEHOLD#${input.householdId}`, action: 'CHANGE_REPORTED', by: input.by, role: input.by.startsWith('system:') ? 'system' : 'reporter', at, detail: { changeId: input.ids.changeId, reviewId: input.ids.reviewId, kind: input.report.kind } }),
        ],
      }),
    );
  }
  await startWorkflow('rereview', input.ids.reviewId, { applicationId: input.ids.reviewId });
  return { created };
}

/** Paid this month or later: ACTIVE, or GRADUAL_EXIT not yet past its last month. */
export function isCurrent(e: EntitlementRecord, month: string): boolean {
  if (e.status === 'ENDED') return false;
  return !e.endMonth || e.endMonth >= month;
}

function currentAmountFen(e: EntitlementRecord, month: string): number {
  let fen = e.monthlyAmountFen;
  for (const step of e.amounts ?? []) if (step.from <= month) fen = step.monthlyAmountFen;
  return fen;
}

async function load(id: string): Promise<ApplicationRecord> {
  const app = await getApplication(id);
  if (!app) throw new Error(`re-review ${id} does not exist`);
  return app;
}

const GRAVITY: LetterKind[] = ['TERMINATION', 'GRADUAL_EXIT', 'REDUCTION', 'INCREASE'];

export const rereviewSteps = {
  /** The rules re-evaluate the household as reported; the proposal goes to the town. */
  async reevaluate(caseId: string): Promise<unknown> {
    const app = await load(caseId);
    const now = nowMs();
    const today = shanghaiDate(now);
    const month = shanghaiMonth(now);
    const household = householdSchema.parse(app.household);
    const result = evaluateEligibility(household, await policyFor(household.regionCode, today), today);
    const profile = await householdProfile(app.householdId);
    const entitlements = (await entitlementsOf(app.householdId)).filter((e) => isCurrent(e, month));
    const employmentRose = employmentIncomeFen(app.household) > employmentIncomeFen(profile?.household ?? {});
    const items: ChangeItem[] = entitlements.map((e) => {
      const category = result.categories.find((c) => c.code === e.category);
      return changeAction({
        code: e.category,
        currentFen: currentAmountFen(e, month),
        eligible: category?.eligible ?? false,
        newFen: category?.eligible ? Math.round(category.monthlyAmount * 100) : 0,
        incomeOnlyFailure: e.category === 'DIBAO' && !!category && category.reasons.filter((r) => !r.passed && !r.informational).every((r) => r.rule === 'dibao.income.belowStandard'),
        employmentRose,
        inGradualExit: e.status === 'GRADUAL_EXIT',
      });
    });
    const alsoQualifies = result.categories.filter((c) => c.evaluated && c.eligible && !entitlements.some((e) => e.category === c.code)).map((c) => c.code);
    const proposal = { evaluatedOn: today, items, alsoQualifies };
    const at = iso(now);
    await transition(caseId, { from: ['VERIFYING'], set: { eligibility: result, change: { ...app.change, proposal } }, ...(app.change?.proposal ? {} : { history: { stage: 'REEVALUATION', decision: items.map((i) => `${i.code}:${i.action}`).join(', ') || 'NO_ENTITLEMENT', by: SYSTEM, at } }) }, at);
    return { items: items.length };
  },

  /**
   * The decision. Adopted: increases from the month of the change (months already paid are made
   * up in the ledger), reductions from the month after the decision, terminations after the
   * decision's month, gradual exit for `dibao.gradualExitMonths` months; the household profile
   * becomes the reported one. Not adopted: nothing changes (a case reopened by an appeal puts
   * back what its first decision changed).
   */
  async apply(caseId: string, taskId: string, adopt: boolean): Promise<unknown> {
    const app = await load(caseId);
    if (app.status === 'DECIDED') return decidedView(app);
    const now = nowMs();
    const at = iso(now);
    const today = shanghaiDate(now);
    const month = shanghaiMonth(now);
    const next = addMonths(month, 1);
    const task = taskId && taskId !== 'none' ? await getTask(taskId) : undefined;
    const d = task?.decision;
    const decidedBy = { level: d?.level ?? 'city', sub: d?.by ?? SYSTEM, ...(d?.regionCode ? { regionCode: d.regionCode } : {}) };
    const current = await entitlementsOf(app.householdId);
    const proposal = (app.change?.proposal ?? { items: [] }) as { items: ChangeItem[]; alsoQualifies?: string[] };
    const effectiveMonth = String(app.change?.effectiveOn ?? today).slice(0, 7);
    const policy = await procedurePolicy(app.regionCode, today);
    const puts: EntitlementRecord[] = [];
    const backPay: { code: string; month: string; fen: number }[] = [];
    const letterCategories: { code: string; monthlyAmount?: number; previousMonthlyAmount?: number; from?: string; until?: string }[] = [];
    let kind: LetterKind | undefined;
    const applied: Record<string, EntitlementRecord> = {};
    if (adopt) {
      for (const item of proposal.items) {
        const e = current.find((x) => x.category === item.code);
        if (!e || item.action === 'UNCHANGED') continue;
        applied[e.category] = e;
        const step = (from: string, fen: number, reason: string) => [...(e.amounts ?? []).filter((a) => a.from < from), { from, monthlyAmountFen: fen, reason, at, by: decidedBy.sub }];
        if (item.action === 'INCREASE') {
          const from = effectiveMonth > e.startMonth ? effectiveMonth : e.startMonth;
          puts.push({ ...e, amounts: step(from, item.newFen, amountChanged(caseId, 'INCREASE')), monthlyAmountFen: item.newFen });
          // Months already paid at the old amount since the change are made up now.
          for (const entry of await paidMonths(app.householdId, e.category, from, month)) if (item.newFen > entry.fen) backPay.push({ code: e.category, month: entry.month, fen: item.newFen - entry.fen });
          letterCategories.push({ code: e.category, monthlyAmount: item.newFen / 100, previousMonthlyAmount: item.currentFen / 100, from });
        } else if (item.action === 'REDUCTION') {
          puts.push({ ...e, amounts: step(next, item.newFen, amountChanged(caseId, 'REDUCTION')), monthlyAmountFen: item.newFen });
          letterCategories.push({ code: e.category, monthlyAmount: item.newFen / 100, previousMonthlyAmount: item.currentFen / 100, from: next });
        } else if (item.action === 'TERMINATION') {
          const { entShard: _s, entSort: _o, ...rest } = e as EntitlementRecord & { entShard?: string; entSort?: string };
          puts.push({ ...rest, status: 'ENDED', endMonth: month });
          letterCategories.push({ code: e.category, previousMonthlyAmount: item.currentFen / 100, until: month });
        } else if (item.action === 'GRADUAL_EXIT') {
          const until = addMonths(month, policy.gradualExitMonths);
          puts.push({ ...e, status: 'GRADUAL_EXIT', endMonth: until });
          letterCategories.push({ code: e.category, monthlyAmount: item.currentFen / 100, until });
        }
        const k = item.action as LetterKind;
        if (!kind || GRAVITY.indexOf(k) < GRAVITY.indexOf(kind)) kind = k;
      }
    } else if (app.change?.applied) {
      // Reopened by an appeal and not adopted this time: put back what the first decision changed.
      for (const e of Object.values(app.change.applied as Record<string, EntitlementRecord>)) puts.push(e);
    }
    const rules = rulesFor(app.eligibility as never, proposal.items.map((i) => i.code), 'all');
    const reasons = [
      ...(d?.reason ? [opinionOf(decidedBy.level, d.reason)] : []),
      ...proposal.items.filter((i) => i.action !== 'UNCHANGED').map((i) => changeLine(i.code, i.action, i.currentFen, i.newFen, String(app.change?.kind ?? ''))),
      ...(proposal.alsoQualifies?.length ? [alsoQualifiesLine(proposal.alsoQualifies)] : []),
    ];
    const letter =
      adopt && kind
        ? decisionLetter({
            kind,
            caseId,
            householdId: app.householdId,
            regionCode: app.regionCode,
            issuedAt: at,
            decidedBy,
            categories: letterCategories,
            reasons,
            rules,
            parameters: parametersOf(rules, (app.eligibility as { policy?: { parameters?: Record<string, { value: number; effectiveFrom: string; regionCode: string }> } } | undefined)?.policy?.parameters),
          })
        : undefined;
    const outcome = adopt ? (kind ?? 'UNCHANGED') : 'NOT_ADOPTED';
    const profile = await householdProfile(app.householdId);
    const stillPaid = [...current.filter((e) => !puts.some((p) => p.category === e.category)), ...puts].filter((e) => e.status !== 'ENDED').map((e) => e.category);
    const profileItems =
      adopt && profile
        ? householdItems(
            { ...profile, household: app.household, regionCode: app.regionCode, updatedAt: at, categories: stillPaid },
            householdSchema.parse(app.household).members.map((m) => ({ householdId: app.householdId, idHash: idHash(m.idNumber), maskedId: maskId(m.idNumber), birthDate: birthDateOf(m.idNumber), relation: m.relation, regionCode: app.regionCode })),
          )
        : [];
    // Members who left (a MEMBERS change): their member and membership items go.
    const keptHashes = new Set(householdSchema.parse(app.household).members.map((m) => idHash(m.idNumber)));
    const removals = adopt ? (await membersOf(app.householdId)).filter((m) => !keptHashes.has(m.idHash)).flatMap((m) => memberRemovalItems(app.householdId, m.idHash)) : [];
    const hh = tableNameFrom('HOUSEHOLDS_TABLE');
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: transitionItem(
                caseId,
                {
                  from: ['TOWN_REVIEW', 'CITY_REVIEW'],
                  to: 'DECIDED',
                  set: {
                    decision: { approved: [], reasons, ...(letter ? { letter } : {}), decidedBy, outcome } as ApplicationRecord['decision'],
                    ...(adopt && Object.keys(applied).length ? { change: { ...app.change, applied } } : {}),
                  },
                  history: { stage: 'REREVIEW', decision: outcome, by: decidedBy.sub, at },
                },
                at,
              ),
            },
            ...puts.map((e) => ({
              Put: { TableName: hh, Item: { pk: `HH#${e.householdId}`, sk: `ENT#${e.category}`, ...e, ...(e.status !== 'ENDED' ? entitlementIndexKeys(e) : {}) } },
            })),
            ...backPay.map((b) => ({
              Put: {
                TableName: tableNameFrom('LEDGER_TABLE'),
                Item: ledgerItem({ householdId: app.householdId, type: b.code, kind: 'grant', month: b.month, date: today, amountFen: b.fen, source: ENTITLEMENT_SOURCE, department: ENTITLEMENT_DEPARTMENT, regionCode: app.regionCode, ref: `rev:${caseId}:${b.month}`, recordedAt: at }),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
            ...profileItems,
            ...removals,
            { Put: householdHistoryItem(app.householdId, { at, kind: 'REREVIEW_DECIDED', by: decidedBy.sub, detail: { reviewId: caseId, outcome, ...(letter ? { letter: letter.number } : {}) } }) },
            auditItem({ entity: `HOUSEHOLD#${app.householdId}`, action: `REREVIEW_${outcome}`, by: decidedBy.sub, role: decidedBy.level, at, detail: { reviewId: caseId, items: proposal.items } }),
          ],
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException && (await load(caseId)).status === 'DECIDED') return decidedView(await load(caseId));
      throw err;
    }
    return decidedView(await load(caseId));
  },
};

/** Monthly entries already in the ledger for `code` from `from` to `until` (inclusive). */
async function paidMonths(householdId: string, code: string, from: string, until: string): Promise<{ month: string; fen: number }[]> {
  const out: { month: string; fen: number }[] = [];
  for (let y = Number(from.slice(0, 4)); y <= Number(until.slice(0, 4)); y++) {
    for (const e of await ledgerOf(householdId, y)) if (e.kind === 'monthly' && e.type === code && e.month >= from && e.month <= until) out.push({ month: e.month, fen: e.amountFen });
  }
  return out;
}

function decidedView(app: ApplicationRecord) {
  return { applicationId: app.id, householdId: app.householdId, regionCode: app.regionCode, status: app.status, kind: 'REREVIEW', decision: app.decision ?? { approved: [], reasons: [] } };
}
