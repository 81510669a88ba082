import { setStats, statPrefixes } from '../adapters/stats-table.ts';
import { nowMs } from '../commons/clock.ts';
import { idHash } from '../commons/id-hash.ts';
import { logger } from '../commons/logger.ts';
import {
  amountForMonth,
  endEntitlement,
  ENTITLEMENT_SHARDS,
  entitlementsStartedBy,
  householdProfile,
  markDeceased,
  membershipsOf,
  unindexEntitlement,
  type EntitlementRecord,
} from '../adapters/households-table.ts';
import { putDeadLetter, putLedgerEntry, type DeadLetter } from '../adapters/ledger-table.ts';
import {
  assistanceGrantedSchema,
  ENTITLEMENT_DEPARTMENT,
  ENTITLEMENT_SOURCE,
  eventEnvelopeSchema,
  personDeceasedSchema,
  scrubIds,
  shanghaiMonth,
  type LedgerEntry,
} from '../domain/ledger.ts';
import { idProblem, maskId, normalizeId } from '../domain/resident-id.ts';

export interface MonthRunResult {
  month: string;
  /** Entitlement items read from the index (started in or before the month). */
  itemsRead: number;
  /** Ledger entries written by this run (0 when the month was already run). */
  written: number;
  /** Entries already there (an earlier run for the month). */
  alreadyThere: number;
  /** Entitlements that paid nothing this month (not started, ended, zero amount). */
  nothingDue: number;
  /** RIGID_EXPENDITURE entitlements whose validity ended before the month (now ENDED). */
  ended: number;
  amountFen: number;
}

const CONCURRENCY = 16;

/**
 * The monthly ledger run: every entitlement that has started pays its amount for `month` (the
 * schedule step in force that month: age supplements change from the birthday month; nothing
 * after death or after a RIGID_EXPENDITURE's 12 months). Reads the sparse entitlement index by
 * shard (no table scan); one conditional put per household, category and month, so running a
 * month twice writes nothing new.
 */
export async function runLedgerMonth(month: string): Promise<MonthRunResult> {
  const result: MonthRunResult = { month, itemsRead: 0, written: 0, alreadyThere: 0, nothingDue: 0, ended: 0, amountFen: 0 };
  const recordedAt = new Date(nowMs()).toISOString();
  // What the month pays per region prefix (new entries and those an earlier attempt wrote): set
  // whole at the end, so a re-run recomputes rather than adds (statistics, GET /stats/overview).
  const paid = new Map<string, number>();
  const one = async (e: EntitlementRecord) => {
    result.itemsRead++;
    const fen = amountForMonth(e, month);
    if (fen <= 0) {
      result.nothingDue++;
      if (e.status === 'ACTIVE' && e.validUntilMonth && month > e.validUntilMonth) {
        if (await endEntitlement(e.householdId, e.category, e.validUntilMonth)) result.ended++;
      } else if (e.status === 'GRADUAL_EXIT' && e.endMonth && month > e.endMonth) {
        // The gradual-exit months are over: the entitlement ends (paid through endMonth).
        if (await endEntitlement(e.householdId, e.category, e.endMonth)) result.ended++;
      } else if (e.status === 'ENDED' && e.endMonth && month > e.endMonth) {
        await unindexEntitlement(e.householdId, e.category);
      }
      return;
    }
    const entry: LedgerEntry = {
      householdId: e.householdId,
      type: e.category,
      kind: 'monthly',
      month,
      amountFen: fen,
      source: ENTITLEMENT_SOURCE,
      department: ENTITLEMENT_DEPARTMENT,
      regionCode: e.regionCode,
      ref: 'ENT',
      recordedAt,
    };
    if (await putLedgerEntry(entry)) {
      result.written++;
      result.amountFen += fen;
    } else result.alreadyThere++;
    for (const p of statPrefixes(e.regionCode)) paid.set(p, (paid.get(p) ?? 0) + fen);
  };
  await Promise.all(
    Array.from({ length: ENTITLEMENT_SHARDS }, async (_v, shard) => {
      for await (const page of entitlementsStartedBy(shard, month)) {
        for (let i = 0; i < page.length; i += CONCURRENCY) await Promise.all(page.slice(i, i + CONCURRENCY).map(one));
      }
    }),
  );
  await setStats(`${month}-01`, new Map([...paid].map(([p, fen]) => [p, { 'paidFen.monthly': fen }])));
  logger.info('ledger month run', { ...result });
  return result;
}

