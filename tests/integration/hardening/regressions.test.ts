import { randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../../functions/adapters/dynamo.ts';
import { entitlementItems } from '../../../functions/adapters/households-table.ts';
import { householdIdOf } from '../../../functions/commons/id-hash.ts';
import type { LocalStack } from '../../../local/runtime.ts';
import { forgeToken } from '../../support/forge.ts';
import { ApiClient, startTestStack, tempDataDir } from '../../support/local-stack.ts';
import { CONSENT, dibaoHousehold, person } from '../../support/people.ts';
import { until } from '../../support/wait.ts';
import { approvedHousehold } from '../../support/world.ts';

/**
 * Issue #11's findings, one named regression each (items 1–5 and 7–9; item 6, decisions lost in
 * a crash, is tests/integration/hardening/decision-outbox-crash.test.ts). Each failed on the
 * main of 2026-12-01.
 */
const VILLAGE = '610124121200';
const TOWN = '610124121';
const CITY = '6101';

let stack: LocalStack;
let api: ApiClient;
let dataDir: string;
const t: Record<string, string> = {};

const submit = (household: unknown, token: string, opts: { requested?: string[]; key?: string; raw?: string } = {}) =>
  api.request('POST', '/applications', {
    token,
    ...(opts.raw !== undefined ? { rawBody: opts.raw } : { body: { household, requested: opts.requested ?? ['DIBAO'], consent: CONSENT } }),
    headers: { 'idempotency-key': opts.key ?? randomUUID() },
  });

const getApp = (id: string, token: string) => api.request('GET', `/applications/${id}`, { token });

async function taskFor(id: string, level: 'village' | 'town' | 'city') {
  return until(`a ${level} task for ${id}`, async () => {
    const res = await api.request('GET', '/review-tasks?limit=100', { token: t[level]! });
    return (res.body?.items ?? []).find((x: { applicationId: string }) => x.applicationId === id) as { id: string } | undefined;
  });
}

beforeAll(async () => {
  dataDir = tempDataDir('jiuzhu-hardening-');
  stack = await startTestStack({ dataDir });
  api = new ApiClient(stack.httpUrl);
  t.a = await api.token('citizen', undefined, 'citizen-a');
  t.b = await api.token('citizen', undefined, 'citizen-b');
  t.village = await api.token('village', VILLAGE, 'village-h');
  t.town = await api.token('town', TOWN, 'town-h');
  t.city = await api.token('city', CITY, 'city-h');
  t.admin = await api.token('admin', undefined, 'admin-h');
}, 120_000);
afterAll(() => stack?.stop());

describe('item 1: BOLA through someone else’s ID number', () => {
  it('a stranger naming A’s head gets a case of their own, never A’s household, its ledger or its id', async () => {
    // Prepare: A applies for their household.
    const headA = person('1950-05-05');
    const a = await submit(dibaoHousehold({ headId: headA }), t.a!);
    expect(a.status).toBe(201);
    const householdA = a.body.householdId as string;

    // Act: B submits naming A's head.
    const b = await submit(dibaoHousehold({ headId: headA }), t.b!);

    // Assess: B's case stands apart, A's household id appears nowhere B can read.
    expect(b.status).toBe(201);
    expect(b.body.householdId).not.toBe(householdA);
    expect(b.text).not.toContain(householdA);
    expect(b.body.flags).toBeUndefined();
    expect(b.body.notices).toEqual(['a member is already registered elsewhere; the town will verify']);
    expect((await getApp(b.body.id, t.b!)).text).not.toContain(householdA);
    expect((await api.request('GET', `/households/${householdA}/ledger`, { token: t.b! })).status).toBe(404);
    // A still reads their own; the town reviewer sees both households.
    expect((await api.request('GET', `/households/${householdA}/ledger`, { token: t.a! })).status).toBe(200);
    await taskFor(b.body.id, 'village');
    const asTown = await getApp(b.body.id, t.town!);
    expect(asTown.body.flags).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'HOUSEHOLD_REGISTERED_ELSEWHERE', otherHouseholdId: householdA })]));
  });

  it('a citizen whose verified idNumber is the head sees the household; the same claim unverified does not', async () => {
    const head = person('1951-06-06');
    const a = await submit(dibaoHousehold({ headId: head }), t.a!);
    const verified = await api.token('citizen', undefined, 'citizen-head');
    const res = await api.request('POST', '/_local/token', { body: { sub: 'citizen-head', role: 'citizen', idNumber: head } });
    expect(res.status).toBe(200);
    expect((await api.request('GET', `/households/${a.body.householdId}/ledger`, { token: res.body.token })).status).toBe(200);
    expect((await api.request('GET', `/households/${a.body.householdId}/ledger`, { token: verified })).status).toBe(404);
  });
});

