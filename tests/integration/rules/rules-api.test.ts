import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedPolicies } from '../../../functions/adapters/policies-table.ts';
import type { LocalStack } from '../../../local/runtime.ts';
import { tableName } from '../../../local/names.ts';
import { ApiClient, startTestStack } from '../../support/local-stack.ts';
import { householdInput, makeId } from '../../unit/rules/fixtures.ts';
import { malformedSample } from '../../unit/rules/malformed.ts';

/** The three rules routes on the whole local stack (seeded at startup). */
describe('rules API on the local stack', () => {
  let stack: LocalStack;
  let api: ApiClient;
  let citizen: string;
  let admin: string;
  let town: string;

  beforeAll(async () => {
    stack = await startTestStack();
    api = new ApiClient(stack.httpUrl);
    [citizen, admin, town] = await Promise.all([api.token('citizen'), api.token('admin', undefined, 'admin-1'), api.token('town', '610124121')]);
  });
  afterAll(() => stack?.stop());

  const zhuanglang = (deposits: number) => householdInput({ regionCode: '620825100200', members: [{ income: 700 }, { income: 700, relation: 'spouse' }], deposits });
  // 620825100200 must be a real village for these tests: check it exists in the test data.
  it('uses a real 庄浪 village', async () => {
    const res = await api.request('GET', '/regions/620825100200', { token: citizen });
    expect(res.status).toBe(200);
  });

  describe('POST /eligibility/evaluate', () => {
    it('answers every category with reasons, masked IDs and the policy used', async () => {
      // Prepare
      const household = householdInput({ members: [{ age: 72, income: 300, disability: { category: 'physical', grade: 2 } }, { age: 45, income: 100, relation: 'child' }] });
      // Act
      const res = await api.request('POST', '/eligibility/evaluate', { token: citizen, body: { household, asOf: '2026-11-28' } });
      // Assess
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ asOf: '2026-11-28', regionCode: '610124121200', perCapitaMonthlyIncome: 200, primary: 'DIBAO' });
      expect(res.body.categories.map((c: { code: string }) => c.code)).toHaveLength(8);
      const dibao = res.body.categories.find((c: { code: string }) => c.code === 'DIBAO');
      // seeded rural 600: gap (600 − 200) × 2 = 800, elderly70 in 西安 0.2 × 600 = 120, severe disability 0.2 × 600 = 120
      expect(dibao).toMatchObject({ eligible: true, monthlyAmount: 1040 });
      expect(res.body.policy.parameters['supplement.elderly70']).toMatchObject({ value: 0.2, regionCode: '6101' });
      expect(res.body.people.map((p: { age: number }) => p.age)).toEqual([72, 45]);
      for (const m of household.members) expect(res.text).not.toContain(m.idNumber.slice(6, 14));
    });

    it('the 庄浪 change shows through the API: 2024-07-31 vs 2024-08-01', async () => {
      const body = (asOf: string) => ({ household: zhuanglang(36000), asOf });
      const [before, after] = await Promise.all([
        api.request('POST', '/eligibility/evaluate', { token: citizen, body: body('2024-07-31') }),
        api.request('POST', '/eligibility/evaluate', { token: citizen, body: body('2024-08-01') }),
      ]);
      const edge = (r: typeof before) => r.body.categories.find((c: { code: string }) => c.code === 'DIBAO_EDGE').eligible;
      expect([edge(before), edge(after)]).toEqual([false, true]);
    });

    it('422 when no policy value is in force yet on asOf (seeded values start 2020-01-01)', async () => {
      const res = await api.request('POST', '/eligibility/evaluate', { token: citizen, body: { household: householdInput({ members: [{ birth: '1950-01-01' }] }), asOf: '2019-06-01' } });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('UNPROCESSABLE');
    });

    it('401 without a token', async () => {
      const res = await api.request('POST', '/eligibility/evaluate', { body: { household: householdInput() } });
      expect(res.status).toBe(401);
    });

    it('400 with path household.regionCode for a well-formed code that does not exist', async () => {
      const res = await api.request('POST', '/eligibility/evaluate', { token: citizen, body: { household: householdInput({ regionCode: '610124121999' }) } });
      expect(res.status).toBe(400);
      expect(res.body.error.details).toEqual([{ path: 'household.regionCode', message: 'no such village/community code' }]);
    });

    it('a sample of the generated malformed households: 400 with field paths over HTTP, never a 5xx', async () => {
      const cases = malformedSample(100, 7);
      const results = await Promise.all(
        cases.map(async (c) => {
          const res = await api.request('POST', '/eligibility/evaluate', { token: citizen, rawBody: c.body });
          const paths: string[] = (res.body?.error?.details ?? []).map((d: { path: string }) => d.path);
          return res.status === 400 && paths.some((p) => p.startsWith(c.path)) ? 'ok' : `${c.what}: ${res.status} ${JSON.stringify(paths)}`;
        }),
      );
      expect(results.filter((r) => r !== 'ok')).toEqual([]);
    });
  });

  describe('PUT /policies/{regionCode}/{parameter} and GET /policies', () => {
    it('GET answers the parameters in force with their origin', async () => {
      const res = await api.request('GET', '/policies?regionCode=620825&date=2024-08-01', { token: town });
      expect(res.status).toBe(200);
      expect(res.body.parameters['dibaoEdge.depositCapMonths']).toMatchObject({ value: 36, effectiveFrom: '2024-08-01', regionCode: '620825' });
      expect(res.body.parameters['dibao.standard.rural']).toMatchObject({ value: 600, regionCode: 'CN' });
      const before = await api.request('GET', '/policies?regionCode=620825&date=2024-07-31', { token: town });
      expect(before.body.parameters['dibaoEdge.depositCapMonths'].value).toBe(24);
    });

    it('an admin change takes effect for evaluation from its date, and is audited (who, when, old, new)', async () => {
      // Prepare: a household in 周至 with per capita 650 is not DIBAO under the seeded 600.
      const household = householdInput({ members: [{ income: 650 }, { income: 650 }] });
      const evaluate = async (asOf: string) =>
        (await api.request('POST', '/eligibility/evaluate', { token: citizen, body: { household, asOf } })).body.categories[0];
      expect((await evaluate('2026-03-01')).eligible).toBe(false);

      // Act
      const put = await api.request('PUT', '/policies/610124/dibao.standard.rural', {
        token: admin,
        body: { value: 700, effectiveFrom: '2026-01-01', reference: '周至县民政局 2026 年低保标准' },
      });
      const again = await api.request('PUT', '/policies/610124/dibao.standard.rural', { token: admin, body: { value: 710, effectiveFrom: '2026-01-01' } });

      // Assess
      expect(put.status).toBe(200);
      expect(put.body).toMatchObject({ regionCode: '610124', parameter: 'dibao.standard.rural', value: 700, setBy: 'admin-1', previous: null });
      expect(again.body.previous).toMatchObject({ value: 700 });
      expect(await evaluate('2026-03-01')).toMatchObject({ eligible: true, monthlyAmount: (710 - 650) * 2 });
      expect((await evaluate('2025-12-31')).eligible).toBe(false);
      const audit = await stack.ctx.doc.send(
        new QueryCommand({ TableName: tableName('Audit'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'POLICY#610124#dibao.standard.rural' } }),
      );
      const entries = (audit.Items ?? []).filter((i) => i.by === 'admin-1');
      expect(entries.map((e) => [e.old?.value ?? null, e.new.value])).toEqual([
        [null, 700],
        [700, 710],
      ]);
      expect(entries.every((e) => typeof e.at === 'string' && e.at.length > 10)).toBe(true);
    });

    it('seeding again writes nothing and never overwrites an admin’s value', async () => {
      await api.request('PUT', '/policies/620825/dibaoEdge.depositCapMonths', { token: admin, body: { value: 40, effectiveFrom: '2024-08-01' } });
      const written = await seedPolicies(stack.ctx.doc, tableName('Policies'), tableName('Audit'), [
        { regionCode: '620825', parameter: 'dibaoEdge.depositCapMonths', value: 36, effectiveFrom: '2024-08-01', setAt: 'x', reference: 'seed' },
      ]);
      expect(written).toBe(0);
      const res = await api.request('GET', '/policies?regionCode=620825100200&date=2024-09-01', { token: citizen });
      expect(res.body.parameters['dibaoEdge.depositCapMonths'].value).toBe(40);
    });

    it('a seed writes the absent values with their audit entries and keeps the present ones', async () => {
      const written = await seedPolicies(stack.ctx.doc, tableName('Policies'), tableName('Audit'), [
        { regionCode: '620825', parameter: 'dibaoEdge.depositCapMonths', value: 30, effectiveFrom: '2024-08-01', setAt: 'x', reference: 'seed' },
        { regionCode: '620825', parameter: 'dibaoEdge.depositCapMonths', value: 33, effectiveFrom: '2031-01-01', setAt: 'x', reference: 'seed' },
      ]);
      expect(written).toBe(1);
      const later = await api.request('GET', '/policies?regionCode=620825100200&date=2031-02-01', { token: citizen });
      expect(later.body.parameters['dibaoEdge.depositCapMonths'].value).toBe(33);
      const kept = await api.request('GET', '/policies?regionCode=620825100200&date=2024-09-01', { token: citizen });
      expect(kept.body.parameters['dibaoEdge.depositCapMonths'].value).toBe(40);
      const audit = await stack.ctx.doc.send(
        new QueryCommand({ TableName: tableName('Audit'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'POLICY#620825#dibaoEdge.depositCapMonths' } }),
      );
      expect((audit.Items ?? []).filter((i) => i.new?.effectiveFrom === '2031-01-01').map((i) => [i.by, i.old, i.new.value])).toEqual([['seed', null, 33]]);
    });

    it.each([
      ['citizen', 'citizen'],
      ['town reviewer', 'town'],
    ])('403 for a %s', async (_, who) => {
      const res = await api.request('PUT', '/policies/CN/dibao.standard.rural', { token: who === 'citizen' ? citizen : town, body: { value: 1, effectiveFrom: '2030-01-01' } });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    });

    it('401 without or with a forged token', async () => {
      expect((await api.request('PUT', '/policies/CN/dibao.standard.rural', { body: { value: 1, effectiveFrom: '2030-01-01' } })).status).toBe(401);
      expect((await api.request('GET', '/policies?regionCode=CN', { token: admin.slice(0, -3) + 'abc' })).status).toBe(401);
    });

    it.each([
      ['/policies/CN/dibao.unknown', { value: 1, effectiveFrom: '2030-01-01' }, 'parameter'],
      ['/policies/610/dibao.standard.rural', { value: 1, effectiveFrom: '2030-01-01' }, 'regionCode'],
      ['/policies/CN/dibao.standard.rural', { value: 1.234, effectiveFrom: '2030-01-01' }, 'value'],
      ['/policies/CN/dibao.standard.rural', { value: -1, effectiveFrom: '2030-01-01' }, 'value'],
      ['/policies/CN/dibao.depositCapMonths', { value: 2.5, effectiveFrom: '2030-01-01' }, 'value'],
      ['/policies/CN/dibao.standard.rural', { value: '600', effectiveFrom: '2030-01-01' }, 'value'],
      ['/policies/CN/dibao.standard.rural', { value: 600, effectiveFrom: '2030-02-30' }, 'effectiveFrom'],
      ['/policies/CN/dibao.standard.rural', { value: 600 }, 'effectiveFrom'],
    ])('400 for PUT %s %j (path %s)', async (path, body, field) => {
      const res = await api.request('PUT', path, { token: admin, body });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    });

    it.each([
      ['PUT', '/policies/619999/dibao.standard.rural'],
      ['GET', '/policies?regionCode=619999&date=2025-01-01'],
      ['GET', '/policies?regionCode=610124121999'],
    ])('404 for %s %s (region does not exist)', async (method, path) => {
      const res = await api.request(method, path, { token: admin, ...(method === 'PUT' ? { body: { value: 1, effectiveFrom: '2030-01-01' } } : {}) });
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    });

    it('400 for GET with a malformed date or region', async () => {
      expect((await api.request('GET', '/policies?regionCode=CN&date=2025-13-01', { token: citizen })).body.error.details[0].path).toBe('date');
      expect((await api.request('GET', '/policies?regionCode=abc', { token: citizen })).body.error.details[0].path).toBe('regionCode');
    });

    it('concurrent admin writes to one value all land in the audit trail, in a consistent chain', async () => {
      const values = [801, 802, 803, 804, 805];
      const results = await Promise.all(values.map((value) => api.request('PUT', '/policies/6101/dibao.standard.urban', { token: admin, body: { value, effectiveFrom: '2027-01-01' } })));
      expect(results.every((r) => r.status === 200 || r.status === 409)).toBe(true);
      const audit = await stack.ctx.doc.send(
        new QueryCommand({ TableName: tableName('Audit'), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'POLICY#6101#dibao.standard.urban' }, ConsistentRead: true }),
      );
      const items = audit.Items ?? [];
      expect(items).toHaveLength(results.filter((r) => r.status === 200).length);
      // each write's "old" is the value the previous write left (a chain from null)
      const olds = new Set(items.map((i) => i.old?.value ?? null));
      const news = items.map((i) => i.new.value);
      expect(olds.has(null)).toBe(true);
      expect([...olds].filter((o) => o !== null).every((o) => news.includes(o))).toBe(true);
      expect(olds.size).toBe(items.length);
    });
  });

  it('an unknown person is not part of the answer (IDs are only masked, never echoed)', async () => {
    const household = householdInput({ members: [{ income: 100 }] });
    household.members[0]!.idNumber = makeId('1960-06-06', 11);
    const res = await api.request('POST', '/eligibility/evaluate', { token: citizen, body: { household } });
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('19600606');
  });
});
