import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { classify, coverageOf, mergeLabel, rollupPrefixes } from '../../../functions/domain/merger.ts';
import { csvRecords, decodeCsv, ImportFormatError, validateRows } from '../../../functions/domain/merger-import.ts';
import { compilePolicy, resolvePolicy } from '../../../functions/domain/policy.ts';
import { seedValues } from '../../../functions/domain/policy-seed.ts';
import { AS_OF, household, makeId, testPolicy, VILLAGE } from '../rules/fixtures.ts';

/** The merger's pure parts: classification into each layer, the OTHER_HARDSHIP local rule, row validation, coverage. */

describe('classification into a layer', () => {
  const risk = ['ILLNESS'];
  it.each([
    ['TEKUN', household({ members: [{ age: 70, income: 100 }] })],
    ['DIBAO', household({ members: [{ age: 40, income: 300 }] })],
    ['DIBAO_EDGE', household({ members: [{ age: 40, income: 800 }] })],
    ['RIGID_EXPENDITURE', household({ members: [{ age: 40, income: 1000 }], rigid: { medical: 10000 } })],
    ['OTHER_HARDSHIP', household({ members: [{ age: 40, income: 1100 }] })],
    [null, household({ members: [{ age: 40, income: 2000 }] })],
  ])('%s', (layer, h) => {
    // Act
    const c = classify(h, testPolicy(), AS_OF, risk);
    // Assess
    expect(c.layer).toBe(layer);
    expect(c.reasons.length).toBeGreaterThan(0);
    if (layer) expect(c.reasons.every((r) => r.passed)).toBe(true);
    else expect(c.reasons.some((r) => !r.passed)).toBe(true);
  });

  it('OTHER_HARDSHIP needs a recorded risk and income under the local multiple', () => {
    const h = household({ members: [{ age: 40, income: 1100 }] });
    expect(classify(h, testPolicy(), AS_OF, []).layer).toBeNull();
    expect(classify(h, testPolicy({ 'otherHardship.incomeMultiplier': 1.8 }), AS_OF, risk).layer).toBeNull();
    const c = classify(h, testPolicy({ 'otherHardship.incomeMultiplier': 2 }), AS_OF, risk);
    expect(c.reasons.find((r) => r.rule === 'otherHardship.income.belowMultiple')).toMatchObject({ passed: true, actual: 1100, limit: 1200, parameter: 'otherHardship.incomeMultiplier' });
  });

  it('is a dated local parameter set: before it is in force there is no such layer', () => {
    const h = household({ members: [{ age: 40, income: 700 }], deposits: 0 });
    const before = compilePolicy(resolvePolicy(seedValues(), VILLAGE, '2024-07-31'));
    const after = compilePolicy(resolvePolicy(seedValues(), VILLAGE, '2024-08-01'));
    const richer = household({ members: [{ age: 40, income: 1000 }] });
    expect(classify(h, after, '2024-08-01', risk).layer).toBe('DIBAO_EDGE');
    expect(classify(richer, before, '2024-07-31', risk)).toMatchObject({ layer: null });
    expect(classify(richer, before, '2024-07-31', risk).reasons.some((r) => r.rule === 'otherHardship.localRuleInForce' && !r.passed)).toBe(true);
    expect(classify(richer, after, '2024-08-01', risk).layer).toBe('OTHER_HARDSHIP');
  });
});

const TODAY = '2026-11-28';
const known = (c: string) => c.startsWith('6101241212');
const HEADER = 'householdRef,name,idNumber,relation,regionCode,riskTypes,monthlyIncome,deposits,identifiedOn,村民小组';

