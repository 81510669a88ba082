import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptAccount, encryptAccount, forgetKeysForTests } from '../../functions/adapters/payments-kms.ts';
import { addMonths } from '../../functions/domain/ledger.ts';
import {
  afterEnd,
  bankFile,
  buildLines,
  LOOKBACK_MONTHS,
  maskAccount,
  paymentIndexKeys,
  rosterWindows,
  totalsOf,
  type Hold,
  type IndexedEntry,
  type PayeeRecord,
  type PreviousRoster,
  type RosterLine,
  type Window,
} from '../../functions/domain/payments.ts';

const entry = (householdId: string, month: string, type: string, amountFen: number, regionCode = '610124121200'): IndexedEntry => ({
  householdId,
  type,
  kind: 'monthly',
  month,
  amountFen,
  source: 'gov.civil-affairs',
  department: '民政局',
  regionCode,
  ref: 'ENT',
  recordedAt: '2030-03-01T00:00:00.000Z',
  sk: `${month}#${type}#ENT`,
});
const payee = (householdId: string, over: Partial<PayeeRecord> = {}): PayeeRecord => ({
  householdId,
  regionCode: '610124121200',
  name: '徐新华',
  personHash: `h-${householdId}`,
  person: '610124********0015',
  bank: '农行',
  channel: 'BANK',
  accountCipher: 'v1.x',
  accountMasked: '6228***********8901',
  updatedAt: '2030-01-01T00:00:00.000Z',
  updatedBy: 'city-1',
  version: 1,
  ...over,
});

/** Whether an entry (month, recordedAt) falls in a roster's windows, as the index query selects. */
const inWindows = (ws: Window[], month: string, paySort: string) => ws.some((w) => w.month === month && paySort < w.before && (!w.from || paySort >= w.from));

describe('roster windows', () => {
  it("a county's first roster takes its own month only, everything recorded before the cutoff", () => {
    expect(rosterWindows('2030-03', 'C3', undefined)).toEqual([{ month: '2030-03', before: 'C3' }]);
  });

  it('later rosters take late changes to covered months, skipped months whole', () => {
    const ws = rosterWindows('2030-05', 'C5', { rosterId: 'r3', month: '2030-03', cutoff: 'C3' });
    expect(ws).toContainEqual({ month: '2030-05', before: 'C5' });
    expect(ws).toContainEqual({ month: '2030-04', before: 'C5' });
    expect(ws).toContainEqual({ month: '2030-03', from: 'C3', before: 'C5' });
    expect(ws).toContainEqual({ month: addMonths('2030-05', -LOOKBACK_MONTHS), from: 'C3', before: 'C5' });
    expect(ws).toHaveLength(LOOKBACK_MONTHS + 1);
  });

  it('every entry lands on exactly one roster: the first at or after its month whose cutoff is after it was recorded', () => {
    fc.assert(
      fc.property(
        // Rosters: strictly increasing months (gaps allowed) and cutoffs.
        fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 400 })), { minLength: 1, maxLength: 40 }),
        (gaps, raw) => {
          let m = 0;
          const rosters = gaps.map((g, i) => ({ month: addMonths('2030-01', (m += g)), cutoff: String(100 + i * 50).padStart(4, '0') }));
          const windows = rosters.map((r, i) => rosterWindows(r.month, r.cutoff, i ? ({ rosterId: `r${i - 1}`, ...rosters[i - 1]! } as PreviousRoster) : undefined));
          for (const [offset, t] of raw) {
            const month = addMonths('2030-01', offset);
            const paySort = `${String(t).padStart(4, '0')}#hh#sk`;
            const takers = windows.flatMap((ws, i) => (inWindows(ws, month, paySort) ? [i] : []));
            // The first roster at or after the entry's month whose cutoff is after it was recorded
            // takes it; a county's first roster takes only its own month (older months were paid
            // before the platform), so such an entry recorded before it is on no roster.
            const k = rosters.findIndex((r) => r.month >= month && paySort < r.cutoff);
            expect(takers).toEqual(k < 0 || (k === 0 && rosters[0]!.month !== month) ? [] : [k]);
          }
        },
      ),
    );
  });

  it('keys only civil-affairs entries with a region', () => {
    const e = entry('hh_a', '2030-03', 'DIBAO', 100);
    expect(paymentIndexKeys(e)).toEqual({ payKey: '610124#2030-03', paySort: '2030-03-01T00:00:00.000Z#hh_a#2030-03#DIBAO#ENT' });
    expect(paymentIndexKeys({ ...e, source: 'gov.education' })).toEqual({});
    const { regionCode: _r, ...noRegion } = e;
    expect(paymentIndexKeys(noRegion)).toEqual({});
  });
});

