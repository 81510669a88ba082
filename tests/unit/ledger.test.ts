import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { amountForMonth, entitlementIndexKeys, ENTITLEMENT_SHARDS, type EntitlementRecord } from '../../functions/adapters/households-table.ts';
import { addMonths, assistanceGrantedSchema, ledgerKey, ledgerView, scrubIds, shanghaiMonth, yearSchema, type LedgerEntry } from '../../functions/domain/ledger.ts';

const entry = (over: Partial<LedgerEntry>): LedgerEntry => ({
  householdId: 'hh_test00000001',
  type: 'DIBAO',
  kind: 'monthly',
  month: '2024-01',
  amountFen: 100,
  source: 'gov.civil-affairs',
  department: '民政局',
  ref: 'ENT',
  recordedAt: '2024-01-01T00:00:00.000Z',
  ...over,
});

describe('ledger keys', () => {
  it('one key per household, category and month for monthly entries; per event for grants', () => {
    const a = ledgerKey(entry({}));
    expect(a).toEqual({ pk: 'HH#hh_test00000001', sk: '2024-01#DIBAO#ENT' });
    expect(ledgerKey(entry({ recordedAt: 'later', amountFen: 999 }))).toEqual(a);
    const g1 = ledgerKey(entry({ kind: 'grant', type: 'MEDICAL_AID', date: '2024-01-05', ref: 'evt-1' }));
    const g2 = ledgerKey(entry({ kind: 'grant', type: 'MEDICAL_AID', date: '2024-01-05', ref: 'evt-2' }));
    expect(g1.sk).toBe('2024-01#MEDICAL_AID#EVT#evt-1');
    expect(g1.sk).not.toBe(g2.sk);
    // A year is one begins_with query.
    expect(g1.sk.startsWith('2024-')).toBe(true);
  });

  it('the entitlement index key sorts by start month, on one of the shards', () => {
    const k = entitlementIndexKeys({ householdId: 'hh_abc', category: 'DIBAO', startMonth: '2027-01' });
    expect(k.entSort).toBe('2027-01#hh_abc#DIBAO');
    expect(Number(k.entShard.slice(4))).toBeLessThan(ENTITLEMENT_SHARDS);
    // A month's run reads keys below "<month>#~": started in or before the month, not after.
    expect(k.entSort < '2027-01#~').toBe(true);
    expect(k.entSort < '2026-12#~').toBe(false);
  });
});

describe('months', () => {
  it('adds months across years and reckons instants in Asia/Shanghai', () => {
    expect(addMonths('2024-11', 2)).toBe('2025-01');
    expect(addMonths('2024-01', -1)).toBe('2023-12');
    expect(addMonths('2024-01', 11)).toBe('2024-12');
    // 2026-11-30T18:00Z is 02:00 on 1 December in Shanghai: the monthly run's instant.
    expect(shanghaiMonth(Date.parse('2026-11-30T18:00:00Z'))).toBe('2026-12');
    expect(shanghaiMonth(Date.parse('2026-11-30T15:59:59Z'))).toBe('2026-11');
  });

  it('addMonths(m, a) then b equals addMonths(m, a + b)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: -500, max: 500 }), fc.integer({ min: -500, max: 500 }), (y, m, a, b) => {
        const start = `${y}-${String(m).padStart(2, '0')}`;
        expect(addMonths(addMonths(start, a), b)).toBe(addMonths(start, a + b));
      }),
    );
  });
});

describe('amountForMonth (what the run pays)', () => {
  const ent: EntitlementRecord = {
    householdId: 'hh_x',
    category: 'DIBAO',
    monthlyAmountFen: 90_000,
    amounts: [
      { from: '2027-01', monthlyAmountFen: 80_000, reason: 'granted', at: '', by: '' },
      { from: '2027-03', monthlyAmountFen: 90_000, reason: 'age 70', at: '', by: '' },
    ],
    startMonth: '2027-01',
    applicationId: 'app_x',
    regionCode: '610124121200',
    grantedAt: '',
    status: 'ACTIVE',
  };
  it('follows the schedule steps, and nothing before the start or after the end', () => {
    expect(amountForMonth(ent, '2026-12')).toBe(0);
    expect(amountForMonth(ent, '2027-02')).toBe(80_000);
    expect(amountForMonth(ent, '2027-03')).toBe(90_000);
    expect(amountForMonth({ ...ent, endMonth: '2027-04', status: 'ENDED' }, '2027-05')).toBe(0);
    expect(amountForMonth({ ...ent, validUntilMonth: '2027-12' }, '2028-01')).toBe(0);
  });
});

