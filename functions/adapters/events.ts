import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

/** The platform's bus (`jiuzhu`). */
let client: EventBridgeClient | undefined;
const events = () => (client ??= new EventBridgeClient({}));

export async function putEvent(source: string, detailType: string, detail: unknown): Promise<void> {
  const res = await events().send(
    new PutEventsCommand({
      Entries: [{ EventBusName: process.env.EVENT_BUS_NAME ?? 'jiuzhu', Source: source, DetailType: detailType, Detail: JSON.stringify(detail) }],
    }),
  );
  if (res.FailedEntryCount) throw new Error(`PutEvents failed: ${res.Entries?.[0]?.ErrorCode} ${res.Entries?.[0]?.ErrorMessage}`);
}
