import type { Context } from 'aws-lambda';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { ensureIdHashKey, idHash } from '../commons/id-hash.ts';
import { logger } from '../commons/logger.ts';
import { documentClient, tableNameFrom } from '../adapters/dynamo.ts';
import { putEvent } from '../adapters/events.ts';
import { amountForMonth, householdProfile, type EntitlementRecord, type HouseholdProfile } from '../adapters/households-table.ts';
import { advanceDue, existingWarningIds, finishRun, listCounties, markEscalated, openDueOn, putRunIfAbsent, queryDue, raiseWarning, type DueItem } from '../adapters/monitoring-table.ts';
import { policyFor } from '../services/eligibility.ts';
import { householdSchema } from '../domain/household.ts';
import type { IndicatorCode } from '../domain/indicators.ts';
import {
  addDays,
  DUE_LOOKBACK_DAYS,
  duePartitions,
  leadDaysOf,
  nextMemberDue,
  nextReReviewDue,
  reevaluateHousehold,
  warningId,
  type Finding,
  type RawMember,
} from '../domain/monitoring.ts';
import type { CompiledPolicy } from '../domain/policy.ts';
import { checkLink, exactPartitions, type LinkItem } from '../domain/services.ts';
import { maskId } from '../domain/resident-id.ts';
import { shanghaiDate } from '../domain/working-days.ts';

/**
 * The monitoring workflow's steps (workflows/monitoring.asl.json). Every write is idempotent
 * (warning ids are deterministic; dated items advance only from where they were read), so a
 * retried step or a re-run of the same date raises nothing twice.
 */
const isoDate = z.iso.date();
const COUNTIES_PER_BATCH = 50;
const DEFAULT_SEGMENTS = 4;

const input = z.discriminatedUnion('action', [
  z.object({ action: z.literal('plan'), input: z.record(z.string(), z.unknown()) }),
  z.object({ action: z.literal('milestones'), runId: z.string(), asOf: isoDate, counties: z.array(z.string().regex(/^\d{6}$/)) }),
  z.object({ action: z.literal('escalate'), runId: z.string(), asOf: isoDate }),
  z.object({ action: z.literal('scanSegment'), runId: z.string(), asOf: isoDate, segment: z.number().int().min(0), totalSegments: z.number().int().min(1), startKey: z.record(z.string(), z.unknown()).nullable().optional() }),
  z.object({ action: z.literal('finish'), runId: z.string(), parts: z.array(z.unknown()), escalation: z.unknown().nullable().optional(), planRead: z.number().optional() }),
  z.object({ action: z.literal('fail'), runId: z.string(), error: z.unknown().optional() }),
]);

const iso = (ms: number) => new Date(ms).toISOString();
const ITEM_CONCURRENCY = 8;

async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Policies per (region, date) for one invocation (policyFor re-reads the version counter). */
function policies() {
  const cache = new Map<string, Promise<CompiledPolicy>>();
  let reads = 0;
  return {
    get(region: string, date: string) {
      const key = `${region}|${date}`;
      let p = cache.get(key);
      if (!p) {
        reads++;
        p = policyFor(region, date);
        cache.set(key, p);
      }
      return p;
    },
    get reads() {
      return reads;
    },
  };
}

export async function plan(raw: Record<string, unknown>) {
  // A POST /monitoring/runs input ({runId, asOf, mode}), a schedule's constant input ({mode}),
  // or a schedule's envelope ({time, ...}: asOf is the scheduled day in Asia/Shanghai).
  const time = typeof raw.time === 'string' ? Date.parse(raw.time) : NaN;
  const asOf = typeof raw.asOf === 'string' ? isoDate.parse(raw.asOf) : shanghaiDate(Number.isNaN(time) ? nowMs() : time);
  const mode = raw.mode === 'full' ? 'full' : 'daily';
  const runId = typeof raw.runId === 'string' ? raw.runId : `sched-${mode}-${asOf}`;
  const segments = typeof raw.segments === 'number' ? raw.segments : Number(process.env.MONITORING_SEGMENTS ?? DEFAULT_SEGMENTS);
  await putRunIfAbsent({ runId, asOf, mode, status: 'RUNNING', itemsRead: 0, warningsRaised: 0, startedAt: iso(nowMs()) });
  let batches: string[][] = [];
  let planRead = 0;
  if (mode === 'daily') {
    const { counties, read } = await listCounties();
    planRead = read;
    for (let i = 0; i < counties.length; i += COUNTIES_PER_BATCH) batches.push(counties.slice(i, i + COUNTIES_PER_BATCH));
  }
  return { runId, asOf, mode, segments, batches, planRead };
}

