/**
 * Loads a synthetic monitored population straight into the Households table (BatchWriteItem,
 * 25 items a request, several requests in flight), with a progress bar on stderr. Every
 * household is written exactly as an approval writes it (householdItems / entitlementItems, so
 * the dueByCounty marks are computed by the same domain code), with the categories the rules
 * give it under the seeded policy — and a small share of deliberate gaps (a disabled DIBAO
 * member without the living subsidy) for the re-evaluation to find.
 *
 *   npx tsx scripts/seed-population.ts [people=100000] [--endpoint http://127.0.0.1:4566]
 *   (env SEED_PEOPLE, SEED_ENDPOINT; table names as `npm start` creates them)
 */
import '../local/quiet.ts';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { householdIdOf, idHash } from '../functions/commons/id-hash.ts';
import { entitlementItems, householdItems, membershipIndexPut, type EntitlementRecord } from '../functions/adapters/households-table.ts';
import { categoryIndex, CATEGORY_CODES, evaluateInto, Trace } from '../functions/domain/eligibility.ts';
import { householdSchema, type HouseholdInput } from '../functions/domain/household.ts';
import { compilePolicy, resolvePolicy, type CompiledPolicy } from '../functions/domain/policy.ts';
import { seedValues } from '../functions/domain/policy-seed.ts';
import { birthDateOf, checkCharacter, maskId } from '../functions/domain/resident-id.ts';
import { nextMemberDue, nextReReviewDue } from '../functions/domain/monitoring.ts';
import { setLocalSecretValues } from '../local/names.ts';

export interface SeedOptions {
  people: number;
  /** Households are approved at instants spread over the year before this date. */
  baseDate: string;
  /** Villages (12 digits) to spread households over. */
  villages: readonly string[];
  /** Share of DIBAO households with a disabled member whose living subsidy is left out. */
  gapShare: number;
  seed: number;
  /** Dated marks as the daily runs up to this date left them (default: as approvals wrote them). */
  monitoredThrough?: string;
}

export const DEFAULT_VILLAGES = ['610124001200', '610124001201', '610124121200', '610124001001', '610124001002'];

/** A small deterministic PRNG (mulberry32). */
export function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const policies = new Map<string, CompiledPolicy>();
export function localPolicy(regionCode: string, date: string): CompiledPolicy {
  const key = `${regionCode}|${date}`;
  let p = policies.get(key);
  if (!p) policies.set(key, (p = compilePolicy(resolvePolicy(seedValues(), regionCode, date))));
  return p;
}

/** Unique valid resident IDs: a sequence per (area, birth date). */
export class IdFactory {
  private readonly used = new Map<string, number>();
  make(birthDate: string, area = '610124'): string {
    for (let a = Number(area); ; a++) {
      const key = `${a}|${birthDate}`;
      const n = this.used.get(key) ?? 0;
      if (n < 999) {
        this.used.set(key, n + 1);
        const body = `${a}${birthDate.replace(/-/g, '')}${String(n + 1).padStart(3, '0')}`;
        return body + checkCharacter(body);
      }
    }
  }
}

export interface HouseholdWrite {
  householdId: string;
  regionCode: string;
  categories: string[];
  items: Record<string, unknown>[];
}

/**
 * The items an approval of `household` at `approvedAt` writes, with the categories the rules
 * give (or `categories` when given), minus `omit`.
 */
