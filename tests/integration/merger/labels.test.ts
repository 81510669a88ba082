import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/runtime.ts';
import { ApiClient, startTestStack } from '../../support/local-stack.ts';
import { household, idBorn, member, writeHousehold } from '../../support/monitoring.ts';
import { until } from '../../support/wait.ts';

/**
 * A household the merger labels (a covered monitoring object: FORMER_PREVENTION_MONITORING) keeps
 * the label on the warnings raised for it; GET /warnings?label= finds them, and only them.
 */
const VILLAGE = '610124121200';
let stack: LocalStack;
let api: ApiClient;
const t: Record<string, string> = {};

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  t.city = await api.token('city', '6101', 'labels-city');
  t.village = await api.token('village', VILLAGE, 'labels-village');
  t.monitor = await api.token('monitor', undefined, 'labels-monitor');
  t.admin = await api.token('admin', undefined, 'labels-admin');
}, 120_000);
afterAll(() => stack?.stop());

describe('labels on warnings', () => {
  it('a labelled household’s warning carries the label and the label filter finds it alone', async () => {
    // Prepare: two recipients turning 70 in March 2027; the first is also a monitoring object
    const labelled = idBorn('1957-03-31');
    const plain = idBorn('1957-03-30');
    const a = await writeHousehold(household([member(labelled)]), '2026-11-20T02:00:00Z');
    const b = await writeHousehold(household([member(plain)]), '2026-11-20T02:00:00Z');
    const csv = ['householdRef,name,idNumber,relation,regionCode,riskTypes,monthlyIncome,deposits,identifiedOn', `L1,王某,${labelled},self,${VILLAGE},ILLNESS,100,1000,2023-05-01`].join('\n');
    const imp = await api.request('POST', '/merger/imports', { token: t.city!, rawBody: csv, headers: { 'content-type': 'text/csv' } });
    expect(imp.status).toBe(202);
    const report = await until('import', async () => {
      const r = await api.request('GET', `/merger/imports/${imp.body.importId}`, { token: t.city! });
      return r.body.status === 'SUCCEEDED' ? r.body : undefined;
    });
    expect(report.covered).toBe(1);
    // Act: the daily monitoring run raises both birthdays
    const run = await api.request('POST', '/monitoring/runs', { token: t.monitor!, body: { asOf: '2027-03-01', mode: 'daily' } });
    expect(run.status).toBe(202);
    await until('run', async () => ((await api.request('GET', `/monitoring/runs/${run.body.runId}`, { token: t.monitor! })).body.status === 'SUCCEEDED' ? true : undefined), 60_000);
    // Assess
    const all = (await api.request('GET', '/warnings?indicator=ELDERLY_70', { token: t.village! })).body.items as { householdId: string; labels: { code: string; riskTypes: string[]; since: string }[] }[];
    expect(all.map((w) => w.householdId).sort()).toEqual([a.householdId, b.householdId].sort());
    const mine = all.find((w) => w.householdId === a.householdId)!;
    expect(mine.labels).toEqual([expect.objectContaining({ code: 'FORMER_PREVENTION_MONITORING', riskTypes: ['ILLNESS'], since: '2023-05-01' })]);
    expect(all.find((w) => w.householdId === b.householdId)!.labels).toEqual([]);
    const filtered = await api.request('GET', '/warnings?label=FORMER_PREVENTION_MONITORING', { token: t.village! });
    expect(filtered.status).toBe(200);
    expect(filtered.body.items.map((w: { householdId: string }) => w.householdId)).toEqual([a.householdId]);
    expect((await api.request('GET', '/warnings?label=SOMETHING_ELSE', { token: t.village! })).status).toBe(400);
  }, 180_000);
});
