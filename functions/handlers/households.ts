import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { notFound, validationFailed } from '../commons/errors.ts';
import { httpHandler, routeGroup, type Caller, type HttpEvent } from '../commons/http.ts';
import { requireCovers } from '../commons/jurisdiction.ts';
import { ensureIdHashKey, idHash } from '../commons/id-hash.ts';
import { getApplication, ownsApplicationFor } from '../adapters/applications-table.ts';
import { entitlementsOf, householdHistory, householdProfile, membersOf, type EntitlementRecord } from '../adapters/households-table.ts';
import { regionExists } from '../adapters/regions-table.ts';
import { householdSchema } from '../domain/household.ts';
import { shanghaiMonth } from '../domain/ledger.ts';
import { isoDateSchema } from '../domain/policy.ts';
import { changeIds, openReReview } from '../services/rereview.ts';

/**
 * GET /households/{id}: a household after approval (dynamic management): entitlements with
 * their status, the next re-review, labels, history. POST /households/{id}/changes: a change
 * report that starts a re-review (workflows/rereview.asl.json). Who may see a household (API.md
 * v2): its members (the token's verified idNumber), the citizen who applied for it, reviewers
 * whose jurisdiction covers it, admins and monitors.
 */
const params = z.object({ id: z.string().regex(/^hh_[A-Za-z0-9_-]{8,64}$/, 'not a household id') });

function claimedIdNumber(event: HttpEvent): string | undefined {
  const v = event.requestContext?.authorizer?.jwt?.claims?.idNumber;
  return typeof v === 'string' && v.length === 18 ? v.toUpperCase() : undefined;
}

async function mayAccess(caller: Caller, event: HttpEvent, householdId: string, regionCode: string): Promise<void> {
  if (caller.role === 'admin' || caller.role === 'monitor') return;
  if (caller.role === 'citizen') {
    const own = claimedIdNumber(event);
    if (own) {
      await ensureIdHashKey();
      const hash = idHash(own);
      if ((await membersOf(householdId)).some((m) => m.idHash === hash)) return;
    }
    if (await ownsApplicationFor(caller.sub, householdId)) return;
    throw notFound(`household ${householdId} not found`);
  }
  requireCovers(caller, regionCode, 'this household is outside your jurisdiction');
}

export function entitlementStatus(e: EntitlementRecord, month: string): 'ACTIVE' | 'GRADUAL_EXIT' | 'ENDED' {
  if (e.status === 'ENDED' || (e.endMonth && e.endMonth < month) || (e.validUntilMonth && e.validUntilMonth < month)) return 'ENDED';
  return e.status === 'GRADUAL_EXIT' ? 'GRADUAL_EXIT' : 'ACTIVE';
}

function amountNow(e: EntitlementRecord, month: string): number {
  let fen = e.amounts?.[0]?.monthlyAmountFen ?? e.monthlyAmountFen;
  for (const step of e.amounts ?? []) if (step.from <= month) fen = step.monthlyAmountFen;
  return fen / 100;
}

const householdViewSchema = z
  .object({
    id: z.string(),
    regionCode: z.string(),
    members: z.array(z.object({ person: z.string(), relation: z.string() }).loose()),
    entitlements: z.array(z.object({ code: z.string(), monthlyAmount: z.number(), from: z.string(), until: z.string().optional(), status: z.enum(['ACTIVE', 'GRADUAL_EXIT', 'ENDED']) }).loose()),
    nextReviewDue: z.string().nullable(),
    labels: z.array(z.unknown()),
    history: z.array(z.object({ at: z.string(), kind: z.string(), by: z.string() }).loose()),
  })
  .loose();
const changeAcceptedSchema = z.object({ changeId: z.string(), reviewId: z.string() });

