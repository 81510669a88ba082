import fc from 'fast-check';
import { householdInput, makeId } from './fixtures.ts';

/**
 * Generated malformed /eligibility/evaluate bodies: a valid household with one defect, and the
 * field path the 400 must name. Shared by the in-process and the HTTP tests.
 */
export interface Malformed {
  what: string;
  /** JSON body as sent. */
  body: string;
  /** A detail's path must start with this. */
  path: string;
}

type Mutation = (b: any, i: number) => string; // mutates, returns the expected path
const M = (i: number) => `household.members.${i}`;

const badChecksum = (id: string) => id.slice(0, 17) + (id.endsWith('1') ? '2' : '1');
const impossibleDate = () => {
  const first17 = '61012419990231001';
  return first17 + '7';
};

const memberMutations: [string, Mutation][] = [
  ['id check character', (b, i) => ((b.household.members[i].idNumber = badChecksum(b.household.members[i].idNumber)), `${M(i)}.idNumber`)],
  ['id too short', (b, i) => ((b.household.members[i].idNumber = b.household.members[i].idNumber.slice(0, 15)), `${M(i)}.idNumber`)],
  ['id as number', (b, i) => ((b.household.members[i].idNumber = 610124195612120000), `${M(i)}.idNumber`)],
  ['id impossible birth date', (b, i) => ((b.household.members[i].idNumber = impossibleDate()), `${M(i)}.idNumber`)],
  ['id missing', (b, i) => (delete b.household.members[i].idNumber, `${M(i)}.idNumber`)],
  ['income negative', (b, i) => ((b.household.members[i].monthlyIncome = -0.01), `${M(i)}.monthlyIncome`)],
  ['income 3 decimals', (b, i) => ((b.household.members[i].monthlyIncome = 300.125), `${M(i)}.monthlyIncome`)],
  ['income as string', (b, i) => ((b.household.members[i].monthlyIncome = '300'), `${M(i)}.monthlyIncome`)],
  ['income null', (b, i) => ((b.household.members[i].monthlyIncome = null), `${M(i)}.monthlyIncome`)],
  ['income huge', (b, i) => ((b.household.members[i].monthlyIncome = 1e15), `${M(i)}.monthlyIncome`)],
  ['income missing', (b, i) => (delete b.household.members[i].monthlyIncome, `${M(i)}.monthlyIncome`)],
  ['relation unknown', (b, i) => ((b.household.members[i].relation = 'cousin'), `${M(i)}.relation`)],
  ['laborAbility missing', (b, i) => (delete b.household.members[i].laborAbility, `${M(i)}.laborAbility`)],
  ['disability category', (b, i) => ((b.household.members[i].disability = { category: 'emotional', grade: 1 }), `${M(i)}.disability.category`)],
  ['disability grade 0', (b, i) => ((b.household.members[i].disability = { category: 'physical', grade: 0 }), `${M(i)}.disability.grade`)],
  ['disability grade 2.5', (b, i) => ((b.household.members[i].disability = { category: 'physical', grade: 2.5 }), `${M(i)}.disability.grade`)],
  ['disability as string', (b, i) => ((b.household.members[i].disability = 'yes'), `${M(i)}.disability`)],
  ['name empty', (b, i) => ((b.household.members[i].name = ''), `${M(i)}.name`)],
  ['name too long', (b, i) => ((b.household.members[i].name = '名'.repeat(51)), `${M(i)}.name`)],
  ['seriousIllness as string', (b, i) => ((b.household.members[i].seriousIllness = 'no'), `${M(i)}.seriousIllness`)],
  ['orphaned as number', (b, i) => ((b.household.members[i].orphaned = 1), `${M(i)}.orphaned`)],
  ['member not an object', (b, i) => ((b.household.members[i] = 'someone'), `${M(i)}`)],
  ['duplicate member', (b, i) => (b.household.members.push({ ...b.household.members[i] }), `${M(b.household.members.length - 1)}.idNumber`)],
  ['born after asOf', (b, i) => ((b.household.members[i].idNumber = makeId('2030-01-01', 7)), (b.asOf = '2026-11-28'), `${M(i)}.idNumber`)],
];

