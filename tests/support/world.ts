import { randomUUID } from 'node:crypto';
import { putSurveysIfAbsent } from '../../functions/adapters/merger-table.ts';
import { raiseWarning, registerCounty } from '../../functions/adapters/monitoring-table.ts';
import { putRecovery } from '../../functions/adapters/payments-table.ts';
import { ensureIdHashKey, idHash } from '../../functions/commons/id-hash.ts';
import { recoveryIdOf } from '../../functions/domain/payments.ts';
import { maskId } from '../../functions/domain/resident-id.ts';
import type { LocalStack } from '../../local/runtime.ts';
import type { ApiClient } from './local-stack.ts';
import { CONSENT, dibaoHousehold, residentId } from './people.ts';
import { writeApprovedHousehold } from './approved.ts';
import { until } from './wait.ts';

/**
 * Two jurisdictions with real objects of every kind the routes address, for the authorization
 * matrix and the fuzz suite: in each a citizen with a verified idNumber heading an approved
 * household (entitlement, ledger, payee, roster line, recovery item, warning, survey, service
 * order), and an application of theirs waiting at village review; an organization; a merger
 * import with an assessment at village level; a monitoring run. J1 is 周至县 白杨林村, J2 庄浪县.
 */
export interface Jurisdiction {
  village: string;
  town: string;
  county: string;
  city: string;
  /** The approved household (its head is the citizen's verified idNumber). */
  householdId: string;
  headId: string;
  /** The citizen's application (another household, which they submitted) and its open village task. */
  applicationId: string;
  applicationHouseholdId: string;
  villageTaskId: string;
  warningId: string;
  organizationId: string;
  serviceOrderId: string;
  /** A second order of the household, for the cancel route (so the first stays ACTIVE for visits). */
  cancellableOrderId: string;
  rosterId: string;
  lineId: string;
  recoveryId: string;
  importId: string;
  assessmentId: string;
  surveyId: string;
  tokens: { citizen: string; village: string; town: string; city: string; maker: string };
}

export interface World {
  j1: Jurisdiction;
  j2: Jurisdiction;
  admin: string;
  monitor: string;
  runId: string;
  /** A past month with ledger entries and rosters. */
  month: string;
}

const J = {
  j1: { village: '610124121200', town: '610124121', county: '610124', city: '6101', tag: 'a', name: '徐新华' },
  j2: { village: '620825100200', town: '620825100', county: '620825', city: '6208', tag: 'b', name: '王秀英' },
} as const;

const rid = (n = 22) => randomUUID().replace(/-/g, '').slice(0, n).padEnd(n, '0');

/** An approved household written as an approval writes it (profile, members, one DIBAO entitlement from `startMonth`). */
export async function approvedHousehold(village: string, headId: string, startMonth: string) {
  const householdId = await writeApprovedHousehold(dibaoHousehold({ regionCode: village, headId }), [{ category: 'DIBAO', fen: 60000, startMonth }]);
  await registerCounty(village.slice(0, 6), new Date().toISOString());
  return householdId;
}

function must<T>(res: { status: number; text: string; body: T }, what: string, ok: number[] = [200, 201, 202]): T {
  if (!ok.includes(res.status)) throw new Error(`world: ${what} → ${res.status} ${res.text.slice(0, 300)}`);
  return res.body;
}

