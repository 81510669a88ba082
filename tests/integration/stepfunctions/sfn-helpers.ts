import { randomUUID } from 'node:crypto';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';

/** Small helpers for the Step Functions suites: all calls go through @aws-sdk/client-sfn. */
export function sfnClient(awsUrl: string): SFNClient {
  return new SFNClient({ endpoint: awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}

export const uniq = (p = 'sm') => `${p}-${randomUUID().slice(0, 8)}`;

/** A JSONata state machine from its States (StartAt = the first state). */
export function machine(states: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ QueryLanguage: 'JSONata', StartAt: Object.keys(states)[0], States: states, ...extra });
}

export async function create(client: SFNClient, definition: string, name = uniq()): Promise<string> {
  const res = await client.send(new CreateStateMachineCommand({ name, definition, roleArn: 'arn:aws:iam::000000000000:role/test' }));
  return res.stateMachineArn!;
}

export async function start(client: SFNClient, smArn: string, input: unknown = {}, name?: string): Promise<string> {
  const res = await client.send(new StartExecutionCommand({ stateMachineArn: smArn, input: JSON.stringify(input), ...(name ? { name } : {}) }));
  return res.executionArn!;
}

export async function describe(client: SFNClient, executionArn: string): Promise<DescribeExecutionCommandOutput> {
  return client.send(new DescribeExecutionCommand({ executionArn }));
}

/** Polls until the execution is no longer RUNNING (or `status` is reached). */
export async function waitFor(client: SFNClient, executionArn: string, timeoutMs = 15_000, until?: (d: DescribeExecutionCommandOutput) => boolean): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const d = await describe(client, executionArn);
    if (until ? until(d) : d.status !== 'RUNNING') return d;
    if (Date.now() > deadline) throw new Error(`execution still ${d.status} after ${timeoutMs} ms: ${executionArn}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function history(client: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const out: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const res = await client.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
    out.push(...(res.events ?? []));
    nextToken = res.nextToken;
  } while (nextToken);
  return out;
}

/** Waits until the history has an event of this type (e.g. TaskSubmitted) and returns it. */
export async function waitForEvent(client: SFNClient, executionArn: string, type: string, timeoutMs = 10_000): Promise<HistoryEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ev = (await history(client, executionArn)).find((e) => e.type === type);
    if (ev) return ev;
    if (Date.now() > deadline) throw new Error(`no ${type} event in ${executionArn} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export const types = (events: HistoryEvent[]) => events.map((e) => e.type);

/** Event ids run 1..n without gaps and each previousEventId points backwards. */
export function assertWellFormed(events: HistoryEvent[]): void {
  events.forEach((e, i) => {
    if (e.id !== i + 1) throw new Error(`event #${i} has id ${e.id}`);
    if ((e.previousEventId ?? 0) >= e.id!) throw new Error(`event ${e.id} points forward to ${e.previousEventId}`);
  });
}

/** The task token passed in the parameters of the latest TaskScheduled event. */
export function tokenFrom(events: HistoryEvent[], path: (params: any) => string): string {
  const scheduled = events.filter((e) => e.type === 'TaskScheduled').pop();
  if (!scheduled) throw new Error('no TaskScheduled event');
  return path(JSON.parse(scheduled.taskScheduledEventDetails!.parameters!));
}
