import { checkCharacter } from '../../functions/domain/resident-id.ts';

/** A valid resident ID number (GB 11643) for an area, birth date (YYYY-MM-DD) and sequence. */
export function residentId(area: string, birthDate: string, sequence: number): string {
  const body = `${area}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return body + checkCharacter(body);
}

let nextSeq = 1;
/** A fresh person each call (odd sequence = male, even = female). */
export function person(birthDate: string, opts: { area?: string; female?: boolean } = {}): string {
  let seq = nextSeq++ % 500;
  seq = seq * 2 + (opts.female ? 0 : 1);
  return residentId(opts.area ?? '610124', birthDate, seq);
}

/** A poor rural household in 白杨林村 that qualifies for DIBAO under the national defaults. */
export function dibaoHousehold(overrides: { regionCode?: string; headId?: string; memberIds?: string[]; income?: number } = {}) {
  const headId = overrides.headId ?? person('1956-12-12');
  return {
    regionCode: overrides.regionCode ?? '610124121200',
    address: '周至县白杨林村3组',
    hukouType: 'rural',
    members: [
      {
        name: '徐新华',
        idNumber: headId,
        relation: 'self',
        disability: { category: 'physical', grade: 2 },
        seriousIllness: false,
        laborAbility: 'none',
        inSchool: false,
        monthlyIncome: overrides.income ?? 100,
      },
      ...(overrides.memberIds ?? []).map((idNumber, i) => ({
        name: `家属${i + 1}`,
        idNumber,
        relation: 'spouse',
        disability: null,
        seriousIllness: false,
        laborAbility: 'partial',
        inSchool: false,
        monthlyIncome: 100,
      })),
    ],
    assets: { deposits: 2000, vehicles: [], properties: 1, businessRegistered: false },
    livingConditions: { housingSafe: true, drinkingWaterSafe: true },
    rigidExpenditure12m: { medical: 0, education: 0, rehabilitation: 0 },
    // An able legal supporter outside the household: not 特困 (TEKUN), so DIBAO decides.
    supporters: [{ name: '徐某', idNumber: residentId('610124', '1980-03-03', 7), able: true }],
  };
}

/** The signed authorization for the economic cross-check (核对授权书) every application carries. */
export const CONSENT = { crossCheckAuthorized: true, signedAt: '2026-01-05' } as const;
