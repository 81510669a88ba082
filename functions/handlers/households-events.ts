import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { ensureIdHashKey } from '../commons/id-hash.ts';
import { logger } from '../commons/logger.ts';
import { getApplication } from '../adapters/applications-table.ts';
import { householdProfile } from '../adapters/households-table.ts';
import { shanghaiDate } from '../domain/working-days.ts';
import { changeIds, openReReview } from '../services/rereview.ts';

/**
 * A yearly or 6-monthly re-review warning (REREVIEW_YEARLY, REREVIEW_HALF_YEARLY, raised by the
 * daily monitoring run) opens the same re-review a change report does, on the household as it
 * stands. Keyed by the warning: a redelivered event opens nothing new.
 */
const event = z.object({
  detail: z.object({ warningId: z.string().min(1), indicator: z.string().regex(/^REREVIEW_/), householdId: z.string().min(1) }),
});

export async function handler(raw: unknown): Promise<unknown> {
  const parsed = event.safeParse(raw);
  if (!parsed.success) {
    logger.warn('re-review event ignored: not a REREVIEW_* warning');
    return { outcome: 'IGNORED' };
  }
  await ensureIdHashKey();
  const { warningId, householdId, indicator } = parsed.data.detail;
  const profile = await householdProfile(householdId);
  if (!profile) return { outcome: 'NO_HOUSEHOLD' };
  const report = { kind: 'PERIODIC' as const, effectiveOn: shanghaiDate(nowMs()), household: profile.household };
  const ids = changeIds(householdId, { warningId });
  const owner = (await getApplication(profile.applicationId))?.ownerSub ?? 'system:monitoring';
  const { created } = await openReReview({ householdId, report, by: `system:monitoring:${indicator}`, ownerSub: owner, ids, warningId });
  return { outcome: created ? 'OPENED' : 'ALREADY_OPEN', ...ids };
}
