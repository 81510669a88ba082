import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/runtime.ts';
import { auditTrail } from '../../functions/adapters/audit-table.ts';
import { documentClient } from '../../functions/adapters/dynamo.ts';
import { registerCounty } from '../../functions/adapters/monitoring-table.ts';
import { maskId } from '../../functions/domain/resident-id.ts';
import { eventsClient, localAction } from './eventbridge/support.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';
import { dibaoHousehold, person } from '../support/people.ts';
import { writeApprovedHousehold, type GrantedEntitlement } from '../support/approved.ts';
import { until } from '../support/wait.ts';

/**
 * Payments on the local stack: rosters drawn from the ledger (totals to the fen, frozen, later
 * changes as adjustments, replays), maker-checker approval, the bank file, returns held and paid
 * again once, recovery of payments after a death reported late, and the monthly schedule.
 * Each scenario uses its own county, since a county's rosters go forward month by month.
 */
let stack: LocalStack;
let api: ApiClient;
const t: Record<string, string> = {};

async function approvedHousehold(village: string, entitlements: GrantedEntitlement[], headId = person('1950-05-05', { area: village.slice(0, 6) })) {
  return { householdId: await writeApprovedHousehold(dibaoHousehold({ regionCode: village, headId }), entitlements), headId };
}

async function runMonth(month: string) {
  const res = await api.request('POST', '/ledger/runs', { token: t.admin!, body: { month } });
  expect(res.status).toBe(200);
}

/** Past the roster's settle time, so what the ledger just recorded is before the cutoff. */
const settle = () => stack.clock.set(stack.clock.now() + 16 * 60_000);

async function setPayee(token: string, householdId: string, account: string, idNumber: string) {
  const res = await api.request('PUT', `/households/${householdId}/payee`, { token, body: { name: '徐新华', idNumber, bank: '中国农业银行周至县支行', accountNumber: account } });
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function createRoster(token: string, countyCode: string, month: string) {
  return api.request('POST', '/payments/rosters', { token, body: { countyCode, month } });
}

async function built(token: string, id: string) {
  return until(`roster ${id} built`, async () => {
    const r = await api.request('GET', `/payments/rosters/${id}`, { token });
    return r.body?.status && r.body.status !== 'BUILDING' ? r.body : undefined;
  });
}

async function draft(maker: string, countyCode: string, month: string) {
  const res = await createRoster(maker, countyCode, month);
  expect(res.status, res.text).toBe(201);
  return built(maker, res.body.id);
}

async function allLines(token: string, id: string) {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.request('GET', `/payments/rosters/${id}/lines?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token });
    expect(res.status, res.text).toBe(200);
    out.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return out;
}

async function approve(token: string, id: string) {
  const res = await api.request('POST', `/payments/rosters/${id}/approve`, { token });
  expect(res.status, res.text).toBe(200);
}

async function rosterItems(id: string) {
  const res = await documentClient().send(new QueryCommand({ TableName: process.env.PAYMENTS_TABLE!, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `RO#${id}` } }));
  return res.Items ?? [];
}

async function put(entries: { source: string; detailType: string; detail: unknown }[]) {
  const res = await eventsClient(stack.awsUrl).send(
    new PutEventsCommand({ Entries: entries.map((e) => ({ EventBusName: 'jiuzhu', Source: e.source, DetailType: e.detailType, Detail: JSON.stringify(e.detail) })) }),
  );
  expect(res.FailedEntryCount).toBe(0);
  await localAction(stack.awsUrl, 'LocalWaitForDeliveries', { TimeoutMs: 20_000 });
}

const sumFen = (xs: number[]) => xs.reduce((s, x) => s + Math.round(x * 100), 0);

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  t.admin = await api.token('admin', undefined, 'admin-pay');
  t.maker = await api.token('city', '6101', 'city-maker');
  t.checker = await api.token('city', '6101', 'city-checker');
  t.otherCity = await api.token('city', '6208', 'city-zhuanglang');
  t.otherChecker = await api.token('city', '6208', 'city-zhuanglang-2');
  t.feicheng = await api.token('city', '3709', 'city-feicheng');
  t.feicheng2 = await api.token('city', '3709', 'city-feicheng-2');
  t.town = await api.token('town', '610124121', 'town-pay');
}, 120_000);
afterAll(() => stack?.stop());

