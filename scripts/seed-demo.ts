/**
 * `npm run seed:demo` — demo data that tells the article's story, against a running `npm start`
 * (JIUZHU_HTTP_URL, default http://127.0.0.1:3000; JIUZHU_AWS_URL, default http://127.0.0.1:4566).
 *
 * What it makes (every name, ID number and amount is INVENTED; the places and the Xu family's
 * 2024 total of 59,486 yuan come from the article in /work/shared/seed):
 *   - villages of the article's counties: 周至县 白杨林村 610124121200 (the Xu family's village),
 *     庄浪县 水洛镇 东关村 620825100200, 肥城市 孙伯镇 孙东村 370983108201, 宜川县 秋林镇 秋林村 610630101200;
 *   - households approved through the real workflow (HTTP API, reviewer tokens, one 7-day public
 *     notice crossed with the local clock) in every category: DIBAO (+ both disability subsidies),
 *     TEKUN, DIBAO_EDGE, RIGID_EXPENDITURE, ORPHAN, TEMPORARY;
 *   - two DIBAO households with a member about to turn 70 and one about to turn 80 (birthdays
 *     20 and 25 days after the first run's local date);
 *   - open applications waiting at the village, the town, on public notice and at the city;
 *   - a Xu-family-like household (徐新华 is the article's pseudonym; members, IDs, amounts
 *     invented) whose 2024 ledger adds up to the article's 59,486 yuan: the monthly 2024 entries
 *     (DIBAO and the two disability subsidies) are written directly to the Ledger table as
 *     history from before the platform (marked `seeded`), the other departments' grants
 *     (electricity, Spring Festival, heating, education, medical aid) go through the bus as real
 *     AssistanceGranted events.
 *   - 肥城's 两项政策 merger (scripts/seed-merger.ts): 5,080 monitoring objects imported, 4,072
 *     covered at import (80.2%), 356 included and 579 exited by the three-level assessment → 98.38%.
 * Idempotent: applications have deterministic Idempotency-Keys (so deterministic ids), a step is
 * taken only when a case is still before it, history entries are conditional puts and grants
 * carry department references. A second run changes nothing (and does not move the clock).
 * It prints ready-to-use tokens for a citizen and for each reviewer level.
 */
import '../local/quiet.ts';
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ledgerItem } from '../functions/adapters/ledger-table.ts';
import { ENTITLEMENT_DEPARTMENT, ENTITLEMENT_SOURCE, type LedgerEntry } from '../functions/domain/ledger.ts';
import { checkCharacter } from '../functions/domain/resident-id.ts';
import { tableName } from '../local/names.ts';
import { DENG_PROGRAMMES, seedServices, type ServicesSeedResult } from './seed-services.ts';
import { seedMerger, type MergerSeedResult } from './seed-merger.ts';

export const VILLAGES = {
  baiyanglin: { code: '610124121200', name: '周至县 白杨林村', town: '610124121', city: '6101' },
  dongguan: { code: '620825100200', name: '庄浪县 水洛镇 东关村', town: '620825100', city: '6208' },
  sundong: { code: '370983108201', name: '肥城市 孙伯镇 孙东村', town: '370983108', city: '3709' },
  qiulin: { code: '610630101200', name: '宜川县 秋林镇 秋林村', town: '610630101', city: '6106' },
} as const;
type VillageKey = keyof typeof VILLAGES;

type Target = 'VILLAGE_REVIEW' | 'TOWN_REVIEW' | 'PUBLIC_NOTICE' | 'CITY_REVIEW' | 'APPROVED' | 'REJECTED';
const ORDER: Target[] = ['VILLAGE_REVIEW', 'TOWN_REVIEW', 'PUBLIC_NOTICE', 'CITY_REVIEW', 'APPROVED'];
const reached = (status: string, target: Target) => (target === 'REJECTED' ? status === 'REJECTED' : ORDER.indexOf(status as Target) >= ORDER.indexOf(target));

function residentId(area: string, birthDate: string, sequence: number): string {
  const body = `${area}${birthDate.replace(/-/g, '')}${String(sequence).padStart(3, '0')}`;
  return body + checkCharacter(body);
}

interface MemberSpec {
  name: string;
  birth: string;
  seq: number;
  relation: string;
  income: number;
  labor?: 'full' | 'partial' | 'none';
  disability?: { category: string; grade: number } | null;
  inSchool?: boolean;
  orphaned?: boolean;
  seriousIllness?: boolean;
}

interface DemoCase {
  key: string;
  village: VillageKey;
  requested: string[];
  target: Target;
  note: string;
  members: MemberSpec[];
  deposits?: number;
  rigid?: { medical: number; education: number; rehabilitation: number };
  supporters?: { name: string; birth: string; seq: number; able: boolean }[];
  /** What a level decides other than a plain approval (a refusal, 一次认定's categories, an amount). */
  decisions?: Partial<Record<'village' | 'town' | 'city', Record<string, unknown>>>;
  /** TEMPORARY: the emergency asked for (急难型 URGENT / 支出型 SPENDING). */
  emergency?: { kind: 'URGENT' | 'SPENDING'; amount: number; description?: string };
  /** 一门受理: other departments' programmes asked for with the application. */
  programmes?: readonly string[];
}