export function householdWrite(
  household: HouseholdInput,
  approvedAt: string,
  opts: { categories?: string[]; omit?: string[]; amountsFen?: Record<string, number>; validUntilMonth?: string; monitoredThrough?: string } = {},
): HouseholdWrite {
  const parsed = householdSchema.parse(household);
  const approvedOn = new Date(Date.parse(approvedAt) + 8 * 3600_000).toISOString().slice(0, 10);
  const t = evaluateInto(new Trace(), parsed, localPolicy(parsed.regionCode, approvedOn), approvedOn);
  const eligible = CATEGORY_CODES.filter((c) => c !== 'TEMPORARY' && t.eligible[categoryIndex(c)]);
  const categories = (opts.categories ?? eligible).filter((c) => !(opts.omit ?? []).includes(c));
  const head = parsed.members.find((m) => m.relation === 'self') ?? parsed.members[0]!;
  const householdId = householdIdOf(head.idNumber);
  const d = new Date(Date.parse(approvedAt) + 8 * 3600_000);
  const startMonth = d.getUTCMonth() === 11 ? `${d.getUTCFullYear() + 1}-01` : `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 2).padStart(2, '0')}`;
  const applicationId = `seed_${householdId}`;
  const ents: EntitlementRecord[] = categories.map((c) => {
    const fen = opts.amountsFen?.[c] ?? Math.round(t.amountFen[categoryIndex(c as (typeof CATEGORY_CODES)[number])]!);
    const plus11 = (() => {
      const [y, m] = startMonth.split('-').map(Number) as [number, number];
      const i = y * 12 + m - 1 + 11;
      return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
    })();
    return {
      householdId,
      category: c,
      monthlyAmountFen: fen,
      amounts: [{ from: startMonth, monthlyAmountFen: fen, reason: '批准', at: approvedAt, by: 'seed' }],
      startMonth,
      applicationId,
      regionCode: parsed.regionCode,
      grantedAt: approvedAt,
      status: 'ACTIVE',
      ...(c === 'RIGID_EXPENDITURE' ? { validUntilMonth: opts.validUntilMonth ?? plus11 } : {}),
    };
  });
  const tx = [
    ...entitlementItems(ents),
    ...householdItems(
      { householdId, regionCode: parsed.regionCode, applicationId, household: household as unknown as Record<string, unknown>, updatedAt: approvedAt, categories },
      parsed.members.map((m) => ({ householdId, idHash: idHash(m.idNumber), maskedId: maskId(m.idNumber), birthDate: birthDateOf(m.idNumber), relation: m.relation, regionCode: parsed.regionCode })),
    ),
  ];
  // BatchWriteItem takes Puts: the keyed membership index (an ADD in a transaction) becomes a Put
  // of the person's one household.
  const items = tx.map((x) => (x.Put ? (x.Put.Item as Record<string, unknown>) : membershipIndexPut(String(x.Update!.Key!.pk).slice('PERSON#'.length), [householdId])));
  // Steady state: the daily runs up to `monitoredThrough` have already moved every dated mark
  // past it (what the approval wrote, advanced as the runs would have advanced it).
  if (opts.monitoredThrough) {
    const after = opts.monitoredThrough;
    for (const item of items) {
      const sk = String(item.sk);
      if (typeof item.dueOn !== 'string' || item.dueOn > after) continue;
      delete item.dueKey, delete item.dueOn, delete item.dueKinds;
      const next = sk.startsWith('MEMBER#')
        ? nextMemberDue({ birthDate: String(item.birthDate), orphaned: item.orphaned === true }, categories, parsed.regionCode, after)
        : sk === 'PROFILE'
          ? nextReReviewDue(household.members.map((m) => ({ idNumber: m.idNumber, laborAbility: m.laborAbility })), approvedOn, parsed.regionCode, after)
          : undefined;
      if (next) Object.assign(item, next);
    }
  }
  return { householdId, regionCode: parsed.regionCode, categories, items };
}

const iso = (ms: number) => new Date(ms).toISOString();
const dateOf = (ms: number) => iso(ms).slice(0, 10);

/** One synthetic household of 1–4 people. */
export function syntheticHousehold(r: () => number, ids: IdFactory, opts: SeedOptions): { household: HouseholdInput; approvedAt: string; people: number } {
  const base = Date.parse(`${opts.baseDate}T00:00:00Z`);
  const approvedAt = iso(base - Math.floor(r() * 365) * 86_400_000 - 3 * 3600_000);
  const region = opts.villages[Math.floor(r() * opts.villages.length)]!;
  const birth = (minAge: number, maxAge: number) => dateOf(base - Math.floor((minAge + r() * (maxAge - minAge)) * 365.25 * 86_400_000));
  const headBirth = birth(20, 95);
  const headAge = (base - Date.parse(`${headBirth}T00:00:00Z`)) / (365.25 * 86_400_000);
  const disability = () => (r() < 0.12 ? { category: 'physical' as const, grade: 1 + Math.floor(r() * 4) } : null);
  const members: HouseholdInput['members'] = [
    { name: '户主', idNumber: ids.make(headBirth), relation: 'self', disability: disability(), laborAbility: headAge >= 60 ? 'none' : 'partial', monthlyIncome: Math.floor(r() * 300) },
  ];
  const size = 1 + Math.floor(r() * 4);
  if (size >= 2) members.push({ name: '配偶', idNumber: ids.make(birth(Math.max(18, headAge - 5), Math.min(98, headAge + 5))), relation: 'spouse', disability: disability(), laborAbility: headAge >= 60 ? 'none' : 'partial', monthlyIncome: Math.floor(r() * 200) });
  for (let k = 2; k < size; k++) {
    const child = headAge < 60;
    members.push({ name: '家属', idNumber: ids.make(child ? birth(0, 18) : birth(0, 18)), relation: child ? 'child' : 'grandchild', disability: null, laborAbility: 'none', inSchool: true, orphaned: !child && r() < 0.1, monthlyIncome: 0 });
  }
  return {
    household: {
      regionCode: region,
      hukouType: 'rural',
      members,
      assets: { deposits: Math.floor(r() * 3000), vehicles: [], properties: 1, businessRegistered: false },
      livingConditions: { housingSafe: r() > 0.005, drinkingWaterSafe: true },
      rigidExpenditure12m: { medical: 0, education: 0, rehabilitation: 0 },
      // Most households have an able legal supporter outside (so DIBAO, not TEKUN, decides).
      supporters: r() < 0.7 ? [{ name: '赡养人', idNumber: ids.make(birth(30, 50)), able: true }] : [],
    },
    approvedAt,
    people: members.length,
  };
}

