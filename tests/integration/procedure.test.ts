import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/runtime.ts';
import { ApiClient, startTestStack } from '../support/local-stack.ts';
import { writeApprovedHousehold } from '../support/approved.ts';
import { CONSENT, dibaoHousehold, person, residentId } from '../support/people.ts';
import { until } from '../support/wait.ts';

/**
 * The lawful procedure (API.md v2 "Procedure") on the real local stack: consent, the 30-working-day
 * clock across a holiday, the notice rules, 一次认定, the TEKUN spot-check, a town that decides,
 * near relatives of staff, the lists, appeals.
 */
const VILLAGE = '610124121200';
const TOWN = '610124121';
// 哑柏镇: the county authorizes this town to decide (review.townDecides = 1).
const DECIDING_VILLAGE = '610124101001';
const DECIDING_TOWN = '610124101';

let stack: LocalStack;
let api: ApiClient;
const tokens: Record<string, string> = {};
const investigation = { visitedAt: '2026-09-21', investigators: ['王伟', '李娜'], notes: '入户核查' };

async function submit(household: unknown, requested = ['DIBAO'], extra: Record<string, unknown> = {}, citizen = tokens.citizen!) {
  return api.request('POST', '/applications', { token: citizen, body: { household, requested, consent: CONSENT, ...extra }, headers: { 'idempotency-key': randomUUID() } });
}
const view = async (id: string, token = tokens.admin!) => (await api.request('GET', `/applications/${id}`, { token })).body;
const reach = (id: string, status: string) =>
  until(`${id} to reach ${status}`, async () => {
    const app = await view(id);
    return app.status === status ? app : undefined;
  });
async function taskFor(id: string, level: string, token = tokens[level]!, suffix?: string) {
  return until(`a ${level} task for ${id}`, async () => {
    const res = await api.request('GET', '/review-tasks?limit=100', { token });
    return res.body.items.find((t: { applicationId: string; id: string }) => t.applicationId === id && (!suffix || t.id.endsWith(suffix)));
  });
}
const decide = (taskId: string, body: unknown, token: string) => api.request('POST', `/review-tasks/${encodeURIComponent(taskId)}/decision`, { token, body });

/** A 66-year-old living alone, no working capacity, no one able to support him: TEKUN, though he asks for DIBAO. */
function tekunHousehold() {
  return {
    ...dibaoHousehold(),
    members: [{ name: '龚老汉', idNumber: person('1960-03-03'), relation: 'self', disability: null, seriousIllness: false, laborAbility: 'none', inSchool: false, monthlyIncome: 100 }],
    supporters: [],
  };
}

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  // Friday 18 September 2026, 10:00 in Shanghai: the 30 working days cross 中秋 (25 Sep), 国庆 (1–7 Oct)
  // and two make-up workdays (Sunday 20 Sep, Saturday 10 Oct).
  await api.request('POST', '/_local/clock', { body: { set: '2026-09-18T02:00:00.000Z' } });
  tokens.citizen = await api.token('citizen', undefined, 'proc-citizen');
  tokens.other = await api.token('citizen', undefined, 'proc-other');
  tokens.village = await api.token('village', VILLAGE, 'proc-village');
  tokens.town = await api.token('town', TOWN, 'proc-town');
  tokens.county = await api.token('city', '610124', 'proc-county');
  tokens.city = await api.token('city', '6101', 'proc-city');
  tokens.admin = await api.token('admin', undefined, 'proc-admin');
  tokens.decidingVillage = await api.token('village', DECIDING_VILLAGE, 'proc-village-2');
  tokens.decidingTown = await api.token('town', DECIDING_TOWN, 'proc-town-2');
  const put = await api.request('PUT', `/policies/${DECIDING_TOWN}/review.townDecides`, { token: tokens.admin, body: { value: 1, effectiveFrom: '2026-01-01', reference: '县民政局委托哑柏镇审核确认（测试）' } });
  expect(put.status).toBe(200);
}, 120_000);
afterAll(() => stack?.stop());

