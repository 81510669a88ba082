import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditTrail } from '../../../functions/adapters/audit-table.ts';
import { entitlementsOf, householdProfile } from '../../../functions/adapters/households-table.ts';
import type { LocalStack } from '../../../local/runtime.ts';
import { ApiClient, startTestStack } from '../../support/local-stack.ts';
import { household, member, writeHousehold } from '../../support/monitoring.ts';
import { residentId } from '../../support/people.ts';
import { until } from '../../support/wait.ts';

/**
 * The 两项政策 merger on the local stack: an import (CSV through the HTTP API, the merger-import
 * workflow's Map on the Step Functions engine), classification into each layer, a re-import that
 * changes nothing, the village → town → city assessment with jurisdiction, coverage before and
 * after, statistics, and the September survey on the local clock.
 */
const VILLAGE = '370983108201'; // 孙伯镇 孙东村
const OTHER_VILLAGE = '370983108202';
const OTHER_TOWN_VILLAGE = '370983104201'; // 王庄镇 张庄村

let stack: LocalStack;
let api: ApiClient;
const t = {} as { [k in 'admin' | 'monitor' | 'city' | 'otherCity' | 'town' | 'otherTown' | 'village' | 'otherVillage' | 'citizen']: string };

const id = (birth: string, seq: number) => residentId('370983', birth, seq);
const covered = id('1950-06-01', 301);
const people = {
  tekun: id('1950-03-03', 303),
  dibao: id('1985-04-04', 305),
  edge: id('1985-05-05', 307),
  rigid: id('1985-06-06', 309),
  other: id('1985-07-07', 311),
  none: id('1985-08-08', 313),
  noneChild: id('2015-08-08', 315),
};
const badChecksum = (() => {
  const good = id('1980-01-01', 317);
  return `${good.slice(0, 17)}${good[17] === '1' ? '2' : '1'}`;
})();

const HEADER = 'householdRef,name,idNumber,relation,regionCode,riskTypes,monthlyIncome,deposits,identifiedOn,medical12m,备注';
const CSV = [
  HEADER,
  `F001,徐一,${covered},self,${VILLAGE},ILLNESS,100,1000,2022-03-01,,已享低保`,
  `F002,杜二,${people.tekun},self,${VILLAGE},ILLNESS;DISABILITY,100,0,2021-05-01,,`,
  `F003,张三,${people.dibao},self,${OTHER_TOWN_VILLAGE},UNSTABLE_EMPLOYMENT,300,0,2023-01-01,,`,
  `F004,李四,${people.edge},self,${VILLAGE},ACCIDENT,800,0,2023-02-01,,`,
  `F005,王五,${people.rigid},self,${VILLAGE},ILLNESS,1000,0,2023-03-01,10000,`,
  `F006,赵六,${people.other},self,${VILLAGE},DISASTER,1100,0,2023-04-01,,`,
  `F007,钱七,${people.none},self,${VILLAGE},OTHER,5000,2000,2023-05-01,,`,
  `F007,钱小七,${people.noneChild},child,${VILLAGE},OTHER,0,,2023-05-01,,`,
  `F008,孙八,${badChecksum},self,${VILLAGE},ILLNESS,100,0,2023-01-01,,`,
  `F009,周九,${id('1980-02-02', 319)},self,370983999999,ILLNESS,abc,0,2023-01-01,,`,
  `F010,,${id('1980-03-03', 321)},self,${VILLAGE},ILLNESS,100,0,2023-01-01,,`,
].join('\n');

async function importCsv(csv: string, token = t.city) {
  const res = await api.request('POST', '/merger/imports', { token, rawBody: csv, headers: { 'content-type': 'text/csv' } });
  expect(res.status, res.text).toBe(202);
  return until(`import ${res.body.importId}`, async () => {
    const r = await api.request('GET', `/merger/imports/${res.body.importId}`, { token });
    if (r.body.status === 'FAILED') throw new Error(JSON.stringify(r.body));
    return r.body.status === 'SUCCEEDED' ? r.body : undefined;
  }, 60_000);
}

