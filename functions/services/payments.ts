import { nowMs } from '../commons/clock.ts';
import { logger } from '../commons/logger.ts';
import { putEvent } from '../adapters/events.ts';
import { membersOf, membershipsOf } from '../adapters/households-table.ts';
import { paymentEntries } from '../adapters/ledger-table.ts';
import {
  countyPointer,
  createRoster,
  deleteHold,
  finishBuild,
  getRoster,
  holdsOfHousehold,
  linesOf,
  linesOfHousehold,
  openHolds,
  payeesOf,
  putHoldIfAbsent,
  putRecovery,
  putStop,
  repayHold,
  rosterStatuses,
  startBuild,
  stopLine,
  stopsOf,
  writeLines,
  type RosterHeader,
} from '../adapters/payments-table.ts';
import {
  afterEnd,
  buildLines,
  recoveryIdOf,
  rosterIdOf,
  rosterWindows,
  SETTLE_MS,
  totalsOf,
  type IndexedEntry,
  type RecoveryReason,
  type RosterLine,
} from '../domain/payments.ts';

export const PAYMENTS_SOURCE = 'jiuzhu.payments';
export const ROSTER_REQUESTED = 'RosterRequested';

export type CreateOutcome = { outcome: 'CREATED' | 'EXISTS'; roster: RosterHeader } | { outcome: 'NOT_FORWARD'; latest?: string };

/**
 * A county's roster for a month: created once (deterministic id; the header, the county's
 * pointer and the audit record in one transaction), then built asynchronously by
 * `paymentsBuild` from a RosterRequested event. A replay creates nothing; it only re-sends the
 * event while the roster is still BUILDING (a lost event heals, a second build finds it built).
 */
export async function requestRoster(county: string, month: string, by: { sub: string; role: string }): Promise<CreateOutcome> {
  const id = rosterIdOf(county, month);
  const at = nowMs();
  const prev = await countyPointer(county);
  if (prev && prev.month >= month) {
    const existing = await getRoster(id);
    if (!existing) return { outcome: 'NOT_FORWARD', latest: prev.month };
    if (existing.status === 'BUILDING') await putEvent(PAYMENTS_SOURCE, ROSTER_REQUESTED, { rosterId: id });
    return { outcome: 'EXISTS', roster: existing };
  }
  const createdAt = new Date(at).toISOString();
  // Cutoffs only move forward, even if a clock was set back.
  const cutoffMs = Math.max(at - SETTLE_MS, prev ? Date.parse(prev.cutoff) : 0);
  const header: RosterHeader = {
    id,
    county,
    month,
    status: 'BUILDING',
    createdBy: by.sub,
    createdByRole: by.role,
    createdAt,
    cutoff: new Date(cutoffMs).toISOString(),
    ...(prev ? { prev } : {}),
    returned: { lines: 0, amountFen: 0 },
    stopped: { lines: 0, amountFen: 0 },
  };
  const outcome = await createRoster(header, {
    entity: `ROSTER#${id}`,
    action: 'ROSTER_CREATED',
    by: by.sub,
    role: by.role,
    at: createdAt,
    detail: { county, month, cutoff: header.cutoff, ...(prev ? { previous: prev.rosterId } : {}) },
  });
  if (outcome === 'NOT_FORWARD') return { outcome, ...(prev ? { latest: prev.month } : {}) };
  const roster = outcome === 'CREATED' ? header : (await getRoster(id))!;
  if (roster.status === 'BUILDING') await putEvent(PAYMENTS_SOURCE, ROSTER_REQUESTED, { rosterId: id });
  return { outcome, roster };
}

export interface BuildResult {
  rosterId: string;
  status: 'BUILT' | 'NOT_BUILDING' | 'UNKNOWN';
  lines?: number;
  itemsRead?: number;
  /** Ledger entries read from the index (the part a raw Query of the same entries also reads). */
  entriesRead?: number;
}

/**
 * Builds a BUILDING roster: reads its index windows, the county's holds and stops and the
 * payees, writes the lines (and the holds of held lines), pays held lines again, and freezes it
 * as a DRAFT with its totals. Every write is deterministic or conditional, so a retried build
 * (EventBridge redelivers on failure) ends with the same roster.
 */