const householdMutations: [string, Mutation][] = [
  ['regionCode 11 digits', (b) => ((b.household.regionCode = '61012412120'), 'household.regionCode')],
  ['regionCode with a letter', (b) => ((b.household.regionCode = '61012412120X'), 'household.regionCode')],
  ['regionCode a town', (b) => ((b.household.regionCode = '610124121'), 'household.regionCode')],
  ['regionCode as number', (b) => ((b.household.regionCode = 610124121200), 'household.regionCode')],
  ['regionCode missing', (b) => (delete b.household.regionCode, 'household.regionCode')],
  ['hukouType unknown', (b) => ((b.household.hukouType = 'suburban'), 'household.hukouType')],
  ['hukouType missing', (b) => (delete b.household.hukouType, 'household.hukouType')],
  ['members empty', (b) => ((b.household.members = []), 'household.members')],
  ['members an object', (b) => ((b.household.members = {}), 'household.members')],
  ['members too many', (b) => ((b.household.members = Array.from({ length: 31 }, (_, k) => ({ ...b.household.members[0], idNumber: makeId('1980-01-01', 2 * k + 1) }))), 'household.members')],
  ['members missing', (b) => (delete b.household.members, 'household.members')],
  ['assets missing', (b) => (delete b.household.assets, 'household.assets')],
  ['deposits negative', (b) => ((b.household.assets.deposits = -5), 'household.assets.deposits')],
  ['deposits as string', (b) => ((b.household.assets.deposits = '12000'), 'household.assets.deposits')],
  ['vehicle value negative', (b) => ((b.household.assets.vehicles = [{ value: -1 }]), 'household.assets.vehicles.0.value')],
  ['vehicles a string', (b) => ((b.household.assets.vehicles = 'car'), 'household.assets.vehicles')],
  ['properties fractional', (b) => ((b.household.assets.properties = 1.5), 'household.assets.properties')],
  ['housingSafe as string', (b) => ((b.household.livingConditions = { housingSafe: 'yes', drinkingWaterSafe: true }), 'household.livingConditions.housingSafe')],
  ['medical negative', (b) => ((b.household.rigidExpenditure12m.medical = -1), 'household.rigidExpenditure12m.medical')],
  ['supporter bad id', (b) => ((b.household.supporters = [{ name: 'x', idNumber: '123', able: true }]), 'household.supporters.0.idNumber')],
  ['supporter able missing', (b) => ((b.household.supporters = [{ name: 'x', idNumber: makeId('1970-01-01', 9) }]), 'household.supporters.0.able')],
  ['household null', (b) => ((b.household = null), 'household')],
  ['household a string', (b) => ((b.household = 'x'), 'household')],
  ['household an array', (b) => ((b.household = []), 'household')],
  ['household missing', (b) => (delete b.household, 'household')],
  ['asOf impossible', (b) => ((b.asOf = '2024-02-30'), 'asOf')],
  ['asOf compact', (b) => ((b.asOf = '20240101'), 'asOf')],
  ['asOf number', (b) => ((b.asOf = 20240101), 'asOf')],
];

const incomeArb = fc.integer({ min: 0, max: 500_000 }).map((f) => f / 100);
const validBodyArb = fc
  .record({
    n: fc.integer({ min: 1, max: 4 }),
    incomes: fc.array(incomeArb, { minLength: 4, maxLength: 4 }),
    ages: fc.array(fc.integer({ min: 1, max: 95 }), { minLength: 4, maxLength: 4 }),
    deposits: incomeArb,
  })
  .map(({ n, incomes, ages, deposits }) => ({
    household: householdInput({ members: Array.from({ length: n }, (_, i) => ({ age: ages[i]!, income: incomes[i]! })), deposits }),
    asOf: '2026-11-28',
  }));

export const malformedArb: fc.Arbitrary<Malformed> = fc.oneof(
  fc.tuple(validBodyArb, fc.constantFrom(...memberMutations), fc.nat()).map(([body, [what, mutate], k]) => {
    const b = structuredClone(body) as any;
    const path = mutate(b, k % b.household.members.length);
    return { what, body: JSON.stringify(b), path };
  }),
  fc.tuple(validBodyArb, fc.constantFrom(...householdMutations)).map(([body, [what, mutate]]) => {
    const b = structuredClone(body) as any;
    const path = mutate(b, 0);
    return { what, body: JSON.stringify(b), path };
  }),
  fc.constantFrom<Malformed>(
    { what: 'not JSON', body: '{"household": ', path: '' },
    { what: 'empty body', body: '', path: '' },
    { what: 'JSON array', body: '[1,2]', path: '' },
  ),
);

export function malformedSample(count: number, seed = 42): Malformed[] {
  return fc.sample(malformedArb, { numRuns: count, seed });
}