describe('a county roster from the ledger', () => {
  it('totals equal the ledger to the fen; creation replayed creates nothing; maker-checker; file only once approved; later changes go to the next roster', async () => {
    // Prepare: three households of 周至县 in two towns, odd amounts; two have payees.
    const a = await approvedHousehold('610124121200', [{ category: 'DIBAO', fen: 81_251 }, { category: 'DISABILITY_CARE_SUBSIDY', fen: 10_033 }].map((e) => ({ ...e, startMonth: '2025-01' })));
    const b = await approvedHousehold('610124121200', [{ category: 'DIBAO', fen: 45_007, startMonth: '2025-02' }]);
    const c = await approvedHousehold('610124101201', [{ category: 'TEKUN', fen: 123_499, startMonth: '2025-03' }]);
    await setPayee(t.maker!, a.householdId, '6228480012345678901', a.headId);
    await setPayee(t.checker!, c.householdId, '6217000099998888777', c.headId);
    await runMonth('2025-03');
    await settle();

    // Act
    const created = await createRoster(t.maker!, '610124', '2025-03');
    expect(created.status, created.text).toBe(201);
    const roster = await built(t.maker!, created.body.id);

    // Assess: the ledger's entries of the month, summed in fen, are the roster's.
    const ledgerEntries = (await Promise.all([a, b, c].map((h) => api.request('GET', `/households/${h.householdId}/ledger?year=2025`, { token: t.admin! }))))
      .flatMap((r) => r.body.entries)
      .filter((e: { month?: string; source: string }) => e.month === '2025-03' && e.source === 'gov.civil-affairs');
    expect(ledgerEntries).toHaveLength(4);
    expect(roster.status).toBe('DRAFT');
    expect(Math.round(roster.totals.amount * 100)).toBe(sumFen(ledgerEntries.map((e: { amount: number }) => e.amount)));
    expect(Math.round(roster.totals.amount * 100)).toBe(81_251 + 10_033 + 45_007 + 123_499);
    expect(roster.totals.byCategory).toEqual({ DIBAO: 1262.58, DISABILITY_CARE_SUBSIDY: 100.33, TEKUN: 1234.99 });
    expect(roster.totals.byTown).toEqual({ '610124101': 1234.99, '610124121': 1362.91 });
    expect(roster.totals.held).toEqual({ lines: 1, amount: 450.07 });
    const lines = await allLines(t.maker!, roster.id);
    expect(lines).toHaveLength(4);
    expect(lines.find((l) => l.householdId === b.householdId)).toMatchObject({ status: 'HELD', holdReason: 'NO_PAYEE', payee: null });
    expect(lines.find((l) => l.householdId === a.householdId && l.category === 'DIBAO').payee.account).toBe('6228***********8901');
    expect(JSON.stringify(lines)).not.toContain('6228480012345678901');

    // A replayed request creates nothing new: the same id, the same items, one creation audit.
    const before = await rosterItems(roster.id);
    const again = await createRoster(t.maker!, '610124', '2025-03');
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(roster.id);
    expect(await rosterItems(roster.id)).toEqual(before);
    expect((await auditTrail(`ROSTER#${roster.id}`)).filter((x) => x.action === 'ROSTER_CREATED')).toHaveLength(1);

    // Maker-checker; the file only after approval; jurisdiction.
    expect((await api.request('GET', `/payments/rosters/${roster.id}/file`, { token: t.maker! })).status).toBe(409);
    expect((await api.request('POST', `/payments/rosters/${roster.id}/approve`, { token: t.maker! })).status).toBe(403);
    expect((await api.request('POST', `/payments/rosters/${roster.id}/approve`, { token: t.otherCity! })).status).toBe(403);
    expect((await api.request('GET', `/payments/rosters/${roster.id}`, { token: t.otherCity! })).status).toBe(403);
    expect((await api.request('GET', `/payments/rosters/${roster.id}`, { token: t.town! })).status).toBe(403);
    expect((await createRoster(t.otherCity!, '610124', '2025-04')).status).toBe(403);
    await approve(t.checker!, roster.id);
    expect((await api.request('POST', `/payments/rosters/${roster.id}/approve`, { token: t.checker! })).status).toBe(409);
    const audit = await auditTrail(`ROSTER#${roster.id}`);
    expect(audit.map((x) => `${x.action} ${x.by}`).sort()).toEqual(['ROSTER_APPROVED city-checker', 'ROSTER_CREATED city-maker']);

    const file = await api.request('GET', `/payments/rosters/${roster.id}/file`, { token: t.maker! });
    expect(file.status).toBe(200);
    // fetch's text() drops a BOM: look at the bytes.
    const raw = await fetch(`${stack.httpUrl}/payments/rosters/${roster.id}/file`, { headers: { authorization: `Bearer ${t.maker}` } });
    expect(raw.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect([...new Uint8Array(await raw.arrayBuffer()).slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = file.text.trim().split('\r\n');
    expect(rows[0]!.startsWith('序号,明细编号,乡镇代码')).toBe(true);
    expect(rows).toHaveLength(1 + 3); // the held line is not in the file
    expect(file.text).not.toContain('6228480012345678901');
    expect(file.text).toContain('812.51');
    const bank = await api.request('GET', `/payments/rosters/${roster.id}/file?copy=bank`, { token: t.checker! });
    expect(bank.text).toContain('6228480012345678901');
    expect(bank.text).toContain('6217000099998888777');
    expect((await auditTrail(`ROSTER#${roster.id}`)).some((x) => x.action === 'BANK_FILE_ISSUED' && x.by === 'city-checker')).toBe(true);

    // A later ledger change for March (a civil-affairs grant) does not touch the frozen roster:
    // it is an ADJUSTMENT on April's, beside April's own lines and B's held March line.
    await put([{ source: 'gov.civil-affairs', detailType: 'AssistanceGranted', detail: { idNumber: a.headId, type: 'TEMPORARY', amount: 300.05, date: '2025-03-20', department: '民政局', reference: 'tmp-1' } }]);
    await setPayee(t.maker!, b.householdId, '6228480055556666777', b.headId);
    await runMonth('2025-04');
    await settle();
    const april = await draft(t.maker!, '610124', '2025-04');
    expect((await api.request('GET', `/payments/rosters/${roster.id}`, { token: t.maker! })).body.totals).toEqual(roster.totals);
    const aprilLines = await allLines(t.maker!, april.id);
    expect(aprilLines.filter((l) => l.kind === 'ADJUSTMENT').map((l) => [l.category, l.forMonth, l.amount])).toEqual([['TEMPORARY', '2025-03', 300.05]]);
    expect(aprilLines.filter((l) => l.kind === 'REPAYMENT').map((l) => [l.householdId, l.forMonth, l.amount])).toEqual([[b.householdId, '2025-03', 450.07]]);
    expect(aprilLines.filter((l) => l.kind === 'CURRENT')).toHaveLength(4);
    expect(april.totals.byKind).toEqual({ ADJUSTMENT: 300.05, CURRENT: 2597.9, REPAYMENT: 450.07 });
    // Rosters go forward: March cannot be drawn again, nor an earlier month.
    expect((await createRoster(t.maker!, '610124', '2025-02')).status).toBe(409);
  });

  it('refuses what the schema refuses, 4xx never 5xx', async () => {
    expect((await api.request('POST', '/payments/rosters', { token: t.maker!, body: { countyCode: '610124', month: '2025-13' } })).status).toBe(400);
    expect((await api.request('POST', '/payments/rosters', { token: t.maker!, body: { countyCode: '610124', month: '2025-05', extra: 1 } })).status).toBe(400);
    expect((await api.request('POST', '/payments/rosters', { token: t.maker!, body: { countyCode: '610199', month: '2025-05' } })).status).toBe(404);
    expect((await api.request('POST', '/payments/rosters', { token: t.admin!, body: { countyCode: '610124', month: '2025-05' } })).status).toBe(403);
    expect((await api.request('GET', '/payments/rosters/ro_610124_209901', { token: t.maker! })).status).toBe(404);
    expect((await api.request('GET', '/payments/rosters/nope', { token: t.maker! })).status).toBe(400);
    expect((await api.request('GET', '/payments/rosters?countyCode=610124&cursor=garbage', { token: t.maker! })).status).toBe(400);
    expect((await api.request('GET', '/payments/rosters?countyCode=610124&bogus=1', { token: t.maker! })).status).toBe(400);
    const listed = await api.request('GET', '/payments/rosters?countyCode=610124', { token: t.maker! });
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((r: { month: string }) => r.month)).toEqual(['2025-03', '2025-04']);
    expect(listed.body.nextCursor).toBeNull();
    const hh = (await approvedHousehold('610124121200', [])).householdId;
    expect((await api.request('PUT', `/households/${hh}/payee`, { token: t.maker!, body: { name: 'x', idNumber: '123', bank: 'b', accountNumber: '12' } })).status).toBe(400);
    expect((await api.request('PUT', `/households/${hh}/payee`, { token: t.otherCity!, body: { name: 'x', idNumber: person('1960-01-01'), bank: 'b', accountNumber: '1234567890' } })).status).toBe(403);
  });
});

describe('returned payments', () => {
  it('are held, paid again exactly once when the payee is corrected, and repeated failures raise a warning', async () => {
    // Prepare: one household of 庄浪县 with a payee; April's roster approved and sent.
    const a = await approvedHousehold('620825100200', [{ category: 'DIBAO', fen: 50_000, startMonth: '2025-04' }]);
    await setPayee(t.otherCity!, a.householdId, '6228481111222233334', a.headId);
    await runMonth('2025-04');
    await settle();
    const april = await draft(t.otherCity!, '620825', '2025-04');
    await approve(t.otherChecker!, april.id);
    const [line] = await allLines(t.otherCity!, april.id);

    // Act: the bank returns it; May's roster is drawn before the account is corrected.
    expect((await api.request('POST', `/payments/rosters/${april.id}/returns`, { token: t.otherCity!, body: { lines: [{ lineId: 'ln_AAAAAAAAAAAAAAAAAAAAAA', reason: 'x' }] } })).status).toBe(404);
    const ret = await api.request('POST', `/payments/rosters/${april.id}/returns`, { token: t.otherCity!, body: { lines: [{ lineId: line.lineId, reason: '账户已销户' }] } });
    expect(ret.status, ret.text).toBe(200);
    expect(ret.body).toMatchObject({ recorded: [line.lineId], alreadyReturned: [], warningsRaised: 0 });
    const again = await api.request('POST', `/payments/rosters/${april.id}/returns`, { token: t.otherCity!, body: { lines: [{ lineId: line.lineId, reason: '账户已销户' }] } });
    expect(again.body).toMatchObject({ recorded: [], alreadyReturned: [line.lineId] });
    await runMonth('2025-05');
    await settle();
    const may = await draft(t.otherCity!, '620825', '2025-05');
    const mayLines = await allLines(t.otherCity!, may.id);

    // Assess: held while the account is wrong (the return and May's own line).
    expect(mayLines.map((l) => [l.kind, l.status, l.forMonth])).toEqual([['CURRENT', 'HELD', '2025-05']]);
    expect((await api.request('GET', `/payments/rosters/${april.id}`, { token: t.otherCity! })).body.returned).toEqual({ lines: 1, amount: 500 });

    // Act: the account is corrected; June's and July's rosters.
    const corrected = await setPayee(t.otherCity!, a.householdId, '6228489999000011112', a.headId);
    expect(corrected).toMatchObject({ blocked: false, returns: [expect.objectContaining({ reason: '账户已销户' })] });
    await runMonth('2025-06');
    await settle();
    const june = await draft(t.otherCity!, '620825', '2025-06');
    const juneLines = await allLines(t.otherCity!, june.id);
    await approve(t.otherChecker!, june.id);
    await runMonth('2025-07');
    await settle();
    const july = await draft(t.otherCity!, '620825', '2025-07');
    const julyLines = await allLines(t.otherCity!, july.id);

    // Assess: April and May paid again on June's roster with the new account, and only there.
    expect(juneLines.map((l) => [l.kind, l.status, l.forMonth, l.amount]).sort()).toEqual([
      ['CURRENT', 'PAYABLE', '2025-06', 500],
      ['REPAYMENT', 'PAYABLE', '2025-04', 500],
      ['REPAYMENT', 'PAYABLE', '2025-05', 500],
    ]);
    expect(juneLines.find((l) => l.forMonth === '2025-04').originalLineId).toBe(line.lineId);
    expect(juneLines.every((l) => l.payee.account === '6228***********1112')).toBe(true);
    expect(julyLines.map((l) => [l.kind, l.forMonth])).toEqual([['CURRENT', '2025-07']]);
    const bank = await api.request('GET', `/payments/rosters/${june.id}/file?copy=bank`, { token: t.otherChecker! });
    expect(bank.text.split('6228489999000011112').length - 1).toBe(3);

    // A second return of the same payee within 12 months raises PAYMENT_REPEATEDLY_FAILED.
    const juneCurrent = juneLines.find((l) => l.kind === 'CURRENT');
    const second = await api.request('POST', `/payments/rosters/${june.id}/returns`, { token: t.otherChecker!, body: { lines: [{ lineId: juneCurrent.lineId, reason: '户名不符' }] } });
    expect(second.body.warningsRaised).toBe(1);
    const warnings = await api.request('GET', '/warnings?indicator=PAYMENT_REPEATEDLY_FAILED&regionCode=620825', { token: t.otherCity! });
    expect(warnings.status, warnings.text).toBe(200);
    expect(warnings.body.items).toEqual([expect.objectContaining({ indicator: 'PAYMENT_REPEATEDLY_FAILED', householdId: a.householdId, person: maskId(a.headId), status: 'OPEN' })]);
  });

  it('returns only come back for an approved roster', async () => {
    const res = await api.request('GET', '/payments/rosters?countyCode=620825&month=2025-07', { token: t.otherCity! });
    const july = res.body.items[0];
    expect(july.status).toBe('DRAFT');
    const [line] = await allLines(t.otherCity!, july.id);
    expect((await api.request('POST', `/payments/rosters/${july.id}/returns`, { token: t.otherCity!, body: { lines: [{ lineId: line.lineId, reason: 'x' }] } })).status).toBe(409);
  });
});

describe('recovery (追缴) after a death reported late', () => {
  it('turns exactly the payments for months after the death into recovery items, stops unpaid lines, and the ledger shows them', async () => {
    // Prepare: a one-person household of 肥城市 paid February to April; May drawn, not approved.
    const a = await approvedHousehold('370983100200', [
      { category: 'DIBAO', fen: 60_000, startMonth: '2025-02' },
      { category: 'DISABILITY_CARE_SUBSIDY', fen: 10_050, startMonth: '2025-02' },
    ], person('1950-05-05', { area: '370983' }));
    await setPayee(t.feicheng!, a.householdId, '6228482222333344445', a.headId);
    const ids: string[] = [];
    for (const month of ['2025-02', '2025-03', '2025-04', '2025-05']) {
      await runMonth(month);
      await settle();
      const r = await draft(t.feicheng!, '370983', month);
      if (month !== '2025-05') await approve(t.feicheng2!, r.id);
      ids.push(r.id);
    }

    // Act: the civil registry reports the death of 2025-02-14 (twice: a redelivery).
    const death = { source: 'gov.civil-registry', detailType: 'PersonDeceased', detail: { idNumber: a.headId, date: '2025-02-14' } };
    await put([death]);
    await put([death]);

    // Assess: March and April, both categories: four items; February was due; May was never paid.
    const res = await api.request('GET', '/payments/recoveries?regionCode=370983', { token: t.feicheng! });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.map((r: any) => [r.month, r.type, r.amount, r.status, r.reason]).sort()).toEqual([
      ['2025-03', 'DIBAO', 600, 'OPEN', 'DECEASED'],
      ['2025-03', 'DISABILITY_CARE_SUBSIDY', 100.5, 'OPEN', 'DECEASED'],
      ['2025-04', 'DIBAO', 600, 'OPEN', 'DECEASED'],
      ['2025-04', 'DISABILITY_CARE_SUBSIDY', 100.5, 'OPEN', 'DECEASED'],
    ]);
    expect(res.body.items.every((r: any) => r.householdId === a.householdId && r.lastEntitledMonth === '2025-02')).toBe(true);
    const mayLines = await allLines(t.feicheng!, ids[3]!);
    expect(mayLines.map((l) => l.status)).toEqual(['STOPPED', 'STOPPED']);
    await approve(t.feicheng2!, ids[3]!);
    const mayFile = await api.request('GET', `/payments/rosters/${ids[3]}/file`, { token: t.feicheng! });
    expect(mayFile.text.trim().split('\r\n')).toHaveLength(1);
    const ledger = await api.request('GET', `/households/${a.householdId}/ledger?year=2025`, { token: t.feicheng! });
    expect(ledger.body.recoveries.map((r: any) => `${r.month} ${r.type} ${r.amount}`).sort()).toEqual(['2025-03 DIBAO 600', '2025-03 DISABILITY_CARE_SUBSIDY 100.5', '2025-04 DIBAO 600', '2025-04 DISABILITY_CARE_SUBSIDY 100.5']);
    expect((await api.request('GET', '/payments/recoveries?regionCode=610124', { token: t.feicheng! })).status).toBe(403);

    // Closing one: the money came back. Once.
    const first = res.body.items[0];
    expect((await api.request('POST', `/payments/recoveries/${first.id}/close`, { token: t.maker!, body: { outcome: 'RECOVERED', note: 'x' } })).status).toBe(403);
    const closed = await api.request('POST', `/payments/recoveries/${first.id}/close`, { token: t.feicheng!, body: { outcome: 'RECOVERED', note: '家属已退回' } });
    expect(closed.status, closed.text).toBe(200);
    expect(closed.body).toMatchObject({ id: first.id, status: 'RECOVERED', closedBy: 'city-feicheng' });
    expect((await api.request('POST', `/payments/recoveries/${first.id}/close`, { token: t.feicheng!, body: { outcome: 'WAIVED', note: 'again' } })).status).toBe(409);
    expect((await auditTrail(`RECOVERY#${first.id}`)).map((x) => x.action)).toEqual(['RECOVERY_RECOVERED']);
  });
});

describe('recovery after a termination', () => {
  it('an EntitlementEnded event recovers the paid months after the end, of that category only', async () => {
    // Prepare: 碑林区, DIBAO and a care subsidy paid February and March.
    const a = await approvedHousehold('610103001001', [
      { category: 'DIBAO', fen: 70_000, startMonth: '2025-02' },
      { category: 'DISABILITY_CARE_SUBSIDY', fen: 9_000, startMonth: '2025-02' },
    ], person('1960-05-05', { area: '610103' }));
    await setPayee(t.maker!, a.householdId, '6228483333444455556', a.headId);
    for (const month of ['2025-02', '2025-03']) {
      await runMonth(month);
      await settle();
      await approve(t.checker!, (await draft(t.maker!, '610103', month)).id);
    }

    // Act: DIBAO terminated with February as its last month, known only now.
    await put([{ source: 'jiuzhu.households', detailType: 'EntitlementEnded', detail: { householdId: a.householdId, category: 'DIBAO', endMonth: '2025-02' } }]);

    // Assess
    const res = await api.request('GET', '/payments/recoveries?regionCode=610103', { token: t.maker! });
    expect(res.body.items.map((r: any) => [r.month, r.type, r.amount, r.reason])).toEqual([['2025-03', 'DIBAO', 700, 'TERMINATED']]);
  });
});

describe('the monthly schedule', () => {
  it('drafts a roster for every monitored county on the 5th at 03:00 Asia/Shanghai', async () => {
    // Prepare: 宜川县 is monitored; the clock just before the next 5th.
    await registerCounty('610630', new Date().toISOString());
    const now = stack.clock.now();
    const shanghai = new Date(now + 8 * 3600_000);
    const next5th = Date.UTC(shanghai.getUTCFullYear(), shanghai.getUTCMonth() + (shanghai.getUTCDate() >= 5 ? 1 : 0), 5, 3 - 8, 0);
    const month = new Date(next5th + 8 * 3600_000).toISOString().slice(0, 7);
    await stack.clock.set(next5th - 60_000);
    const id = `ro_610630_${month.replace('-', '')}`;
    expect((await api.request('GET', `/payments/rosters/${id}`, { token: t.admin! })).status).toBe(404);

    // Act
    await stack.clock.set(next5th + 60_000);
    await localAction(stack.awsUrl, 'LocalWaitForDeliveries', { TimeoutMs: 20_000 });

    // Assess
    const roster = await built(t.admin!, id);
    expect(roster).toMatchObject({ countyCode: '610630', month, status: 'DRAFT', createdBy: 'system:monthlyRosters' });
  });
});
