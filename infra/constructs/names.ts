import type { WorkflowDef } from '../manifest-types.ts';

/** `reviewFlow` → `REVIEW_FLOW`, `daily-run` → `DAILY_RUN`. */
export function constantCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/** The env var through which functions bound to a workflow learn its state machine ARN. */
export function workflowEnvVar(name: string, def: Pick<WorkflowDef, 'envVar'>): string {
  return def.envVar ?? `${constantCase(name)}_STATE_MACHINE_ARN`;
}

/** The env var through which functions that put events learn the bus name (as locally). */
export const EVENT_BUS_ENV_VAR = 'EVENT_BUS_NAME';