function household(c: DemoCase) {
  const v = VILLAGES[c.village];
  const area = v.code.slice(0, 6);
  return {
    regionCode: v.code,
    address: `${v.name}（演示地址）`,
    hukouType: 'rural',
    members: c.members.map((m) => ({
      name: m.name,
      idNumber: residentId(area, m.birth, m.seq),
      relation: m.relation,
      disability: m.disability ?? null,
      seriousIllness: m.seriousIllness ?? false,
      laborAbility: m.labor ?? 'full',
      inSchool: m.inSchool ?? false,
      orphaned: m.orphaned ?? false,
      monthlyIncome: m.income,
    })),
    assets: { deposits: c.deposits ?? 3000, vehicles: [], properties: 1, businessRegistered: false },
    livingConditions: { housingSafe: true, drinkingWaterSafe: true },
    rigidExpenditure12m: c.rigid ?? { medical: 0, education: 0, rehabilitation: 0 },
    supporters: (c.supporters ?? []).map((s) => ({ name: s.name, idNumber: residentId(area, s.birth, s.seq), able: s.able })),
  };
}

/** Birthday `days` after `today` for someone turning `age` (YYYY-MM-DD). */
function birthFor(today: string, days: number, age: number): string {
  const d = new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000);
  return `${d.getUTCFullYear() - age}-${d.toISOString().slice(5, 10)}`.replace(/-02-29$/, '-02-28');
}