/** Builds the world on a running test stack (in this process). Takes a few seconds. */
export async function buildWorld(stack: LocalStack, api: ApiClient): Promise<World> {
  await ensureIdHashKey();
  const now = new Date(stack.clock.now() + 8 * 3600_000);
  const prev = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const month = prev.toISOString().slice(0, 7);
  const year = String(now.getUTCFullYear());
  const admin = await api.token('admin', undefined, 'world-admin');
  const monitor = await api.token('monitor', undefined, 'world-monitor');

  const partial: Record<'j1' | 'j2', Partial<Jurisdiction>> = { j1: {}, j2: {} };
  for (const key of ['j1', 'j2'] as const) {
    const j = J[key];
    const headId = residentId(j.county, key === 'j1' ? '1950-05-05' : '1951-06-06', 11);
    const householdId = await approvedHousehold(j.village, headId, month);
    const citizen = must(await api.request('POST', '/_local/token', { body: { sub: `world-citizen-${j.tag}`, role: 'citizen', idNumber: headId } }), 'citizen token').token as string;
    const tokens = {
      citizen,
      village: await api.token('village', j.village, `world-village-${j.tag}`),
      town: await api.token('town', j.town, `world-town-${j.tag}`),
      city: await api.token('city', j.county, `world-city-${j.tag}`),
      maker: await api.token('city', j.county, `world-maker-${j.tag}`),
    };
    const app = must(
      await api.request('POST', '/applications', {
        token: citizen,
        body: { household: dibaoHousehold({ regionCode: j.village, headId: residentId(j.county, '1948-02-02', 21) }), requested: ['DIBAO'], consent: CONSENT },
        headers: { 'idempotency-key': `world-application-${j.tag}` },
      }),
      'application',
    ) as { id: string; householdId: string };
    const organizationId = `org_world${j.tag}01`;
    must(await api.request('PUT', `/organizations/${organizationId}`, { token: admin, body: { name: '助老服务队', kind: 'SERVICE_TEAM', regionCode: j.village, services: [] } }), 'organization');
    const order = must(
      await api.request('POST', '/service-orders', { token: tokens.village, body: { householdId, items: ['HOME_CLEANING'], organizationId, recurrence: 'ONCE' } }),
      'service order',
    ) as { id: string };
    const cancellable = must(
      await api.request('POST', '/service-orders', { token: tokens.village, body: { householdId, items: ['HOME_CLEANING'], organizationId, recurrence: 'MONTHLY' } }),
      'service order to cancel',
    ) as { id: string };
    const warningId = `w_world${j.tag}${rid(12)}`;
    await raiseWarning(
      warningId,
      { indicator: 'HOUSING_UNSAFE', idHash: idHash(headId), person: maskId(headId), householdId, regionCode: j.village, period: year, details: { world: true } },
      new Date(stack.clock.now()).toISOString(),
      'world',
    );
    const surveyId = `sv_${year}_world${j.tag}${rid(10)}`;
    await putSurveysIfAbsent([
      { surveyId, year, kind: 'HOUSEHOLD', target: householdId, regionCode: j.village, dueOn: `${year}-12-31`, status: 'OPEN', openedAt: new Date(stack.clock.now()).toISOString(), summary: {} },
    ]);
    const imp = must(
      await api.request('POST', '/merger/imports', {
        token: tokens.city,
        body: { rows: [{ householdRef: `W${j.tag}`, name: '监测户', idNumber: residentId(j.county, '1970-04-04', 31), relation: 'self', regionCode: j.village, riskTypes: 'ILLNESS', monthlyIncome: 200, deposits: 0, identifiedOn: '2023-01-01' }] },
      }),
      'merger import',
    ) as { importId: string };
    Object.assign(partial[key], { ...j, householdId, headId, applicationId: app.id, applicationHouseholdId: app.householdId, warningId, organizationId, serviceOrderId: order.id, cancellableOrderId: cancellable.id, surveyId, importId: imp.importId, tokens });
  }

  // The month's ledger, then a roster per county (drawn by the maker, so the city user may approve).
  const lr = must(await api.request('POST', '/ledger/runs', { token: admin, body: { month } }), 'ledger run');
  await stack.clock.set(stack.clock.now() + 16 * 60_000);
  for (const key of ['j1', 'j2'] as const) {
    const w = partial[key] as Jurisdiction;
    must(await api.request('PUT', `/households/${w.householdId}/payee`, { token: w.tokens.city, body: { name: J[key].name, idNumber: w.headId, bank: '中国农业银行', accountNumber: key === 'j1' ? '6228480000000000011' : '6228480000000000029' } }), 'payee');
    const roster = must(await api.request('POST', '/payments/rosters', { token: w.tokens.maker, body: { month, countyCode: J[key].county } }), 'roster') as { id: string };
    await until(`roster ${roster.id} built`, async () => {
      const r = await api.request('GET', `/payments/rosters/${roster.id}`, { token: w.tokens.maker });
      return r.body?.status && r.body.status !== 'BUILDING' ? r.body : undefined;
    });
    const lines = must(await api.request('GET', `/payments/rosters/${roster.id}/lines`, { token: w.tokens.maker }), 'roster lines') as { items: { lineId?: string; id?: string }[] };
    const lineId = lines.items[0]?.lineId ?? lines.items[0]?.id;
    if (!lineId) throw new Error(`world: roster ${roster.id} has no lines (ledger run ${JSON.stringify(lr)})`);
    const recoveryId = recoveryIdOf(lineId);
    await putRecovery({ id: recoveryId, householdId: w.householdId, regionCode: w.village, rosterId: roster.id, lineId, category: 'DIBAO', forMonth: month, amountFen: 60000, reason: 'DECEASED', lastEntitledMonth: month, status: 'OPEN', raisedAt: new Date().toISOString() });
    Object.assign(w, { rosterId: roster.id, lineId, recoveryId });
  }

  // What the workflows make: the applications' village tasks, the imports' assessments.
  for (const key of ['j1', 'j2'] as const) {
    const w = partial[key] as Jurisdiction;
    w.villageTaskId = await until(`village task of ${w.applicationId}`, async () => {
      const res = await api.request('GET', '/review-tasks?limit=100', { token: w.tokens.village });
      return (res.body?.items ?? []).find((x: { applicationId: string }) => x.applicationId === w.applicationId)?.id as string | undefined;
    }, 60_000);
    w.assessmentId = await until(`assessment of ${w.importId}`, async () => {
      const res = await api.request('GET', `/merger/assessments?regionCode=${w.village}`, { token: w.tokens.village });
      return (res.body?.items ?? [])[0]?.id as string | undefined;
    }, 60_000);
  }
  const run = must(await api.request('POST', '/monitoring/runs', { token: admin, body: { asOf: `${month}-28` } }), 'monitoring run') as { runId: string };
  return { j1: partial.j1 as Jurisdiction, j2: partial.j2 as Jurisdiction, admin, monitor, runId: run.runId, month };
}
