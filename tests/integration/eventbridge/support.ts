import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../../../local/names.ts';

export const lambdaArn = (name: string) => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${name}`;

export function eventsClient(awsUrl: string): EventBridgeClient {
  return new EventBridgeClient({ endpoint: awsUrl, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
}

/** Calls one of the local-only actions (dead letters, waiting for deliveries) on the endpoint. */
export async function localAction<T = Record<string, unknown>>(awsUrl: string, action: string, body: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(awsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status !== 200) throw new Error(`${action}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
