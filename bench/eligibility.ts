/**
 * Eligibility benchmark, side by side in one run:
 *   1. households/s on one core, ALL categories with the full explanation trace (every rule's
 *      passed/actual/limit/parameter), our engine (`evaluateInto`, reused Trace);
 *   2. the same plus materializing the API's JSON objects (`materialize`);
 *   3. baseline: json-rules-engine running the DIBAO rules (income below the standard,
 *      deposits within the cap, vehicle within the cap, not TEKUN) on the same households,
 *      facts computed in the timed loop as ours are;
 *   → the ratios.
 *   4. p99 latency of POST /eligibility/evaluate on the local API (autocannon against an
 *      in-process startTestStack()), with GET /health and GET /regions/{code} as baselines.
 *
 *   npx tsx bench/eligibility.ts                 # defaults: 20,000 households (2,000 hot), 9 rounds, 8 s per HTTP run
 *   BENCH_HOUSEHOLDS=50000 BENCH_HTTP_SECONDS=15 BENCH_CONNECTIONS=10 npx tsx bench/eligibility.ts
 *   BENCH_SKIP_HTTP=1 npx tsx bench/eligibility.ts
 */
// @ts-ignore autocannon ships no type declarations (ts-ignore, not expect-error: fine if types appear)
import autocannonUntyped from 'autocannon';
import { Engine } from 'json-rules-engine';
import { setFlagsFromString } from 'node:v8';
import { loadavg } from 'node:os';
import { runInNewContext } from 'node:vm';
import { evaluateInto, materialize, Trace } from '../functions/domain/eligibility.ts';
import { dateToInt, householdSchema, type Household, type HouseholdInput } from '../functions/domain/household.ts';
import { PolicyCache } from '../functions/domain/policy.ts';
import { seedValues } from '../functions/domain/policy-seed.ts';
import { checkCharacter } from '../functions/domain/resident-id.ts';

interface AcResult {
  latency: { p50: number; p99: number };
  requests: { average: number };
  non2xx: number;
  errors: number;
}
const autocannon = autocannonUntyped as unknown as (opts: Record<string, unknown>, cb: (err: Error | null, res: AcResult) => void) => unknown;

const N = Number(process.env.BENCH_HOUSEHOLDS ?? 20_000);
const HTTP_SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const REGION = '610124121200';
const AS_OF = '2026-11-28';

