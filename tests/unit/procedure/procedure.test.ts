import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decisionLetter } from '../../../functions/domain/letters.ts';
import { appealReason, changeLine, failedRuleLine, opinionOf, RULE_TEXT } from '../../../functions/domain/wording.ts';
import { RULES } from '../../../functions/domain/eligibility.ts';
import { manifest } from '../../../infra/manifest.ts';
import { checkDefinition } from '../../../local/stepfunctions/definition.ts';
import { PUBLIC_NOTICE_DAYS } from '../../../functions/domain/application.ts';
import { appealBy, appealLevel, caseDeadline, nextEscalationAt, noticeRequired, routeAfter, spotCheckDrawn } from '../../../functions/domain/procedure.ts';

describe('routing: the rules recommend, people decide', () => {
  it('the village only gives an opinion: both answers go to the town', () => {
    for (const d of ['approve', 'reject'] as const) expect(routeAfter('village', d, { townDecides: false, proposed: ['DIBAO'] }).route).toBe('TOWN');
  });
  it('the town: approval to the notice (none for children’s support), rejection to the city, final where authorized', () => {
    expect(routeAfter('town', 'approve', { townDecides: false, proposed: ['DIBAO'] })).toEqual({ route: 'NOTICE', afterNotice: 'CITY' });
    expect(routeAfter('town', 'approve', { townDecides: false, proposed: ['ORPHAN'] })).toEqual({ route: 'CITY' });
    expect(routeAfter('town', 'reject', { townDecides: false, proposed: ['DIBAO'] })).toEqual({ route: 'CITY' });
    expect(routeAfter('town', 'approve', { townDecides: true, proposed: ['DIBAO'] })).toEqual({ route: 'NOTICE', afterNotice: 'GRANT' });
    expect(routeAfter('town', 'reject', { townDecides: true, proposed: ['DIBAO'] })).toEqual({ route: 'REJECT' });
  });
  it('no notice only when every category is children’s support or one-off aid', () => {
    expect(noticeRequired(['ORPHAN'])).toBe(false);
    expect(noticeRequired(['ORPHAN', 'DIBAO'])).toBe(true);
    expect(noticeRequired(['TEMPORARY'])).toBe(false);
  });
});

describe('the TEKUN spot-check draw', () => {
  it('keeps at least 30% of any county’s cases drawn, after every case, and draws the first', () => {
    expect(spotCheckDrawn(1)).toBe(true);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), (n) => {
        let drawn = 0;
        for (let k = 1; k <= n; k++) if (spotCheckDrawn(k)) drawn++;
        return drawn >= 0.3 * n && drawn <= 0.3 * n + 1;
      }),
      { numRuns: 50 },
    );
  });
});

describe('deadlines and escalation', () => {
  it('the next escalation is the earliest of the level’s due time, the case warning and the case end, never in the past', () => {
    const d = caseDeadline('2026-09-18');
    const now = Date.parse('2026-09-18T02:00:00Z');
    const levelDue = Date.parse('2026-09-23T10:00:00Z');
    expect(nextEscalationAt(levelDue, d, now, now + 1)).toBe(levelDue);
    const late = Date.parse('2026-11-04T00:00:00Z'); // past the warning (5 working days before 5 Nov)
    expect(nextEscalationAt(levelDue, d, late, late + 3 * 86_400_000)).toBe(Date.parse('2026-11-05T18:00:00+08:00'));
  });
  it('an appeal is due within 60 days of the letter; it goes one level above the decider', () => {
    expect(appealBy('2026-01-31')).toBe('2026-04-01');
    expect(appealLevel({ level: 'town' })).toEqual({ level: 'city', maxJurisdictionLength: 6 });
    expect(appealLevel({ level: 'city', regionCode: '610124' })).toEqual({ level: 'city', maxJurisdictionLength: 4 });
    expect(appealLevel({ level: 'city', regionCode: '6101' }).level).toBe('admin');
  });
});

