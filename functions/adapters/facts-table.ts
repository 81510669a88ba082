import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableNameFrom } from './dynamo.ts';

/**
 * The Facts table: what other departments hold about a person, for the economic cross-check
 * (核对). pk = PERSON#<idHash>, sk = <kind>#<source>#<ref>.
 */
const table = () => tableNameFrom('FACTS_TABLE');

export type FactKind = 'DEPOSIT' | 'VEHICLE' | 'REAL_ESTATE' | 'BUSINESS';

export interface Fact {
  kind: FactKind;
  source: string;
  ref: string;
  /** Money in fen (deposits, vehicle value); a count for real estate; 1 for a registered business. */
  amount: number;
  asOf: string;
}

export async function factsOf(idHash: string): Promise<Fact[]> {
  const res = await documentClient().send(
    new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `PERSON#${idHash}` } }),
  );
  return (res.Items ?? []) as Fact[];
}

export async function putFacts(idHash: string, facts: Fact[]): Promise<void> {
  for (let i = 0; i < facts.length; i += 25) {
    const batch = facts.slice(i, i + 25).map((f) => ({ PutRequest: { Item: { pk: `PERSON#${idHash}`, sk: `${f.kind}#${f.source}#${f.ref}`, ...f } } }));
    await documentClient().send(new BatchWriteCommand({ RequestItems: { [table()]: batch } }));
  }
}
