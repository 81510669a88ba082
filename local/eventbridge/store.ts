import { closeSync, existsSync, fdatasync, fdatasyncSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The bus's durable state in `<dataDir>/eventbridge/` (memory only when the runtime has no data
 * directory):
 * - `outbox.jsonl`: an append-only journal of deliveries. Accepted deliveries are written and
 *   fdatasync'ed before PutEvents answers (group commit: PutEvents calls arriving while one
 *   fdatasync runs share the next one, off the event loop); "done" marks are appended (batched)
 *   after delivery;
 *   on start the journal is replayed, pending deliveries are redelivered, and it is compacted.
 * - `rules.json`: rules and targets created through the API (atomically rewritten).
 * - `schedules.json`: per schedule, its anchor and the last occurrence fired.
 */

export interface RetryConfig {
  maxRetries: number;
  maxAgeMs: number;
}

export interface Delivery {
  id: string;
  eventId: string;
  /** Rule or schedule ARN. */
  source: string;
  targetId: string;
  arn: string;
  /** What the target receives (JSON text, or plain text from a non-JSON InputTemplate). */
  input: string;
  retry: RetryConfig;
  acceptedAt: number;
  attempts: number;
}

export interface DeadLetter extends Delivery {
  lastError: string;
  failedAt: number;
}

type JournalRecord =
  | { op: 'put'; d: Delivery[] }
  | { op: 'done'; ids: string[] }
  | { op: 'dead'; dl: DeadLetter }
  | { op: 'redrive'; ids: string[] };

export class EventStore {
  readonly pending = new Map<string, Delivery>();
  readonly dead = new Map<string, DeadLetter>();
  private readonly dir: string | undefined;
  private fd: number | undefined;
  private doneBuffer: string[] = [];
  private doneTimer: NodeJS.Timeout | undefined;
  /** The fdatasync now running, and the one queued behind it for writes made since it began. */
  private syncing: Promise<void> | undefined;
  private queuedSync: Promise<void> | undefined;

  constructor(
    dataDir: string | undefined,
    private readonly fsync = true,
  ) {
    this.dir = dataDir ? join(dataDir, 'eventbridge') : undefined;
    if (this.dir) {
      mkdirSync(this.dir, { recursive: true });
      this.replay();
      this.compact();
      this.fd = openSync(this.journalPath, 'a');
    }
  }

  private get journalPath(): string {
    return join(this.dir!, 'outbox.jsonl');
  }

  private replay(): void {
    if (!existsSync(this.journalPath)) return;
    for (const line of readFileSync(this.journalPath, 'utf8').split('\n')) {
      if (!line) continue;
      let rec: JournalRecord;
      try {
        rec = JSON.parse(line) as JournalRecord;
      } catch {
        continue; // a torn last line from a crash mid-write: that PutEvents was never answered
      }
      if (rec.op === 'put') for (const d of rec.d) this.pending.set(d.id, d);
      else if (rec.op === 'done') for (const id of rec.ids) this.pending.delete(id);
      else if (rec.op === 'dead') {
        this.pending.delete(rec.dl.id);
        this.dead.set(rec.dl.id, rec.dl);
      } else if (rec.op === 'redrive') {
        for (const id of rec.ids) {
          const dl = this.dead.get(id);
          if (!dl) continue;
          this.dead.delete(id);
          this.pending.set(id, toDelivery(dl));
        }
      }
    }
  }

