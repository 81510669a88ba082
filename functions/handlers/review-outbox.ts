import type { DynamoDBStreamEvent } from 'aws-lambda';
import { logger } from '../commons/logger.ts';
import { deliverDecision } from '../adapters/review-tasks-table.ts';
import { sendSuccess } from '../adapters/workflows.ts';

/**
 * The decision outbox: the ReviewTasks stream → SendTaskSuccess. A reviewer's decision is
 * committed with `outbox = PENDING`; the API delivers it at once and clears the mark, but if the
 * process dies in between, this stream consumer (retried until it succeeds) delivers it. A
 * delivery twice is harmless: the second token is gone and only clears the mark.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<{ delivered: number }> {
  let delivered = 0;
  for (const record of event.Records ?? []) {
    const image = record.dynamodb?.NewImage;
    if (!image || image.status?.S !== 'DECIDED' || image.outbox?.S !== 'PENDING' || !image.id?.S) continue;
    if (await deliverDecision(image.id.S, sendSuccess)) delivered++;
  }
  if (delivered) logger.info('decision outbox', { delivered });
  return { delivered };
}
