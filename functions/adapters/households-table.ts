import { QueryCommand, PutCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableNameFrom } from './dynamo.ts';

/**
 * The Households table.
 *   pk = HH#<householdId>, sk = PROFILE          region, members (by keyed hash, masked ID, birth date)
 *   pk = HH#<householdId>, sk = ENT#<category>   an active entitlement (written with the approval)
 *   pk = PERSON#<idHash>,  sk = HH#<householdId> membership: which households a person is in
 */
const table = () => tableNameFrom('HOUSEHOLDS_TABLE');

export interface Membership {
  householdId: string;
  applicationId: string;
  regionCode: string;
}

export interface EntitlementRecord {
  householdId: string;
  category: string;
  monthlyAmountFen: number;
  startMonth: string;
  applicationId: string;
  regionCode: string;
  grantedAt: string;
  status: 'ACTIVE' | 'ENDED';
  /** RIGID_EXPENDITURE is granted for 12 months, then the household re-applies. */
  validUntilMonth?: string;
}

export async function membershipsOf(idHash: string): Promise<Membership[]> {
  const res = await documentClient().send(
    new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `PERSON#${idHash}` } }),
  );
  return (res.Items ?? []) as Membership[];
}

export async function putMembership(idHash: string, m: Membership): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: table(), Item: { pk: `PERSON#${idHash}`, sk: `HH#${m.householdId}`, ...m } }));
}

/**
 * Entitlement writes for a transaction. The condition keeps a replayed grant from writing a
 * second set: an entitlement from this very application is never overwritten.
 */
export function entitlementItems(records: EntitlementRecord[]): NonNullable<TransactWriteCommandInput['TransactItems']> {
  return records.map((r) => ({
    Put: {
      TableName: table(),
      Item: { pk: `HH#${r.householdId}`, sk: `ENT#${r.category}`, ...r },
      ConditionExpression: 'attribute_not_exists(pk) OR applicationId <> :app',
      ExpressionAttributeValues: { ':app': r.applicationId },
    },
  }));
}

export async function entitlementsOf(householdId: string): Promise<EntitlementRecord[]> {
  const res = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)',
      ExpressionAttributeValues: { ':p': `HH#${householdId}`, ':e': 'ENT#' },
      ConsistentRead: true,
    }),
  );
  return (res.Items ?? []) as EntitlementRecord[];
}
