import { nowMs } from '../commons/clock.ts';
import { idHash } from '../commons/id-hash.ts';
import { logger } from '../commons/logger.ts';
import { putEvent } from '../adapters/events.ts';
import { registerCounty } from '../adapters/monitoring-table.ts';
import { createReferral, getReferral, grantReferral, markReferralField, referralId, type ReferralRecord } from '../adapters/services-table.ts';
import { assistanceGrantedSchema, eventEnvelopeSchema } from '../domain/ledger.ts';
import { maskId } from '../domain/resident-id.ts';
import { programme, referralDue } from '../domain/services.ts';
import { shanghaiDate } from '../domain/working-days.ts';

/**
 * One-window referrals (一门受理、协同办理): each requested programme becomes a referral record and
 * a `ReferralCreated` event on the bus (source `jiuzhu.referrals`) for the programme's
 * department. The record is written first (conditional: asking twice refers once), the event
 * after it and marked sent, so a retry after a failure sends the event it did not send.
 */
export const REFERRALS_SOURCE = 'jiuzhu.referrals';

export interface ReferralRequest {
  householdId: string;
  regionCode: string;
  applicationId?: string;
  /** The person referred (raw ID: hashed and masked here, never stored raw). */
  idNumber: string;
  programmes: readonly string[];
  by: { sub: string; role: string };
}

export async function openReferrals(req: ReferralRequest): Promise<ReferralRecord[]> {
  const out: ReferralRecord[] = [];
  const personHash = idHash(req.idNumber);
  const person = maskId(req.idNumber.toUpperCase());
  const at = new Date(nowMs()).toISOString();
  // The daily run checks a county's overdue referrals once the county is in its fan-out.
  if (req.programmes.length) await registerCounty(req.regionCode.slice(0, 6), at);
  for (const code of req.programmes) {
    const p = programme(code);
    if (!p) continue;
    const id = referralId(req.applicationId ?? req.householdId, personHash, code);
    const due = referralDue(req.regionCode, shanghaiDate(nowMs()), p.dueDays);
    const record: ReferralRecord = {
      id,
      programme: p.code,
      department: p.department,
      source: p.source,
      householdId: req.householdId,
      regionCode: req.regionCode,
      ...(req.applicationId ? { applicationId: req.applicationId } : {}),
      person,
      personHash,
      status: 'OPEN',
      openedAt: at,
      openedBy: req.by.sub,
      dueBy: due.dueBy,
    };
    await createReferral(record, due, req.by);
    const stored = (await getReferral(id)) ?? record;
    if (!stored.eventSent) {
      await putEvent(REFERRALS_SOURCE, 'ReferralCreated', { referralId: id, programme: p.code, department: p.department, departmentSource: p.source, person, idNumberHash: personHash, householdId: req.householdId, regionCode: req.regionCode, dueBy: stored.dueBy });
      await markReferralField(id, 'eventSent', true);
    }
    out.push({ ...stored, eventSent: true });
  }
  return out;
}

/** What leaves the API about a referral (the hash stays inside). */
export function referralView(r: ReferralRecord) {
  const p = programme(r.programme);
  return {
    id: r.id,
    programme: r.programme,
    name: p?.name,
    department: r.department,
    status: r.status,
    person: r.person,
    householdId: r.householdId,
    ...(r.applicationId ? { applicationId: r.applicationId } : {}),
    openedAt: r.openedAt,
    dueBy: r.dueBy,
    ...(r.routedAt ? { routedAt: r.routedAt } : {}),
    ...(r.grantedAt ? { grantedAt: r.grantedAt, grant: r.grant } : {}),
  };
}

// ---------------------------------------------------------------- department answers

/**
 * An `AssistanceGranted` that names a `referralId` closes that referral (OPEN → GRANTED) once
 * its ledger entry is there. A grant for another person than the one referred leaves the
 * referral open (logged, without the ID).
 */
export async function closeReferralOfGrant(event: unknown): Promise<'GRANTED' | 'ALREADY' | 'NONE' | 'MISMATCH' | 'UNKNOWN'> {
  const env = eventEnvelopeSchema.safeParse(event);
  if (!env.success) return 'NONE';
  const g = assistanceGrantedSchema.safeParse(env.data.detail);
  if (!g.success || !g.data.referralId) return 'NONE';
  const r = await getReferral(g.data.referralId);
  if (!r) {
    logger.warn('grant names an unknown referral', { referralId: g.data.referralId, source: env.data.source });
    return 'UNKNOWN';
  }
  if (r.personHash !== idHash(g.data.idNumber)) {
    logger.warn('grant names a referral of another person; referral left open', { referralId: r.id, source: env.data.source });
    return 'MISMATCH';
  }
  const ok = await grantReferral(r, { amount: g.data.amount / 100, date: g.data.date, type: g.data.type, department: g.data.department, source: env.data.source }, new Date(nowMs()).toISOString());
  return ok ? 'GRANTED' : 'ALREADY';
}