describe('decision letters', () => {
  const base = { caseId: 'app_x', householdId: 'hh_x', regionCode: '610124121200', issuedAt: '2026-10-09T02:00:00Z', decidedBy: { level: 'city', sub: 'c1' }, reasons: ['r'] };
  it('a refusal cites the checked texts, never 第十章 for temporary aid nor a "(?)" article', () => {
    for (const code of ['DIBAO', 'TEKUN', 'TEMPORARY', 'DIBAO_EDGE', 'ORPHAN']) {
      const l = decisionLetter({ ...base, kind: 'REFUSAL', categories: [{ code }] });
      const text = l.legalBasis.join('\n');
      expect(text).not.toMatch(/第十章/);
      expect(text).not.toMatch(/第八条|第二十四条|第四十八条|第七条/);
      expect(l.appeal?.by).toBe('2026-12-08');
    }
    expect(decisionLetter({ ...base, kind: 'REFUSAL', categories: [{ code: 'TEMPORARY' }] }).legalBasis.join()).toContain('第九章');
    expect(decisionLetter({ ...base, kind: 'REFUSAL', categories: [{ code: 'DIBAO_EDGE' }] }).legalBasis.join()).toContain('国办函〔2023〕39号');
  });

  it('says what is decided in Chinese, per kind (决定事项), and how to seek redress (复核、行政复议六十日、行政诉讼六个月) without English or API paths', () => {
    const item = (kind: Parameters<typeof decisionLetter>[0]['kind'], c: { code: string; monthlyAmount?: number; previousMonthlyAmount?: number; from?: string; until?: string; amount?: number }) => decisionLetter({ ...base, kind, categories: [c] }).decisionItems[0];
    expect(item('APPROVAL', { code: 'DIBAO', monthlyAmount: 620, from: '2026-11' })).toBe('给予最低生活保障，每月620元，自2026年11月起执行');
    expect(item('APPROVAL', { code: 'DIBAO_EDGE', monthlyAmount: 0, from: '2026-11' })).toBe('认定为低保边缘家庭，自2026年11月起执行');
    expect(item('APPROVAL', { code: 'TEMPORARY', amount: 1500 })).toBe('给予临时救助1500元（一次性发放）');
    expect(item('REFUSAL', { code: 'TEKUN' })).toBe('不予给予特困人员救助供养');
    expect(item('REDUCTION', { code: 'DIBAO', monthlyAmount: 600, previousMonthlyAmount: 1000, from: '2026-11' })).toBe('最低生活保障由每月1000元减发为每月600元，自2026年11月起执行');
    expect(item('INCREASE', { code: 'DIBAO', monthlyAmount: 720, previousMonthlyAmount: 620, from: '2026-03' })).toBe('最低生活保障由每月620元增发为每月720元，自2026年3月起执行');
    expect(item('TERMINATION', { code: 'ORPHAN', previousMonthlyAmount: 1200, until: '2026-10' })).toBe('终止孤儿基本生活保障，2026年10月后停发');
    expect(item('GRADUAL_EXIT', { code: 'DIBAO', monthlyAmount: 620, until: '2027-04' })).toBe('最低生活保障实行渐退，渐退期内每月620元，2027年4月后停发');
    const how = decisionLetter({ ...base, kind: 'REDUCTION', categories: [{ code: 'DIBAO' }] }).appeal!.how;
    expect(how).toMatch(/2026-12-08 前.*复核申请.*六十日内依法申请行政复议.*六个月内依法向人民法院提起行政诉讼/);
    expect(how).not.toMatch(/POST|\/applications/);
    expect(decisionLetter({ ...base, kind: 'INCREASE', categories: [{ code: 'DIBAO' }] }).appeal).toBeNull();
  });

  it('composes the reasons in Chinese: the reviewer’s words by level, a failed rule with its figures and basis, a re-review’s change, an appeal', () => {
    expect(opinionOf('city', '家庭收入超过标准')).toBe('县市民政局审批意见：家庭收入超过标准');
    expect(opinionOf('town', '入户调查发现有经营收入')).toBe('乡镇（街道）审核意见：入户调查发现有经营收入');
    expect(failedRuleLine('DIBAO', { rule: 'dibao.income.belowStandard', actual: 900, limit: 780, parameter: 'dibao.standard', reference: '社会救助暂行办法 第九条' })).toBe('最低生活保障：不符合“家庭月人均收入低于当地低保标准”（实际 900，标准 780）〔参数 dibao.standard〕。依据：社会救助暂行办法 第九条');
    expect(failedRuleLine('ORPHAN', { rule: 'orphan.parentsLost', actual: null, limit: null, parameter: null, reference: 'x' })).toBe('孤儿基本生活保障：不符合“父母双亡或下落不明”。依据：x');
    expect(changeLine('DIBAO', 'REDUCTION', 100_000, 60_000, 'INCOME')).toBe('最低生活保障：经收入变化复核，减发（每月1000元→600元）');
    expect(changeLine('DIBAO', 'INCREASE', 62_000, 72_000, 'PERIODIC')).toBe('最低生活保障：经定期复核，增发（每月620元→720元）');
    expect(appealReason('city', true, '存款来源需重新核实')).toBe('县市民政局复核意见：存款来源需重新核实');
    expect(appealReason('city', false, ' ')).toBe('经复核，原决定认定事实清楚、依据正确，予以维持');
    // Every rule the engine has is named in words.
    for (const r of RULES) expect(RULE_TEXT[r.id], r.id).toMatch(/\p{Script=Han}/u);
  });
});

