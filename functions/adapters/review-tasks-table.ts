import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Investigation, ReviewLevel } from '../domain/application.ts';
import { documentClient, tableNameFrom } from './dynamo.ts';

/**
 * The ReviewTasks table: pk = id. Open tasks also carry openLevel = <level> and
 * openSort = <regionCode>#<createdAt>#<id> for the sparse GSI `openByLevel`, so a reviewer's
 * list is one Query with begins_with(jurisdiction). The callback token lives here only.
 */
const table = () => tableNameFrom('REVIEW_TASKS_TABLE');

export type TaskStatus = 'OPEN' | 'DECIDED';

export interface ReviewTaskRecord {
  id: string;
  applicationId: string;
  level: ReviewLevel;
  regionCode: string;
  status: TaskStatus;
  createdAt: string;
  dueAt: string;
  overdue?: boolean;
  escalations?: number;
  summary: Record<string, unknown>;
  /** Server-side only. */
  taskToken?: string;
  decision?: { decision: 'approve' | 'reject'; reason?: string; investigation?: Investigation; by: string; role: string; at: string };
  openLevel?: string;
  openSort?: string;
}

export async function putTaskIfAbsent(task: ReviewTaskRecord): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: table(),
        Item: { ...task, openLevel: task.level, openSort: `${task.regionCode}#${task.createdAt}#${task.id}` },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

export async function getTask(id: string): Promise<ReviewTaskRecord | undefined> {
  const res = await documentClient().send(new GetCommand({ TableName: table(), Key: { id }, ConsistentRead: true }));
  return res.Item as ReviewTaskRecord | undefined;
}

export async function listOpenTasks(level: ReviewLevel, jurisdiction: string, limit = 100): Promise<ReviewTaskRecord[]> {
  const res = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      IndexName: 'openByLevel',
      KeyConditionExpression: 'openLevel = :l AND begins_with(openSort, :j)',
      ExpressionAttributeValues: { ':l': level, ':j': jurisdiction },
      Limit: limit,
    }),
  );
  return (res.Items ?? []) as ReviewTaskRecord[];
}

/** Stores the current callback token (a new one after each escalation). */
export async function attachToken(id: string, taskToken: string): Promise<ReviewTaskRecord | undefined> {
  const res = await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { id },
      UpdateExpression: 'SET taskToken = :t',
      ConditionExpression: 'attribute_exists(id)',
      ExpressionAttributeValues: { ':t': taskToken },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return res.Attributes as ReviewTaskRecord | undefined;
}

export async function markOverdue(id: string, dueAt: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: table(),
      Key: { id },
      UpdateExpression: 'SET overdue = :t, dueAt = :d, escalations = if_not_exists(escalations, :z) + :one',
      ConditionExpression: '#s = :open',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':t': true, ':d': dueAt, ':z': 0, ':one': 1, ':open': 'OPEN' },
    }),
  ).catch((err: unknown) => {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  });
}

/** The conditional OPEN → DECIDED write, as a transaction item (paired with the audit record). */
export function decideItem(id: string, decision: NonNullable<ReviewTaskRecord['decision']>) {
  return {
    TableName: table(),
    Key: { id },
    UpdateExpression: 'SET #s = :decided, decision = :d REMOVE openLevel, openSort',
    ConditionExpression: '#s = :open',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':decided': 'DECIDED', ':open': 'OPEN', ':d': decision },
  };
}