describe('roster lines', () => {
  const hold = (over: Partial<Hold> = {}): Hold => ({ county: '610124', householdId: 'hh_b', regionCode: '610124101200', lineId: 'ln_old', rosterId: 'ro_610124_203002', category: 'DIBAO', forMonth: '2030-02', amountFen: 45_007, reason: 'RETURNED', bankReason: '账户已销户', heldAt: 'x', ...over });

  it('one line per household, category and entry; held without a usable payee; holds paid again when the payee is usable', () => {
    const r = buildLines({
      rosterId: 'ro_610124_203003',
      county: '610124',
      month: '2030-03',
      at: 'now',
      entries: [entry('hh_a', '2030-03', 'DIBAO', 81_251), entry('hh_a', '2030-03', 'DISABILITY_CARE_SUBSIDY', 10_033), entry('hh_c', '2030-02', 'TEKUN', 5, '610124101200'), entry('hh_d', '2030-03', 'DIBAO', 7)],
      payees: new Map([
        ['hh_a', payee('hh_a')],
        ['hh_b', payee('hh_b')],
        ['hh_d', payee('hh_d', { blockedSince: 'then' })],
      ]),
      holds: [hold(), hold({ householdId: 'hh_x', lineId: 'ln_x' }), hold({ rosterId: 'ro_610124_203003', lineId: 'ln_own' })],
    });
    expect(r.lines.map((l) => [l.householdId, l.category, l.kind, l.status, l.holdReason ?? null])).toEqual([
      ['hh_b', 'DIBAO', 'REPAYMENT', 'PAYABLE', null],
      ['hh_c', 'TEKUN', 'ADJUSTMENT', 'HELD', 'NO_PAYEE'],
      ['hh_a', 'DIBAO', 'CURRENT', 'PAYABLE', null],
      ['hh_a', 'DISABILITY_CARE_SUBSIDY', 'CURRENT', 'PAYABLE', null],
      ['hh_d', 'DIBAO', 'CURRENT', 'HELD', 'ACCOUNT_RETURNED'],
    ]);
    expect(r.repaid.map((h) => h.lineId)).toEqual(['ln_old']);
    expect(r.newHolds.map((h) => [h.householdId, h.reason])).toEqual([['hh_c', 'NO_PAYEE'], ['hh_d', 'ACCOUNT_RETURNED']]);
    // Deterministic: the same input gives the same line ids.
    const again = buildLines({ rosterId: 'ro_610124_203003', county: '610124', month: '2030-03', at: 'later', entries: [entry('hh_a', '2030-03', 'DIBAO', 81_251)], payees: new Map(), holds: [] });
    expect(again.lines[0]!.lineId).toBe(r.lines.find((l) => l.householdId === 'hh_a' && l.category === 'DIBAO')!.lineId);

    const t = totalsOf(r.lines);
    expect(t.amountFen).toBe(45_007 + 5 + 81_251 + 10_033 + 7);
    expect(t.byTown).toEqual({ '610124101': 45_012, '610124121': 91_291 });
    expect(t.held).toEqual({ lines: 2, amountFen: 12 });
    expect(t.byKind).toEqual({ REPAYMENT: 45_007, ADJUSTMENT: 5, CURRENT: 91_291 });
  });

  it('a stop marks lines after the last entitled month STOPPED and keeps its holds from being paid', () => {
    const r = buildLines({
      rosterId: 'ro_610124_203004',
      county: '610124',
      month: '2030-04',
      at: 'now',
      entries: [entry('hh_a', '2030-04', 'DIBAO', 100), entry('hh_a', '2030-02', 'DIBAO', 100)],
      payees: new Map([['hh_a', payee('hh_a')], ['hh_b', payee('hh_b')]]),
      holds: [hold({ forMonth: '2030-03' })],
      stops: [
        { county: '610124', householdId: 'hh_a', lastMonth: '2030-02', reason: 'DECEASED', at: 'x' },
        { county: '610124', householdId: 'hh_b', category: 'DIBAO', lastMonth: '2030-02', reason: 'TERMINATED', at: 'x' },
      ],
    });
    expect(r.lines.map((l) => [l.forMonth, l.status])).toEqual([['2030-02', 'PAYABLE'], ['2030-04', 'STOPPED']]);
    expect(r.repaid).toEqual([]);
    expect(totalsOf(r.lines).stopped).toEqual({ lines: 1, amountFen: 100 });
  });

  it('afterEnd: paid lines after the last month are recovered, unpaid ones stopped', () => {
    const l = (forMonth: string, status: RosterLine['status'], rosterStatus: string, category = 'DIBAO') => ({ ...({ lineId: `${forMonth}${status}${rosterStatus}`, forMonth, status, category } as RosterLine), rosterStatus });
    const { recover, stop } = afterEnd([l('2030-02', 'PAYABLE', 'APPROVED'), l('2030-03', 'PAYABLE', 'APPROVED'), l('2030-03', 'RETURNED', 'APPROVED'), l('2030-04', 'PAYABLE', 'DRAFT'), l('2030-04', 'HELD', 'APPROVED'), l('2030-03', 'PAYABLE', 'APPROVED', 'TEKUN')], '2030-02', 'DIBAO');
    expect(recover.map((x) => x.lineId)).toEqual(['2030-03PAYABLEAPPROVED']);
    expect(stop.map((x) => x.lineId)).toEqual(['2030-04PAYABLEDRAFT', '2030-04HELDAPPROVED']);
  });
});

