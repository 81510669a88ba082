import {
  ExecutionAlreadyExists,
  InvalidToken,
  SFNClient,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';

/** Step Functions, for the application workflow: start it, and answer its callbacks. */
let client: SFNClient | undefined;
const sfn = () => (client ??= new SFNClient({}));

const ENV = { application: 'APPLICATION_WORKFLOW_ARN', rereview: 'REREVIEW_WORKFLOW_ARN' } as const;

function arn(which: keyof typeof ENV = 'application'): string {
  const v = process.env[ENV[which]];
  if (!v) throw new Error(`${ENV[which]} is not set`);
  return v;
}

/** One execution per application, named by its id: starting it twice is harmless. */
export async function startApplicationWorkflow(applicationId: string): Promise<string> {
  return startWorkflow('application', applicationId, { applicationId });
}

/** Starts an execution by name (idempotent: the same name again is the same execution). */
export async function startWorkflow(which: keyof typeof ENV, name: string, input: Record<string, unknown>): Promise<string> {
  try {
    const res = await sfn().send(new StartExecutionCommand({ stateMachineArn: arn(which), name, input: JSON.stringify(input) }));
    return res.executionArn!;
  } catch (err) {
    if (err instanceof ExecutionAlreadyExists) return `${arn(which).replace(':stateMachine:', ':execution:')}:${name}`;
    throw err;
  }
}

/** 'delivered', or 'gone' when the token was already resolved (timed out, completed) — not an error. */
export type CallbackOutcome = 'delivered' | 'gone';

function isGone(err: unknown): boolean {
  return err instanceof TaskTimedOut || err instanceof TaskDoesNotExist || err instanceof InvalidToken;
}

export async function sendSuccess(taskToken: string, output: unknown): Promise<CallbackOutcome> {
  try {
    await sfn().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
    return 'delivered';
  } catch (err) {
    if (isGone(err)) return 'gone';
    throw err;
  }
}

export async function sendFailure(taskToken: string, error: string, cause: string): Promise<CallbackOutcome> {
  try {
    await sfn().send(new SendTaskFailureCommand({ taskToken, error, cause }));
    return 'delivered';
  } catch (err) {
    if (isGone(err)) return 'gone';
    throw err;
  }
}