describe('item 2: full ID numbers through padding', () => {
  it.each([
    ['spaces', '  %s  '],
    ['tabs', '\t%s\t'],
    ['U+3000', '\u3000%s\u3000'],
  ])('an idNumber padded with %s is stored canonical and shown masked', async (_what, pattern) => {
    const head = person('1949-03-07');
    const household = dibaoHousehold({ headId: head });
    household.members[0]!.idNumber = pattern.replace('%s', head.slice(0, 17) + head.slice(17).toLowerCase());
    const res = await submit(household, t.a!);
    expect(res.status).toBe(201);
    expect(res.text).not.toContain(head.slice(6, 14));
    expect(res.body.household.members[0].idNumber).toBe(`${head.slice(0, 6)}********${head.slice(14)}`);
    const stored = await documentClient().send(new GetCommand({ TableName: process.env.APPLICATIONS_TABLE!, Key: { pk: `APP#${res.body.id}`, sk: 'APP' } }));
    expect(stored.Item!.household.members[0].idNumber).toBe(head);
  });

  it('white space inside an ID number is a 400, not a stored oddity', async () => {
    const head = person('1949-03-08');
    const household = dibaoHousehold({ headId: head });
    household.members[0]!.idNumber = `${head.slice(0, 9)} ${head.slice(9)}`;
    const res = await submit(household, t.a!);
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('household.members.0.idNumber');
  });
});

describe('item 3: oracles', () => {
  it('PERSON_IN_TWO_HOUSEHOLDS shows a citizen neither the other household nor the other application', async () => {
    const member = person('1980-08-08');
    const a = await submit(dibaoHousehold({ memberIds: [member] }), t.a!);
    const b = await submit(dibaoHousehold({ memberIds: [member] }), t.b!);
    expect(b.status).toBe(201);
    const seen = (await getApp(b.body.id, t.b!)).text;
    expect(seen).not.toContain(a.body.id);
    expect(seen).not.toContain(a.body.householdId);
    expect(JSON.parse(seen).notices).toEqual(['a member is already registered elsewhere; the town will verify']);
    // The reviewer sees the link.
    const asCity = await getApp(b.body.id, t.city!);
    expect(asCity.body.flags.some((f: { type: string; otherApplicationId?: string }) => f.type === 'PERSON_IN_TWO_HOUSEHOLDS' && f.otherApplicationId === a.body.id)).toBe(true);
  });

  it('409 "already open" names no other citizen’s application', async () => {
    const head = person('1952-02-02');
    const a = await submit(dibaoHousehold({ headId: head }), t.a!);
    const res = await api.request('POST', '/_local/token', { body: { sub: 'citizen-head-2', role: 'citizen', idNumber: head } });
    const again = await submit(dibaoHousehold({ headId: head }), res.body.token);
    expect(again.status).toBe(409);
    expect(again.text).not.toContain(a.body.id);
    // The applicant themself is told which of their cases it is.
    const own = await submit(dibaoHousehold({ headId: head }), t.a!);
    expect(own.status).toBe(409);
    expect(own.text).toContain(a.body.id);
  });
});

describe('item 4: a valid body without optional fields', () => {
  it('POST /applications without supporters (and the other optional parts) is 201, and a retry gives the same case', async () => {
    const household = dibaoHousehold() as Record<string, unknown>;
    delete household.supporters;
    delete household.livingConditions;
    delete household.rigidExpenditure12m;
    delete household.address;
    const key = randomUUID();
    const first = await submit(household, t.a!, { key });
    expect(first.status).toBe(201);
    const retry = await submit(household, t.a!, { key });
    expect(retry.status).toBe(201);
    expect(retry.body.id).toBe(first.body.id);
    const other = await submit({ ...household, hukouType: 'urban' }, t.a!, { key });
    expect(other.status).toBe(422);
  });
});