function cases(today: string): DemoCase[] {
  const able = (seq: number) => [{ name: '外出务工子女', birth: '1985-04-04', seq, able: true }];
  return [
    {
      key: 'xu',
      village: 'baiyanglin',
      requested: ['DIBAO', 'DISABILITY_LIVING_SUBSIDY', 'DISABILITY_CARE_SUBSIDY'],
      target: 'APPROVED',
      note: '徐新华（化名）一家: the article’s household; members and amounts invented',
      members: [
        { name: '徐新华', birth: '1956-12-12', seq: 1, relation: 'self', income: 0, labor: 'none', disability: { category: 'physical', grade: 2 } },
        { name: '王秀兰', birth: '1958-03-08', seq: 2, relation: 'spouse', income: 400, labor: 'partial' },
        { name: '徐建军', birth: '1984-07-15', seq: 3, relation: 'child', income: 1200, labor: 'full' },
        { name: '徐小雨', birth: '2010-05-20', seq: 4, relation: 'grandchild', income: 0, labor: 'none', inSchool: true },
      ],
      supporters: [{ name: '徐建芳', birth: '1982-02-02', seq: 6, able: false }],
    },
    {
      key: 'tekun',
      village: 'dongguan',
      requested: ['TEKUN'],
      target: 'APPROVED',
      note: '特困: an elderly man living alone, no working capacity, no able supporter',
      members: [{ name: '龚老汉', birth: '1948-10-10', seq: 11, relation: 'self', income: 150, labor: 'none' }],
    },
    {
      key: 'edge',
      village: 'sundong',
      requested: ['DIBAO_EDGE'],
      target: 'APPROVED',
      note: '低保边缘: per-capita income between the dibao standard and 1.5 times it',
      members: [
        { name: '孙立国', birth: '1972-06-01', seq: 21, relation: 'self', income: 1500, labor: 'full' },
        { name: '刘桂英', birth: '1974-09-09', seq: 22, relation: 'spouse', income: 0, labor: 'partial' },
      ],
      supporters: able(23),
    },
    {
      key: 'rigid',
      village: 'qiulin',
      requested: ['RIGID_EXPENDITURE'],
      target: 'APPROVED',
      note: '刚性支出困难: leukaemia treatment, out-of-pocket 62,600 yuan in 12 months (as 邓某 in the article)',
      members: [
        { name: '邓某', birth: '1988-11-11', seq: 31, relation: 'self', income: 1000, labor: 'partial', seriousIllness: true },
        { name: '邓妻', birth: '1990-01-21', seq: 32, relation: 'spouse', income: 1000, labor: 'full' },
      ],
      rigid: { medical: 62600, education: 0, rehabilitation: 0 },
      supporters: able(33),
    },
    {
      key: 'orphan',
      village: 'baiyanglin',
      requested: ['ORPHAN'],
      target: 'APPROVED',
      note: '孤儿: a child who lost both parents, living with the grandmother',
      members: [
        { name: '李奶奶', birth: '1957-04-04', seq: 41, relation: 'self', income: 300, labor: 'partial' },
        { name: '李小明', birth: '2015-08-08', seq: 43, relation: 'grandchild', income: 0, labor: 'none', inSchool: true, orphaned: true },
      ],
      supporters: able(45),
    },
    {
      key: 'mental',
      village: 'sundong',
      requested: ['DIBAO', 'DISABILITY_LIVING_SUBSIDY', 'DISABILITY_CARE_SUBSIDY'],
      target: 'APPROVED',
      note: '杜某 (the article’s 孙伯镇 villager, 39, mental illness) with his elderly parents',
      members: [
        { name: '杜老汉', birth: '1953-02-02', seq: 51, relation: 'self', income: 300, labor: 'none' },
        { name: '杜母', birth: '1955-05-05', seq: 52, relation: 'spouse', income: 0, labor: 'none' },
        { name: '杜某', birth: '1987-03-03', seq: 53, relation: 'child', income: 0, labor: 'none', disability: { category: 'mental', grade: 2 } },
      ],
      supporters: able(55),
    },
    {
      key: 'temporary',
      village: 'dongguan',
      requested: ['TEMPORARY'],
      target: 'APPROVED',
      note: '临时救助 (急难型): a house fire; above the town’s cap, so the city grants 3,000 yuan once (a one-off ledger entry)',
      members: [{ name: '赵某', birth: '1979-12-24', seq: 61, relation: 'self', income: 1800, labor: 'full' }],
      emergency: { kind: 'URGENT', amount: 3000, description: '房屋失火' },
      supporters: able(63),
    },
    {
      key: 'turning70',
      village: 'baiyanglin',
      requested: ['DIBAO'],
      target: 'APPROVED',
      note: 'DIBAO; the head turns 70 twenty days after the first seed run (70th-birthday supplement warning)',
      members: [{ name: '张老汉', birth: birthFor(today, 20, 70), seq: 71, relation: 'self', income: 200, labor: 'none' }],
      supporters: able(73),
    },
    {
      key: 'turning80',
      village: 'baiyanglin',
      requested: ['DIBAO'],
      target: 'APPROVED',
      note: 'DIBAO; the head turns 80 twenty-five days after the first seed run (80th-birthday supplement warning)',
      members: [{ name: '刘奶奶', birth: birthFor(today, 25, 80), seq: 82, relation: 'self', income: 200, labor: 'none' }],
      supporters: able(83),
    },
    {
      key: 'doubted',
      village: 'baiyanglin',
      requested: ['DIBAO'],
      target: 'APPROVED',
      note: 'a case the rules doubt (declared income above the standard): the town’s home visit finds it was a one-off payment, the city approves with its reasons and amount',
      members: [{ name: '周某', birth: '1966-05-05', seq: 121, relation: 'self', income: 1500, labor: 'partial' }],
      supporters: able(123),
      decisions: { city: { reason: '入户调查：申报收入为一次性征地补偿，月均劳动收入约200元，低于标准', monthlyAmounts: { DIBAO: 400 } } },
    },
    {
      key: 'tekun-via-dibao',
      village: 'dongguan',
      requested: ['DIBAO'],
      target: 'APPROVED',
      note: '一次认定: a 66-year-old living alone asked for DIBAO; the rules find TEKUN, the town proposes it and the city grants TEKUN',
      members: [{ name: '马老汉', birth: '1960-02-02', seq: 131, relation: 'self', income: 100, labor: 'none' }],
      decisions: { town: { categories: ['TEKUN'] }, city: { categories: ['TEKUN'] } },
    },
    {
      key: 'refused',
      village: 'sundong',
      requested: ['DIBAO'],
      target: 'REJECTED',
      note: 'refused after the town’s investigation (a car and a shop); the applicant appeals to the city above the county',
      members: [{ name: '钱某', birth: '1975-03-03', seq: 141, relation: 'self', income: 2000, labor: 'full' }],
      supporters: able(143),
      decisions: { town: { decision: 'reject', reason: '入户调查：家庭经营一家商铺，月收入约2000元' }, city: { decision: 'reject', reason: '家庭人均收入高于当地低保标准' } },
    },
    {
      key: 'reduce',
      village: 'baiyanglin',
      requested: ['DIBAO'],
      target: 'APPROVED',
      note: 'DIBAO; then a change report (both found seasonal work) reduces the amount from the month after the decision',
      members: [
        { name: '吴某', birth: '1964-09-09', seq: 151, relation: 'self', income: 100, labor: 'partial' },
        { name: '吴妻', birth: '1966-10-10', seq: 152, relation: 'spouse', income: 100, labor: 'partial' },
      ],
      supporters: able(153),
    },
    {
      key: 'gradual',
      village: 'qiulin',
      requested: ['DIBAO'],
      target: 'APPROVED',
      note: 'DIBAO; then the son’s new job lifts the income above the standard: gradual exit (渐退) for dibao.gradualExitMonths months',
      members: [
        { name: '郑某', birth: '1963-01-01', seq: 161, relation: 'self', income: 100, labor: 'partial' },
        { name: '郑子', birth: '1998-08-08', seq: 162, relation: 'child', income: 100, labor: 'full' },
      ],
      supporters: able(163),
    },
    {
      key: 'emergency',
      village: 'baiyanglin',
      requested: ['TEMPORARY'],
      target: 'APPROVED',
      note: '临时救助 急难型 within the town’s cap: the town grants 1,500 yuan at once (aid first, papers after)',
      members: [{ name: '孙某', birth: '1980-04-04', seq: 171, relation: 'self', income: 1200, labor: 'full' }],
      supporters: able(173),
      emergency: { kind: 'URGENT', amount: 1500, description: '突发重病住院（演示）' },
    },
    {
      key: 'feicheng-tekun',
      village: 'sundong',
      requested: ['TEKUN'],
      target: 'APPROVED',
      note: '分散特困 in 孙东村, visited monthly by 肥城’s 桃仙子 team (one month missed: a warning the village team verifies)',
      members: [{ name: '张守田', birth: '1944-09-09', seq: 121, relation: 'self', income: 0, labor: 'none' }],
    },
    {
      key: 'deng',
      village: 'qiulin',
      requested: ['DIBAO'],
      programmes: DENG_PROGRAMMES,
      target: 'APPROVED',
      note: '邓某 (宜川): leukaemia, 6.26万 out of pocket; DIBAO plus five programmes through one window (6 stacked items; grants invented)',
      members: [{ name: '邓某', birth: '1986-11-11', seq: 123, relation: 'self', income: 200, labor: 'none', seriousIllness: true }],
      rigid: { medical: 62600, education: 0, rehabilitation: 0 },
    },
    ...(
      [
        ['open-village', 'baiyanglin', 'VILLAGE_REVIEW', 101],
        ['open-town', 'baiyanglin', 'TOWN_REVIEW', 103],
        ['open-notice', 'baiyanglin', 'PUBLIC_NOTICE', 105],
        ['open-city', 'baiyanglin', 'CITY_REVIEW', 107],
        ['open-town-zhuanglang', 'dongguan', 'TOWN_REVIEW', 111],
        ['open-village-feicheng', 'sundong', 'VILLAGE_REVIEW', 113],
        ['open-city-yichuan', 'qiulin', 'CITY_REVIEW', 115],
      ] as const
    ).map(([key, village, target, seq]) => ({
      key,
      village,
      requested: ['DIBAO'],
      target,
      note: `an open DIBAO application waiting at ${target}`,
      members: [
        { name: '申请人', birth: '1962-06-06', seq, relation: 'self', income: 250, labor: 'partial' as const },
        { name: '配偶', birth: '1964-07-07', seq: seq + 1, relation: 'spouse', income: 100, labor: 'partial' as const },
      ],
      supporters: able(seq + 300),
    })),
  ];
}