async function assessments(token: string, query = '') {
  const res = await api.request('GET', `/merger/assessments${query}`, { token });
  expect(res.status, res.text).toBe(200);
  return res.body.items as { id: string; recordId: string; person: string; name: string; level: string; regionCode: string; recommendation: { layer: string | null } }[];
}

const byName = async (token: string, name: string, level = '') => (await assessments(token, level)).find((a) => a.name === name)!;
const coverage = async (region = '370983') => (await api.request('GET', `/merger/coverage?regionCode=${region}`, { token: t.admin })).body;

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  t.admin = await api.token('admin', undefined, 'admin-1');
  t.monitor = await api.token('monitor', undefined, 'monitor-1');
  t.city = await api.token('city', '370983', 'city-1');
  t.otherCity = await api.token('city', '620825', 'city-2');
  t.town = await api.token('town', '370983108', 'town-1');
  t.otherTown = await api.token('town', '370983104', 'town-2');
  t.village = await api.token('village', VILLAGE, 'village-1');
  t.otherVillage = await api.token('village', OTHER_VILLAGE, 'village-2');
  t.citizen = await api.token('citizen', undefined, 'citizen-1');
  // One monitoring object is already covered: a DIBAO household on the platform.
  await writeHousehold(household([member(covered, { name: '徐一', monthlyIncome: 100 })], { regionCode: VILLAGE, supporters: [] }), '2025-03-10T02:00:00Z', { categories: ['DIBAO'] });
}, 120_000);
afterAll(() => stack?.stop());

describe('an import', () => {
  let first: Record<string, any>;

  it('accepts good rows, reports each bad one by row and field, and classifies into each layer', async () => {
    // Act
    first = await importCsv(CSV);
    // Assess
    expect(first).toMatchObject({ rows: 11, accepted: 8, rejected: 3, created: 8, unchanged: 0, covered: 1 });
    expect(first.errors).toEqual(
      expect.arrayContaining([
        { row: 9, path: 'idNumber', message: expect.stringContaining('check character') },
        { row: 10, path: 'regionCode', message: 'no such village/community code' },
        { row: 10, path: 'monthlyIncome', message: expect.any(String) },
        { row: 11, path: 'name', message: 'required value missing' },
      ]),
    );
    expect(first.errors.every((e: { row: number }) => e.row >= 9)).toBe(true);
    expect(first.classified).toEqual({ DIBAO: 2, TEKUN: 1, DIBAO_EDGE: 1, RIGID_EXPENDITURE: 1, OTHER_HARDSHIP: 1, NONE: 2 });
    // IDs never leave unmasked.
    expect(JSON.stringify(first)).not.toContain(people.tekun);
  });

  it('labels the covered household and opens no assessment for it', async () => {
    const profile = await householdProfile((await until('covered', async () => (await import('../../../functions/adapters/households-table.ts')).membershipsOf(await hashOf(covered)).then((m) => m[0])))!.householdId);
    expect(profile?.labels).toEqual([{ code: 'FORMER_PREVENTION_MONITORING', riskTypes: ['ILLNESS'], since: '2022-03-01' }]);
    expect((await assessments(t.village)).map((a) => a.name).sort()).toEqual(['李四', '王五', '赵六', '钱七', '钱小七', '杜二'].sort());
  });

  it('a re-import of the same rows changes nothing', async () => {
    const before = await coverage();
    const again = await importCsv(CSV);
    expect(again).toMatchObject({ accepted: 8, created: 0, changed: 0, unchanged: 8 });
    expect(again.classified).toEqual(first.classified);
    expect(await coverage()).toEqual(before);
    expect(await assessments(t.village)).toHaveLength(6);
  });

  it('takes JSON rows and GBK files; refuses what is not an import', async () => {
    const json = await api.request('POST', '/merger/imports', { token: t.admin, body: { rows: [{ householdRef: 'J1', name: '吴十', idNumber: 'bad', relation: 'self', regionCode: VILLAGE, riskTypes: 'ILLNESS', monthlyIncome: 100, deposits: 0, identifiedOn: '2023-01-01' }] } });
    expect(json.status).toBe(202);
    const rejected = await until('json import', async () => ((await api.request('GET', `/merger/imports/${json.body.importId}`, { token: t.admin })).body as Record<string, any>).status === 'SUCCEEDED' ? (await api.request('GET', `/merger/imports/${json.body.importId}`, { token: t.admin })).body : undefined);
    expect(rejected).toMatchObject({ accepted: 0, rejected: 1, errors: [{ row: 1, path: 'idNumber' }] });
    const iconv = (await import('iconv-lite')).default;
    const gbk = iconv.encode(`${HEADER}\nG1,郑十一,${id('1985-09-09', 323)},self,${VILLAGE},ILLNESS,5000,0,2023-06-01,,三组\n`, 'gbk');
    const res = await fetch(`${stack.httpUrl}/merger/imports`, { method: 'POST', headers: { authorization: `Bearer ${t.city}`, 'content-type': 'text/csv' }, body: gbk });
    expect(res.status).toBe(202);
    const g = await until('gbk import', async () => {
      const r = await api.request('GET', `/merger/imports/${((await res.clone().json()) as { importId: string }).importId}`, { token: t.city });
      return r.body.status === 'SUCCEEDED' ? r.body : undefined;
    });
    expect(g).toMatchObject({ encoding: 'gbk', accepted: 1 });
    expect((await assessments(t.village)).some((a) => a.name === '郑十一')).toBe(true);
    expect((await api.request('POST', '/merger/imports', { token: t.city, rawBody: 'a,b\n1,2', headers: { 'content-type': 'text/csv' } })).status).toBe(400);
    expect((await api.request('POST', '/merger/imports', { token: t.village, rawBody: CSV, headers: { 'content-type': 'text/csv' } })).status).toBe(403);
    expect((await api.request('GET', `/merger/imports/${first.importId}`, { token: t.otherCity })).status).toBe(403);
    // A city imports only inside its jurisdiction.
    const outside = await importCsv(`${HEADER}\nX1,外县,${id('1985-10-10', 325)},self,620825001001,ILLNESS,100,0,2023-01-01,,\n`, t.city);
    expect(outside.errors).toEqual([{ row: 1, path: 'regionCode', message: 'outside your jurisdiction' }]);
  });
});

