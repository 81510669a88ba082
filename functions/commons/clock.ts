/**
 * Every "now" in the platform goes through here. In AWS it is system time; the local runtime
 * installs its controllable clock (so tests can cross a 7-day notice in milliseconds).
 */
type NowSource = () => number;

let source: NowSource = () => Date.now();

export function installClock(next: NowSource): void {
  source = next;
}

export function nowMs(): number {
  return source();
}

export function now(): Date {
  return new Date(source());
}

/** Today's date (YYYY-MM-DD) in Asia/Shanghai, as API.md reckons dates. */
export function todayInShanghai(at: number = source()): string {
  return new Date(at + 8 * 3600_000).toISOString().slice(0, 10);
}