/**
 * The Xu family's 2024 (INVENTED split; only the 59,486 yuan total and the list of types come
 * from the article). Monthly entitlements paid every month; other departments' grants dated.
 */
export const XU_2024 = {
  monthly: [
    { type: 'DIBAO', yuanPerMonth: 2650 },
    { type: 'DISABILITY_CARE_SUBSIDY', yuanPerMonth: 160 },
    { type: 'DISABILITY_LIVING_SUBSIDY', yuanPerMonth: 110 },
  ],
  grants: [
    { type: 'ELECTRICITY_SUBSIDY', amount: 45, date: '2024-03-28', source: 'gov.energy', department: '周至县发展和改革局', member: 0 },
    { type: 'ELECTRICITY_SUBSIDY', amount: 45, date: '2024-06-27', source: 'gov.energy', department: '周至县发展和改革局', member: 0 },
    { type: 'ELECTRICITY_SUBSIDY', amount: 45, date: '2024-09-26', source: 'gov.energy', department: '周至县发展和改革局', member: 0 },
    { type: 'ELECTRICITY_SUBSIDY', amount: 45, date: '2024-12-26', source: 'gov.energy', department: '周至县发展和改革局', member: 0 },
    { type: 'SPRING_FESTIVAL_SUBSIDY', amount: 1000, date: '2024-02-02', source: 'gov.civil-affairs', department: '周至县民政局', member: 0 },
    { type: 'HEATING_SUBSIDY', amount: 500, date: '2024-11-15', source: 'gov.civil-affairs', department: '周至县民政局', member: 0 },
    { type: 'EDUCATION_AID', amount: 2500, date: '2024-03-05', source: 'gov.education', department: '周至县教育局', member: 3 },
    { type: 'EDUCATION_AID', amount: 2500, date: '2024-09-06', source: 'gov.education', department: '周至县教育局', member: 3 },
    { type: 'MEDICAL_AID', amount: 9315.4, date: '2024-04-18', source: 'gov.medical-insurance', department: '周至县医疗保障局', member: 0 },
    { type: 'MEDICAL_AID', amount: 8450.6, date: '2024-10-09', source: 'gov.medical-insurance', department: '周至县医疗保障局', member: 0 },
  ],
} as const;

/** What the seed puts into the Xu family's 2024 ledger, by type and overall (yuan), from the plan above. */
export function xuExpected2024(): { total: number; byType: Record<string, number> } {
  const fen: Record<string, number> = {};
  for (const m of XU_2024.monthly) fen[m.type] = (fen[m.type] ?? 0) + Math.round(m.yuanPerMonth * 100) * 12;
  for (const g of XU_2024.grants) fen[g.type] = (fen[g.type] ?? 0) + Math.round(g.amount * 100);
  const total = Object.values(fen).reduce((a, b) => a + b, 0);
  return { total: total / 100, byType: Object.fromEntries(Object.entries(fen).map(([k, v]) => [k, v / 100])) };
}
if (xuExpected2024().total !== 59_486) throw new Error(`the Xu family's 2024 plan adds up to ${xuExpected2024().total}, not the article's 59,486 yuan`);

export interface SeedOptions {
  httpUrl: string;
  awsUrl: string;
  log?: (line: string) => void;
}

export interface SeedResult {
  tokens: Record<string, { token: string; sub: string; role: string; regionCode?: string }>;
  xu: { applicationId: string; householdId: string; expected2024: { total: number; byType: Record<string, number> } };
  applications: { key: string; id: string; householdId: string; target: Target; status: string; note: string }[];
  clockMoved: boolean;
  /** The procedure's stories (docs/procedure.md): ids to look at. */
  stories: {
    doubted: string;
    tekunViaDibao: string;
    appeal: { applicationId: string; appealId: string };
    reduction: { householdId: string; reviewId: string; outcome: string };
    gradualExit: { householdId: string; reviewId: string; outcome: string };
    emergency: string;
  };
  /** 桃仙子's care plan with its missed month, and 邓某's stacked referrals (scripts/seed-services.ts). */
  services?: ServicesSeedResult;
  /** 肥城's 两项政策 merger: import, three-level assessment, coverage (scripts/seed-merger.ts). */
  merger?: MergerSeedResult;
}

