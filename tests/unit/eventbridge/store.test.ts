import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStore, type Delivery } from '../../../local/eventbridge/store.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'jiuzhu-eb-store-'));
  dirs.push(d);
  return d;
}

const delivery = (id: string): Delivery => ({
  id,
  eventId: `e-${id}`,
  source: 'arn:aws:events:us-east-1:000000000000:rule/jiuzhu/r',
  targetId: 't',
  arn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
  input: JSON.stringify({ id }),
  retry: { maxRetries: 3, maxAgeMs: 86_400_000 },
  acceptedAt: 0,
  attempts: 0,
});

describe('EventStore group commit', () => {
  it('concurrent acceptDurably calls all resolve, sharing syncs, and every record is in the journal in order', async () => {
    const dir = tempDir();
    const store = new EventStore(dir, true);
    const ids = Array.from({ length: 200 }, (_, i) => `d${i}`);
    // 20 callers at once, as concurrent PutEvents are.
    await Promise.all(Array.from({ length: 20 }, (_, c) => store.acceptDurably(ids.slice(c * 10, c * 10 + 10).map(delivery))));
    const journal = readFileSync(join(dir, 'eventbridge', 'outbox.jsonl'), 'utf8').split('\n').filter(Boolean);
    expect(journal).toHaveLength(20);
    const written = journal.flatMap((l) => (JSON.parse(l) as { d: Delivery[] }).d.map((d) => d.id));
    expect(written).toEqual(ids);
    // Without a clean close (a crash): a new store on the directory finds all of them pending.
    const reopened = new EventStore(dir, true);
    expect([...reopened.pending.keys()].sort()).toEqual([...ids].sort());
    reopened.close();
    store.close();
  });

  it('a sync that began before a write does not answer for it: later callers wait for the next one', async () => {
    const dir = tempDir();
    const store = new EventStore(dir, true);
    const order: string[] = [];
    const first = store.acceptDurably([delivery('a')]).then(() => order.push('a'));
    // Written while the first sync runs: resolves only after a second sync, never before the first.
    const second = store.acceptDurably([delivery('b')]).then(() => order.push('b'));
    const third = store.acceptDurably([delivery('c')]).then(() => order.push('c'));
    await Promise.all([first, second, third]);
    expect(order).toEqual(['a', 'b', 'c']);
    store.done('a');
    store.close();
    const reopened = new EventStore(dir, true);
    expect([...reopened.pending.keys()].sort()).toEqual(['b', 'c']);
    reopened.close();
  });

  it('without a data directory it keeps deliveries in memory and resolves at once', async () => {
    const store = new EventStore(undefined, true);
    await store.acceptDurably([delivery('m')]);
    expect(store.pending.has('m')).toBe(true);
    store.close();
  });
});