// ---------------------------------------------------------------- data
let seed = 12345;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
function id(birth: string, seq: number): string {
  const first17 = `610124${birth.replaceAll('-', '')}${String(seq % 1000).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}
function randomInput(): HouseholdInput {
  const n = 1 + Math.floor(rnd() * 5);
  return {
    regionCode: REGION,
    hukouType: rnd() < 0.3 ? 'urban' : 'rural',
    members: Array.from({ length: n }, (_, i) => {
      const year = 1925 + Math.floor(rnd() * 100);
      const birth = `${year}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}`;
      const wages = Math.floor(rnd() * 150_000) / 100;
      // v1 members (monthlyIncome) and v2 members (income items, some not countable; statuses).
      const v2 = rnd() < 0.4;
      return {
        name: `成员${i}`,
        idNumber: id(birth, 2 * i + 1),
        relation: i === 0 ? 'self' : 'other',
        disability: rnd() < 0.15 ? { category: pick(['physical', 'visual', 'hearing', 'intellectual', 'mental'] as const), grade: 1 + Math.floor(rnd() * 4) } : null,
        seriousIllness: rnd() < 0.1,
        inSchool: rnd() < 0.1,
        orphaned: rnd() < 0.03,
        laborAbility: pick(['full', 'partial', 'none'] as const),
        ...(v2
          ? {
              incomes: [
                { type: pick(['WAGES', 'BUSINESS', 'PENSION', 'SUPPORT'] as const), monthly: wages },
                ...(rnd() < 0.5 ? [{ type: pick(['SCHOLARSHIP', 'PREFERENTIAL_CARE', 'SOCIAL_ASSISTANCE'] as const), monthly: Math.floor(rnd() * 50_000) / 100 }] : []),
              ],
              ...(i > 0 && rnd() < 0.1 ? { status: pick(['SERVING_SENTENCE', 'MISSING', 'CONSCRIPT'] as const) } : {}),
              ...(rnd() < 0.3 ? { selfCare: pick(['FULL', 'PARTIAL', 'NONE'] as const) } : {}),
            }
          : { monthlyIncome: wages }),
      };
    }),
    assets: {
      deposits: Math.floor(rnd() * 6_000_000) / 100,
      vehicles: rnd() < 0.3 ? [{ value: Math.floor(rnd() * 12_000_000) / 100, forDisabilityMobility: rnd() < 0.2 }] : [],
      properties: rnd() < 0.1 ? 2 : 1,
      businessRegistered: rnd() < 0.03,
      ...(rnd() < 0.1 ? { farmMachinery: [{ value: Math.floor(rnd() * 10_000_000) / 100 }] } : {}),
    },
    rigidExpenditure12m: { medical: Math.floor(rnd() * 5_000_000) / 100, education: 0, rehabilitation: 0 },
    supporters: rnd() < 0.5 ? [{ name: 's', idNumber: id('1970-01-01', 901), able: rnd() < 0.5 }] : [],
  };
}

const inputs = Array.from({ length: N }, randomInput);
const households: Household[] = inputs.map((i) => householdSchema.parse(i));
const policy = new PolicyCache(seedValues()).get(REGION, AS_OF); // resolved once per (region, date)
const asOfInt = dateToInt(AS_OF);

const fmt = (x: number) => Math.round(x).toLocaleString('en-US').padStart(11);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 300);

/**
 * A full collection before each slice: json-rules-engine leaves megabytes of promises and
 * almanacs behind, and without this the next slice (often ours) pays for collecting them —
 * on two cores V8's concurrent marking threads also take the other core. Each contender pays
 * for its own garbage inside its own slice.
 */
const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** One timed slice: repeats `pass` (which returns how many households it did) for ≥ ms. */
async function slice(ms: number, pass: () => number | Promise<number>): Promise<[perSecond: number, perCpuSecond: number]> {
  gc();
  let count = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let el = 0;
  do {
    count += await pass();
    el = performance.now() - t0;
  } while (el < ms);
  const c = process.cpuUsage(c0);
  return [(count / el) * 1000, (count / (c.user + c.system)) * 1e6];
}

// ---------------------------------------------------------------- contenders
const trace = new Trace();
let sink = 0;
/**
 * Ours: all 8 categories, every rule explained into the reused Trace. Two working sets: HOT
 * (the first 2,000 households, a few MB: what a batch run that parses then evaluates each
 * household sees) and ALL (every household: memory-bound once it outgrows the caches).
 */
const HOT = households.slice(0, Math.min(N, Number(process.env.BENCH_HOT ?? 2000)));
/**
 * The same households, laid out contiguously (structuredClone): zod leaves the parsed graphs
 * scattered among its garbage, and a large scattered set measures cache misses, not rules.
 */
const COMPACT: Household[] = structuredClone(households);
const oursPass = (set: Household[]) => (): number => {
  for (let i = 0; i < set.length; i++) {
    evaluateInto(trace, set[i]!, policy, asOfInt);
    sink += trace.n;
  }
  return set.length;
};
/** Ours + the API's JSON objects. */
const JSON_SLICE = HOT.length;
function oursJsonPass(): number {
  for (let i = 0; i < JSON_SLICE; i++) {
    const h = households[i]!;
    sink += materialize(evaluateInto(trace, h, policy, asOfInt), h, policy).categories.length;
  }
  return JSON_SLICE;
}

// json-rules-engine: the household DIBAO rules (income on household totals, deposits, vehicle,
// real estate/business/machinery, members left after TEKUN persons), facts computed per
// household in the timed loop exactly as ours computes them (same per-person TEKUN test).
const names = policy.resolved.parameters;
const num = (n: keyof typeof names) => names[n]!.value as number;
if (policy.lists['income.nonCountableTypes']?.length) throw new Error('the baseline reads the national income classification: the region must list no non-countable types');
const engine = new Engine([], { allowUndefinedFacts: false });
// One condition per DIBAO rule of ours (dibao.income.belowStandard, .assets.deposits, .vehicle,
// .homes, .nonResidential, .business, .farmMachinery, the housing/water condition where the
// county makes it one, .exclusion.notTekun): the same rule set, each rule its own condition.
// The policy's fixed values are written into the rule (a rule set built per (region, date), as
// ours compiles one policy); what depends on the household is a fact.
const livingCondition = num('dibao.livingConditionsCheck') === 2;
const vehicleCapFen = Math.round(num('dibao.vehicleValueCap') * 100);
const machineryCapFen = Math.round(num('dibao.farmMachineryValueCap') * 100);
const homesCap = num('dibao.homesCap');
const nonResidentialCap = num('dibao.nonResidentialCap');
const businessAllowed = num('dibao.businessRegistrationExcludes') === 1 ? 0 : 1;
engine.addRule({
  name: 'DIBAO',
  conditions: {
    all: [
      { fact: 'remainingIncomeFen', operator: 'lessThan', value: { fact: 'standardTimesMembersFen' } },
      { fact: 'depositsFen', operator: 'lessThanInclusive', value: { fact: 'depositCapFen' } },
      { fact: 'maxVehicleFen', operator: 'lessThanInclusive', value: vehicleCapFen },
      { fact: 'homes', operator: 'lessThanInclusive', value: homesCap },
      { fact: 'nonResidential', operator: 'lessThanInclusive', value: nonResidentialCap },
      { fact: 'businessRegistered', operator: 'lessThanInclusive', value: businessAllowed },
      { fact: 'maxMachineryFen', operator: 'lessThanInclusive', value: machineryCapFen },
      ...(livingCondition ? [{ fact: 'livingSafe', operator: 'equal', value: true }] : []),
      { fact: 'remainingMembers', operator: 'greaterThanInclusive', value: 1 },
    ],
  },
  event: { type: 'DIBAO' },
});
function incapable(m: Household['members'][number], age: number): boolean {
  if (age >= 60 || age < 18) return true;
  const d = m.disability;
  if (d && (((d.category === 'intellectual' || d.category === 'mental') && d.grade <= 3) || ((d.category === 'physical' || d.category === 'multiple') && d.grade <= 2) || (d.category === 'visual' && d.grade === 1))) return true;
  return m.inSchool && (m.schoolLevel === 'COMPULSORY' || m.schoolLevel === 'SENIOR_HIGH' || m.schoolLevel === 'SECONDARY_VOCATIONAL');
}
function jreFacts(h: Household) {
  const s = Math.round((h.urban ? num('dibao.standard.urban') : num('dibao.standard.rural')) * 100);
  let counted = 0;
  let disabled = 0;
  for (const m of h.members) if (m.counted) {
    counted++;
    if (m.disability) disabled++;
  }
  let maxVehicle = 0;
  for (const v of h.vehicles) if (!(v.forDisabilityMobility && disabled) && v.valueFen > maxVehicle) maxVehicle = v.valueFen;
  let maxMachinery = 0;
  for (const x of h.farmMachineryFen) if (x > maxMachinery) maxMachinery = x;
  const depositCapFen = s * num('dibao.depositCapMonths') * counted;
  // TEKUN's property rule (homes, non-residential, business, machinery within the dibao rules)
  // decides the per-person TEKUN test below, as in ours.
  const propertyOk = h.properties <= homesCap && h.nonResidentialProperties <= nonResidentialCap && (h.businessRegistered ? 1 : 0) <= businessAllowed && maxMachinery <= machineryCapFen;
  const assetsOk = h.depositsFen <= depositCapFen && maxVehicle <= vehicleCapFen && propertyOk;
  const noAbleSupporter = !h.supporters.some((x) => x.able);
  let remainingMembers = 0;
  let remainingIncomeFen = 0;
  for (const m of h.members) {
    if (!m.counted) continue;
    const own = m.monthlyIncomeFen; // the nationally counted items (no county list here), summed at parse as ours reads them
    const age = Math.floor((asOfInt - m.birth) / 10000);
    const orphanSupported = (m.orphaned || m.factuallyUnsupported) && (age < 18 || m.inSchool);
    const tekun = !orphanSupported && incapable(m, age) && own < s && noAbleSupporter && assetsOk; // relations are 'other': no supporter inside
    if (tekun) continue;
    remainingMembers++;
    remainingIncomeFen += own;
  }
  return {
    remainingMembers,
    remainingIncomeFen,
    standardTimesMembersFen: s * remainingMembers,
    depositsFen: h.depositsFen,
    depositCapFen,
    maxVehicleFen: maxVehicle,
    homes: h.properties,
    nonResidential: h.nonResidentialProperties,
    businessRegistered: h.businessRegistered ? 1 : 0,
    maxMachineryFen: maxMachinery,
    ...(livingCondition ? { livingSafe: h.housingSafe && h.drinkingWaterSafe } : {}),
  };
}
const JRE_SLICE = Math.min(N, 1000);
const jrePass = (set: Household[]) => {
  let offset = 0;
  return async (): Promise<number> => {
    for (let k = 0; k < JRE_SLICE; k++) {
      const { events } = await engine.run(jreFacts(set[(offset + k) % set.length]!));
      sink += events.length;
    }
    offset = (offset + JRE_SLICE) % set.length;
    return JRE_SLICE;
  };
};

// Both engines must take the same DIBAO decisions before their speed means anything.
let agree = 0;
for (const h of households) {
  const { events } = await engine.run(jreFacts(h));
  evaluateInto(trace, h, policy, asOfInt);
  if ((events.length > 0) === trace.dibaoHousehold) agree++;
}
console.log(`eligibility bench: ${N} households (1–5 members), region ${REGION}, ${AS_OF}, one core; ${ROUNDS} interleaved rounds of ${ROUND_MS} ms each`);
evaluateInto(trace, households[0]!, policy, asOfInt);
let rows = 0;
let dibao = 0;
for (const h of households) {
  evaluateInto(trace, h, policy, asOfInt);
  rows += trace.n;
  dibao += trace.eligible[0]!;
}
console.log(`  ${(rows / N).toFixed(1)} explained rules per household; ${((dibao / N) * 100).toFixed(1)}% DIBAO; DIBAO decisions of both engines agree on ${agree}/${N}`);
if (agree !== N) throw new Error('the engines disagree: the comparison would be meaningless');

const contenders = {
  oursHot: oursPass(HOT),
  jreHot: jrePass(HOT),
  oursCompact: oursPass(COMPACT),
  jreCompact: jrePass(COMPACT),
  oursAll: oursPass(households),
  json: oursJsonPass,
};
const rates = Object.fromEntries(Object.keys(contenders).map((k) => [k, [] as number[]])) as Record<keyof typeof contenders, number[]>;
/** The same per CPU-second of this process (all its threads: a contender's GC threads count against it). */
const cpuRates = Object.fromEntries(Object.keys(contenders).map((k) => [k, [] as number[]])) as Record<keyof typeof contenders, number[]>;
for (let r = 0; r < ROUNDS; r++) {
  for (const [k, pass] of Object.entries(contenders)) {
    const [wall, cpu] = await slice(ROUND_MS, pass);
    rates[k as keyof typeof contenders].push(wall);
    cpuRates[k as keyof typeof contenders].push(cpu);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/**
 * The median of per-round ratios: round r's two slices ran next to each other, so a neighbour's
 * burst or a frequency change lands on both; the ratio of medians pairs slices from different
 * rounds. Both are printed; the paired one is the figure.
 */
const pairedMedian = (a: number[], b: number[]) => median(a.map((x, i) => x / b[i]!));
const best = (xs: number[]) => Math.max(...xs);
const line = (label: string, xs: number[]) => console.log(`  ${label.padEnd(66)} median ${fmt(median(xs))}  best ${fmt(best(xs))} households/s`);
const ratio = (label: string, a: number[], b: number[]) =>
  console.log(`  ratio ${label.padEnd(60)} paired median ${pairedMedian(a, b).toFixed(1).padStart(5)}×  median ${(median(a) / median(b)).toFixed(1).padStart(5)}×  best ${(best(a) / best(b)).toFixed(1).padStart(5)}×`);
line(`ours: all 8 categories, full trace — ${HOT.length} households (hot)`, rates.oursHot);
line(`baseline: json-rules-engine 7, household DIBAO rules — same ${HOT.length}`, rates.jreHot);
line(`ours: all 8 categories, full trace — all ${N}, contiguous`, rates.oursCompact);
line(`baseline: json-rules-engine 7, household DIBAO rules — all ${N}, contiguous`, rates.jreCompact);
line(`ours: all ${N} as parsed (scattered in the heap: memory-bound)`, rates.oursAll);
line(`ours: full trace + the API's JSON objects — ${HOT.length}`, rates.json);
ratio(`ours / json-rules-engine, ${HOT.length} households`, rates.oursHot, rates.jreHot);
ratio(`ours / json-rules-engine, all ${N} contiguous`, rates.oursCompact, rates.jreCompact);
ratio(`ours (all ${N} scattered) / json-rules-engine`, rates.oursAll, rates.jreCompact);
ratio('ours + JSON objects / json-rules-engine', rates.json, rates.jreHot);
// On a shared machine wall time also measures the neighbours; CPU time is what each used.
ratio(`by CPU time: ours / json-rules-engine, ${HOT.length} households`, cpuRates.oursHot, cpuRates.jreHot);
ratio(`by CPU time: ours / json-rules-engine, all ${N} contiguous`, cpuRates.oursCompact, cpuRates.jreCompact);
void sink;

