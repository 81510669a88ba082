import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluateEligibility, evaluateInto, materialize, Trace, type EligibilityResult } from '../../../functions/domain/eligibility.ts';
import { householdSchema, type HouseholdInput } from '../../../functions/domain/household.ts';
import { PolicyCache } from '../../../functions/domain/policy.ts';
import { seedValues } from '../../../functions/domain/policy-seed.ts';
import { makeId } from './fixtures.ts';

const policies = new PolicyCache(seedValues());
const yuan = (maxFen: number) => fc.integer({ min: 0, max: maxFen }).map((f) => f / 100);
const birth = fc.date({ min: new Date('1920-01-01'), max: new Date('2024-07-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));

const memberArb = fc.record({
  birth,
  income: fc.oneof(yuan(300_000), fc.constant(0)),
  disability: fc.option(fc.record({ category: fc.constantFrom('physical', 'visual', 'hearing', 'speech', 'intellectual', 'mental', 'multiple'), grade: fc.integer({ min: 1, max: 4 }) }), { nil: null }),
  seriousIllness: fc.boolean(),
  inSchool: fc.boolean(),
  orphaned: fc.boolean(),
  laborAbility: fc.constantFrom('full', 'partial', 'none'),
});

/** Valid households (by construction), over the seeded regions and dates around 庄浪's change. */
const caseArb = fc.record({
  members: fc.array(memberArb, { minLength: 1, maxLength: 6 }),
  hukouType: fc.constantFrom('urban', 'rural'),
  deposits: yuan(10_000_000),
  vehicles: fc.array(fc.record({ value: yuan(15_000_000), forDisabilityMobility: fc.boolean() }), { maxLength: 2 }),
  rigid: fc.record({ medical: yuan(10_000_000), education: yuan(3_000_000), rehabilitation: yuan(3_000_000) }),
  supporters: fc.array(fc.boolean(), { maxLength: 3 }),
  regionCode: fc.constantFrom('610124121200', '620825100200'),
  asOf: fc.constantFrom('2024-07-31', '2024-08-01', '2025-06-30', '2026-11-28'),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

function input(c: Case): HouseholdInput {
  return {
    regionCode: c.regionCode,
    hukouType: c.hukouType as 'urban' | 'rural',
    members: c.members.map((m, i) => ({
      name: `成员${i}`,
      idNumber: makeId(m.birth, 2 * i + 1),
      relation: i === 0 ? 'self' : 'other',
      disability: m.disability as never,
      seriousIllness: m.seriousIllness,
      inSchool: m.inSchool,
      orphaned: m.orphaned,
      laborAbility: m.laborAbility as 'full',
      monthlyIncome: m.income,
    })),
    assets: { deposits: c.deposits, vehicles: c.vehicles, properties: 1, businessRegistered: false },
    rigidExpenditure12m: c.rigid,
    supporters: c.supporters.map((able, i) => ({ name: 's', idNumber: makeId('1975-03-03', 501 + 2 * i), able })),
  };
}

function run(i: HouseholdInput, regionCode: string, asOf: string): EligibilityResult {
  return evaluateEligibility(householdSchema.parse(i), policies.get(regionCode, asOf), asOf);
}

const cat = (r: EligibilityResult, code: string) => r.categories.find((c) => c.code === code)!;

describe('eligibility properties', () => {
  it('no amount is ever negative (categories and every reason)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = run(input(c), c.regionCode, c.asOf);
        for (const k of r.categories) {
          expect(k.monthlyAmount).toBeGreaterThanOrEqual(0);
          for (const x of k.reasons) if (x.amount !== undefined) expect(x.amount).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('more income never raises a household DIBAO amount (TEKUN persons and 单人保 aside: they change who is assessed)', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), yuan(200_000).filter((x) => x > 0), (c, which, extra) => {
        const before = input(c);
        const after = input(c);
        const m = after.members[which % after.members.length]!;
        m.monthlyIncome = Math.round(((m.monthlyIncome ?? 0) + extra) * 100) / 100;
        const a = run(after, c.regionCode, c.asOf);
        const b = run(before, c.regionCode, c.asOf);
        const plain = (r: EligibilityResult) => !cat(r, 'TEKUN').eligible && cat(r, 'DIBAO').basis !== 'INDIVIDUAL';
        fc.pre(plain(a) && plain(b));
        expect(cat(a, 'DIBAO').monthlyAmount).toBeLessThanOrEqual(cat(b, 'DIBAO').monthlyAmount);
      }),
      { numRuns: 500 },
    );
  });

  it('member order changes nothing', () => {
    fc.assert(
      fc.property(caseArb.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray(c.members.map((_, i) => i), { minLength: c.members.length }))), ([c, order]) => {
        const original = input(c);
        const shuffled = { ...original, members: order.map((i) => original.members[i]!) };
        const a = run(original, c.regionCode, c.asOf);
        const b = run(shuffled, c.regionCode, c.asOf);
        expect(b.primary).toBe(a.primary);
        expect(b.perCapitaMonthlyIncome).toBe(a.perCapitaMonthlyIncome);
        a.categories.forEach((ca, k) => {
          const cb = b.categories[k]!;
          expect([cb.code, cb.eligible, cb.monthlyAmount]).toEqual([ca.code, ca.eligible, ca.monthlyAmount]);
          expect([...cb.members].sort()).toEqual([...ca.members].sort());
          expect(cb.reasons.map((x) => JSON.stringify(x)).sort()).toEqual(ca.reasons.map((x) => JSON.stringify(x)).sort());
        });
      }),
      { numRuns: 300 },
    );
  });

  it('no person is in two layers (DIBAO, TEKUN, DIBAO_EDGE, RIGID_EXPENDITURE); a DIBAO household is never DIBAO_EDGE', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = run(input(c), c.regionCode, c.asOf);
        const e = (code: string) => cat(r, code).eligible;
        const layers = ['DIBAO', 'TEKUN', 'DIBAO_EDGE', 'RIGID_EXPENDITURE'].flatMap((code) => cat(r, code).members);
        expect(new Set(layers).size).toBe(layers.length);
        if (cat(r, 'DIBAO').basis === 'HOUSEHOLD') expect(e('DIBAO_EDGE') || e('RIGID_EXPENDITURE')).toBe(false);
        if (e('DISABILITY_LIVING_SUBSIDY')) expect(e('DIBAO')).toBe(true);
        expect(e('TEMPORARY')).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('a reused Trace gives exactly what a fresh evaluation gives', () => {
    const trace = new Trace(4);
    fc.assert(
      fc.property(fc.array(caseArb, { minLength: 1, maxLength: 5 }), (cases) => {
        for (const c of cases) {
          const h = householdSchema.parse(input(c));
          const p = policies.get(c.regionCode, c.asOf);
          expect(materialize(evaluateInto(trace, h, p, c.asOf), h, p)).toEqual(evaluateEligibility(h, p, c.asOf));
        }
      }),
      { numRuns: 200 },
    );
  });
});
