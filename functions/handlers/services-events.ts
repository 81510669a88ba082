import { createHash } from 'node:crypto';
import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { ensureIdHashKey, idHash } from '../commons/id-hash.ts';
import { logger } from '../commons/logger.ts';
import { householdProfile, membershipsOf, entitlementsOf } from '../adapters/households-table.ts';
import { ledgerItem } from '../adapters/ledger-table.ts';
import { getReferral, grantCertificate, markReferralField } from '../adapters/services-table.ts';
import { eventEnvelopeSchema, type LedgerEntry } from '../domain/ledger.ts';
import { parameterIndex } from '../domain/policy.ts';
import { maskId, residentIdSchema } from '../domain/resident-id.ts';
import { policyFor } from '../services/eligibility.ts';

/**
 * Bus events of the services area (rules in the manifest):
 *   jiuzhu.referrals     ReferralCreated          → the routing is recorded on the referral (routedAt)
 *   gov.human-resources  SkillCertificateObtained → 发展型帮扶: a member of a monitored household gets
 *                        the county's `employment.skillCertificateGrant` (宁阳: 600 yuan) once per
 *                        certificate, as a ledger entry
 * Storage failures throw (the bus retries); malformed events are logged and dropped.
 */
const referralCreated = z.object({ referralId: z.string().regex(/^ref_[A-Za-z0-9_-]{10,40}$/) });

export const skillCertificateSchema = z.object({
  idNumber: residentIdSchema,
  /** The certificate's own number: what makes "once per certificate". */
  certificateId: z.string().regex(/^[\x21-\x7e]{1,100}$/, 'certificateId: 1–100 printable ASCII characters'),
  certificate: z.string().trim().min(1).max(200),
  obtainedOn: z.iso.date(),
});

const P_GRANT = parameterIndex('employment.skillCertificateGrant');

export type ServicesEventOutcome = { outcome: 'ROUTED' | 'GRANTED' | 'ALREADY_GRANTED' | 'NOT_MONITORED' | 'NO_GRANT_HERE' | 'IGNORED'; amount?: number; householdId?: string };

async function skillCertificate(source: string, detail: unknown): Promise<ServicesEventOutcome> {
  const parsed = skillCertificateSchema.safeParse(detail);
  if (!parsed.success) {
    logger.warn('malformed SkillCertificateObtained dropped', { source, issues: parsed.error.issues.map((i) => i.path.join('.')) });
    return { outcome: 'IGNORED' };
  }
  const c = parsed.data;
  const hash = idHash(c.idNumber);
  // A member of a household the platform assists (an approved profile with an active entitlement).
  let home: { householdId: string; regionCode: string } | undefined;
  for (const m of await membershipsOf(hash)) {
    if (m.regionCode && (await householdProfile(m.householdId)) && (await entitlementsOf(m.householdId)).some((e) => e.status === 'ACTIVE')) {
      home = m;
      break;
    }
  }
  if (!home) return { outcome: 'NOT_MONITORED' };
  const fen = (await policyFor(home.regionCode, c.obtainedOn)).v[P_GRANT] ?? 0;
  if (!(fen > 0)) return { outcome: 'NO_GRANT_HERE', householdId: home.householdId };
  const certKey = createHash('sha256').update(`${hash}|${c.certificateId}`).digest('base64url').slice(0, 32);
  const entry: LedgerEntry = {
    householdId: home.householdId,
    type: 'SKILL_CERTIFICATE_GRANT',
    kind: 'grant',
    month: c.obtainedOn.slice(0, 7),
    date: c.obtainedOn,
    amountFen: fen,
    source: 'gov.civil-affairs',
    department: '民政局',
    regionCode: home.regionCode,
    ref: `cert:${certKey}`,
    person: maskId(c.idNumber),
    recordedAt: new Date(nowMs()).toISOString(),
  };
  const fresh = await grantCertificate(certKey, ledgerItem(entry), { personHash: hash, householdId: home.householdId, certificate: c.certificate, obtainedOn: c.obtainedOn, amountFen: fen }, entry.recordedAt);
  return { outcome: fresh ? 'GRANTED' : 'ALREADY_GRANTED', amount: fen / 100, householdId: home.householdId };
}

export async function handler(event: unknown): Promise<ServicesEventOutcome> {
  await ensureIdHashKey();
  const env = eventEnvelopeSchema.safeParse(event);
  if (!env.success) throw new Error('not an EventBridge event');
  const ev = env.data;
  if (ev['detail-type'] === 'ReferralCreated') {
    const d = referralCreated.safeParse(ev.detail);
    if (!d.success || !(await getReferral(d.data.referralId))) return { outcome: 'IGNORED' };
    await markReferralField(d.data.referralId, 'routedAt', ev.time ?? new Date(nowMs()).toISOString());
    return { outcome: 'ROUTED' };
  }
  if (ev['detail-type'] === 'SkillCertificateObtained') return skillCertificate(ev.source, ev.detail);
  return { outcome: 'IGNORED' };
}