describe('intake', () => {
  it('counts 30 working days from acceptance on the official calendar (holidays and make-up workdays)', async () => {
    const created = await submit(dibaoHousehold());
    expect(created.status).toBe(201);
    // Counted by hand: 20 Sep (make-up), 21–24, 28–30 Sep (25th is 中秋), 8, 9, 10 (make-up), 12–16,
    // 19–23, 26–30 Oct, 2–5 Nov → the 30th working day is Thursday 5 November. Counting weekdays
    // alone would give 30 October.
    expect(created.body.deadline).toEqual(expect.objectContaining({ due: '2026-11-05' }));
    expect(created.body.consent).toEqual(CONSENT);
    const id = created.body.id as string;
    // The town extends it once, with a reason, to 45 working days: 6, 9–13, 16–20, 23–26 Nov.
    expect((await api.request('POST', `/applications/${id}/extensions`, { token: tokens.village, body: { reason: '需补充材料' } })).status).toBe(403);
    const ext = await api.request('POST', `/applications/${id}/extensions`, { token: tokens.town, body: { reason: '需要补充调查外出务工收入' } });
    expect(ext.status).toBe(200);
    expect(ext.body.deadline).toEqual(expect.objectContaining({ due: '2026-11-05', extendedTo: '2026-11-26' }));
    expect((await view(id)).deadline.extendedTo).toBe('2026-11-26');
    expect((await api.request('POST', `/applications/${id}/extensions`, { token: tokens.town, body: { reason: '再延' } })).status).toBe(409);
  });

  it('needs the signed cross-check authorization (422 without it)', async () => {
    const body = { household: dibaoHousehold(), requested: ['DIBAO'] };
    const none = await api.request('POST', '/applications', { token: tokens.citizen, body, headers: { 'idempotency-key': randomUUID() } });
    expect(none.status).toBe(422);
    expect(none.body.error.details[0].path).toBe('consent.crossCheckAuthorized');
    const unsigned = await api.request('POST', '/applications', { token: tokens.citizen, body: { ...body, consent: { crossCheckAuthorized: false, signedAt: '2026-09-01' } }, headers: { 'idempotency-key': randomUUID() } });
    expect(unsigned.status).toBe(422);
    const future = await api.request('POST', '/applications', { token: tokens.citizen, body: { ...body, consent: { crossCheckAuthorized: true, signedAt: '2026-12-31' } }, headers: { 'idempotency-key': randomUUID() } });
    expect(future.status).toBe(422);
  });

  it('registers a near relative of staff (近亲属备案) and shows it to reviewers, not as a flag to the citizen', async () => {
    const staffRelative = { staffName: '张主任', position: '王家河镇民政办', relation: '兄弟' };
    const id = (await submit(dibaoHousehold(), ['DIBAO'], { staffRelative })).body.id as string;
    const task = await taskFor(id, 'village');
    expect(task.summary.nearRelativeOfStaff).toBe(true);
    const asReviewer = await view(id, tokens.town);
    expect(asReviewer.staffRelative).toEqual(staffRelative);
    expect(asReviewer.flags.map((f: { type: string }) => f.type)).toContain('NEAR_RELATIVE_OF_STAFF');
    expect((await view(id, tokens.citizen)).flags).toBeUndefined();
  });
});

