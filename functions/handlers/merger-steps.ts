import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { ensureIdHashKey } from '../commons/id-hash.ts';
import { logger } from '../commons/logger.ts';
import { finishImport } from '../adapters/merger-table.ts';
import { processChunk } from '../services/merger.ts';
import { openSurveys, overdueSurveys } from '../services/merger-survey.ts';

/**
 * The merger-import workflow's steps (workflows/merger-import.asl.json) and the yearly survey's
 * schedules (1 September: open; 1 October: what is still open becomes a warning). Each step is
 * idempotent: Step Functions and EventBridge deliver at least once.
 */
const input = z.discriminatedUnion('action', [
  z.object({ action: z.literal('chunk'), importId: z.string(), chunk: z.number().int().min(0) }),
  z.object({ action: z.literal('finish'), importId: z.string() }),
  z.object({ action: z.literal('fail'), importId: z.string(), error: z.unknown().optional() }),
  z.object({ action: z.literal('openSurveys'), year: z.string().regex(/^\d{4}$/).optional() }),
  z.object({ action: z.literal('overdueSurveys'), year: z.string().regex(/^\d{4}$/).optional() }),
]);

class TransientStepError extends Error {
  override name = 'Step.Transient';
}

export async function handler(event: unknown): Promise<unknown> {
  const step = input.parse(event);
  await ensureIdHashKey();
  const at = new Date(nowMs()).toISOString();
  try {
    switch (step.action) {
      case 'chunk':
        return await processChunk(step.importId, step.chunk);
      case 'finish':
        await finishImport(step.importId, 'SUCCEEDED', at);
        return { importId: step.importId, status: 'SUCCEEDED' };
      case 'fail':
        logger.error('merger import failed', { importId: step.importId, error: JSON.stringify(step.error ?? null).slice(0, 1000) });
        await finishImport(step.importId, 'FAILED', at, 'a chunk failed after its retries; an operator can redrive the execution');
        return { importId: step.importId, status: 'FAILED' };
      case 'openSurveys':
        return await openSurveys(step.year);
      case 'overdueSurveys':
        return await overdueSurveys(step.year);
    }
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'ProvisionedThroughputExceededException' || name === 'ThrottlingException' || name === 'InternalServerError') throw new TransientStepError((err as Error).message);
    throw err;
  }
}
