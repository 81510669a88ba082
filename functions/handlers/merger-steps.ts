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

/**
 * Memory around each chunk invocation (heap and RSS sampled every 5 ms while it runs, and the
 * process's maxRSS): what one chunk Lambda needs. bench/merger.ts reads it; in AWS the REPORT
 * line's "Max Memory Used" says the same.
 */
export interface ChunkMemory {
  invocations: number;
  /** Largest heap growth above the invocation's start. */
  peakHeapAboveStartMb: number;
  peakHeapMb: number;
  peakRssMb: number;
  maxRssMb: number;
}
const memory: ChunkMemory = { invocations: 0, peakHeapAboveStartMb: 0, peakHeapMb: 0, peakRssMb: 0, maxRssMb: 0 };
export const chunkMemory = (): ChunkMemory => ({ ...memory });
export function resetChunkMemory(): void {
  Object.assign(memory, { invocations: 0, peakHeapAboveStartMb: 0, peakHeapMb: 0, peakRssMb: 0, maxRssMb: 0 });
}
const MB = 1024 * 1024;

/** One sampler for all invocations in flight (every 10 ms while any runs). */
const active = new Set<{ heap: number; rss: number }>();
let timer: NodeJS.Timeout | undefined;
function sample() {
  const m = process.memoryUsage();
  for (const p of active) {
    p.heap = Math.max(p.heap, m.heapUsed);
    p.rss = Math.max(p.rss, m.rss);
  }
}

async function withMemoryProbe<T>(fn: () => Promise<T>): Promise<T> {
  const start = process.memoryUsage().heapUsed;
  const probe = { heap: start, rss: 0 };
  active.add(probe);
  if (!timer) {
    timer = setInterval(sample, 10);
    timer.unref();
  }
  try {
    return await fn();
  } finally {
    sample();
    active.delete(probe);
    if (!active.size && timer) {
      clearInterval(timer);
      timer = undefined;
    }
    const mb = (b: number) => Math.round((b / MB) * 10) / 10;
    memory.invocations++;
    memory.peakHeapAboveStartMb = Math.max(memory.peakHeapAboveStartMb, mb(probe.heap - start));
    memory.peakHeapMb = Math.max(memory.peakHeapMb, mb(probe.heap));
    memory.peakRssMb = Math.max(memory.peakRssMb, mb(probe.rss));
    memory.maxRssMb = Math.max(memory.maxRssMb, Math.round((process.resourceUsage().maxRSS / 1024) * 10) / 10);
  }
}

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
        return await withMemoryProbe(() => processChunk(step.importId, step.chunk));
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