describe('notice and decision', () => {
  it('an ORPHAN case has no public notice: from the town straight to the city', async () => {
    const grandmother = person('1957-04-04', { female: true });
    const child = person('2015-08-08');
    const household = {
      ...dibaoHousehold({ headId: grandmother }),
      members: [
        { name: '李奶奶', idNumber: grandmother, relation: 'self', disability: null, seriousIllness: false, laborAbility: 'partial', inSchool: false, monthlyIncome: 300 },
        { name: '李小明', idNumber: child, relation: 'grandchild', disability: null, seriousIllness: false, laborAbility: 'none', inSchool: true, orphaned: true, monthlyIncome: 0 },
      ],
    };
    const id = (await submit(household, ['ORPHAN'])).body.id as string;
    expect((await decide((await taskFor(id, 'village')).id, { decision: 'approve' }, tokens.village!)).body.status).toBe('TOWN_REVIEW');
    const town = await decide((await taskFor(id, 'town')).id, { decision: 'approve', investigation }, tokens.town!);
    expect(town.body.status).toBe('CITY_REVIEW');
    const atCity = await reach(id, 'CITY_REVIEW');
    expect(atCity.publicNotice).toBeUndefined();
    expect((await decide((await taskFor(id, 'city')).id, { decision: 'approve' }, tokens.city!)).body.status).toBe('APPROVED');
    const approved = await reach(id, 'APPROVED');
    expect(approved.publicNotice).toBeUndefined();
    expect(approved.history.some((h: { stage: string }) => h.stage === 'PUBLIC_NOTICE')).toBe(false);
    expect(approved.decision.approved.map((a: { code: string }) => a.code)).toEqual(['ORPHAN']);
    expect(approved.decision.letter.legalBasis.join()).toContain('国办发〔2010〕54号');
  });

  it('一次认定: a DIBAO request the rules find TEKUN is granted TEKUN by the city, after the drawn spot-check visit', async () => {
    const id = (await submit(tekunHousehold(), ['DIBAO'])).body.id as string;
    const atVillage = await reach(id, 'VILLAGE_REVIEW');
    expect(atVillage.recommendation.eligible).toContain('TEKUN');
    expect(atVillage.recommendation.reasons.join()).toContain('特困人员救助供养：家庭符合条件但未申请（一次认定：审批机关可一并认定）');
    // The first TEKUN case of the county is drawn (≥ 30% of cases are, by home visit).
    expect(atVillage.spotCheck).toEqual(expect.objectContaining({ drawn: true, sequence: 1, county: '610124' }));
    await decide((await taskFor(id, 'village')).id, { decision: 'approve' }, tokens.village!);
    const town = await decide((await taskFor(id, 'town')).id, { decision: 'approve', categories: ['TEKUN'], investigation }, tokens.town!);
    expect(town.body.status).toBe('PUBLIC_NOTICE');
    await reach(id, 'PUBLIC_NOTICE');
    await api.advanceDays(7.01);
    const cityTask = await taskFor(id, 'city');
    expect(cityTask.summary.spotCheck).toEqual({ drawn: true, sequence: 1 });
    const one = await api.request('GET', `/review-tasks/${encodeURIComponent(cityTask.id)}`, { token: tokens.city });
    expect(one.status).toBe(200);
    expect(one.body.case.recommendation.eligible).toContain('TEKUN');
    expect(one.body.case.proposal.categories).toEqual(['TEKUN']);
    const noVisit = await decide(cityTask.id, { decision: 'approve', categories: ['TEKUN'] }, tokens.city!);
    expect(noVisit.status).toBe(400);
    expect(noVisit.body.error.details[0].path).toBe('spotCheck');
    const ok = await decide(cityTask.id, { decision: 'approve', categories: ['TEKUN'], spotCheck: { visitedAt: '2026-10-12', investigators: ['县民政局赵科长', '钱干事'], findings: '情况属实' } }, tokens.city!);
    expect(ok.body.status).toBe('APPROVED');
    const approved = await reach(id, 'APPROVED');
    expect(approved.decision.approved.map((a: { code: string }) => a.code)).toEqual(['TEKUN']);
    expect(approved.decision.approved[0].monthlyAmount).toBeGreaterThan(0);
    expect(approved.spotCheck.record.investigators).toHaveLength(2);
    expect(approved.decision.letter.reasons).toContain('特困人员救助供养：家庭符合条件，不需另行申请，一并认定（一次认定）');
    expect(approved.decision.letter.legalBasis.join()).toContain('《特困人员认定办法》（民发〔2021〕43号）第四条');
  });

  it('where the county has authorized the town, the town’s decision is final: approval after the notice, refusal at once', async () => {
    const approveId = (await submit(dibaoHousehold({ regionCode: DECIDING_VILLAGE }))).body.id as string;
    await decide((await taskFor(approveId, 'village', tokens.decidingVillage)).id, { decision: 'approve' }, tokens.decidingVillage!);
    const town = await decide((await taskFor(approveId, 'town', tokens.decidingTown)).id, { decision: 'approve', investigation }, tokens.decidingTown!);
    expect(town.body.status).toBe('PUBLIC_NOTICE');
    await reach(approveId, 'PUBLIC_NOTICE');
    await api.advanceDays(7.01);
    const approved = await reach(approveId, 'APPROVED');
    expect(approved.history.some((h: { stage: string }) => h.stage === 'CITY_REVIEW')).toBe(false);
    expect(approved.decision.letter.decidedBy.level).toBe('town');

    const rejectId = (await submit(dibaoHousehold({ regionCode: DECIDING_VILLAGE }))).body.id as string;
    await decide((await taskFor(rejectId, 'village', tokens.decidingVillage)).id, { decision: 'reject', reason: '有劳动能力' }, tokens.decidingVillage!);
    const refusal = await decide((await taskFor(rejectId, 'town', tokens.decidingTown)).id, { decision: 'reject', reason: '子女有赡养能力', investigation }, tokens.decidingTown!);
    expect(refusal.body.status).toBe('REJECTED');
    const rejected = await reach(rejectId, 'REJECTED');
    expect(rejected.decision.letter.kind).toBe('REFUSAL');
    expect(rejected.investigations.some((i: { level: string }) => i.level === 'town')).toBe(true);
  });
});