/** A run's warnings count as raised on its asOf (the verification deadline runs from there). */
async function raise(findings: Finding[], runId: string, asOf: string): Promise<number> {
  if (findings.length === 0) return 0;
  const at = iso(nowMs());
  const ids = findings.map((f) => warningId(f.idHash, f.indicator, f.period));
  // Re-runs find most warnings already raised: look them up in batches rather than failing a
  // conditional put for each; the put stays conditional, so a race still raises nothing twice.
  const existing = findings.length > 4 ? await existingWarningIds([...new Set(ids)]) : new Set<string>();
  let n = 0;
  for (let i = 0; i < findings.length; i++) {
    if (existing.has(ids[i]!)) continue;
    if (await raiseWarning(ids[i]!, findings[i]!, at, `run:${runId}`, asOf)) {
      n++;
      // A re-review falls due: the household's re-review workflow opens on it (rule reReviewDue).
      const f = findings[i]!;
      if (f.indicator.startsWith('REREVIEW_')) await putEvent('jiuzhu.monitoring', 'WarningRaised', { warningId: ids[i], indicator: f.indicator, householdId: f.householdId, regionCode: f.regionCode, asOf });
    }
  }
  return n;
}

function rawMembers(profile: HouseholdProfile): (RawMember & { relation?: string })[] {
  return ((profile.household as { members?: (RawMember & { relation?: string })[] }).members ?? []).filter((m) => typeof m?.idNumber === 'string');
}

function headOf(profile: HouseholdProfile): { idHash: string; maskedId: string } | undefined {
  const members = rawMembers(profile);
  const head = members.find((m) => m.relation === 'self') ?? members[0];
  return head ? { idHash: idHash(head.idNumber), maskedId: maskId(head.idNumber.toUpperCase()) } : undefined;
}

/** One dated item due: its findings, and where it moves next. */
async function dueFindings(item: DueItem): Promise<{ findings: Finding[]; next: ReturnType<typeof nextMemberDue>; extraReads: number }> {
  const kinds = item.dueKinds as IndicatorCode[];
  const householdId = String(item.householdId ?? item.pk.slice(3));
  const regionCode = String(item.regionCode);
  if (item.sk.startsWith('MEMBER#')) {
    const findings = item.deceasedOn
      ? []
      : kinds.map((k) => ({ indicator: k, idHash: String(item.idHash), person: String(item.maskedId), householdId, regionCode, period: item.dueOn, details: { milestoneOn: item.dueOn, age: Number(item.dueOn.slice(0, 4)) - Number(String(item.birthDate).slice(0, 4)) } }));
    const next = nextMemberDue({ birthDate: String(item.birthDate), orphaned: item.orphaned === true, ...(item.deceasedOn ? { deceasedOn: String(item.deceasedOn) } : {}) }, (item.categories as string[]) ?? [], regionCode, item.dueOn);
    return { findings, next, extraReads: 0 };
  }
  if (item.sk.startsWith('LINK#')) {
    // Service orders' months without a visit, referrals past due (same-day marks).
    const { findings, next } = checkLink({ ...(item as unknown as LinkItem), householdId, regionCode });
    return { findings, next, extraReads: 0 };
  }
  if (item.sk === 'PROFILE') {
    const profile = item as unknown as HouseholdProfile;
    const head = headOf(profile);
    const approvedOn = shanghaiDate(Date.parse(profile.updatedAt));
    const next = nextReReviewDue(rawMembers(profile), approvedOn, regionCode, item.dueOn);
    const findings = head ? kinds.map((k) => ({ indicator: k, idHash: head.idHash, person: head.maskedId, householdId, regionCode, period: item.dueOn, details: { reviewDueOn: item.dueOn } })) : [];
    return { findings, next, extraReads: 0 };
  }
  // ENT#RIGID_EXPENDITURE: the person is the household's head (one read of the profile).
  const ent = item as unknown as EntitlementRecord;
  if (ent.status !== 'ACTIVE') return { findings: [], next: undefined, extraReads: 0 };
  const profile = await householdProfile(householdId);
  const head = profile ? headOf(profile) : undefined;
  const findings = head ? kinds.map((k) => ({ indicator: k, idHash: head.idHash, person: head.maskedId, householdId, regionCode, period: item.dueOn, details: { category: ent.category, validUntilMonth: ent.validUntilMonth } })) : [];
  return { findings, next: undefined, extraReads: 1 };
}