describe('item 5: 5xx on bad input', () => {
  const valid = () => ({ household: dibaoHousehold(), requested: ['DIBAO'], consent: CONSENT });
  const nest = (depth: number) => {
    let v: unknown = 1;
    for (let i = 0; i < depth; i++) v = { a: v };
    return v;
  };
  it.each([
    ['an unknown field inside household.members', () => JSON.stringify({ ...valid(), household: { ...dibaoHousehold(), members: [{ ...dibaoHousehold().members[0], hobby: 'x' }] } }), 400, 'household.members.0.hobby'],
    ['an unknown top-level field', () => JSON.stringify({ ...valid(), extra: 1 }), 400, 'extra'],
    ['nesting 40 deep', () => JSON.stringify({ ...valid(), deep: nest(40) }), 400, undefined],
    ['1e308', () => JSON.stringify(valid()).replace('"deposits":2000', '"deposits":1e308'), 400, 'household.assets.deposits'],
    ['1e-320', () => JSON.stringify(valid()).replace('"deposits":2000', '"deposits":1e-320'), 400, 'household.assets.deposits'],
    ['{"":1}', () => JSON.stringify({ ...valid(), '': 1 }), 400, ''],
    ['a 500 KB string', () => JSON.stringify({ ...valid(), household: { ...dibaoHousehold(), address: 'x'.repeat(500_000) } }), 413, undefined],
    ['money with 3 decimals', () => JSON.stringify(valid()).replace('"deposits":2000', '"deposits":20.001'), 400, 'household.assets.deposits'],
    ['money above 100,000,000', () => JSON.stringify(valid()).replace('"deposits":2000', '"deposits":100000000.01'), 400, 'household.assets.deposits'],
  ])('%s → %i', async (_what, body, status, path) => {
    const res = await submit(undefined, t.a!, { raw: body() });
    expect(res.status).toBe(status);
    if (path !== undefined) expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  it('malformed percent-encoding in a path parameter is a 400 on every route kind', async () => {
    for (const path of ['/regions/%E0%A4%A', '/applications/%ZZ', '/households/%E0%A4%A/ledger']) {
      const res = await api.request('GET', path, { token: t.a! });
      expect(res.status, path).toBe(400);
    }
  });

  it('an unknown query parameter is a 400 naming it', async () => {
    const res = await api.request('GET', '/review-tasks?limit=5&colour=red', { token: t.village! });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain('colour');
  });
});

describe('item 7: role and jurisdiction tied', () => {
  it('/_local/token refuses a regionCode whose length does not fit the role', async () => {
    for (const [role, regionCode] of [['village', '6101'], ['town', '610124121200'], ['city', '610124121'], ['village', '610124121']] as const) {
      const res = await api.request('POST', '/_local/token', { body: { sub: 'x', role, regionCode } });
      expect(res.status, `${role} ${regionCode}`).toBe(400);
      expect(res.body.error.details[0].path).toBe('regionCode');
    }
    expect((await api.request('POST', '/_local/token', { body: { sub: 'x', role: 'city', regionCode: '610124' } })).status).toBe(200);
  });

  it('a village token holding a city code (signed anyway) decides nothing across the city', async () => {
    const app = await submit(dibaoHousehold(), t.a!);
    const task = await taskFor(app.body.id, 'village');
    const forged = await forgeToken(dataDir, stack.httpUrl, { sub: 'village-wide', role: 'village', regionCode: CITY });
    const res = await api.request('POST', `/review-tasks/${encodeURIComponent(task.id)}/decision`, { token: forged, body: { decision: 'approve' } });
    expect(res.status).toBe(403);
    expect((await api.request('GET', '/review-tasks', { token: forged })).status).toBe(403);
  });
});

describe('item 8: loose JWT checks', () => {
  const now = () => Math.floor(Date.now() / 1000);
  it('a token without exp is refused', async () => {
    const token = await forgeToken(dataDir, stack.httpUrl, { sub: 'c', role: 'citizen' }, { exp: null });
    const res = await api.request('GET', `/regions/${VILLAGE}`, { token });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/exp/);
  });
  it('a token issued more than 60 s in the future is refused; 30 s is within the skew', async () => {
    const ahead = await forgeToken(dataDir, stack.httpUrl, { sub: 'c', role: 'citizen' }, { iat: now() + 300 });
    expect((await api.request('GET', `/regions/${VILLAGE}`, { token: ahead })).status).toBe(401);
    const skewed = await forgeToken(dataDir, stack.httpUrl, { sub: 'c', role: 'citizen' }, { iat: now() + 30 });
    expect((await api.request('GET', `/regions/${VILLAGE}`, { token: skewed })).status).toBe(200);
  });
  it('an expired token’s 401 says it expired', async () => {
    const token = await forgeToken(dataDir, stack.httpUrl, { sub: 'c', role: 'citizen' }, { iat: now() - 7200, exp: now() - 3600 });
    const res = await api.request('GET', `/regions/${VILLAGE}`, { token });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/expired/);
  });
});

