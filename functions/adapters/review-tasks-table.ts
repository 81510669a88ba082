import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Investigation, ReviewLevel } from '../domain/application.ts';
import { documentClient, tableNameFrom } from './dynamo.ts';
import { keyAttrs, queryPage, type Page, type PageResult } from '../commons/pagination.ts';

/**
 * The ReviewTasks table: pk = id. Open tasks also carry openLevel = <level> and
 * openSort = <regionCode>#<createdAt>#<id> for the sparse GSI `openByLevel`, so a reviewer's
 * list is one Query with begins_with(jurisdiction). The callback token lives here only.
 */
const table = () => tableNameFrom('REVIEW_TASKS_TABLE');

export type TaskStatus = 'OPEN' | 'DECIDED';

/** REVIEW: a step of the application or re-review workflow; EMERGENCY: the town's 急难型 grant; APPEAL: a review one level up (no workflow). */
export type TaskKind = 'REVIEW' | 'EMERGENCY' | 'APPEAL';

export interface Escalation {
  at: string;
  reason: 'LEVEL_DUE' | 'CASE_DEADLINE_NEAR' | 'CASE_DEADLINE_PASSED';
}

export interface ReviewTaskRecord {
  id: string;
  applicationId: string;
  /** `admin` only for appeals against a prefecture city's decision. */
  level: ReviewLevel | 'admin';
  kind?: TaskKind;
  /** APPLICATION or REREVIEW. */
  caseKind?: string;
  /** Appeals: only reviewers whose jurisdiction code is at most this long, other than the decider. */
  maxJurisdictionLength?: number;
  excludeSub?: string;
  nextEscalationAt?: string;
  regionCode: string;
  status: TaskStatus;
  createdAt: string;
  dueAt: string;
  overdue?: boolean;
  escalations?: Escalation[];
  summary: Record<string, unknown>;
  /** Server-side only. */
  taskToken?: string;
  decision?: {
    decision: 'approve' | 'reject' | 'uphold' | 'overturn';
    reason?: string;
    investigation?: Investigation;
    categories?: string[];
    monthlyAmounts?: Record<string, number>;
    spotCheck?: Investigation & { findings?: string };
    route?: string;
    afterNotice?: string;
    taskId?: string;
    level?: string;
    by: string;
    role: string;
    regionCode?: string;
    at: string;
  };
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

/** One page of the open tasks of a level under a jurisdiction prefix (paging: functions/commons/pagination.ts). */
export async function listOpenTasks(level: string, jurisdiction: string, page: Page): Promise<PageResult<ReviewTaskRecord>> {
  const res = await queryPage(
    (cmd) => documentClient().send(cmd),
    {
      TableName: table(),
      IndexName: 'openByLevel',
      KeyConditionExpression: jurisdiction ? 'openLevel = :l AND begins_with(openSort, :j)' : 'openLevel = :l',
      ExpressionAttributeValues: { ':l': level, ...(jurisdiction ? { ':j': jurisdiction } : {}) },
    },
    page,
    keyAttrs('id', 'openLevel', 'openSort'),
  );
  return { items: res.items as unknown as ReviewTaskRecord[], nextCursor: res.nextCursor };
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

/**
 * Records an escalation and when the next one falls due. The level's `dueAt` never moves, so
 * `overdue` (now past dueAt) stays honest. Conditional on the expected next time, so a step run
 * twice records the escalation once.
 */
export async function recordEscalation(id: string, e: Escalation, expectedAt: string | undefined, nextAt: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: { id },
        UpdateExpression: 'SET escalations = list_append(if_not_exists(escalations, :empty), :e), nextEscalationAt = :n',
        ConditionExpression: expectedAt ? '#s = :open AND nextEscalationAt = :x' : '#s = :open AND attribute_not_exists(nextEscalationAt)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':e': [e], ':empty': [], ':n': nextAt, ':open': 'OPEN', ...(expectedAt ? { ':x': expectedAt } : {}) },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

export async function setNextEscalation(id: string, nextAt: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({ TableName: table(), Key: { id }, UpdateExpression: 'SET nextEscalationAt = if_not_exists(nextEscalationAt, :n)', ExpressionAttributeValues: { ':n': nextAt } }),
  );
}

/** The conditional OPEN → DECIDED write, as a transaction item (paired with the audit record). */
export function decideItem(id: string, decision: NonNullable<ReviewTaskRecord['decision']>) {
  return {
    TableName: table(),
    Key: { id },
    // `outbox` PENDING: the decision still has to reach the workflow. The table's stream carries
    // it to the decision outbox (functions/handlers/review-outbox.ts) even if this process dies
    // right after the commit; whoever delivers it clears the mark.
    UpdateExpression: 'SET #s = :decided, decision = :d, outbox = :pending REMOVE openLevel, openSort',
    ConditionExpression: '#s = :open',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':decided': 'DECIDED', ':open': 'OPEN', ':d': decision, ':pending': 'PENDING' },
  };
}

/** The decision reached its workflow (or the workflow no longer waits for it). */
export async function markDelivered(id: string): Promise<void> {
  await documentClient().send(new UpdateCommand({ TableName: table(), Key: { id }, UpdateExpression: 'REMOVE outbox', ConditionExpression: 'attribute_exists(id)' })).catch((err: unknown) => {
    if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
  });
}

/**
 * Delivers a committed decision through the task's current token. The workflow's token step
 * writes its token and then reads the status, so one side always sees the other; a token that
 * is gone (already resolved, or superseded after an escalation) is retried with the current one.
 * Returns whether the decision is now delivered (false: no token yet; the token step sends it).
 */
export async function deliverDecision(
  taskId: string,
  send: (token: string, decision: unknown) => Promise<'delivered' | 'gone' | string>,
  known?: { token: string | undefined; decision: NonNullable<ReviewTaskRecord['decision']> },
): Promise<boolean> {
  let lastToken: string | undefined;
  // The decider read the token with the task before committing: try it without reading the task
  // again. Only a token superseded meanwhile (an escalation) or none yet needs the read below.
  if (known?.token) {
    if ((await send(known.token, known.decision)) === 'delivered') {
      await markDelivered(taskId);
      return true;
    }
    lastToken = known.token;
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const current = await getTask(taskId);
    if (!current || current.status !== 'DECIDED' || !current.decision) return false;
    if (!(current as { outbox?: string }).outbox) return true;
    const token = current.taskToken;
    if (!token) return false;
    if (token === lastToken) break;
    if ((await send(token, current.decision)) === 'delivered') {
      await markDelivered(taskId);
      return true;
    }
    lastToken = token;
  }
  // Every token we saw was gone: the workflow has moved on (it got this decision already).
  await markDelivered(taskId);
  return true;
}
