import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableNameFrom } from './dynamo.ts';

/**
 * The Audit table: every decision and policy change, append-only.
 * pk = <entity type>#<id>, sk = <ISO instant>#<uuid>.
 */
const table = () => tableNameFrom('AUDIT_TABLE');

export interface AuditEntry {
  entity: string;
  action: string;
  by: string;
  role: string;
  at: string;
  reason?: string;
  detail?: Record<string, unknown>;
}

/** A Put for a transaction, so the audit record lands with the change it records or not at all. */
export function auditItem(entry: AuditEntry) {
  return {
    Put: {
      TableName: table(),
      Item: { pk: entry.entity, sk: `${entry.at}#${randomUUID()}`, ...entry },
    },
  };
}

export async function auditTrail(entity: string): Promise<AuditEntry[]> {
  const res = await documentClient().send(new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': entity } }));
  return (res.Items ?? []) as AuditEntry[];
}