describe('the three-level assessment (市镇村三级研判)', () => {
  it('goes village → town → city inside jurisdiction; a city include starts the entitlement', async () => {
    const before = await coverage();
    const a = await byName(t.village, '杜二');
    expect(a.recommendation.layer).toBe('TEKUN');
    // Jurisdiction and level
    expect((await api.request('POST', `/merger/assessments/${a.id}/decision`, { token: t.otherVillage, body: { decision: 'include', reason: '核实' } })).status).toBe(403);
    expect((await api.request('POST', `/merger/assessments/${a.id}/decision`, { token: t.town, body: { decision: 'include', reason: '核实' } })).status).toBe(403);
    expect((await api.request('GET', '/merger/assessments?level=town', { token: t.village })).status).toBe(403);
    expect((await assessments(t.otherVillage)).some((x) => x.name === '杜二')).toBe(false);
    expect((await api.request('POST', `/merger/assessments/${a.id}/decision`, { token: t.village, body: { decision: 'include' } })).status).toBe(400);
    // Village opinion
    const v = await api.request('POST', `/merger/assessments/${a.id}/decision`, { token: t.village, body: { decision: 'include', reason: '村级研判：无劳动能力' } });
    expect(v.status, v.text).toBe(200);
    expect(v.body).toMatchObject({ status: 'ASSESSING', nextLevel: 'town' });
    expect((await api.request('POST', `/merger/assessments/${a.id}/decision`, { token: t.village, body: { decision: 'include', reason: 'again' } })).status).toBe(409);
    // Town
    const townTask = (await assessments(t.town)).find((x) => x.recordId === a.recordId)!;
    expect(townTask.level).toBe('town');
    expect((await assessments(t.otherTown)).some((x) => x.recordId === a.recordId)).toBe(false);
    expect((await api.request('POST', `/merger/assessments/${townTask.id}/decision`, { token: t.otherTown, body: { decision: 'include', reason: 'x' } })).status).toBe(403);
    expect((await api.request('POST', `/merger/assessments/${townTask.id}/decision`, { token: t.town, body: { decision: 'include', reason: '镇级研判' } })).status).toBe(200);
    // City
    const cityTask = (await assessments(t.city)).find((x) => x.recordId === a.recordId)!;
    expect((await api.request('POST', `/merger/assessments/${cityTask.id}/decision`, { token: t.otherCity, body: { decision: 'include', reason: 'x' } })).status).toBe(403);
    const c = await api.request('POST', `/merger/assessments/${cityTask.id}/decision`, { token: t.city, body: { decision: 'include', category: 'TEKUN', reason: '市级研判：纳入特困' } });
    expect(c.status, c.text).toBe(200);
    expect(c.body).toMatchObject({ status: 'INCLUDED', entitlement: { category: 'TEKUN' } });
    const ents = await entitlementsOf(c.body.entitlement.householdId);
    expect(ents).toEqual([expect.objectContaining({ category: 'TEKUN', status: 'ACTIVE', monthlyAmountFen: expect.any(Number) })]);
    expect(ents[0]!.monthlyAmountFen).toBeGreaterThan(0);
    expect((await householdProfile(c.body.entitlement.householdId))?.labels?.[0]).toMatchObject({ code: 'FORMER_PREVENTION_MONITORING', riskTypes: ['ILLNESS', 'DISABILITY'] });
    expect((await auditTrail(`MERGER#${a.recordId}`)).map((e) => e.action).sort()).toEqual(['CITY_INCLUDE', 'TOWN_INCLUDE', 'VILLAGE_INCLUDE']);
    const decided = await assessments(t.village, '?status=DECIDED');
    expect(decided.some((x) => x.recordId === a.recordId)).toBe(true);
    // Coverage after: one more included.
    const after = await coverage();
    expect(after.included).toBe(before.included + 1);
    expect(after.coverageNow).toBeGreaterThan(before.coverageNow);
  });

  it('an exit at city level ends the monitoring with its reason and a notice', async () => {
    const before = await coverage();
    const a = await byName(t.village, '钱七');
    expect(a.recommendation.layer).toBeNull();
    for (const [token, level] of [[t.village, 'village'], [t.town, 'town']] as const) {
      const task = (await assessments(token)).find((x) => x.recordId === a.recordId)!;
      expect(task.level).toBe(level);
      expect((await api.request('POST', `/merger/assessments/${task.id}/decision`, { token, body: { decision: 'exit', reason: '务工收入稳定，风险消除' } })).status).toBe(200);
    }
    const cityTask = (await assessments(t.city)).find((x) => x.recordId === a.recordId)!;
    const c = await api.request('POST', `/merger/assessments/${cityTask.id}/decision`, { token: t.city, body: { decision: 'exit', reason: '风险消除' } });
    expect(c.status, c.text).toBe(200);
    expect(c.body).toMatchObject({ status: 'EXITED', notice: { reasons: [expect.stringContaining('风险消除')], howToAppeal: expect.any(String) } });
    const after = await coverage();
    expect(after).toMatchObject({ exited: before.exited + 1, total: before.total, coveredAtImport: before.coveredAtImport });
    expect(after.coverageNow).toBeGreaterThan(before.coverageNow);
    // over time: the series ends where the counters are now
    const series = (await api.request('GET', '/merger/coverage?regionCode=370983&from=2020-01-01', { token: t.city })).body.series;
    expect(series[series.length - 1]).toMatchObject({ exited: after.exited, included: after.included });
    expect((await api.request('GET', '/merger/coverage?regionCode=620825', { token: t.city })).status).toBe(403);
  });

  it('counts recipients and labels in the statistics', async () => {
    const res = await api.request('GET', '/stats/overview?regionCode=370983', { token: t.city });
    expect(res.status, res.text).toBe(200);
    expect(res.body.recipients.TEKUN).toEqual({ households: 1, people: 1 });
    expect(res.body.labels.FORMER_PREVENTION_MONITORING.households).toBeGreaterThanOrEqual(1);
    expect((await api.request('GET', '/stats/overview?regionCode=6201', { token: t.city })).status).toBe(403);
    expect((await api.request('GET', '/stats/overview', { token: t.citizen })).status).toBe(403);
  });
});

