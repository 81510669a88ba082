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

function arn(): string {
  const v = process.env.APPLICATION_WORKFLOW_ARN;
  if (!v) throw new Error('APPLICATION_WORKFLOW_ARN is not set');
  return v;
}

/** One execution per application, named by its id: starting it twice is harmless. */
export async function startApplicationWorkflow(applicationId: string): Promise<string> {
  try {
    const res = await sfn().send(new StartExecutionCommand({ stateMachineArn: arn(), name: applicationId, input: JSON.stringify({ applicationId }) }));
    return res.executionArn!;
  } catch (err) {
    if (err instanceof ExecutionAlreadyExists) return `${arn().replace(':stateMachine:', ':execution:')}:${applicationId}`;
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
