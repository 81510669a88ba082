import { ensureIdHashKey } from '../commons/id-hash.ts';
import { recordDeath, recordGrant, type EventOutcome } from '../services/ledger.ts';
import { closeReferralOfGrant } from '../services/services.ts';

/**
 * Department events for the ledger (EventBridge rules in the manifest):
 *   gov.*                AssistanceGranted → a ledger entry for the person's household (or a dead letter);
 *                        with a `referralId`, the referral it answers closes
 *   gov.civil-registry   PersonDeceased    → the death recorded; entitlements end when no member is left
 * Storage failures throw, so EventBridge retries; bad input never throws (dead letter instead).
 */
export async function handler(event: { 'detail-type'?: unknown }): Promise<EventOutcome & { referral?: string }> {
  await ensureIdHashKey();
  if (event?.['detail-type'] === 'PersonDeceased') return recordDeath(event);
  const out = await recordGrant(event);
  // A grant answering a referral (一门受理) closes it once its ledger entry is there.
  if (out.outcome === 'RECORDED' || out.outcome === 'DUPLICATE') return { ...out, referral: await closeReferralOfGrant(event) };
  return out;
}
