/**
 * Counts AWS calls (DynamoDB by operation and table, Step Functions by action) made by the
 * Lambdas of the local stack and by the stack's own parts, for benches that print calls per request.
 */
import { performance } from 'node:perf_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export class CallCounter {
  readonly counts = new Map<string, number>();
  readonly ms = new Map<string, number>();
  on = true;
  attach(client: DynamoDBClient | DynamoDBDocumentClient, side: string): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (this.on) {
          const input = (args.input ?? {}) as { TableName?: string; TransactItems?: unknown[]; RequestItems?: Record<string, unknown> };
          const table = input.TableName ?? (input.RequestItems ? Object.keys(input.RequestItems).join('+') : input.TransactItems ? `${input.TransactItems.length} items` : '');
          const key = `${side} ${String(context.commandName).replace(/Command$/, '')} ${table}`;
          this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
          const t0 = performance.now();
          try {
            return await next(args);
          } finally {
            this.ms.set(key, (this.ms.get(key) ?? 0) + performance.now() - t0);
          }
        }
        return next(args);
      },
      { step: 'initialize', name: `count-${side}-${Math.random()}` },
    );
  }
  reset(): void {
    this.counts.clear();
    this.ms.clear();
  }
  total(prefix = ''): number {
    let n = 0;
    for (const [k, v] of this.counts) if (k.startsWith(prefix)) n += v;
    return n;
  }
  table(per = 1): string {
    return [...this.counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `    ${(v / per).toFixed(2).padStart(7)}  ${k.padEnd(52)} ${((this.ms.get(k) ?? 0) / v).toFixed(1).padStart(6)} ms each`).join('\n');
  }
}