// Figures for bench/results/eligibility.json (git-ignored). Read-merge-write: bench/http-api.ts
// merges its own figure (evaluateRpsVsRegionsRps) and baseline into the same file; we keep them.
{
  const { existsSync, mkdirSync, readFileSync, writeFileSync } = await import('node:fs');
  const { dirname, join } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'eligibility.json');
  const prior = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { figures?: Record<string, unknown>; baselines?: Record<string, unknown> }) : {};
  const r1 = (x: number) => Math.round(x * 10) / 10;
  writeFileSync(
    file,
    `${JSON.stringify(
      {
        ...prior,
        name: 'eligibility',
        figures: {
          ...prior.figures,
          engineVsJsonRulesEngine: r1(pairedMedian(rates.oursHot, rates.jreHot)),
          engineVsJsonRulesEngineRatioOfMedians: r1(median(rates.oursHot) / median(rates.jreHot)),
          engineVsJsonRulesEngineContiguous: r1(pairedMedian(rates.oursCompact, rates.jreCompact)),
          engineVsJsonRulesEngineByCpu: r1(pairedMedian(cpuRates.oursHot, cpuRates.jreHot)),
          loadAverage1m: r1(loadavg()[0]!),
          engineHouseholdsPerSecond: Math.round(median(rates.oursHot)),
          engineWithJsonHouseholdsPerSecond: Math.round(median(rates.json)),
          explainedRulesPerHousehold: r1(rows / N),
          rounds: ROUNDS,
          roundMs: ROUND_MS,
          perRoundRatios: rates.oursHot.map((x, i) => r1(x / rates.jreHot[i]!)),
        },
        baselines: {
          ...prior.baselines,
          engineHouseholdsPerSecond: Math.round(median(rates.oursHot)),
          jsonRulesEngineHouseholdsPerSecond: Math.round(median(rates.jreHot)),
          engineContiguousHouseholdsPerSecond: Math.round(median(rates.oursCompact)),
          jsonRulesEngineContiguousHouseholdsPerSecond: Math.round(median(rates.jreCompact)),
        },
        at: new Date().toISOString(),
      },
      null,
      2,
    )}\n`,
  );
}

