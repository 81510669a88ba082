import { eventEnvelopeSchema } from '../domain/ledger.ts';
import { rosterIdSchema } from '../domain/payments.ts';
import { buildRoster, type BuildResult } from '../services/payments.ts';

/**
 * Rule target for `RosterRequested` (source jiuzhu.payments): builds the roster. A failure
 * throws, so EventBridge retries; the build is idempotent (deterministic lines, conditional holds).
 */
export async function handler(event: unknown): Promise<BuildResult | { status: 'MALFORMED' }> {
  const env = eventEnvelopeSchema.safeParse(event);
  const id = rosterIdSchema.safeParse((env.success ? (env.data.detail as { rosterId?: unknown } | null) : null)?.rosterId);
  if (!id.success) return { status: 'MALFORMED' };
  return buildRoster(id.data);
}
