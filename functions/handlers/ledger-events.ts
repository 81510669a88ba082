import { ensureIdHashKey } from '../commons/id-hash.ts';
import { recordDeath, recordGrant, type EventOutcome } from '../services/ledger.ts';

/**
 * Department events for the ledger (EventBridge rules in the manifest):
 *   gov.*                AssistanceGranted → a ledger entry for the person's household (or a dead letter)
 *   gov.civil-registry   PersonDeceased    → the death recorded; entitlements end when no member is left
 * Storage failures throw, so EventBridge retries; bad input never throws (dead letter instead).
 */
export async function handler(event: { 'detail-type'?: unknown }): Promise<EventOutcome> {
  await ensureIdHashKey();
  if (event?.['detail-type'] === 'PersonDeceased') return recordDeath(event);
  return recordGrant(event);
}