describe('import rows', () => {
  const a1 = makeId('1950-01-01', 11);
  const a2 = makeId('1980-05-05', 12);
  const b1 = makeId('1960-02-02', 13);
  const c1 = makeId('1970-03-03', 15);

  it('accepts good rows, names each bad row and field, and rejects a household with a bad row whole', () => {
    // Prepare
    const bad = `${b1.slice(0, 17)}${b1[17] === '0' ? '1' : '0'}`;
    const csv = [
      HEADER,
      `H1,张三,${a1},self,${VILLAGE},ILLNESS;DISABILITY,300,5000,2023-04-01,3组`,
      `H1,张小三,${a2},child,${VILLAGE},ILLNESS,0,,2023-04-01,3组`,
      `H2,李四,${bad},self,${VILLAGE},ILLNESS,abc,100,2023-13-01,`,
      `H3,王五,${c1},self,999999999999,FLOOD,200,0,2024-01-01,`,
      `H4,赵六,${makeId('1990-01-01', 17)},self,${VILLAGE},OTHER,100,0,2024-01-01,`,
      `H4,赵七,${makeId('1991-01-01', 19)},spouse,,OTHER,100,,2024-01-01,`,
    ].join('\n');
    // Act
    const { households, errors } = validateRows(csvRecords(decodeCsv(Buffer.from(csv, 'utf8')).text), known, TODAY);
    // Assess
    expect(households.map((h) => h.householdRef)).toEqual(['H1']);
    expect(households[0]!.rows).toHaveLength(2);
    expect(households[0]!.rows[0]).toMatchObject({ depositsFen: 500000, monthlyIncomeFen: 30000, riskTypes: ['ILLNESS', 'DISABILITY'], notes: { 村民小组: '3组' } });
    expect(errors).toEqual(
      expect.arrayContaining([
        { row: 3, path: 'idNumber', message: expect.stringContaining('check character') },
        { row: 3, path: 'monthlyIncome', message: expect.any(String) },
        { row: 3, path: 'identifiedOn', message: expect.any(String) },
        { row: 4, path: 'regionCode', message: 'no such village/community code' },
        { row: 4, path: 'riskTypes', message: expect.stringContaining('FLOOD') },
        { row: 6, path: 'regionCode', message: 'required value missing' },
        { row: 5, path: 'householdRef', message: expect.stringContaining('rejected with another of its rows') },
      ]),
    );
    expect(errors.some((e) => e.row === 1 || e.row === 2)).toBe(false);
  });

  it('reads GBK files as Chinese systems export them', () => {
    const csv = `${HEADER}\nH1,张三,${a1},self,${VILLAGE},ILLNESS,300,5000,2023-04-01,三组\n`;
    const decoded = decodeCsv(iconv.encode(csv, 'gbk'));
    expect(decoded.encoding).toBe('gbk');
    const { households } = validateRows(csvRecords(decoded.text), known, TODAY);
    expect(households[0]!.rows[0]).toMatchObject({ name: '张三', notes: { 村民小组: '三组' } });
  });

  it('refuses a file without the required columns, naming them', () => {
    expect(() => csvRecords('householdRef,name\nH1,张三')).toThrow(ImportFormatError);
    try {
      csvRecords('householdRef,name,idNumber\nH1,张三,x');
    } catch (err) {
      expect((err as ImportFormatError).details.map((d) => d.path)).toEqual(['relation', 'regionCode', 'riskTypes', 'monthlyIncome', 'identifiedOn']);
    }
  });

  it('needs one head per household and the same person only once', () => {
    const rows = [
      { householdRef: 'H1', name: '甲', idNumber: a1, relation: 'child', regionCode: VILLAGE, riskTypes: 'ILLNESS', monthlyIncome: 0, deposits: 0, identifiedOn: '2024-01-01' },
      { householdRef: 'H2', name: '乙', idNumber: a1.toLowerCase(), relation: 'self', regionCode: VILLAGE, riskTypes: 'ILLNESS', monthlyIncome: 0, deposits: 0, identifiedOn: '2024-01-01' },
    ];
    const { households, errors } = validateRows(rows, known, TODAY);
    expect(households).toEqual([]);
    expect(errors).toEqual([
      { row: 1, path: 'relation', message: 'household H1 has no row with relation self' },
      { row: 2, path: 'idNumber', message: 'same person as row 1' },
    ]);
  });
});

describe('labels and coverage', () => {
  it('merges a label of the same code', () => {
    const once = mergeLabel(undefined, { code: 'FORMER_PREVENTION_MONITORING', riskTypes: ['ILLNESS'], since: '2023-05-01' });
    const twice = mergeLabel(once, { code: 'FORMER_PREVENTION_MONITORING', riskTypes: ['DISASTER', 'ILLNESS'], since: '2022-01-01' });
    expect(twice).toEqual([{ code: 'FORMER_PREVENTION_MONITORING', riskTypes: ['ILLNESS', 'DISASTER'], since: '2022-01-01' }]);
    expect(mergeLabel(twice, twice[0]!)).toEqual(twice);
  });

  it('reproduces 肥城: 4,072 of 5,080 covered (80.2%), then 356 included and 579 exited → 98.38%', () => {
    const c = coverageOf({ total: 5080, coveredAtImport: 4072, included: 356, exited: 579 });
    expect(c.coverageAtImportPercent).toBe(80.16);
    expect(Math.round(c.coverageAtImportPercent! * 10) / 10).toBe(80.2);
    expect(c.coverageNowPercent).toBe(98.38);
    expect(coverageOf({ total: 0, coveredAtImport: 0, included: 0, exited: 0 }).coverageNow).toBeNull();
  });

  it('rolls a village up to every level', () => {
    expect(rollupPrefixes('370983104201')).toEqual(['CN', '37', '3709', '370983', '370983104', '370983104201']);
  });
});

