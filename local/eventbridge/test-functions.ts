import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Extra Lambda handlers that exist only in tests and benchmarks, reachable as event targets by
 * name or ARN (`arn:aws:lambda:us-east-1:000000000000:function:<name>`).
 *
 * - In process: `registerTestFunction(name, handler)`.
 * - In a child runtime (`npm start`): `JIUZHU_TEST_FUNCTIONS=<module path>`; the module exports
 *   `functions: Record<string, handler>`. Never set in production: the variable is only read by
 *   the local runtime.
 */
export type TestHandler = (event: unknown) => unknown;

const registry = new Map<string, TestHandler>();

export function registerTestFunction(name: string, handler: TestHandler): void {
  registry.set(name, handler);
}

export function unregisterTestFunction(name: string): void {
  registry.delete(name);
}

export function testFunctionFor(nameOrArn: string): TestHandler | undefined {
  const name = nameOrArn.startsWith('arn:') ? nameOrArn.split(':')[6] : nameOrArn;
  return name ? registry.get(name) : undefined;
}

export async function loadTestFunctionsFromEnv(env = process.env): Promise<string[]> {
  const path = env.JIUZHU_TEST_FUNCTIONS;
  if (!path) return [];
  const mod = (await import(pathToFileURL(resolve(path)).href)) as { functions?: Record<string, TestHandler> };
  const names: string[] = [];
  for (const [name, fn] of Object.entries(mod.functions ?? {})) {
    if (typeof fn !== 'function') continue;
    registerTestFunction(name, fn);
    names.push(name);
  }
  return names;
}