describe('lists', () => {
  it('a citizen pages through their own cases; a reviewer lists the cases in the jurisdiction by status and region', async () => {
    const citizen = await api.token('citizen', undefined, 'proc-lister');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submit(dibaoHousehold(), ['DIBAO'], {}, citizen)).body.id);
    const first = await api.request('GET', '/applications?limit=2', { token: citizen });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(typeof first.body.nextCursor).toBe('string');
    const second = await api.request('GET', `/applications?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: citizen });
    const seen = [...first.body.items, ...second.body.items].map((a: { id: string }) => a.id);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(second.body.nextCursor).toBeNull();
    expect((await api.request('GET', '/applications?limit=2', { token: tokens.other })).body.items.some((a: { id: string }) => ids.includes(a.id))).toBe(false);

    for (const id of ids) await reach(id, 'VILLAGE_REVIEW');
    const inVillage = await api.request('GET', `/applications?status=VILLAGE_REVIEW&regionCode=${VILLAGE}&limit=100`, { token: tokens.town });
    expect(inVillage.status).toBe(200);
    expect(inVillage.body.items.every((a: { status: string; regionCode: string }) => a.status === 'VILLAGE_REVIEW' && a.regionCode === VILLAGE)).toBe(true);
    expect(inVillage.body.items.map((a: { id: string }) => a.id)).toEqual(expect.arrayContaining(ids));
    expect((await api.request('GET', `/applications?regionCode=${DECIDING_VILLAGE}`, { token: tokens.town })).status).toBe(403);
    expect((await api.request('GET', '/applications?sort=desc', { token: tokens.town })).status).toBe(400);
    expect((await api.request('GET', '/applications?cursor=not-a-cursor', { token: tokens.town })).status).toBe(400);
    const tasks = await api.request('GET', '/review-tasks?limit=1', { token: tokens.village });
    expect(tasks.body.items).toHaveLength(1);
    expect(tasks.body).toHaveProperty('nextCursor');
  });
});

describe('appeals', () => {
  it('the applicant appeals a county’s refusal to the city above; the county cannot hear it; an overturn reopens the case at the town', async () => {
    const id = (await submit(dibaoHousehold())).body.id as string;
    await decide((await taskFor(id, 'village')).id, { decision: 'approve' }, tokens.village!);
    await decide((await taskFor(id, 'town')).id, { decision: 'reject', reason: '存款超过标准', investigation }, tokens.town!);
    await reach(id, 'CITY_REVIEW');
    await decide((await taskFor(id, 'city', tokens.county)).id, { decision: 'reject', reason: '存款超过标准' }, tokens.county!);
    const rejected = await reach(id, 'REJECTED');
    expect(rejected.decision.letter.decidedBy).toEqual(expect.objectContaining({ level: 'city', regionCode: '610124' }));

    expect((await api.request('POST', `/applications/${id}/appeals`, { token: tokens.other, body: { reason: '不服' } })).status).toBe(404);
    const filed = await api.request('POST', `/applications/${id}/appeals`, { token: tokens.citizen, body: { reason: '存款是子女寄存的医疗费' } });
    expect(filed.status).toBe(202);
    expect(filed.body.appealId).toMatch(/^apl_/);
    expect((await api.request('POST', `/applications/${id}/appeals`, { token: tokens.citizen, body: { reason: '再次' } })).status).toBe(409);

    const task = await taskFor(id, 'city', tokens.city, '.appeal.1');
    expect(task.kind).toBe('APPEAL');
    // The county that decided does not hear its own appeal.
    expect((await decide(task.id, { decision: 'overturn', reason: 'x' }, tokens.county!)).status).toBe(403);
    expect((await decide(task.id, { decision: 'approve' }, tokens.city!)).status).toBe(400);
    const res = await decide(task.id, { decision: 'overturn', reason: '存款来源需重新核实' }, tokens.city!);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('TOWN_REVIEW');
    const reopened = await view(id);
    expect(reopened.status).toBe('TOWN_REVIEW');
    expect(reopened.appeals[0]).toEqual(expect.objectContaining({ outcome: 'overturn', decisionReason: '存款来源需重新核实' }));
    expect(reopened.appeals[0].letter).toEqual(expect.objectContaining({ kind: 'APPEAL_OVERTURNED', reasons: ['县市民政局复核意见：存款来源需重新核实'], decisionItems: ['撤销原决定（最低生活保障），重新审核'] }));
    const again = await taskFor(id, 'town', tokens.town, '.r1');
    expect(again.summary.reopenedByAppeal).toBe(1);
  });

  it('a case reopened by an overturn holds its categories again: never two open cases for one household and category, nor one for a category it holds', async () => {
    /** A case of `household` refused by the county, with the applicant's appeal waiting at the city. */
    async function refusedAndAppealed(household: unknown) {
      const id = (await submit(household)).body.id as string;
      await decide((await taskFor(id, 'village')).id, { decision: 'approve' }, tokens.village!);
      await decide((await taskFor(id, 'town')).id, { decision: 'reject', reason: '存款超过标准', investigation }, tokens.town!);
      await reach(id, 'CITY_REVIEW');
      await decide((await taskFor(id, 'city', tokens.county)).id, { decision: 'reject', reason: '存款超过标准' }, tokens.county!);
      await reach(id, 'REJECTED');
      expect((await api.request('POST', `/applications/${id}/appeals`, { token: tokens.citizen, body: { reason: '存款是子女寄存的医疗费' } })).status).toBe(202);
      return { id, task: await taskFor(id, 'city', tokens.city, '.appeal.1') };
    }

    // Overturned with no other case open: the reopened case takes the lock back, so a new application for DIBAO is refused.
    const household = dibaoHousehold();
    const first = await refusedAndAppealed(household);
    expect((await decide(first.task.id, { decision: 'overturn', reason: '存款来源需重新核实' }, tokens.city!)).status).toBe(200);
    expect((await view(first.id)).status).toBe('TOWN_REVIEW');
    const duplicate = await submit(household);
    expect(duplicate.status, duplicate.text).toBe(409);
    expect(duplicate.body.error.message).toContain('DIBAO');

    // A new case opened after the refusal holds DIBAO: the overturn cannot reopen the old one beside it (409), and changes nothing.
    const other = dibaoHousehold();
    const second = await refusedAndAppealed(other);
    const fresh = await submit(other);
    expect(fresh.status, fresh.text).toBe(201);
    const refused = await decide(second.task.id, { decision: 'overturn', reason: '存款来源需重新核实' }, tokens.city!);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.error.message).toContain('DIBAO');
    expect((await view(second.id)).status).toBe('REJECTED');
    // The appeal is still to be heard: upheld, it is decided.
    expect((await decide(second.task.id, { decision: 'uphold', reason: '维持原决定' }, tokens.city!)).status).toBe(200);

    // The household holds DIBAO now (granted meanwhile): the overturn cannot reopen a case for it (409), and changes nothing.
    const held = dibaoHousehold();
    const third = await refusedAndAppealed(held);
    await writeApprovedHousehold(held, [{ category: 'DIBAO', fen: 60_000, startMonth: '2026-10' }]);
    const refusedHeld = await decide(third.task.id, { decision: 'overturn', reason: '存款来源需重新核实' }, tokens.city!);
    expect(refusedHeld.status, refusedHeld.text).toBe(409);
    expect(refusedHeld.body.error.message).toContain('DIBAO');
    expect((await view(third.id)).status).toBe('REJECTED');
  });

  it('an approval is not a refusal: nothing to appeal (409)', async () => {
    const grandmother = person('1950-01-01', { female: true });
    const household = { ...dibaoHousehold({ headId: grandmother }), members: [{ name: '老人', idNumber: grandmother, relation: 'self', disability: null, seriousIllness: false, laborAbility: 'none', inSchool: false, monthlyIncome: 0 }], supporters: [{ name: '子', idNumber: residentId('610124', '1975-01-01', 9), able: true }] };
    const id = (await submit(household)).body.id as string;
    await reach(id, 'VILLAGE_REVIEW');
    expect((await api.request('POST', `/applications/${id}/appeals`, { token: tokens.citizen, body: { reason: '不服' } })).status).toBe(409);
  });
});

describe('the case clock', () => {
  it('escalates before the 30 working days run out, and never decides', async () => {
    const id = (await submit(dibaoHousehold())).body.id as string;
    const created = await view(id);
    const task = await taskFor(id, 'village');
    await api.advanceDays(50);
    const late = await until('the case-deadline escalations', async () => {
      const t = (await api.request('GET', `/review-tasks/${encodeURIComponent(task.id)}`, { token: tokens.village })).body;
      return t.escalations.some((e: { reason: string }) => e.reason === 'CASE_DEADLINE_PASSED') ? t : undefined;
    });
    const near = late.escalations.find((e: { reason: string }) => e.reason === 'CASE_DEADLINE_NEAR');
    expect(near).toBeDefined();
    expect(Date.parse(near.at)).toBeLessThan(Date.parse(`${created.deadline.due}T18:00:00+08:00`));
    expect(late.overdue).toBe(true);
    expect(late.dueAt).toBe(task.dueAt);
    expect((await view(id)).status).toBe('VILLAGE_REVIEW');
  }, 120_000);
});