describe('the workflows', () => {
  it.each(['application', 'rereview'] as const)('%s passes asl-validator and the engine’s checks, and is declared in the manifest', (name) => {
    const wf = manifest.workflows[name];
    expect(wf.definition).toBe(`workflows/${name}.asl.json`);
    expect(() => checkDefinition(readFileSync(wf.definition, 'utf8'))).not.toThrow();
  });

  it('the application’s public notice lasts PUBLIC_NOTICE_DAYS: the notice state’s timeout is its end', () => {
    const def = JSON.parse(readFileSync('workflows/application.asl.json', 'utf8')) as { States: Record<string, { TimeoutSeconds?: unknown; Catch?: { ErrorEquals: string[]; Next: string }[] }> };
    const notice = def.States.PublicNotice!;
    expect(notice.TimeoutSeconds).toBe(PUBLIC_NOTICE_DAYS * 86_400);
    expect(notice.Catch?.find((c) => c.ErrorEquals.includes('States.Timeout'))?.Next).toBe('AfterNotice');
    expect(notice.Catch?.find((c) => c.ErrorEquals.includes('Objection.Raised'))?.Next).toBe('PlanTownReview');
  });

  /** Every path from Start to the refusal step passes a town review (where the investigation is required). */
  it.each(['application', 'rereview'])('%s: no path reaches a refusal without passing a town review', (name) => {
    const def = JSON.parse(readFileSync(`workflows/${name}.asl.json`, 'utf8')) as { StartAt: string; States: Record<string, Record<string, unknown>> };
    const refusal = name === 'application' ? 'Reject' : 'Keep';
    const townStates = new Set(Object.keys(def.States).filter((s) => /^Await(Emergency)?TownReview$/.test(s)));
    const nexts = (s: Record<string, unknown>): string[] => [
      ...(typeof s.Next === 'string' ? [s.Next] : []),
      ...(typeof s.Default === 'string' ? [s.Default] : []),
      ...((s.Choices as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
      ...((s.Catch as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
    ];
    // Search the states reachable from Start without passing a town review.
    const seen = new Set<string>();
    const stack = [def.StartAt];
    while (stack.length) {
      const s = stack.pop()!;
      if (seen.has(s) || townStates.has(s)) continue;
      seen.add(s);
      stack.push(...nexts(def.States[s]!));
    }
    expect(townStates.size).toBeGreaterThan(0);
    expect(seen.has(refusal)).toBe(false);
    expect(seen.has('PlanCityReview')).toBe(false);
  });
});