export interface SeedResult {
  people: number;
  households: number;
  items: number;
  seconds: number;
  counties: string[];
}

function bar(done: number, total: number, started: number, items: number): string {
  const w = 30;
  const f = Math.min(w, Math.round((done / total) * w));
  const s = (Date.now() - started) / 1000;
  return `\r[${'#'.repeat(f)}${' '.repeat(w - f)}] ${((done / total) * 100).toFixed(1).padStart(5)}%  ${done.toLocaleString('en')}/${total.toLocaleString('en')} people  ${Math.round(items / Math.max(s, 0.001)).toLocaleString('en')} items/s  ${s.toFixed(0)} s`;
}

/** Seeds `opts.people` people into the Households table (and the Monitoring table's county list). */
export async function seedPopulation(doc: DynamoDBDocumentClient, tables: { households: string; monitoring: string }, opts: SeedOptions, progress = process.stderr.isTTY || process.env.SEED_PROGRESS === '1'): Promise<SeedResult> {
  const r = rng(opts.seed);
  const ids = new IdFactory();
  const started = Date.now();
  let people = 0;
  let households = 0;
  let items = 0;
  const counties = new Set<string>();
  let queue: Record<string, unknown>[] = [];
  const inflight = new Set<Promise<void>>();
  const send = async (batch: Record<string, unknown>[]) => {
    let req: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> = { [tables.households]: batch.map((Item) => ({ PutRequest: { Item } })) };
    for (let attempt = 0; Object.keys(req).length; attempt++) {
      const res = await doc.send(new BatchWriteCommand({ RequestItems: req }));
      req = (res.UnprocessedItems ?? {}) as typeof req;
      if (Object.keys(req).length) await new Promise((ok) => setTimeout(ok, Math.min(1000, 20 * 2 ** attempt)));
    }
  };
  const flush = async (all: boolean) => {
    while (queue.length >= 25 || (all && queue.length)) {
      const batch = queue.slice(0, 25);
      queue = queue.slice(25);
      items += batch.length;
      const p = send(batch).finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= 8) await Promise.race(inflight);
    }
  };
  let lastDraw = 0;
  const gaps = rng(opts.seed + 1);
  while (people < opts.people) {
    const { household, approvedAt, people: n } = syntheticHousehold(r, ids, opts);
    const parsedHasDisabled = household.members.some((m) => m.disability);
    const omit = parsedHasDisabled && gaps() < opts.gapShare ? ['DISABILITY_LIVING_SUBSIDY'] : [];
    const w = householdWrite(household, approvedAt, { omit, ...(opts.monitoredThrough ? { monitoredThrough: opts.monitoredThrough } : {}) });
    if (w.categories.length === 0) continue;
    queue.push(...w.items);
    counties.add(w.regionCode.slice(0, 6));
    people += n;
    households++;
    await flush(false);
    if (progress && Date.now() - lastDraw > 250) {
      process.stderr.write(bar(people, opts.people, started, items));
      lastDraw = Date.now();
    }
  }
  await flush(true);
  await Promise.all(inflight);
  for (const c of counties) await doc.send(new PutCommand({ TableName: tables.monitoring, Item: { pk: 'COUNTIES', sk: c, county: c, since: iso(Date.now()) } }));
  if (progress) process.stderr.write(`${bar(people, opts.people, started, items)}\n`);
  return { people, households, items, seconds: (Date.now() - started) / 1000, counties: [...counties] };
}

export function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const people = Number(process.argv[2] && !process.argv[2].startsWith('--') ? process.argv[2] : (process.env.SEED_PEOPLE ?? 100_000));
  const endpoint = argValue('endpoint') ?? process.env.SEED_ENDPOINT ?? 'http://127.0.0.1:4566';
  // The same development key as the runtime's, so the people it writes match the stack's hashes.
  setLocalSecretValues();
  process.env.HOUSEHOLDS_TABLE ??= 'jiuzhu-Households';
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), { marshallOptions: { removeUndefinedValues: true } });
  const res = await seedPopulation(doc, { households: process.env.HOUSEHOLDS_TABLE, monitoring: process.env.MONITORING_TABLE ?? 'jiuzhu-Monitoring' }, { people, baseDate: new Date().toISOString().slice(0, 10), villages: DEFAULT_VILLAGES, gapShare: 0.02, seed: 42, monitoredThrough: new Date(Date.now() + 29 * 86_400_000).toISOString().slice(0, 10) }, true);
  console.log(`seeded ${res.people.toLocaleString('en')} people in ${res.households.toLocaleString('en')} households (${res.items.toLocaleString('en')} items) in ${res.seconds.toFixed(1)} s`);
}