describe('the September survey (排查) on the clock', () => {
  it('opens on 1 September per monitored household and remaining object; a form re-runs the rules; what stays open becomes a warning', async () => {
    // Act: the clock to 1 September 03:30 Asia/Shanghai
    const now = new Date((await api.request('GET', '/_local/clock')).body.now);
    const year = now.getUTCMonth() >= 8 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
    expect((await api.request('POST', '/_local/clock', { body: { set: `${year}-08-31T19:30:00Z` } })).status).toBe(200);
    const surveys = await until('surveys', async () => {
      const r = await api.request('GET', `/merger/surveys?year=${year}`, { token: t.village });
      return r.body.items?.length ? (r.body.items as { id?: string; surveyId: string; kind: string; target: string; dueOn: string; summary: Record<string, unknown> }[]) : undefined;
    }, 120_000);
    // Assess: the covered and the included households, and the objects still assessed (not the exited one)
    const kinds = surveys.map((s) => s.kind);
    expect(kinds.filter((k) => k === 'HOUSEHOLD').length).toBe(2);
    expect(surveys.filter((s) => s.kind === 'MONITORING_OBJECT').map((s) => s.summary.name).sort()).toEqual(['李四', '王五', '赵六', '郑十一', '钱小七'].sort());
    expect(surveys.every((s) => s.dueOn === `${year}-09-30`)).toBe(true);
    expect((await api.request('GET', `/merger/surveys?year=${year}`, { token: t.otherVillage })).body.items).toEqual([]);
    // A submitted form updates the record and runs the rules again.
    const edge = surveys.find((s) => s.summary.name === '李四')!;
    expect((await api.request('POST', `/merger/surveys/${edge.surveyId}`, { token: t.otherVillage, body: { visitedOn: `${year}-09-05`, surveyors: ['甲'] } })).status).toBe(403);
    const sub = await api.request('POST', `/merger/surveys/${edge.surveyId}`, { token: t.village, body: { visitedOn: `${year}-09-05`, surveyors: ['甲', '乙'], members: [{ idNumber: people.edge, monthlyIncome: 300 }] } });
    expect(sub.status, sub.text).toBe(200);
    expect(sub.body.outcome.layer).toBe('DIBAO');
    expect((await api.request('POST', `/merger/surveys/${edge.surveyId}`, { token: t.village, body: { visitedOn: `${year}-09-05`, surveyors: ['甲'] } })).status).toBe(409);
    expect((await byName(t.village, '李四')).recommendation.layer).toBe('DIBAO');
    // After September: the open ones are warnings.
    expect((await api.request('POST', '/_local/clock', { body: { set: `${year}-09-30T20:30:00Z` } })).status).toBe(200);
    const warnings = await until('overdue warnings', async () => {
      const r = await api.request('GET', `/warnings?indicator=SURVEY_OVERDUE&regionCode=${VILLAGE}`, { token: t.admin });
      return r.body.items?.length ? (r.body.items as { regionCode: string; details: { surveyId: string } }[]) : undefined;
    }, 60_000);
    expect(warnings.map((w) => w.details.surveyId).sort()).toEqual(surveys.filter((s) => s.surveyId !== edge.surveyId).map((s) => s.surveyId).sort());
  }, 300_000);
});

async function hashOf(idNumber: string) {
  const { idHash } = await import('../../../functions/commons/id-hash.ts');
  return idHash(idNumber);
}
