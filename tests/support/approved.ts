import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/adapters/dynamo.ts';
import { entitlementItems, householdItems, type EntitlementRecord } from '../../functions/adapters/households-table.ts';
import { householdIdOf, idHash } from '../../functions/commons/id-hash.ts';
import { birthDateOf, maskId } from '../../functions/domain/resident-id.ts';
import type { dibaoHousehold } from './people.ts';

export interface GrantedEntitlement {
  category: string;
  fen: number;
  startMonth: string;
  validUntilMonth?: string;
}

/**
 * An approved household written as the workflow's grant step writes it (profile, members,
 * memberships, entitlements), in one transaction; its id is its head's. For suites that need a
 * household on the books without walking a case through review.
 */
export async function writeApprovedHousehold(household: ReturnType<typeof dibaoHousehold>, entitlements: readonly GrantedEntitlement[]): Promise<string> {
  const head = household.members.find((m) => m.relation === 'self')!;
  const householdId = householdIdOf(head.idNumber);
  const applicationId = `app_test${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const at = new Date().toISOString();
  const records: EntitlementRecord[] = entitlements.map((e) => ({
    householdId,
    category: e.category,
    monthlyAmountFen: e.fen,
    amounts: [{ from: e.startMonth, monthlyAmountFen: e.fen, reason: 'granted', at, by: 'system' }],
    startMonth: e.startMonth,
    applicationId,
    regionCode: household.regionCode,
    grantedAt: at,
    status: 'ACTIVE',
    ...(e.validUntilMonth ? { validUntilMonth: e.validUntilMonth } : {}),
  }));
  await documentClient().send(
    new TransactWriteCommand({
      TransactItems: [
        ...entitlementItems(records),
        ...householdItems(
          { householdId, regionCode: household.regionCode, applicationId, household, updatedAt: at },
          household.members.map((m) => ({ householdId, idHash: idHash(m.idNumber), maskedId: maskId(m.idNumber), birthDate: birthDateOf(m.idNumber), relation: m.relation, regionCode: household.regionCode })),
        ),
      ],
    }),
  );
  return householdId;
}
