import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { manifest } from '../../infra/manifest.ts';
import type { WorkflowDef } from '../../infra/manifest-types.ts';
import { functionArn, stateMachineArn, tableName } from '../names.ts';
import { plugins, REPO_ROOT, type LocalContext } from '../runtime.ts';
import { stepFunctionsService } from './api.ts';
import { SfnEngine } from './engine.ts';
import { Integrations, registerLocalFunction, type LocalFunction } from './integrations.ts';
import { SfnStore } from './store.ts';

/** The engine of the running stack, for in-process tests and benches. */
export let currentEngine: SfnEngine | undefined;

/** The manifest's workflow definition with its ${Name} substitutions applied (as CDK does). */
export function renderWorkflow(def: WorkflowDef): string {
  let text = readFileSync(resolve(REPO_ROOT, def.definition), 'utf8');
  for (const [key, sub] of Object.entries(def.substitutions ?? {})) {
    const value = 'function' in sub ? functionArn(sub.function) : 'table' in sub ? tableName(sub.table) : 'literal' in sub ? sub.literal : manifest.busName;
    text = text.split(`\${${key}}`).join(value);
  }
  if (def.timeoutSeconds) {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    parsed.TimeoutSeconds ??= def.timeoutSeconds;
    text = JSON.stringify(parsed, null, 2);
  }
  return text;
}

/**
 * JIUZHU_TEST_FUNCTIONS=<module path>: a module exporting `functions: Record<name, handler>`
 * whose handlers run as extra local Lambda functions (arn:aws:lambda:...:function:<name>).
 * For tests and benchmarks only; never set by `npm start` itself.
 */
async function loadTestFunctions(ctx: LocalContext): Promise<void> {
  const path = process.env.JIUZHU_TEST_FUNCTIONS;
  if (!path) return;
  const mod = (await import(pathToFileURL(isAbsolute(path) ? path : resolve(REPO_ROOT, path)).href)) as { functions?: Record<string, LocalFunction> };
  for (const [name, fn] of Object.entries(mod.functions ?? {})) registerLocalFunction(name, fn);
  ctx.log(`stepfunctions: test functions from ${path}: ${Object.keys(mod.functions ?? {}).join(', ')}`);
}

plugins.push({
  name: 'stepfunctions',
  async start(ctx) {
    await loadTestFunctions(ctx);
    const store = new SfnStore(ctx.ddb, ctx.doc);
    await store.ensureTables();
    const engine = new SfnEngine(store, ctx.clock, new Integrations(ctx), ctx.log);
    const resumed = await engine.start();
    if (resumed) ctx.log(`stepfunctions: resumed ${resumed} running execution(s)`);
    for (const [logical, def] of Object.entries(manifest.workflows) as [string, WorkflowDef][]) {
      const arn = stateMachineArn(logical);
      const definition = renderWorkflow(def);
      if (engine.machines.has(arn)) {
        if (engine.machines.get(arn)!.definition !== definition) await engine.updateMachine({ stateMachineArn: arn, definition });
      } else {
        await engine.createMachine({ name: arn.split(':').pop(), definition });
      }
    }
    ctx.aws.register(stepFunctionsService(engine));
    ctx.clock.subscribe(engine);
    currentEngine = engine;
    ctx.health('stepfunctions', () => engine.running);
    ctx.onStop(async () => {
      await engine.stop();
      if (currentEngine === engine) currentEngine = undefined;
    });
  },
});