export type EventOutcome = { outcome: 'RECORDED' | 'DUPLICATE' | 'DEAD_LETTER' | 'DECEASED_RECORDED' | 'NOT_IN_POPULATION'; householdIds?: string[]; reason?: string };

type Envelope = { id: string; source: string; 'detail-type': string; time?: string | undefined; detail: unknown };

async function deadLetter(ev: Envelope, reason: DeadLetter['reason'], details: DeadLetter['details']): Promise<EventOutcome> {
  const rawId = (ev.detail as { idNumber?: unknown } | null)?.idNumber;
  const normalized = typeof rawId === 'string' ? normalizeId(rawId) : undefined;
  const at = nowMs();
  const eventTime = ev.time && !Number.isNaN(Date.parse(ev.time)) ? Date.parse(ev.time) : at;
  await putDeadLetter({
    eventId: ev.id,
    month: shanghaiMonth(eventTime),
    receivedAt: new Date(at).toISOString(),
    source: ev.source,
    detailType: ev['detail-type'],
    reason,
    details,
    ...(normalized && !idProblem(normalized) ? { personHash: idHash(normalized) } : {}),
    detail: scrubIds(ev.detail),
  });
  // Never log the detail itself: it may hold an ID.
  logger.warn('ledger dead letter', { eventId: ev.id, source: ev.source, detailType: ev['detail-type'], reason });
  return { outcome: 'DEAD_LETTER', reason };
}

function issues(error: { issues: { path: PropertyKey[]; message: string }[] }) {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** The household a person's grant goes to: an approved one (with a profile) first. */
async function householdFor(hash: string): Promise<{ householdId: string; regionCode: string } | undefined> {
  const memberships = await membershipsOf(hash);
  for (const m of memberships) if (await householdProfile(m.householdId)) return m;
  return memberships[0];
}

/**
 * A department's AssistanceGranted event → one ledger entry for the person's household, once per
 * event (per `source` + `reference` when the department gives one, else per event id). Malformed
 * events and people the platform does not know go to the dead-letter store with the reason.
 */
export async function recordGrant(event: unknown): Promise<EventOutcome> {
  const env = eventEnvelopeSchema.safeParse(event);
  if (!env.success) throw new Error('not an EventBridge event');
  const ev = env.data;
  const parsed = assistanceGrantedSchema.safeParse(ev.detail);
  if (!parsed.success) return deadLetter(ev, 'MALFORMED', issues(parsed.error));
  const g = parsed.data;
  const home = await householdFor(idHash(g.idNumber));
  if (!home) return deadLetter(ev, 'UNKNOWN_PERSON', [{ path: 'idNumber', message: 'no household on the platform has this person' }]);
  const entry: LedgerEntry = {
    householdId: home.householdId,
    type: g.type,
    kind: 'grant',
    month: g.date.slice(0, 7),
    date: g.date,
    amountFen: g.amount,
    source: ev.source,
    department: g.department,
    regionCode: home.regionCode,
    ref: g.reference ? `${ev.source}:${g.reference}` : ev.id,
    person: maskId(g.idNumber),
    ...(g.referralId ? { referralId: g.referralId } : {}),
    recordedAt: new Date(nowMs()).toISOString(),
  };
  const fresh = await putLedgerEntry(entry);
  return { outcome: fresh ? 'RECORDED' : 'DUPLICATE', householdIds: [home.householdId] };
}

/** PersonDeceased → the death on the person's households; their entitlements end when no member is left. */
export async function recordDeath(event: unknown): Promise<EventOutcome> {
  const env = eventEnvelopeSchema.safeParse(event);
  if (!env.success) throw new Error('not an EventBridge event');
  const ev = env.data;
  const parsed = personDeceasedSchema.safeParse(ev.detail);
  if (!parsed.success) return deadLetter(ev, 'MALFORMED', issues(parsed.error));
  const touched = await markDeceased(idHash(parsed.data.idNumber), parsed.data.date);
  // Most deaths the registry reports are of people outside the assisted population: nothing to do.
  return touched.length ? { outcome: 'DECEASED_RECORDED', householdIds: touched } : { outcome: 'NOT_IN_POPULATION' };
}