export async function milestones(runId: string, asOf: string, counties: string[]) {
  const pol = policies();
  let itemsRead = 0;
  let warningsRaised = 0;
  for (const county of counties) {
    const lead = leadDaysOf(await pol.get(county, asOf));
    // Lead-day checks (milestones, re-reviews, validity), then same-day checks (services, referrals).
    for (const { dueKey, until } of [...duePartitions(county, asOf, lead), ...exactPartitions(county, asOf, DUE_LOOKBACK_DAYS)]) {
      const { items, read } = await queryDue(dueKey, until);
      itemsRead += read;
      // Items are independent: a few at a time (each is a raise, then an advance).
      await eachLimited(items, ITEM_CONCURRENCY, async (item) => {
        const { findings, next, extraReads } = await dueFindings(item);
        const raised = await raise(findings, runId, asOf); // (not `x += await`: workers interleave)
        itemsRead += extraReads;
        warningsRaised += raised;
        await advanceDue(item, next);
      });
    }
  }
  return { itemsRead, warningsRaised, policyReads: pol.reads };
}

/** OPEN warnings past their 5-working-day verification deadline → WarningEscalated on the bus, once. */
export async function escalate(asOf: string) {
  let itemsRead = 0;
  let escalated = 0;
  const at = iso(nowMs());
  for (let back = 1; back <= 14; back++) {
    const { items, read } = await openDueOn(addDays(asOf, -back));
    itemsRead += read;
    for (const w of items) {
      await putEvent('jiuzhu.monitoring', 'WarningEscalated', {
        warningId: w.id,
        indicator: w.indicator,
        class: w.class,
        person: w.person,
        householdId: w.householdId,
        regionCode: w.regionCode,
        dueBy: w.dueBy,
        escalateTo: w.regionCode.slice(0, 9),
        asOf,
      });
      if (await markEscalated(w.id, at)) escalated++;
    }
  }
  return { itemsRead, escalated };
}

// ---------------------------------------------------------------- full re-evaluation

interface Group {
  pk: string;
  items: Record<string, unknown>[];
}

export async function reevaluateGroup(g: Group, asOf: string, pol: ReturnType<typeof policies>): Promise<Finding[]> {
  const profile = g.items.find((i) => i.sk === 'PROFILE') as unknown as HouseholdProfile | undefined;
  if (!profile) return [];
  const ents = g.items.filter((i) => String(i.sk).startsWith('ENT#')) as unknown as EntitlementRecord[];
  const month = asOf.slice(0, 7);
  const active = ents.filter((e) => e.status === 'ACTIVE' && amountForMonth(e, month) > 0).map((e) => e.category);
  if (active.length === 0) return [];
  const dead = new Set(g.items.filter((i) => String(i.sk).startsWith('MEMBER#') && i.deceasedOn).map((i) => String(i.idHash)));
  const raw = profile.household as { members?: { idNumber: string }[] };
  const people: { idHash: string; maskedId: string }[] = [];
  const living = (raw.members ?? []).filter((m) => {
    const h = idHash(m.idNumber);
    if (dead.has(h)) return false;
    people.push({ idHash: h, maskedId: maskId(m.idNumber.toUpperCase()) });
    return true;
  });
  if (living.length === 0) return [];
  const parsed = householdSchema.safeParse({ ...raw, members: living });
  if (!parsed.success) {
    logger.warn('monitored household no longer parses; skipped', { householdId: profile.householdId });
    return [];
  }
  const dibao = ents.find((e) => e.category === 'DIBAO');
  return reevaluateHousehold(
    {
      householdId: profile.householdId,
      regionCode: profile.regionCode,
      household: parsed.data,
      people,
      active,
      dibaoPaidFen: dibao ? amountForMonth(dibao, month) : 0,
      programmes: g.items.filter((i) => String(i.sk).startsWith('LINK#REF#') && i.status !== 'DECLINED').map((i) => String(i.programme)),
      monthlyOrders: g.items.filter((i) => String(i.sk).startsWith('LINK#ORDER#') && i.status === 'ACTIVE' && i.recurrence === 'MONTHLY').length,
    },
    await pol.get(profile.regionCode, asOf),
    asOf,
  );
}

