import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageAt, bornAfter, dateToInt, householdSchema } from '../../../functions/domain/household.ts';
import { ageOn } from '../../../functions/domain/resident-id.ts';
import { householdInput, makeId } from './fixtures.ts';

const paths = (input: unknown) => {
  const r = householdSchema.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

describe('household schema', () => {
  it('turns yuan into integer fen and derives birth date and sex from the ID', () => {
    const input = householdInput({ members: [{ income: 300.1 }], deposits: 12000.07, vehicles: [{ value: 30000.5 }] });
    input.members[0]!.idNumber = '11010519491231002X';
    const h = householdSchema.parse(input);
    expect(h.members[0]).toMatchObject({ monthlyIncomeFen: 30010, birth: 19491231, male: false });
    expect(h.depositsFen).toBe(1200007);
    expect(h.vehicles[0]!.valueFen).toBe(3000050);
  });

  it('accepts the API.md example', () => {
    const example = {
      regionCode: '610124121200',
      address: '周至县白杨林村3组',
      hukouType: 'rural',
      members: [{ name: '徐新华', idNumber: makeId('1956-12-12', 1), relation: 'self', disability: { category: 'physical', grade: 2 }, seriousIllness: false, laborAbility: 'none', inSchool: false, orphaned: false, monthlyIncome: 300 }],
      assets: { deposits: 12000, vehicles: [{ value: 30000, forDisabilityMobility: false }], properties: 1, businessRegistered: false },
      livingConditions: { housingSafe: true, drinkingWaterSafe: true },
      rigidExpenditure12m: { medical: 0, education: 0, rehabilitation: 0 },
      supporters: [{ name: '徐某', idNumber: makeId('1980-01-01', 3), able: false }],
    };
    expect(householdSchema.safeParse(example).success).toBe(true);
  });

  it.each([
    ['three decimals of money', (h: any) => (h.members[0].monthlyIncome = 1.001), 'members.0.monthlyIncome'],
    ['negative deposits', (h: any) => (h.assets.deposits = -1), 'assets.deposits'],
    ['a bad check character', (h: any) => (h.members[0].idNumber = h.members[0].idNumber.slice(0, 17) + (h.members[0].idNumber.endsWith('1') ? '2' : '1')), 'members.0.idNumber'],
    ['the same person twice', (h: any) => h.members.push({ ...h.members[0] }), 'members.1.idNumber'],
    ['a town code instead of a village', (h: any) => (h.regionCode = '610124121'), 'regionCode'],
    ['disability grade 5', (h: any) => (h.members[0].disability = { category: 'physical', grade: 5 }), 'members.0.disability.grade'],
    ['no members', (h: any) => (h.members = []), 'members'],
  ])('refuses %s with the field path', (_, mutate, path) => {
    const input = householdInput();
    mutate(input);
    expect(paths(input)).toContain(path);
  });

  it('finds members born after the evaluation date', () => {
    const h = householdSchema.parse(householdInput({ members: [{ birth: '2020-05-05' }, { birth: '2030-01-01' }] }));
    expect(bornAfter(h, '2026-11-28')).toEqual([{ path: 'household.members.1.idNumber', message: 'born after 2026-11-28' }]);
  });

  it('property: ageAt on integers equals resident-id ageOn, 29 February included', () => {
    const day = fc.date({ min: new Date('1900-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, (a, b) => {
        const [birth, asOf] = a <= b ? [a, b] : [b, a];
        expect(ageAt(dateToInt(birth), dateToInt(asOf))).toBe(ageOn(birth, asOf));
      }),
      { numRuns: 2000 },
    );
    expect(ageAt(20000229, 20010228)).toBe(0);
    expect(ageAt(20000229, 20010301)).toBe(1);
  });
});