describe('item 9: small ones', () => {
  it('POST /ledger/runs refuses a month after the current one', async () => {
    const res = await api.request('POST', '/ledger/runs', { token: t.admin!, body: { month: '9999-12' } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('month');
  });

  it('re-applying for a category the household actively holds is a 409', async () => {
    const head = person('1953-03-03');
    const householdId = householdIdOf(head);
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: entitlementItems([
          {
            householdId,
            category: 'DIBAO',
            monthlyAmountFen: 50_000,
            amounts: [{ from: '2026-01', monthlyAmountFen: 50_000, reason: 'granted', at: new Date().toISOString(), by: 'system' }],
            startMonth: '2026-01',
            applicationId: 'app_earlier0000',
            regionCode: VILLAGE,
            grantedAt: new Date().toISOString(),
            status: 'ACTIVE',
          },
        ]),
      }),
    );
    const verified = (await api.request('POST', '/_local/token', { body: { sub: 'citizen-holder', role: 'citizen', idNumber: head } })).body.token;
    const res = await submit(dibaoHousehold({ headId: head }), verified);
    expect(res.status).toBe(409);
    expect(res.body.error.details[0]).toEqual({ path: 'requested', message: 'DIBAO is active' });
    // Another category is still open to an application.
    expect((await submit(dibaoHousehold({ headId: head }), verified, { requested: ['TEKUN'] })).status).toBe(201);
  });

  it('objections: one per person per notice round, the objector recorded for reviewers only', async () => {
    const app = await submit(dibaoHousehold(), t.a!);
    const id = app.body.id as string;
    const v = await taskFor(id, 'village');
    expect((await api.request('POST', `/review-tasks/${encodeURIComponent(v.id)}/decision`, { token: t.village!, body: { decision: 'approve' } })).status).toBe(200);
    const tw = await taskFor(id, 'town');
    const investigation = { visitedAt: '2026-11-30', investigators: ['王伟', '李娜'] };
    expect((await api.request('POST', `/review-tasks/${encodeURIComponent(tw.id)}/decision`, { token: t.town!, body: { decision: 'approve', investigation } })).status).toBe(200);
    await until('the notice', async () => ((await getApp(id, t.admin!)).body.status === 'PUBLIC_NOTICE' ? true : undefined));

    const first = await api.request('POST', `/applications/${id}/objections`, { token: t.b!, body: { reason: '该户有经营性收入' } });
    expect(first.status).toBe(202);
    const second = await api.request('POST', `/applications/${id}/objections`, { token: t.b!, body: { reason: '再次异议' } });
    expect(second.status).toBe(409);

    const asTown = await getApp(id, t.town!);
    expect(asTown.body.objections).toEqual([expect.objectContaining({ by: 'citizen-b', reason: '该户有经营性收入', round: 1 })]);
    const asApplicant = await getApp(id, t.a!);
    expect(asApplicant.body.objections[0].by).toBeUndefined();
  });
});

describe('found by the authorization matrix (tests/fuzz/authz-matrix.test.ts)', () => {
  it('a citizen whose verified idNumber heads a household sees its chain of help, like its profile and ledger; another citizen does not', async () => {
    const head = person('1953-03-03');
    const householdId = await approvedHousehold(VILLAGE, head, '2026-11');
    const member = (await api.request('POST', '/_local/token', { body: { sub: 'citizen-member', role: 'citizen', idNumber: head } })).body.token as string;
    const stranger = (await api.request('POST', '/_local/token', { body: { sub: 'citizen-stranger', role: 'citizen', idNumber: person('1954-04-04') } })).body.token as string;
    // The profile and the ledger were already right; the help chain answered the member 404.
    expect((await api.request('GET', `/households/${householdId}`, { token: member })).status).toBe(200);
    const chain = await api.request('GET', `/households/${householdId}/help-chain`, { token: member });
    expect(chain.status, chain.text).toBe(200);
    expect(chain.body.items.map((i: { code?: string }) => i.code)).toContain('DIBAO');
    expect((await api.request('GET', `/households/${householdId}/help-chain`, { token: stranger })).status).toBe(404);
    expect((await api.request('GET', `/households/${householdId}/help-chain`, { token: t.a! })).status).toBe(404);
  });
});