export async function scanSegment(runId: string, asOf: string, segment: number, totalSegments: number, startKey: Record<string, unknown> | null | undefined, context?: Context) {
  const started = Date.now();
  const budget = Math.min(Number(process.env.MONITORING_SEGMENT_BUDGET_MS ?? 600_000), (context?.getRemainingTimeInMillis?.() ?? 900_000) - 60_000);
  const pol = policies();
  let itemsRead = 0;
  let warningsRaised = 0;
  let households = 0;
  let pending: Group | undefined;
  let lastProcessedKey: Record<string, unknown> | undefined;
  let prevKey: Record<string, unknown> | undefined;
  let key = startKey ?? undefined;
  // Findings of a page are raised together once the page is evaluated (one batched look-up).
  let found: Finding[] = [];
  const flush = async (g: Group) => {
    households++;
    found.push(...(await reevaluateGroup(g, asOf, pol)));
  };
  const raisePage = async () => {
    const batch = found;
    found = [];
    warningsRaised += await raise(batch, runId, asOf);
  };
  const page = (from: Record<string, unknown> | undefined) =>
    documentClient().send(new ScanCommand({ TableName: tableNameFrom('HOUSEHOLDS_TABLE'), Segment: segment, TotalSegments: totalSegments, ...(from ? { ExclusiveStartKey: from } : {}) }));
  let next = page(key);
  for (;;) {
    const res = await next;
    itemsRead += res.ScannedCount ?? 0;
    key = res.LastEvaluatedKey;
    const over = Date.now() - started > budget;
    // The next page is read while this one is evaluated (I/O and CPU overlap).
    if (key && !over) next = page(key);
    for (const item of res.Items ?? []) {
      const pk = String(item.pk);
      if (!pk.startsWith('HH#')) {
        prevKey = { pk: item.pk, sk: item.sk };
        continue;
      }
      if (pending && pending.pk !== pk) {
        await flush(pending);
        lastProcessedKey = prevKey;
        pending = undefined;
      }
      pending ??= { pk, items: [] };
      pending.items.push(item);
      prevKey = { pk: item.pk, sk: item.sk };
    }
    if (!key && pending) await flush(pending);
    await raisePage();
    if (!key) return { itemsRead, warningsRaised, households, done: true, startKey: null };
    if (over) {
      // Resume after the last whole household; the pending one is read again next time.
      if (lastProcessedKey) return { itemsRead, warningsRaised, households, done: false, startKey: lastProcessedKey };
      next = page(key);
    }
  }
}

const sum = (xs: unknown[], f: string) => xs.reduce<number>((a, x) => a + Number((x as Record<string, unknown> | null)?.[f] ?? 0), 0);

export async function handler(event: unknown, context?: Context) {
  await ensureIdHashKey();
  const step = input.parse(event);
  switch (step.action) {
    case 'plan':
      return plan(step.input);
    case 'milestones':
      return milestones(step.runId, step.asOf, step.counties);
    case 'escalate':
      return escalate(step.asOf);
    case 'scanSegment':
      return scanSegment(step.runId, step.asOf, step.segment, step.totalSegments, step.startKey, context);
    case 'finish': {
      const esc = (step.escalation ?? {}) as Record<string, number>;
      const milestoneReads = sum(step.parts, 'itemsRead');
      const breakdown = { planRead: step.planRead ?? 0, dueItemsRead: milestoneReads, escalationRead: Number(esc.itemsRead ?? 0), escalated: Number(esc.escalated ?? 0), policyReads: sum(step.parts, 'policyReads'), households: sum(step.parts, 'households') };
      const itemsRead = breakdown.planRead + milestoneReads + breakdown.escalationRead;
      const warningsRaised = sum(step.parts, 'warningsRaised');
      await finishRun(step.runId, { status: 'SUCCEEDED', itemsRead, warningsRaised, breakdown, finishedAt: iso(nowMs()) });
      return { runId: step.runId, itemsRead, warningsRaised };
    }
    case 'fail':
      await finishRun(step.runId, { status: 'FAILED', finishedAt: iso(nowMs()), error: JSON.stringify(step.error ?? null).slice(0, 1000) });
      return { runId: step.runId };
  }
}
