import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seedPolicies } from '../functions/adapters/policies-table.ts';

/**
 * One-off after deploy (idempotent, never overwrites an admin's value):
 *   POLICIES_TABLE=<name> AUDIT_TABLE=<name> npx tsx scripts/seed-policies.ts
 */
const policies = process.env.POLICIES_TABLE;
const audit = process.env.AUDIT_TABLE;
if (!policies || !audit) {
  console.error('set POLICIES_TABLE and AUDIT_TABLE');
  process.exit(1);
}
const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
console.log(`seeded ${await seedPolicies(doc, policies, audit)} policy values`);