describe('ledgerView', () => {
  it('sums in fen (no floating-point drift) and totals by type', () => {
    const entries = [
      entry({ amountFen: 10 }),
      entry({ month: '2024-02', amountFen: 20 }),
      entry({ kind: 'grant', type: 'MEDICAL_AID', month: '2024-01', date: '2024-01-31', amountFen: 931_540, ref: 'a', source: 'gov.medical-insurance', department: '医保局' }),
    ];
    const v = ledgerView('hh_x', 2024, entries);
    expect(v.total).toBe(9315.7);
    expect(v.totals.byType).toEqual({ DIBAO: 0.3, MEDICAL_AID: 9315.4 });
    expect(v.entries.map((e) => e.month ?? e.date)).toEqual(['2024-01', '2024-01-31', '2024-02']);
    expect(v.entries[1]).toMatchObject({ type: 'MEDICAL_AID', label: '医疗救助', date: '2024-01-31', amount: 9315.4, department: '医保局' });
    expect(v.entries[1]).not.toHaveProperty('month');
  });

  it('total equals the sum of the by-type totals for any entries', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ type: fc.constantFrom('DIBAO', 'MEDICAL_AID', 'EDUCATION_AID'), fen: fc.integer({ min: 1, max: 10_000_000 }) }), { maxLength: 60 }), (rows) => {
        const v = ledgerView('hh_x', 2024, rows.map((r, i) => entry({ type: r.type, amountFen: r.fen, ref: String(i) })));
        const fen = rows.reduce((a, r) => a + r.fen, 0);
        expect(Math.round(v.total * 100)).toBe(fen);
        expect(Math.round(Object.values(v.totals.byType).reduce((a, b) => a + b * 100, 0))).toBe(fen);
      }),
    );
  });
});

describe('AssistanceGranted validation', () => {
  const good = { idNumber: '11010519491231002x', type: 'EDUCATION_AID', amount: 600, date: '2024-09-06', department: '县教育局' };
  it('accepts API.md’s detail, normalizing the ID and turning yuan into fen', () => {
    expect(assistanceGrantedSchema.parse(good)).toEqual({ ...good, idNumber: '11010519491231002X', amount: 60_000 });
  });
  it.each([
    ['idNumber', { idNumber: '110105194912310021' }],
    ['type', { type: '教育救助' }],
    ['amount', { amount: 0 }],
    ['amount', { amount: 1.234 }],
    ['amount', { amount: '600' }],
    ['date', { date: '2024-02-30' }],
    ['department', { department: ' ' }],
  ])('refuses a bad %s', (path, over) => {
    const r = assistanceGrantedSchema.safeParse({ ...good, ...over });
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('year and ID scrubbing', () => {
  it('validates the year', () => {
    expect(yearSchema.parse('2024')).toBe(2024);
    for (const y of ['24', '1999', '2101', 'abcd']) expect(yearSchema.safeParse(y).success).toBe(false);
  });
  it('masks ID-like strings anywhere in a dead letter', () => {
    const scrubbed = scrubIds({ idNumber: '11010519491231002X', nested: [{ note: 'for 610124195612120015 and 110105491231002' }], n: 5 });
    expect(JSON.stringify(scrubbed)).not.toMatch(/19491231|19561212|491231/);
    expect(JSON.stringify(scrubbed)).toContain('110105******002');
    expect(scrubbed).toMatchObject({ idNumber: '110105********002X', n: 5 });
  });
});
