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

describe('v2 properties (issue 14)', () => {
  const NON_COUNTABLE = ['PREFERENTIAL_CARE', 'FAMILY_PLANNING', 'SCHOLARSHIP', 'BRAVERY_AWARD', 'SOCIAL_ASSISTANCE'] as const;
  const STATUSES = ['SERVING_SENTENCE', 'COMPULSORY_REHAB', 'MISSING', 'CONSCRIPT', 'CLERGY_AWAY'] as const;
  /** The same household with each member's income as v2 items. */
  const asItems = (i: HouseholdInput): HouseholdInput => ({
    ...i,
    members: i.members.map(({ monthlyIncome, ...m }) => ({ ...m, incomes: [{ type: 'WAGES', monthly: monthlyIncome ?? 0 }] })),
  });
  const decisions = (r: EligibilityResult) => r.categories.map((k) => [k.code, k.eligible, k.monthlyAmount, [...k.members].sort()]);

  it('adding a non-countable income item never changes eligibility (nor amounts)', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), fc.constantFrom(...NON_COUNTABLE), yuan(1_000_000), (c, which, type, monthly) => {
        const before = asItems(input(c));
        const after = asItems(input(c));
        after.members[which % after.members.length]!.incomes!.push({ type, monthly });
        const a = run(after, c.regionCode, c.asOf);
        const b = run(before, c.regionCode, c.asOf);
        expect(decisions(a)).toEqual(decisions(b));
        expect(a.primary).toBe(b.primary);
        expect(a.perCapitaMonthlyIncome).toBe(b.perCapitaMonthlyIncome);
      }),
      { numRuns: 400 },
    );
  });

  it('a member excluded by law never changes the per-capita income (whatever their income)', () => {
    fc.assert(
      fc.property(caseArb, memberArb, fc.constantFrom(...STATUSES), (c, extra, status) => {
        const before = input(c);
        const after = input({ ...c, members: [...c.members, extra] });
        after.members[after.members.length - 1]!.status = status;
        const a = run(after, c.regionCode, c.asOf);
        const b = run(before, c.regionCode, c.asOf);
        expect(a.perCapitaMonthlyIncome).toBe(b.perCapitaMonthlyIncome);
        expect(a.counted.count).toBe(b.counted.count);
        expect(a.income.countableMonthlyTotal).toBe(b.income.countableMonthlyTotal);
      }),
      { numRuns: 400 },
    );
  });

  it('amounts are exact in fen: every amount is whole fen; the DIBAO gap is standard × members − income; a category’s amount is the sum of its rows', () => {
    const fen = (x: number) => Math.round(x * 100);
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = run(input(c), c.regionCode, c.asOf);
        for (const k of r.categories) {
          expect(Math.abs(k.monthlyAmount * 100 - fen(k.monthlyAmount))).toBeLessThan(1e-6);
          for (const x of k.reasons) if (x.amount !== undefined) expect(Math.abs(x.amount * 100 - fen(x.amount))).toBeLessThan(1e-6);
        }
        const dibao = cat(r, 'DIBAO');
        if (dibao.eligible && dibao.basis === 'HOUSEHOLD') {
          const gap = dibao.reasons.find((x) => x.rule === 'dibao.amount.gap')!;
          expect(fen(gap.amount!)).toBe(fen(gap.limit!) - fen(gap.actual!));
          const supplements = dibao.reasons.filter((x) => x.rule.startsWith('dibao.supplement.')).reduce((s, x) => s + fen(x.amount!), 0);
          expect(fen(dibao.monthlyAmount)).toBe(fen(gap.amount!) + supplements);
        }
        const tekun = cat(r, 'TEKUN');
        const rows = tekun.reasons.filter((x) => x.rule.startsWith('tekun.amount.')).reduce((s, x) => s + fen(x.amount!), 0);
        expect(fen(tekun.monthlyAmount)).toBe(rows);
        expect(tekun.persons!.reduce((s, p) => s + fen(p.monthlyAmount), 0)).toBe(fen(tekun.monthlyAmount));
      }),
      { numRuns: 500 },
    );
  });
});
