import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One runtime per data directory. The lock is taken before anything else touches the directory
 * (DynamoDB Local's pid file, the clock, the outbox): a second `npm start` on the same directory
 * says who holds it and leaves the running stack alone. A lock whose process is gone (a
 * SIGKILLed runtime) is taken over.
 */
export class DataDirLockedError extends Error {}

interface Holder {
  pid: number;
  startedAt: string;
  ports?: { http?: number; aws?: number };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DataDirLock {
  file: string;
  /** Record the ports once known, for the message a second start prints. */
  describe(ports: { http?: number; aws?: number }): void;
  release(): void;
}

export async function lockDataDir(dir: string): Promise<DataDirLock> {
  const file = join(dir, 'runtime.lock');
  const me: Holder = { pid: process.pid, startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder: Holder | undefined;
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as Holder;
      } catch {
        holder = undefined; // being written right now, or garbage: look again
      }
      if (holder && holder.pid !== process.pid && alive(holder.pid)) {
        const where = holder.ports?.http ? ` (HTTP API on port ${holder.ports.http}${holder.ports.aws ? `, AWS endpoint on ${holder.ports.aws}` : ''})` : '';
        throw new DataDirLockedError(
          `the data directory ${dir} is in use by another runtime: pid ${holder.pid}, started ${holder.startedAt}${where}. Stop it first, or set LOCAL_DATA_DIR to another directory.`,
        );
      }
      if (!holder && attempt === 0) {
        // A holder writing its lock right now: give it a moment before calling the lock stale.
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      rmSync(file, { force: true });
      continue;
    }
    writeSync(fd, JSON.stringify(me));
    closeSync(fd);
    let released = false;
    return {
      file,
      describe(ports) {
        me.ports = ports;
        if (!released) rewrite(file, JSON.stringify(me));
      },
      release() {
        if (released) return;
        released = true;
        try {
          const holder = JSON.parse(readFileSync(file, 'utf8')) as Holder;
          if (holder.pid === process.pid) rmSync(file, { force: true });
        } catch {
          /* already gone */
        }
      },
    };
  }
  throw new DataDirLockedError(`could not take the lock on the data directory ${dir} (${file})`);
}

function rewrite(file: string, text: string): void {
  const fd = openSync(file, 'w');
  writeSync(fd, text);
  closeSync(fd);
}
