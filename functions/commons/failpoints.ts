/**
 * Failpoints for the crash tests, active only in the local runtime (JIUZHU_LOCAL=1) and only
 * when named in JIUZHU_FAILPOINTS: `hang:<name>` stops the request there for good (the process
 * is then SIGKILLed by the test), as if it had died at that point.
 */
export async function failpoint(name: string): Promise<void> {
  if (process.env.JIUZHU_LOCAL !== '1' || !process.env.JIUZHU_FAILPOINTS) return;
  const active = process.env.JIUZHU_FAILPOINTS.split(',');
  if (active.includes(`hang:${name}`)) await new Promise(() => undefined);
}

export function failpointActive(name: string): boolean {
  return process.env.JIUZHU_LOCAL === '1' && (process.env.JIUZHU_FAILPOINTS ?? '').split(',').includes(name);
}