const SUB_PREFIX = 'demo-citizen-';
const KEY_PREFIX = 'demo-seed-v1-';

/** The application id POST /applications derives from the citizen and the Idempotency-Key. */
function applicationIdFor(sub: string, key: string): string {
  return `app_${createHash('sha256').update(`${sub}\n${key}`).digest('base64url').slice(0, 22)}`;
}

export async function seedDemo(opts: SeedOptions): Promise<SeedResult> {
  const log = opts.log ?? (() => undefined);
  const http = async (method: string, path: string, body?: unknown, token?: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${opts.httpUrl}${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as any) : undefined };
  };
  const must = async (what: string, p: ReturnType<typeof http>) => {
    const res = await p;
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const until = async <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  await until('the local stack (GET /health)', async () => ((await http('GET', '/health').catch(() => ({ status: 0 }))).status === 200 ? true : undefined));
  const token = async (sub: string, role: string, regionCode?: string) => {
    const t = (await must('token', http('POST', '/_local/token', { sub, role, ...(regionCode ? { regionCode } : {}) }))).token as string;
    return { token: t, sub, role, ...(regionCode ? { regionCode } : {}) };
  };
  const tokens: SeedResult['tokens'] = {};
  tokens.admin = await token('demo-admin', 'admin');
  tokens.monitor = await token('demo-monitor', 'monitor');
  for (const [k, v] of Object.entries(VILLAGES)) {
    tokens[`village:${k}`] = await token(`demo-village-${v.code}`, 'village', v.code);
    tokens[`town:${k}`] = await token(`demo-town-${v.town}`, 'town', v.town);
    tokens[`city:${k}`] = await token(`demo-city-${v.city}`, 'city', v.city);
  }
  const admin = tokens.admin.token;
  const levelToken = (level: 'village' | 'town' | 'city', c: DemoCase) => tokens[`${level}:${c.village}`]!.token;

  // 1. Applications: one citizen per household; deterministic key → deterministic id.
  const clockNow = (await must('clock', http('GET', '/_local/clock'))).now as string;
  const today = new Date(Date.parse(clockNow) + 8 * 3600_000).toISOString().slice(0, 10);
  const plan = cases(today);
  const ids = new Map<string, string>();
  const view = async (c: DemoCase) => (await http('GET', `/applications/${ids.get(c.key)}`, undefined, admin)).body;
  // An open case someone has decided since the last run (past its level, or rejected) is
  // replaced by a fresh application (Idempotency-Key `…#2`, `#3`, …): the demo keeps a case
  // waiting at each level, and a run never fails on what a reviewer did.
  const generationOf = (key: string) => Number(key.split('#')[1] ?? 1) - 1;
  const decidedSince = (status: string, target: Target) =>
    target !== 'APPROVED' && target !== 'REJECTED' && !['SUBMITTED', 'VERIFYING'].includes(status) && !(ORDER.includes(status as Target) && ORDER.indexOf(status as Target) <= ORDER.indexOf(target));
  for (const c of plan) {
    const sub = `${SUB_PREFIX}${c.key}`;
    let key = `${KEY_PREFIX}${c.key}`;
    let id = applicationIdFor(sub, key);
    let exists = false;
    for (let generation = 2; ; generation++) {
      const existing = await http('GET', `/applications/${id}`, undefined, admin);
      exists = existing.status === 200;
      if (!exists || !decidedSince(existing.body.status, c.target)) break;
      key = `${KEY_PREFIX}${c.key}#${generation}`;
      id = applicationIdFor(sub, key);
    }
    ids.set(c.key, id);
    tokens[`citizen:${c.key}`] = await token(sub, 'citizen');
    if (exists) continue;
    // A replacement is another family of the same kind (its members' ID sequence numbers
    // shifted), so the decided family's own case is left as the reviewer left it.
    const shift = (seq: number) => (seq + 50 * generationOf(key)) % 1000;
    const family = generationOf(key) ? { ...c, members: c.members.map((m) => ({ ...m, seq: shift(m.seq) })), ...(c.supporters ? { supporters: c.supporters.map((x) => ({ ...x, seq: shift(x.seq) })) } : {}) } : c;
    const created = await must(`submit ${c.key}`, http('POST', '/applications', { household: household(family), requested: c.requested, consent: { crossCheckAuthorized: true, signedAt: today }, ...(c.emergency ? { emergency: c.emergency } : {}), ...(c.programmes ? { programmes: c.programmes } : {}) }, tokens[`citizen:${c.key}`]!.token, { 'idempotency-key': key }));
    if (created.id !== id) throw new Error(`unexpected application id for ${c.key}`);
    log(`submitted ${c.key} (${id})`);
  }
  const settled = async (c: DemoCase, ok: (status: string) => boolean, what: string) =>
    until(`${c.key} ${what}`, async () => {
      const app = await view(c);
      if (app?.status === 'REJECTED' && c.target !== 'REJECTED') throw new Error(`${c.key} was rejected: ${JSON.stringify(app.writtenNotice ?? app.history)}`);
      return app && ok(app.status) ? app : undefined;
    });
  for (const c of plan) await settled(c, (s) => s !== 'SUBMITTED' && s !== 'VERIFYING', 'to reach review');

  const decide = async (c: DemoCase, level: 'village' | 'town' | 'city') => {
    const t = levelToken(level, c);
    const task = await until(`a ${level} task for ${c.key}`, async () =>
      ((await must('tasks', http('GET', '/review-tasks?limit=100', undefined, t))).items as { id: string; applicationId: string; summary?: { spotCheck?: { drawn: boolean } } }[]).find((x) => x.applicationId === ids.get(c.key)),
    );
    const investigation = level === 'town' ? { investigation: { visitedAt: today, investigators: ['王伟', '李娜'], notes: '入户核查属实（演示）' } } : {};
    // TEKUN cases drawn for the county's ≥ 30% spot-check carry the county's home visit.
    const spotCheck = level === 'city' && task.summary?.spotCheck?.drawn ? { spotCheck: { visitedAt: today, investigators: ['县民政局抽查员甲', '县民政局抽查员乙'], findings: '抽查属实（演示）' } } : {};
    const body = { decision: 'approve', ...investigation, ...spotCheck, ...c.decisions?.[level] };
    await must(`${level} decision for ${c.key}`, http('POST', `/review-tasks/${encodeURIComponent(task.id)}/decision`, body, t));
    log(`${level} ${body.decision === 'approve' ? 'approved' : 'refused'} ${c.key}`);
  };

  // 2. Village and town opinions for everything meant to get past them (except the case that
  //    should stay on notice: its town opinion comes after the clock has moved).
  for (const c of plan.filter((x) => reached(x.target, 'TOWN_REVIEW'))) if ((await view(c)).status === 'VILLAGE_REVIEW') await decide(c, 'village');
  for (const c of plan.filter((x) => reached(x.target, 'TOWN_REVIEW'))) await settled(c, (s) => s !== 'VILLAGE_REVIEW', 'to leave village review');
  const pastNotice = plan.filter((x) => reached(x.target, 'CITY_REVIEW'));
  for (const c of pastNotice) if ((await view(c)).status === 'TOWN_REVIEW') await decide(c, 'town');
  for (const c of pastNotice) await settled(c, (s) => s !== 'TOWN_REVIEW', 'to leave town review');

  // 3. The 7-day public notice: move the local clock past it once, only if a case still waits.
  let clockMoved = false;
  const onNotice = (await Promise.all(pastNotice.map(view))).filter((a) => a.status === 'PUBLIC_NOTICE');
  if (onNotice.length) {
    const latest = Math.max(...onNotice.map((a) => Date.parse(a.publicNotice.until)));
    const now = Date.parse((await must('clock', http('GET', '/_local/clock'))).now);
    await must('clock', http('POST', '/_local/clock', { advanceSeconds: Math.max(0, Math.ceil((latest - now) / 1000)) + 60 }));
    clockMoved = true;
    log(`moved the clock past the public notice of ${onNotice.length} cases`);
  }
  for (const c of pastNotice) await settled(c, (s) => reached(s, 'CITY_REVIEW'), 'to reach city review');

  // 4. The city decides; the case meant to stay on notice gets its town opinion now.
  for (const c of plan.filter((x) => x.target === 'APPROVED')) if ((await view(c)).status === 'CITY_REVIEW') await decide(c, 'city');
  for (const c of plan.filter((x) => x.target === 'PUBLIC_NOTICE')) {
    if ((await view(c)).status === 'VILLAGE_REVIEW') await decide(c, 'village');
    await settled(c, (s) => s !== 'VILLAGE_REVIEW', 'to leave village review');
    if ((await view(c)).status === 'TOWN_REVIEW') await decide(c, 'town');
  }
  // The refusal: the village supports, the town investigates and proposes a refusal, the city refuses.
  for (const c of plan.filter((x) => x.target === 'REJECTED')) {
    if ((await view(c)).status === 'VILLAGE_REVIEW') await decide(c, 'village');
    await settled(c, (s) => s !== 'VILLAGE_REVIEW', 'to leave village review');
    if ((await view(c)).status === 'TOWN_REVIEW') await decide(c, 'town');
    await settled(c, (s) => s === 'CITY_REVIEW' || s === 'REJECTED', 'to reach the city');
    if ((await view(c)).status === 'CITY_REVIEW') await decide(c, 'city');
  }
  const applications: SeedResult['applications'] = [];
  for (const c of plan) {
    const app = await settled(c, (s) => reached(s, c.target), `to reach ${c.target}`);
    applications.push({ key: c.key, id: app.id, householdId: app.householdId, target: c.target, status: app.status, note: c.note });
  }

  // 5. After the decisions: an appeal, a change that reduces, a gradual exit (each once).
  const byKey = (key: string) => applications.find((a) => a.key === key)!;
  const refused = await view(plan.find((c) => c.key === 'refused')!);
  let appealId = refused.appeals?.[0]?.id as string | undefined;
  if (!appealId) {
    appealId = (await must('appeal', http('POST', `/applications/${refused.id}/appeals`, { reason: '商铺已于去年转让，收入已无（演示）' }, tokens['citizen:refused']!.token))).appealId as string;
    log(`appeal ${appealId} filed against the refusal of ${refused.id}`);
  }
  const reReview = async (key: string, change: (h: ReturnType<typeof household>) => ReturnType<typeof household>) => {
    const c = plan.find((x) => x.key === key)!;
    const hid = byKey(key).householdId;
    // Dated the day of the approval, so that a second run sends the very same report (which changes nothing).
    const effectiveOn = String((await view(c)).decision.letter.issuedOn);
    const res = await must(`change report ${key}`, http('POST', `/households/${hid}/changes`, { kind: 'INCOME', effectiveOn, household: change(household(c)) }, tokens[`citizen:${key}`]!.token));
    const reviewId = res.reviewId as string;
    for (const level of ['town', 'city'] as const) {
      const t = levelToken(level, c);
      const status = () => http('GET', `/applications/${reviewId}`, undefined, admin).then((r) => r.body?.status as string | undefined);
      await until(`${key} re-review at ${level}`, async () => ((await status()) === `${level.toUpperCase()}_REVIEW` || (await status()) === 'DECIDED' || (level === 'town' && (await status()) === 'CITY_REVIEW') ? true : undefined));
      if ((await status()) !== `${level.toUpperCase()}_REVIEW`) continue;
      const task = await until(`${level} task of ${reviewId}`, async () => ((await must('tasks', http('GET', '/review-tasks?limit=100', undefined, t))).items as { id: string; applicationId: string }[]).find((x) => x.applicationId === reviewId));
      await must(`${level} re-review decision ${key}`, http('POST', `/review-tasks/${encodeURIComponent(task.id)}/decision`, { decision: 'approve', ...(level === 'town' ? { investigation: { visitedAt: today, investigators: ['王伟', '李娜'], notes: '复核入户（演示）' } } : {}) }, t));
    }
    const decided = await until(`${key} re-review decided`, async () => {
      const r = (await http('GET', `/applications/${reviewId}`, undefined, admin)).body;
      return r?.status === 'DECIDED' ? r : undefined;
    });
    log(`re-review ${reviewId} of ${key}: ${decided.decision.letter?.kind ?? decided.decision.outcome}`);
    return { householdId: hid, reviewId, outcome: (decided.decision.letter?.kind ?? decided.decision.outcome) as string };
  };
  const withIncomes = (h: ReturnType<typeof household>, incomes: number[]) => ({ ...h, members: h.members.map((m, i) => ({ ...m, monthlyIncome: incomes[i] ?? m.monthlyIncome })) });
  const reduction = await reReview('reduce', (h) => withIncomes(h, [300, 300]));
  const gradualExit = await reReview('gradual', (h) => withIncomes(h, [100, 1800]));
  const stories = {
    doubted: byKey('doubted').id,
    tekunViaDibao: byKey('tekun-via-dibao').id,
    appeal: { applicationId: refused.id as string, appealId },
    reduction,
    gradualExit,
    emergency: byKey('emergency').id,
  };

  // 6. Ledger: the Xu family's 2024 (history written directly, marked as seeded) and the
  //    departments' grants through the bus.
  const xu = applications.find((a) => a.key === 'xu')!;
  const xuHousehold = household(plan.find((c) => c.key === 'xu')!);
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: opts.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const ledgerTable = process.env.LEDGER_TABLE ?? tableName('Ledger');
  let historyWritten = 0;
  for (const m of XU_2024.monthly) {
    for (let month = 1; month <= 12; month++) {
      const entry: LedgerEntry = {
        householdId: xu.householdId,
        type: m.type,
        kind: 'monthly',
        month: `2024-${String(month).padStart(2, '0')}`,
        amountFen: Math.round(m.yuanPerMonth * 100),
        source: ENTITLEMENT_SOURCE,
        department: ENTITLEMENT_DEPARTMENT,
        regionCode: xuHousehold.regionCode,
        ref: 'ENT',
        recordedAt: new Date(Date.parse(clockNow)).toISOString(),
        seeded: 'demo: invented 2024 history (before the platform paid it)',
      };
      try {
        await doc.send(new PutCommand({ TableName: ledgerTable, Item: ledgerItem(entry), ConditionExpression: 'attribute_not_exists(pk)' }));
        historyWritten++;
      } catch (err) {
        if ((err as Error).name !== 'ConditionalCheckFailedException') throw err;
      }
    }
  }
  const grants = [
    ...XU_2024.grants.map((g, i) => ({
      Source: g.source,
      Detail: { idNumber: xuHousehold.members[g.member]!.idNumber, type: g.type, amount: g.amount, date: g.date, department: g.department, reference: `DEMO-XU-2024-${i + 1}` },
    })),
  ];
  const events = new EventBridgeClient({ endpoint: opts.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  for (let i = 0; i < grants.length; i += 10) {
    const res = await events.send(
      new PutEventsCommand({
        Entries: grants.slice(i, i + 10).map((g) => ({ EventBusName: 'jiuzhu', Source: g.Source, DetailType: 'AssistanceGranted', Detail: JSON.stringify(g.Detail) })),
      }),
    );
    if (res.FailedEntryCount) throw new Error(`PutEvents: ${JSON.stringify(res.Entries)}`);
  }
  await fetch(opts.awsUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.LocalWaitForDeliveries' },
    body: JSON.stringify({ TimeoutMs: 30_000 }),
  });
  log(`Xu family 2024: ${historyWritten} history entries written, ${grants.length} grants sent (duplicates are ignored)`);

  // 7. Services and resource linking (scripts/seed-services.ts): 桃仙子, the village team, 邓某.
  const byKeyApp = (k: string) => applications.find((a) => a.key === k)!;
  const dengCase = plan.find((c) => c.key === 'deng')!;
  const services = await seedServices({
    httpUrl: opts.httpUrl,
    awsUrl: opts.awsUrl,
    today,
    tokens: { admin, monitor: tokens.monitor!.token, village: tokens['village:sundong']!.token, town: tokens['town:sundong']!.token },
    feicheng: { householdId: byKeyApp('feicheng-tekun').householdId },
    deng: { applicationId: byKeyApp('deng').id, householdId: byKeyApp('deng').householdId, idNumber: household(dengCase).members[0]!.idNumber },
    log,
  });

  // 8. The 两项政策 merger in 肥城 (scripts/seed-merger.ts): 5,080 records, 80.2% → 98.38%.
  const merger = await seedMerger({ httpUrl: opts.httpUrl, awsUrl: opts.awsUrl, token, log });

  return { tokens, xu: { applicationId: xu.id, householdId: xu.householdId, expected2024: xuExpected2024() }, applications, clockMoved, stories, services, merger };
}

async function main() {
  const httpUrl = process.env.JIUZHU_HTTP_URL ?? `http://127.0.0.1:${process.env.PORT ?? 3000}`;
  const awsUrl = process.env.JIUZHU_AWS_URL ?? `http://127.0.0.1:${process.env.LOCAL_AWS_PORT ?? 4566}`;
  const result = await seedDemo({ httpUrl, awsUrl, log: (l) => console.log(`  ${l}`) });
  const ledger: any = await (
    await fetch(`${httpUrl}/households/${result.xu.householdId}/ledger?year=2024`, { headers: { authorization: `Bearer ${result.tokens['citizen:xu']!.token}` } })
  ).json();
  const out = console.log;
  out('\njiuzhu demo seeded (everything invented except the places and the Xu family’s 2024 total).');
  out('\nApplications:');
  for (const a of result.applications) out(`  ${a.status.padEnd(14)} ${a.id}  ${a.householdId}  ${a.key}: ${a.note}`);
  out('\nThe procedure (docs/procedure.md):');
  out(`  a case the rules doubt, investigated and approved   GET /applications/${result.stories.doubted}`);
  out(`  TEKUN found through a DIBAO request (一次认定)       GET /applications/${result.stories.tekunViaDibao}`);
  out(`  an appeal against a refusal                         GET /applications/${result.stories.appeal.applicationId}  (${result.stories.appeal.appealId})`);
  out(`  a change report that reduces the amount             GET /households/${result.stories.reduction.householdId}  (${result.stories.reduction.outcome})`);
  out(`  a household in gradual exit                         GET /households/${result.stories.gradualExit.householdId}  (${result.stories.gradualExit.outcome})`);
  out(`  an emergency grant by the town                      GET /applications/${result.stories.emergency}`);
  if (result.services) {
    out('\nServices and resource linking:');
    out(`  桃仙子 monthly care plan, ${result.services.feicheng.missedMonth} missed      GET /service-orders/${result.services.feicheng.orderId}  (warning ${result.services.feicheng.warningId ?? '—'})`);
    out(`  邓某's chain of help (DIBAO + ${result.services.deng.referrals.length} referrals)      GET /households/${result.services.deng.householdId}/help-chain`);
  }
  if (result.merger) {
    const c = result.merger.coverage;
    out('\n两项政策 merger, 肥城 (370983):');
    out(`  ${c.total} records, ${c.coveredAtImport} covered at import (${c.coverageAtImportPercent}%); ${c.included} included, ${c.exited} exited → ${c.coverageNowPercent}%   GET /merger/coverage?regionCode=370983`);
    out(`  ${c.total - c.coveredAtImport - c.included - c.exited} still open at the village: GET /merger/assessments (a 肥城 village token below)`);
  }
  out(`\nXu family (徐新华, 周至县白杨林村) household ${result.xu.householdId}, 2024 ledger: total ${ledger.total} yuan`);
  for (const [type, amount] of Object.entries(ledger.totals?.byType ?? {})) out(`  ${type.padEnd(26)} ${amount}`);
  out(`  (expected ${result.xu.expected2024.total}; the article: 59,486)`);
  out('\nTokens (Authorization: Bearer <token>):');
  const show = (label: string, key: string) => {
    const t = result.tokens[key]!;
    out(`  ${label.padEnd(34)} sub=${t.sub} ${t.regionCode ? `regionCode=${t.regionCode}` : ''}\n    ${t.token}`);
  };
  show('citizen (the Xu family)', 'citizen:xu');
  show('village 白杨林村', 'village:baiyanglin');
  show('town 610124121 (周至县)', 'town:baiyanglin');
  show('city 西安市 (6101)', 'city:baiyanglin');
  for (const k of ['dongguan', 'sundong', 'qiulin'] as const) {
    show(`village ${VILLAGES[k].name}`, `village:${k}`);
    show(`town ${VILLAGES[k].town}`, `town:${k}`);
    show(`city ${VILLAGES[k].city}`, `city:${k}`);
  }
  show('admin', 'admin');
  show('monitor', 'monitor');
  out(`\nTry: curl -H "Authorization: Bearer <citizen token>" "${httpUrl}/households/${result.xu.householdId}/ledger?year=2024"`);
  out(`     curl -H "Authorization: Bearer <village token>" ${httpUrl}/review-tasks`);
  out(`     the monthly ledger run fires at 02:00 on the 1st (Asia/Shanghai): POST ${httpUrl}/_local/clock {"advanceDays": n}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