// ---------------------------------------------------------------- 4: HTTP p99
if (!process.env.BENCH_SKIP_HTTP) {
  const { startTestStack, ApiClient } = await import('../tests/support/local-stack.ts');
  const stack = await startTestStack();
  try {
    const api = new ApiClient(stack.httpUrl);
    const token = await api.token('citizen');
    const body = JSON.stringify({ household: inputs[0], asOf: AS_OF });
    const check = await api.request('POST', '/eligibility/evaluate', { token, rawBody: body });
    if (check.status !== 200) throw new Error(`evaluate answered ${check.status}: ${check.text}`);
    const run = (title: string, path: string, method: 'GET' | 'POST', payload?: string) =>
      new Promise<AcResult>((resolve, reject) =>
        autocannon(
          {
            url: stack.httpUrl + path,
            method,
            connections: CONNECTIONS,
            duration: HTTP_SECONDS,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            ...(payload ? { body: payload } : {}),
            title,
          },
          (err, res) => (err ? reject(err) : resolve(res)),
        ),
      );
    console.log(`\nHTTP (in-process local stack, autocannon ${CONNECTIONS} connections × ${HTTP_SECONDS} s each)`);
    const results: [string, AcResult][] = [];
    for (const [title, path, method, payload] of [
      ['GET /health (baseline)', '/health', 'GET', undefined],
      ['GET /regions/610124121200 (baseline)', '/regions/610124121200', 'GET', undefined],
      ['POST /eligibility/evaluate', '/eligibility/evaluate', 'POST', body],
    ] as const) {
      const r = await run(title, path, method, payload);
      results.push([title, r]);
      const non2xx = r.non2xx + r.errors;
      console.log(`  ${title.padEnd(40)} p50 ${String(r.latency.p50).padStart(4)} ms  p99 ${String(r.latency.p99).padStart(4)} ms  ${Math.round(r.requests.average)} req/s  ${non2xx ? `(${non2xx} non-2xx/errors!)` : ''}`);
    }
    const p99 = (i: number) => results[i]![1].latency.p99;
    console.log(`  ratio p99 evaluate / GET /regions: ${(p99(2) / Math.max(p99(1), 1)).toFixed(2)}×;  / GET /health: ${(p99(2) / Math.max(p99(0), 1)).toFixed(2)}×`);
  } finally {
    await stack.stop();
  }
}