  private compact(): void {
    const lines: string[] = [];
    if (this.pending.size) lines.push(JSON.stringify({ op: 'put', d: [...this.pending.values()] }));
    for (const dl of this.dead.values()) lines.push(JSON.stringify({ op: 'dead', dl }));
    const tmp = `${this.journalPath}.tmp`;
    writeFileSync(tmp, lines.map((l) => `${l}\n`).join(''));
    const fd = openSync(tmp, 'r+');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, this.journalPath);
  }

  private append(rec: JournalRecord, sync: boolean): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(rec)}\n`);
    if (sync && this.fsync) fdatasyncSync(this.fd);
  }

  /** Durably record accepted deliveries (before the caller is answered), synchronously. */
  accept(deliveries: Delivery[]): void {
    if (deliveries.length === 0) return;
    this.append({ op: 'put', d: deliveries }, true);
    for (const d of deliveries) this.pending.set(d.id, d);
  }

  /**
   * The same, resolving once the deliveries are on disk. The record is written at once; its
   * fdatasync runs in libuv's thread pool and is shared by every caller that wrote before it
   * began (group commit), so many PutEvents calls cost one sync, and the event loop never
   * waits on the disk.
   */
  acceptDurably(deliveries: Delivery[]): Promise<void> {
    if (deliveries.length === 0) return Promise.resolve();
    this.append({ op: 'put', d: deliveries }, false);
    for (const d of deliveries) this.pending.set(d.id, d);
    return this.durable();
  }

  /** Resolves when everything written so far is on disk. */
  private durable(): Promise<void> {
    if (this.fd === undefined || !this.fsync) return Promise.resolve();
    // A sync already running may have begun before our write: the next one covers it.
    if (!this.syncing) return this.startSync();
    this.queuedSync ??= this.syncing
      .catch(() => undefined)
      .then(() => {
        this.queuedSync = undefined;
        return this.startSync();
      });
    return this.queuedSync;
  }

  private startSync(): Promise<void> {
    const fd = this.fd;
    const p = new Promise<void>((resolve, reject) => {
      if (fd === undefined) return reject(new Error('the outbox is closed'));
      fdatasync(fd, (err) => (err ? reject(err) : resolve()));
    });
    this.syncing = p;
    void p
      .catch(() => undefined)
      .then(() => {
        if (this.syncing === p) this.syncing = undefined;
      });
    return p;
  }

  done(id: string): void {
    if (!this.pending.delete(id)) return;
    if (this.fd === undefined) return;
    this.doneBuffer.push(id);
    // Losing a "done" mark in a crash only means a redelivery (at least once): batch them.
    this.doneTimer ??= setTimeout(() => this.flushDone(), 50);
  }

  flushDone(): void {
    if (this.doneTimer) clearTimeout(this.doneTimer);
    this.doneTimer = undefined;
    if (this.doneBuffer.length === 0) return;
    const ids = this.doneBuffer;
    this.doneBuffer = [];
    this.append({ op: 'done', ids }, false);
  }

  deadLetter(d: Delivery, error: string, at: number): DeadLetter {
    const dl: DeadLetter = { ...d, lastError: error, failedAt: at };
    this.pending.delete(d.id);
    this.dead.set(d.id, dl);
    this.append({ op: 'dead', dl }, true);
    return dl;
  }

  redrive(ids: string[]): Delivery[] {
    const out: Delivery[] = [];
    for (const id of ids) {
      const dl = this.dead.get(id);
      if (!dl) continue;
      this.dead.delete(id);
      const d = toDelivery(dl);
      this.pending.set(id, d);
      out.push(d);
    }
    if (out.length) this.append({ op: 'redrive', ids: out.map((d) => d.id) }, true);
    return out;
  }

  close(): void {
    this.flushDone();
    if (this.fd !== undefined && this.fsync) fdatasyncSync(this.fd);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  // ------------------------------------------------------------------ small JSON documents

  readDoc<T>(name: string, fallback: T): T {
    if (!this.dir) return fallback;
    const file = join(this.dir, name);
    if (!existsSync(file)) return fallback;
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch {
      return fallback;
    }
  }

  writeDoc(name: string, value: unknown): void {
    if (!this.dir) return;
    const file = join(this.dir, name);
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, JSON.stringify(value, null, 1));
    renameSync(tmp, file);
  }
}

function toDelivery(dl: DeadLetter): Delivery {
  const { lastError: _e, failedAt: _f, ...d } = dl;
  void _e;
  void _f;
  // A redriven delivery starts afresh: new attempts, new age.
  return { ...d, attempts: 0, acceptedAt: Date.now() };
}