describe('the bank file and masking', () => {
  it('masks accounts to the first and last four', () => {
    expect(maskAccount('6228480012345678901')).toBe('6228***********8901');
    expect(maskAccount('12345678')).toBe('****5678');
  });

  it('is UTF-8 with a BOM, CRLF, one row per payable line, masked unless the bank copy, no formulas', () => {
    const base = { rosterId: 'r', householdId: 'hh_a', regionCode: '610124121200', town: '610124121', category: 'DIBAO', forMonth: '2030-03', kind: 'CURRENT' as const };
    const lines: RosterLine[] = [
      { ...base, lineId: 'ln_1', amountFen: 81_251, status: 'PAYABLE', payee: { name: '=HYPERLINK("x")', person: '610124********0015', bank: '农行, 周至', channel: 'BANK', accountMasked: '6228***********8901', accountCipher: 'c' } },
      { ...base, lineId: 'ln_2', amountFen: 5, status: 'HELD' },
      { ...base, lineId: 'ln_3', amountFen: 7, status: 'RETURNED', payee: { name: 'x', person: 'p', bank: 'b', channel: 'BANK', accountMasked: 'm', accountCipher: 'c' } },
    ];
    const masked = bankFile(lines);
    expect(masked.csv.startsWith('\uFEFF序号,明细编号,乡镇代码,户编号,收款人姓名,收款人身份证号,发放渠道,开户行,账号,金额(元)')).toBe(true);
    const rows = masked.csv.slice(1).split('\r\n');
    expect(rows).toHaveLength(3); // header, one row, the final CRLF
    expect(rows[1]).toBe(`1,ln_1,610124121,hh_a,"'=HYPERLINK(""x"")",610124********0015,银行卡,"农行, 周至",6228***********8901,812.51,DIBAO,最低生活保障,2030-03,当月`);
    expect(masked).toMatchObject({ lines: 1, amountFen: 81_251 });
    expect(bankFile(lines, new Map([['ln_1', '6228480012345678901']])).csv).toContain(',6228480012345678901,812.51,');
  });
});

describe('account encryption (local key)', () => {
  it('round-trips, is bound to its household, detects tampering, and decrypts after a restart', async () => {
    process.env.PAYEE_ACCOUNT_KEY = 'unit-test-key';
    const c = await encryptAccount('6228480012345678901', 'hh_a');
    expect(c).not.toContain('6228480012345678901');
    expect(await decryptAccount(c, 'hh_a')).toBe('6228480012345678901');
    await expect(decryptAccount(c, 'hh_b')).rejects.toThrow();
    const parts = c.split('.');
    parts[3] = Buffer.from('0000000000000000000').toString('base64url');
    await expect(decryptAccount(parts.join('.'), 'hh_a')).rejects.toThrow();
    forgetKeysForTests();
    expect(await decryptAccount(c, 'hh_a')).toBe('6228480012345678901');
    process.env.PAYEE_ACCOUNT_KEY = 'another-key';
    forgetKeysForTests();
    await expect(decryptAccount(c, 'hh_a')).rejects.toThrow();
  });
});
