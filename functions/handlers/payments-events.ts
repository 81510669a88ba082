import { z } from 'zod';
import { ensureIdHashKey, idHash } from '../commons/id-hash.ts';
import { householdProfile } from '../adapters/households-table.ts';
import { eventEnvelopeSchema, monthSchema, personDeceasedSchema } from '../domain/ledger.ts';
import { entitlementEndedLate, recordDeathForPayments, type EndOutcome } from '../services/payments.ts';

/**
 * Late ends of entitlements, for payments already made (追缴):
 *   gov.civil-registry  PersonDeceased   {idNumber, date}: the household's last living member died
 *   jiuzhu.*            EntitlementEnded {householdId, category, endMonth}: a termination
 * Lines already paid for later months become recovery items; unpaid ones stop. Storage errors
 * throw (EventBridge retries); a malformed detail is ignored (the ledger dead-letters deaths).
 */
const entitlementEndedSchema = z.object({ householdId: z.string().regex(/^hh_[A-Za-z0-9_-]{8,64}$/), category: z.string().regex(/^[A-Z][A-Z0-9_]{1,47}$/), endMonth: monthSchema });

export async function handler(event: unknown): Promise<{ outcome: 'MALFORMED' | 'DONE' | 'UNKNOWN_HOUSEHOLD'; households?: EndOutcome[] }> {
  const env = eventEnvelopeSchema.safeParse(event);
  if (!env.success) return { outcome: 'MALFORMED' };
  if (env.data['detail-type'] === 'PersonDeceased') {
    const d = personDeceasedSchema.safeParse(env.data.detail);
    if (!d.success) return { outcome: 'MALFORMED' };
    await ensureIdHashKey();
    return { outcome: 'DONE', households: await recordDeathForPayments(idHash(d.data.idNumber), d.data.date) };
  }
  const d = entitlementEndedSchema.safeParse(env.data.detail);
  if (!d.success) return { outcome: 'MALFORMED' };
  const profile = await householdProfile(d.data.householdId);
  if (!profile) return { outcome: 'UNKNOWN_HOUSEHOLD' };
  return { outcome: 'DONE', households: [await entitlementEndedLate(d.data.householdId, profile.regionCode, d.data.endMonth, d.data.category, 'TERMINATED')] };
}