export async function buildRoster(rosterId: string): Promise<BuildResult> {
  const header = await getRoster(rosterId);
  if (!header) return { rosterId, status: 'UNKNOWN' };
  if (header.status !== 'BUILDING') return { rosterId, status: 'NOT_BUILDING' };
  const at = new Date(nowMs()).toISOString();
  const retry = await startBuild(rosterId, at);

  const windows = rosterWindows(header.month, header.cutoff, header.prev);
  const entries: IndexedEntry[] = [];
  let itemsRead = 0;
  await Promise.all(
    windows.map(async (w) => {
      for await (const page of paymentEntries(header.county, w)) {
        itemsRead += page.length;
        for (const e of page) entries.push(e);
      }
    }),
  );
  const entriesRead = itemsRead;
  const [holds, stops] = await Promise.all([openHolds(header.county), stopsOf(header.county)]);
  itemsRead += holds.length + stops.length;
  const households = [...new Set([...entries.map((e) => e.householdId), ...holds.map((h) => h.householdId)])];
  const payees = await payeesOf(households);
  itemsRead += payees.size;

  const built = buildLines({ rosterId, county: header.county, month: header.month, at, entries, payees, holds, stops });
  const repayments = new Map(built.repaid.map((h) => [h.lineId, h]));
  const plain = built.lines.filter((l) => l.kind !== 'REPAYMENT');
  await writeLines(plain);
  for (const h of built.newHolds) await putHoldIfAbsent(h);
  const lines: RosterLine[] = [...plain];
  for (const l of built.lines.filter((x) => x.kind === 'REPAYMENT')) {
    // Paid again exactly once: the hold's removal and this line land together or not at all.
    if (await repayHold(repayments.get(l.originalLineId!)!, l)) lines.push(l);
  }
  if (retry) {
    // An interrupted attempt may have repaid holds that are gone now: keep its repayment lines.
    const have = new Set(lines.map((l) => l.lineId));
    for (const l of await linesOf(rosterId)) if (l.kind === 'REPAYMENT' && !have.has(l.lineId)) lines.push(l);
  }
  await finishBuild(rosterId, totalsOf(lines), itemsRead, new Date(nowMs()).toISOString());
  logger.info('roster built', { rosterId, lines: lines.length, itemsRead, retry });
  return { rosterId, status: 'BUILT', lines: lines.length, itemsRead, entriesRead };
}

export interface EndOutcome {
  householdId: string;
  recoveries: number;
  stopped: number;
  holdsCancelled: number;
}

/**
 * The household's entitlement ended with `lastMonth` (of `category`, or all of them), known
 * only now: paid lines for later months become recovery items (追缴), unpaid ones are stopped,
 * holds for those months are cancelled, and later rosters skip those months. Repeating it
 * changes nothing (recovery ids follow from the lines).
 */
export async function entitlementEndedLate(householdId: string, regionCode: string, lastMonth: string, category: string | undefined, reason: RecoveryReason): Promise<EndOutcome> {
  const at = new Date(nowMs()).toISOString();
  const county = regionCode.slice(0, 6);
  await putStop({ county, householdId, ...(category ? { category } : {}), lastMonth, reason, at });
  const lines = (await linesOfHousehold(householdId)).filter((l) => l.forMonth > lastMonth);
  const statuses = await rosterStatuses([...new Set(lines.map((l) => l.rosterId))]);
  const { recover, stop } = afterEnd(
    lines.map((l) => ({ ...l, rosterStatus: statuses.get(l.rosterId) ?? 'BUILDING' })),
    lastMonth,
    category,
  );
  let recoveries = 0;
  for (const l of recover) {
    const fresh = await putRecovery({
      id: recoveryIdOf(l.lineId),
      householdId,
      regionCode: l.regionCode,
      rosterId: l.rosterId,
      lineId: l.lineId,
      category: l.category,
      forMonth: l.forMonth,
      amountFen: l.amountFen,
      reason,
      lastEntitledMonth: lastMonth,
      status: 'OPEN',
      raisedAt: at,
    });
    if (fresh) recoveries++;
  }
  let stopped = 0;
  for (const l of stop) if (await stopLine(l, `${reason}: nothing is due after ${lastMonth}`)) stopped++;
  let holdsCancelled = 0;
  for (const h of await holdsOfHousehold(county, householdId)) {
    if (h.forMonth > lastMonth && (!category || h.category === category)) {
      await deleteHold(h);
      holdsCancelled++;
    }
  }
  logger.info('entitlement ended late', { householdId, lastMonth, reason, recoveries, stopped, holdsCancelled });
  return { householdId, recoveries, stopped, holdsCancelled };
}

/**
 * A death: for each household of the person where no member is left alive (counting this
 * death even if the ledger's own handler has not recorded it yet), the entitlements end with
 * the month of the last death.
 */
export async function recordDeathForPayments(personHash: string, date: string): Promise<EndOutcome[]> {
  const out: EndOutcome[] = [];
  for (const m of await membershipsOf(personHash)) {
    const members = await membersOf(m.householdId);
    if (members.length === 0) continue;
    const alive = members.filter((x) => x.idHash !== personHash && !x.deceasedOn);
    if (alive.length > 0) continue;
    const months = [date.slice(0, 7), ...members.filter((x) => x.idHash !== personHash && x.deceasedOn).map((x) => x.deceasedOn!.slice(0, 7))];
    const lastMonth = months.sort().at(-1)!;
    out.push(await entitlementEndedLate(m.householdId, m.regionCode, lastMonth, undefined, 'DECEASED'));
  }
  return out;
}
