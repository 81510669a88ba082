import { BatchGetCommand, BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { householdIdOf } from '../functions/commons/id-hash.ts';
import { manifest } from '../infra/manifest.ts';
import { setLocalSecretValues, tableName } from '../local/names.ts';
import { householdWrite, IdFactory } from './seed-population.ts';

/**
 * seed:demo's 两项政策 merger story (called by scripts/seed-demo.ts): 肥城 (370983) imports its
 * 5,080 monitoring objects, 4,072 of them already covered by social assistance (80.2%); the
 * three-level assessment (village → town → city) includes 356 and exits 579 → 98.38%, as the
 * article reports. 73 stay open at the village (the demo's assessment queue).
 *   - The 4,072 covered people are 2,036 DIBAO households that were recipients before the
 *     platform: written directly to the Households table (the items an approval writes,
 *     scripts/seed-population.ts householdWrite; marked by their application id `seeded-feicheng-…`).
 *   - The import goes through POST /merger/imports (two CSV bodies under the 256 KB limit) and
 *     its workflow; every decision through POST /merger/assessments/{id}/decision (8 at a time),
 *     so each is audited and counted like any reviewer's.
 * Names, ID numbers and amounts are INVENTED; the counts are the article's.
 * Running it again changes nothing: households are written only where absent, the import is
 * skipped once the county's counters hold all 5,080 records, and only open assessments the plan
 * decides are decided.
 */
export const FEICHENG = {
  county: '370983',
  records: 5080,
  coveredAtImport: 4072,
  included: 356,
  exited: 579,
  villages: ['370983108201', '370983108202', '370983108203', '370983108204', '370983104201', '370983104202'],
  towns: ['370983108', '370983104'],
  city: '3709',
} as const;

export interface MergerSeedInput {
  httpUrl: string;
  awsUrl: string;
  /** A token maker (POST /_local/token). */
  token: (sub: string, role: string, regionCode?: string) => Promise<{ token: string; sub: string; role: string; regionCode?: string }>;
  log: (line: string) => void;
}

export interface MergerSeedResult {
  householdsWritten: number;
  importIds: string[];
  decided: { village: number; town: number; city: number };
  coverage: { total: number; coveredAtImport: number; included: number; exited: number; coverageAtImportPercent: number | null; coverageNowPercent: number | null };
  tokens: Record<string, string>;
}

const UNCOVERED = FEICHENG.records - FEICHENG.coveredAtImport; // 1,008 single-person households
const HEADER = 'householdRef,name,idNumber,relation,regionCode,riskTypes,monthlyIncome,deposits,identifiedOn';
const RISKS = ['ILLNESS', 'DISABILITY', 'EDUCATION', 'DISASTER', 'ACCIDENT', 'UNSTABLE_EMPLOYMENT'] as const;

type Plan = 'include' | 'exit' | 'open';
/** The first 356 uncovered records are included, the next 579 exited, the rest stay open. */
export function planOf(householdRef: string): Plan | undefined {
  const m = /^FC-U(\d{4})$/.exec(householdRef);
  if (!m) return undefined;
  const i = Number(m[1]);
  return i < FEICHENG.included ? 'include' : i < FEICHENG.included + FEICHENG.exited ? 'exit' : 'open';
}

interface Person {
  name: string;
  idNumber: string;
  relation: 'self' | 'spouse';
  income: number;
}
interface DemoHousehold {
  ref: string;
  village: string;
  people: Person[];
  deposits: number;
  risk: string;
  identifiedOn: string;
}

/** The 肥城 population, deterministic (same IDs every run). */
export function feichengPopulation(): DemoHousehold[] {
  const ids = new IdFactory();
  const out: DemoHousehold[] = [];
  const birth = (i: number, base: number) => `${base + (i % 30)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 7) % 28)).padStart(2, '0')}`;
  for (let i = 0; i < FEICHENG.coveredAtImport / 2; i++) {
    out.push({
      ref: `FC-C${String(i).padStart(4, '0')}`,
      village: FEICHENG.villages[i % FEICHENG.villages.length]!,
      people: [
        { name: `肥城户主${i}`, idNumber: ids.make(birth(i, 1945), FEICHENG.county), relation: 'self', income: 120 + (i % 5) * 20 },
        { name: `肥城配偶${i}`, idNumber: ids.make(birth(i + 3, 1947), FEICHENG.county), relation: 'spouse', income: 80 },
      ],
      deposits: 1000 + (i % 7) * 300,
      risk: RISKS[i % RISKS.length]!,
      identifiedOn: `2023-${String(1 + (i % 12)).padStart(2, '0')}-15`,
    });
  }
  for (let i = 0; i < UNCOVERED; i++) {
    const plan = planOf(`FC-U${String(i).padStart(4, '0')}`);
    out.push({
      ref: `FC-U${String(i).padStart(4, '0')}`,
      village: FEICHENG.villages[i % FEICHENG.villages.length]!,
      // Included ones are poor (a layer for them); exited ones have stable income now.
      people: [{ name: `监测对象${i}`, idNumber: ids.make(birth(i, 1950), FEICHENG.county), relation: 'self', income: plan === 'exit' ? 3200 + (i % 9) * 100 : 500 + (i % 6) * 60 }],
      deposits: plan === 'exit' ? 60_000 : 2_000 + (i % 5) * 500,
      risk: RISKS[i % RISKS.length]!,
      identifiedOn: `2024-${String(1 + (i % 12)).padStart(2, '0')}-10`,
    });
  }
  return out;
}

/** The import as CSV bodies of ≤ 2,600 rows (each under the API's 256 KB), households whole. */
export function feichengCsvBodies(pop = feichengPopulation()): string[] {
  const bodies: string[] = [];
  let cur: string[] = [];
  for (const h of pop) {
    if (cur.length + h.people.length > 2600) {
      bodies.push([HEADER, ...cur].join('\n'));
      cur = [];
    }
    h.people.forEach((p, k) => cur.push([h.ref, p.name, p.idNumber, p.relation, h.village, h.risk, p.income, k === 0 ? h.deposits : '', h.identifiedOn].join(',')));
  }
  if (cur.length) bodies.push([HEADER, ...cur].join('\n'));
  return bodies;
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export async function seedMerger(s: MergerSeedInput): Promise<MergerSeedResult> {
  const started = Date.now();
  // The seed process hashes ID numbers as the stack does (its local development key).
  setLocalSecretValues();
  process.env.HOUSEHOLDS_TABLE ??= tableName('Households');
  const http = async (method: string, path: string, token: string, body?: unknown, contentType = 'application/json') => {
    const res = await fetch(`${s.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const json = (await res.json().catch(() => undefined)) as any;
    return { status: res.status, body: json };
  };
  const must = async (what: string, p: ReturnType<typeof http>) => {
    const res = await p;
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const tokens: Record<string, string> = {};
  const city = (await s.token(`demo-city-${FEICHENG.city}`, 'city', FEICHENG.city)).token;
  tokens[`city:${FEICHENG.city}`] = city;
  for (const t of FEICHENG.towns) tokens[`town:${t}`] = (await s.token(`demo-town-${t}`, 'town', t)).token;
  for (const v of FEICHENG.villages) tokens[`village:${v}`] = (await s.token(`demo-village-${v}`, 'village', v)).token;

  // 1. The covered population (recipients before the platform), where absent.
  const pop = feichengPopulation();
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: s.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const hhTable = process.env.HOUSEHOLDS_TABLE;
  const covered = pop.filter((h) => h.ref.startsWith('FC-C'));
  const present = new Set<string>();
  for (let i = 0; i < covered.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = covered.slice(i, i + 100).map((h) => ({ pk: `HH#${householdIdOf(h.people[0]!.idNumber)}`, sk: 'PROFILE' }));
    while (keys?.length) {
      const res = await doc.send(new BatchGetCommand({ RequestItems: { [hhTable]: { Keys: keys, ProjectionExpression: 'pk' } } }));
      for (const it of res.Responses?.[hhTable] ?? []) present.add(String(it.pk));
      keys = res.UnprocessedKeys?.[hhTable]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  const items: Record<string, unknown>[] = [];
  let householdsWritten = 0;
  for (const h of covered) {
    if (present.has(`HH#${householdIdOf(h.people[0]!.idNumber)}`)) continue;
    const w = householdWrite(
      {
        regionCode: h.village,
        hukouType: 'rural',
        members: h.people.map((p) => ({ name: p.name, idNumber: p.idNumber, relation: p.relation, disability: null, laborAbility: 'none', monthlyIncome: p.income })),
        assets: { deposits: h.deposits, vehicles: [], properties: 1, businessRegistered: false },
        livingConditions: { housingSafe: true, drinkingWaterSafe: true },
        rigidExpenditure12m: { medical: 0, education: 0, rehabilitation: 0 },
        supporters: [],
      } as never,
      '2025-03-10T02:00:00.000Z',
      { categories: ['DIBAO'] },
    );
    for (const item of w.items) if (String(item.sk).startsWith('ENT#') || item.sk === 'PROFILE') item.applicationId = `seeded-feicheng-${h.ref}`;
    items.push(...w.items);
    householdsWritten++;
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await mapLimit(batches, 8, async (batch) => {
    let req: Record<string, unknown>[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; req?.length; attempt++) {
      const res = await doc.send(new BatchWriteCommand({ RequestItems: { [hhTable]: req as never } }));
      req = res.UnprocessedItems?.[hhTable] as Record<string, unknown>[] | undefined;
      if (req?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
    }
  });
  if (householdsWritten) {
    const monitoring = process.env.MONITORING_TABLE ?? tableName('Monitoring');
    await doc.send(new PutCommand({ TableName: monitoring, Item: { pk: 'COUNTIES', sk: FEICHENG.county, county: FEICHENG.county, since: new Date().toISOString() }, ConditionExpression: 'attribute_not_exists(pk)' })).catch((err: Error) => {
      if (err.name !== 'ConditionalCheckFailedException') throw err;
    });
  }
  s.log(`肥城 merger: ${householdsWritten} covered households written (${covered.length - householdsWritten} there already)`);

  // 2. The import (skipped once the county's counters hold every record).
  const importIds: string[] = [];
  const before = await must('coverage', http('GET', `/merger/coverage?regionCode=${FEICHENG.county}`, city));
  if (before.total < FEICHENG.records) {
    for (const body of feichengCsvBodies(pop)) {
      const created = await must('import', http('POST', '/merger/imports', city, body, 'text/csv; charset=utf-8'));
      importIds.push(created.importId);
      const deadline = Date.now() + 300_000;
      for (;;) {
        const r = await must('import status', http('GET', `/merger/imports/${created.importId}`, city));
        if (r.status === 'FAILED') throw new Error(`import ${created.importId} failed: ${r.failure}`);
        if (r.status === 'SUCCEEDED') {
          if (r.rejected) throw new Error(`import ${created.importId} rejected ${r.rejected} rows: ${JSON.stringify(r.errors.slice(0, 3))}`);
          break;
        }
        if (Date.now() > deadline) throw new Error(`import ${created.importId} did not finish`);
        await new Promise((x) => setTimeout(x, 200));
      }
    }
    s.log(`肥城 merger: imported ${FEICHENG.records} records (${importIds.join(', ')})`);
  }

  // 3. The three levels, each reviewer on the queue of their own jurisdiction.
  const decided = { village: 0, town: 0, city: 0 };
  const reviewers = { village: FEICHENG.villages.map((v) => tokens[`village:${v}`]!), town: FEICHENG.towns.map((t) => tokens[`town:${t}`]!), city: [city] };
  for (const level of ['village', 'town', 'city'] as const) {
    for (const token of reviewers[level]) {
      const open: { id: string; householdRef: string; recommendation: { layer: string | null } }[] = [];
      let cursor: string | null = null;
      do {
        const page: any = await must('assessments', http('GET', `/merger/assessments?level=${level}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token));
        open.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      const todo = open.filter((a) => planOf(a.householdRef) === 'include' || planOf(a.householdRef) === 'exit');
      await mapLimit(todo, 8, async (a) => {
        const include = planOf(a.householdRef) === 'include';
        const body = include
          ? { decision: 'include', category: a.recommendation.layer ?? 'OTHER_HARDSHIP', reason: level === 'city' ? '市级研判：符合条件，纳入（演示）' : `${level === 'village' ? '村' : '镇'}级研判：建议纳入（演示）` }
          : { decision: 'exit', reason: level === 'city' ? '市级研判：收入稳定、风险消除，退出监测（演示）' : `${level === 'village' ? '村' : '镇'}级研判：建议退出（演示）` };
        const res = await http('POST', `/merger/assessments/${a.id}/decision`, token, body);
        if (res.status === 409) return; // decided meanwhile (an earlier, interrupted run)
        if (res.status !== 200) throw new Error(`decide ${a.id}: ${res.status} ${JSON.stringify(res.body)}`);
        decided[level]++;
      });
    }
  }
  const after = await must('coverage', http('GET', `/merger/coverage?regionCode=${FEICHENG.county}`, city));
  s.log(`肥城 merger: decided ${decided.village}/${decided.town}/${decided.city} (village/town/city); coverage ${after.coverageAtImportPercent}% at import → ${after.coverageNowPercent}% (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return {
    householdsWritten,
    importIds,
    decided,
    coverage: { total: after.total, coveredAtImport: after.coveredAtImport, included: after.included, exited: after.exited, coverageAtImportPercent: after.coverageAtImportPercent, coverageNowPercent: after.coverageNowPercent },
    tokens,
  };
}
