import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../functions/adapters/dynamo.ts';
import { registerCounty } from '../../functions/adapters/monitoring-table.ts';
import type { HouseholdInput } from '../../functions/domain/household.ts';
import { householdWrite } from '../../scripts/seed-population.ts';
import { residentId } from './people.ts';

/**
 * Writes a monitored household directly, exactly as an approval writes it (same item builders),
 * for focused monitoring tests. Runs in the test process against the in-process stack.
 */
export async function writeHousehold(household: HouseholdInput, approvedAt: string, opts: Parameters<typeof householdWrite>[2] = {}) {
  const w = householdWrite(household, approvedAt, opts);
  for (const Item of w.items) await documentClient().send(new PutCommand({ TableName: process.env.HOUSEHOLDS_TABLE!, Item }));
  await registerCounty(w.regionCode.slice(0, 6), approvedAt);
  return w;
}

let seq = 100;
/** A unique valid ID per call for a birth date (sequence numbers 100+ to stay clear of people.ts). */
export function idBorn(birthDate: string, area = '610124'): string {
  seq = seq >= 998 ? 100 : seq + 1;
  return residentId(area, birthDate, seq);
}

export const able = { name: '赡养人', idNumber: residentId('610124', '1975-01-01', 9), able: true };

export function member(idNumber: string, extra: Partial<HouseholdInput['members'][number]> = {}): HouseholdInput['members'][number] {
  return { name: '成员', idNumber, relation: 'self', disability: null, laborAbility: 'none', monthlyIncome: 100, ...extra };
}

export function household(members: HouseholdInput['members'], extra: Partial<HouseholdInput> = {}): HouseholdInput {
  return {
    regionCode: '610124121200',
    hukouType: 'rural',
    members,
    assets: { deposits: 1000, vehicles: [], properties: 1, businessRegistered: false },
    livingConditions: { housingSafe: true, drinkingWaterSafe: true },
    rigidExpenditure12m: { medical: 0, education: 0, rehabilitation: 0 },
    supporters: [able],
    ...extra,
  };
}