export const getHousehold = httpHandler({ params, response: householdViewSchema, summary: 'A household after approval: entitlements (ACTIVE, GRADUAL_EXIT, ENDED), next re-review, labels, history' }, async ({ params, caller, event }) => {
  const profile = await householdProfile(params.id);
  if (!profile) throw notFound(`household ${params.id} not found`);
  await mayAccess(caller, event, params.id, profile.regionCode);
  const month = shanghaiMonth(nowMs());
  const [entitlements, members, history] = await Promise.all([entitlementsOf(params.id), membersOf(params.id), householdHistory(params.id)]);
  const raw = profile as unknown as { dueOn?: string; dueKinds?: string[]; labels?: unknown[] };
  await ensureIdHashKey();
  const names = new Map(
    ((profile.household as { members?: { name?: string; idNumber?: string }[] }).members ?? []).filter((m) => typeof m.idNumber === 'string').map((m) => [idHash(m.idNumber!.toUpperCase()), m.name]),
  );
  return {
    status: 200,
    body: {
      id: params.id,
      regionCode: profile.regionCode,
      address: (profile.household as { address?: string }).address,
      members: members.map((m) => ({
        person: m.maskedId,
        relation: m.relation,
        ...(names.get(m.idHash) ? { name: names.get(m.idHash) } : {}),
        ...(m.deceasedOn ? { deceasedOn: m.deceasedOn } : {}),
      })),
      entitlements: entitlements.map((e) => {
        const status = entitlementStatus(e, month);
        const until = e.endMonth ?? e.validUntilMonth;
        return { code: e.category, monthlyAmount: amountNow(e, month), from: e.startMonth, ...(until ? { until } : {}), status, applicationId: e.applicationId, amounts: (e.amounts ?? []).map((a) => ({ from: a.from, monthlyAmount: a.monthlyAmountFen / 100, reason: a.reason })) };
      }),
      nextReviewDue: raw.dueKinds?.some((k) => k.startsWith('REREVIEW_')) ? raw.dueOn : null,
      labels: raw.labels ?? [],
      history: history.sort((a, b) => a.at.localeCompare(b.at)),
    },
  };
});

const changeBody = z
  .object({
    kind: z.enum(['INCOME', 'MEMBERS', 'ASSETS', 'ADDRESS']),
    effectiveOn: isoDateSchema,
    household: householdSchema,
  })
  .strict();

/** POST /households/{id}/changes → 202 {changeId, reviewId}. The same report again changes nothing. */
export const reportChange = httpHandler({ params, body: changeBody, roles: ['citizen', 'village', 'town'], status: 202, response: changeAcceptedSchema, summary: 'Report a change (income, members, assets, address): starts a re-review; the same report again changes nothing' }, async ({ params, body, caller, event }) => {
  await ensureIdHashKey();
  const profile = await householdProfile(params.id);
  if (!profile) throw notFound(`household ${params.id} not found`);
  await mayAccess(caller, event, params.id, profile.regionCode);
  if (body.household.members.filter((m) => m.relation === 'self').length !== 1) {
    throw validationFailed('one applicant', [{ path: 'household.members', message: 'exactly one member has relation "self"' }]);
  }
  if (!(await regionExists(body.household.regionCode))) {
    throw validationFailed('unknown region', [{ path: 'household.regionCode', message: `${body.household.regionCode} is not a village or community code` }]);
  }
  if (caller.role !== 'citizen') requireCovers(caller, body.household.regionCode, 'the reported address is outside your jurisdiction');
  const raw = JSON.parse(event.body ?? '{}') as { kind: string; effectiveOn: string; household: Record<string, unknown> };
  const ids = changeIds(params.id, raw);
  const owner = caller.role === 'citizen' ? caller.sub : ((await getApplication(profile.applicationId))?.ownerSub ?? caller.sub);
  await openReReview({ householdId: params.id, report: { kind: body.kind, effectiveOn: body.effectiveOn, household: raw.household }, by: caller.sub, ownerSub: owner, ids });
  return { status: 202, body: ids };
});

export const handler = routeGroup({
  'GET /households/{id}': getHousehold,
  'POST /households/{id}/changes': reportChange,
});
