import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { AppError, conflict, forbidden, notFound, validationFailed } from '../commons/errors.ts';
import { httpHandler, routeGroup, type Caller } from '../commons/http.ts';
import { regionScope } from '../commons/jurisdiction.ts';
import { pageQuery, pageSchema } from '../commons/pagination.ts';
import { registerRoute } from '../commons/route-schemas.ts';
import { ensureIdHashKey, idHash } from '../commons/id-hash.ts';
import { householdProfile } from '../adapters/households-table.ts';
import { raiseWarning } from '../adapters/monitoring-table.ts';
import { decryptAccount, encryptAccount } from '../adapters/payments-kms.ts';
import {
  approveRoster,
  closeRecovery,
  getLine,
  getRecovery,
  getPayee,
  getRoster,
  linesOf,
  linesPage,
  listRecoveries,
  listRosters,
  putPayee,
  recordAudit,
  recordReturn,
  type RosterHeader,
} from '../adapters/payments-table.ts';
import { cachedCounty } from '../adapters/regions-table.ts';
import { fenToYuan } from '../domain/benefits.ts';
import { monthSchema } from '../domain/ledger.ts';
import { warningId } from '../domain/monitoring.ts';
import {
  bankFile,
  countySchema,
  closeRecoverySchema,
  createRosterSchema,
  holdOf,
  maskAccount,
  payeeSchema,
  recentReturns,
  recoveryIdSchema,
  recoveryView,
  REPEATED_FAILURES,
  rosterIdSchema,
  returnsSchema,
  totalsView,
  type PayeeRecord,
  type RosterLine,
} from '../domain/payments.ts';
import { covers, jurisdictionOf } from '../domain/access.ts';
import { maskId } from '../domain/resident-id.ts';
import { requestRoster } from '../services/payments.ts';

/**
 * Payments (发放), docs/payments.md:
 *   POST /payments/rosters {"month","countyCode"}      (city) draft a county's roster → 201 {id} (a replay: 200, the same id)
 *   GET  /payments/rosters?countyCode=&month=          (city, admin) list
 *   GET  /payments/rosters/{id}                         (city, admin) header and totals
 *   GET  /payments/rosters/{id}/lines?status=           (city, admin) the lines, masked
 *   POST /payments/rosters/{id}/approve                 (city, not the creator → else 403) maker-checker
 *   GET  /payments/rosters/{id}/file?copy=bank          (city) the bank file, once approved (else 409)
 *   POST /payments/rosters/{id}/returns {"lines"}       (city) the bank's returns → held, paid again once corrected
 *   GET  /payments/recoveries?regionCode=               (city, admin) recovery items (追缴)
 *   POST /payments/recoveries/{id}/close {"outcome","note"}  (city) RECOVERED | WAIVED, audited
 *   PUT  /households/{id}/payee, GET /households/{id}/payee  (city, admin) the payee, account encrypted, shown masked
 * A city user acts on counties inside its regionCode prefix only.
 */
// Response shapes (the OpenAPI document and the console's types; never validated at run time).
const money = z.object({ lines: z.number(), amount: z.number() });
const rosterSchema = z.object({
  id: z.string(),
  countyCode: z.string(),
  month: z.string(),
  status: z.enum(['BUILDING', 'DRAFT', 'APPROVED']),
  createdBy: z.string(),
  createdAt: z.string(),
  cutoff: z.string(),
  previousRosterId: z.string().nullable(),
  totals: z
    .object({ lines: z.number(), amount: z.number(), byCategory: z.record(z.string(), z.number()), byTown: z.record(z.string(), z.number()), byKind: z.record(z.string(), z.number()), payable: money, held: money, stopped: money })
    .optional(),
  returned: money,
  stoppedAfterCreation: money,
  itemsRead: z.number().optional(),
  builtAt: z.string().optional(),
  approvedBy: z.string().optional(),
  approvedAt: z.string().optional(),
});
const lineSchema = z.object({
  lineId: z.string(),
  householdId: z.string(),
  regionCode: z.string(),
  town: z.string(),
  category: z.string(),
  forMonth: z.string(),
  amount: z.number(),
  kind: z.enum(['CURRENT', 'ADJUSTMENT', 'REPAYMENT']),
  status: z.enum(['PAYABLE', 'HELD', 'RETURNED', 'STOPPED']),
  payee: z.object({ name: z.string(), person: z.string(), bank: z.string(), channel: z.string(), account: z.string() }).nullable(),
  holdReason: z.string().optional(),
  originalLineId: z.string().optional(),
  originalRosterId: z.string().optional(),
  returnReason: z.string().optional(),
  returnedAt: z.string().optional(),
  stoppedReason: z.string().optional(),
});
export const recoverySchema = z.object({
  id: z.string(),
  householdId: z.string(),
  regionCode: z.string(),
  rosterId: z.string(),
  lineId: z.string(),
  type: z.string(),
  label: z.string(),
  month: z.string(),
  amount: z.number(),
  reason: z.enum(['DECEASED', 'TERMINATED']),
  lastEntitledMonth: z.string(),
  status: z.enum(['OPEN', 'RECOVERED', 'WAIVED']),
  raisedAt: z.string(),
  closedBy: z.string().optional(),
  closedAt: z.string().optional(),
  closeNote: z.string().optional(),
});
const payeeViewSchema = z.object({
  householdId: z.string(),
  name: z.string(),
  person: z.string(),
  bank: z.string(),
  channel: z.enum(['BANK', 'SOCIAL_SECURITY_CARD']),
  account: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
  version: z.number(),
  blocked: z.boolean(),
  returns: z.array(z.object({ at: z.string(), rosterId: z.string(), lineId: z.string(), reason: z.string() })),
});

const rosterParams = z.object({ id: rosterIdSchema });
const householdParams = z.object({ id: z.string().regex(/^hh_[A-Za-z0-9_-]{8,64}$/, 'not a household id') });

function inJurisdiction(caller: Caller, regionCode: string): void {
  if (caller.role === 'admin') return;
  if (caller.role !== 'city' || !covers(caller, regionCode)) throw forbidden('this county is outside your jurisdiction');
}

async function rosterFor(caller: Caller, id: string): Promise<RosterHeader> {
  const roster = await getRoster(id);
  if (!roster) throw notFound(`roster ${id} not found`);
  inJurisdiction(caller, roster.county);
  return roster;
}

function rosterView(r: RosterHeader) {
  return {
    id: r.id,
    countyCode: r.county,
    month: r.month,
    status: r.status,
    createdBy: r.createdBy,
    createdAt: r.createdAt,
    cutoff: r.cutoff,
    previousRosterId: r.prev?.rosterId ?? null,
    ...(r.totals ? { totals: totalsView(r.totals) } : {}),
    returned: { lines: r.returned?.lines ?? 0, amount: fenToYuan(r.returned?.amountFen ?? 0) },
    stoppedAfterCreation: { lines: r.stopped?.lines ?? 0, amount: fenToYuan(r.stopped?.amountFen ?? 0) },
    ...(r.itemsRead !== undefined ? { itemsRead: r.itemsRead } : {}),
    ...(r.builtAt ? { builtAt: r.builtAt } : {}),
    ...(r.approvedBy ? { approvedBy: r.approvedBy, approvedAt: r.approvedAt } : {}),
  };
}

function lineView(l: RosterLine) {
  return {
    lineId: l.lineId,
    householdId: l.householdId,
    regionCode: l.regionCode,
    town: l.town,
    category: l.category,
    forMonth: l.forMonth,
    amount: fenToYuan(l.amountFen),
    kind: l.kind,
    status: l.status,
    payee: l.payee ? { name: l.payee.name, person: l.payee.person, bank: l.payee.bank, channel: l.payee.channel, account: l.payee.accountMasked } : null,
    ...(l.holdReason ? { holdReason: l.holdReason } : {}),
    ...(l.originalLineId ? { originalLineId: l.originalLineId, originalRosterId: l.originalRosterId } : {}),
    ...(l.returnReason ? { returnReason: l.returnReason, returnedAt: l.returnedAt } : {}),
    ...(l.stoppedReason ? { stoppedReason: l.stoppedReason } : {}),
  };
}


export const create = httpHandler({ body: createRosterSchema, roles: ['city'], status: 201, response: z.object({ id: z.string(), status: z.string() }), summary: "Draw up a county's payment roster for a month from the ledger (a replay answers 200 with the same id)" }, async ({ body, caller }) => {
  inJurisdiction(caller, body.countyCode);
  if (!(await cachedCounty(body.countyCode))) throw notFound(`county ${body.countyCode} not found`);
  const r = await requestRoster(body.countyCode, body.month, caller);
  if (r.outcome === 'NOT_FORWARD') throw conflict(`rosters of county ${body.countyCode} go forward: the latest is for ${r.latest}`);
  return { status: r.outcome === 'CREATED' ? 201 : 200, body: { id: r.roster.id, status: r.roster.status } };
});

const listQuery = z.object({ countyCode: countySchema.optional(), month: monthSchema.optional(), ...pageQuery }).strict();
export const list = httpHandler({ query: listQuery, roles: ['city', 'admin'], response: pageSchema(rosterSchema), summary: 'Payment rosters by county and month' }, async ({ query, caller }) => {
  // A city user without countyCode sees its whole jurisdiction; an admin names the county.
  const own = jurisdictionOf(caller);
  const county = query.countyCode ?? (own?.length === 6 ? own : undefined);
  const scope = county ?? own;
  if (!scope) throw validationFailed('invalid query string', [{ path: 'countyCode', message: 'countyCode is required' }]);
  if (county) inJurisdiction(caller, county);
  const res = await listRosters(scope.slice(0, 4), county, query.month, query.limit, query.cursor);
  return { status: 200, body: { items: res.items.map(rosterView), nextCursor: res.nextCursor } };
});

export const get = httpHandler({ params: rosterParams, roles: ['city', 'admin'], response: rosterSchema, summary: 'A roster: status and totals by category, town and kind (yuan)' }, async ({ params, caller }) => {
  return { status: 200, body: rosterView(await rosterFor(caller, params.id)) };
});

const linesQuery = z.object({ ...pageQuery }).strict();
export const lines = httpHandler({ params: rosterParams, query: linesQuery, roles: ['city', 'admin'], response: pageSchema(lineSchema), summary: "A roster's lines, accounts masked" }, async ({ params, query, caller }) => {
  await rosterFor(caller, params.id);
  const res = await linesPage(params.id, query.limit, query.cursor);
  return { status: 200, body: { items: res.items.map(lineView), nextCursor: res.nextCursor } };
});

export const approve = httpHandler({ params: rosterParams, roles: ['city'], response: rosterSchema, summary: 'Approve a DRAFT roster (another city user than its creator)' }, async ({ params, caller }) => {
  const roster = await rosterFor(caller, params.id);
  // Maker-checker: whoever drew the roster up may not approve it.
  if (roster.createdBy === caller.sub) throw forbidden('the roster must be approved by another user than the one who created it');
  if (roster.status !== 'DRAFT') throw conflict(`roster ${roster.id} is ${roster.status}, not a DRAFT`);
  const at = new Date(nowMs()).toISOString();
  const ok = await approveRoster(roster.id, caller.sub, at, {
    entity: `ROSTER#${roster.id}`,
    action: 'ROSTER_APPROVED',
    by: caller.sub,
    role: caller.role,
    at,
    detail: { county: roster.county, month: roster.month, createdBy: roster.createdBy, amountFen: roster.totals?.amountFen ?? 0, lines: roster.totals?.lines ?? 0 },
  });
  if (!ok) throw conflict(`roster ${roster.id} is no longer a DRAFT`);
  return { status: 200, body: rosterView({ ...roster, status: 'APPROVED', approvedBy: caller.sub, approvedAt: at }) };
});

const fileQuery = z.object({ copy: z.enum(['masked', 'bank']).default('masked') }).strict();
export const file = httpHandler({ params: rosterParams, query: fileQuery, roles: ['city'], response: z.string(), summary: 'The bank file of an approved roster (CSV, UTF-8 with BOM; copy=bank: accounts in full, audited)' }, async ({ params, query, caller }) => {
  const roster = await rosterFor(caller, params.id);
  if (roster.status !== 'APPROVED') throw conflict(`the bank file exists once the roster is approved; roster ${roster.id} is ${roster.status}`);
  const all = await linesOf(roster.id);
  all.sort((a, b) => a.town.localeCompare(b.town) || a.householdId.localeCompare(b.householdId) || a.forMonth.localeCompare(b.forMonth) || a.category.localeCompare(b.category) || a.lineId.localeCompare(b.lineId));
  let accounts: Map<string, string> | undefined;
  if (query.copy === 'bank') {
    accounts = new Map();
    for (const l of all) if (l.status === 'PAYABLE' && l.payee) accounts.set(l.lineId, await decryptAccount(l.payee.accountCipher, l.householdId));
    // Who took the unmasked accounts out of the platform, and when.
    await recordAudit({ entity: `ROSTER#${roster.id}`, action: 'BANK_FILE_ISSUED', by: caller.sub, role: caller.role, at: new Date(nowMs()).toISOString(), detail: { lines: accounts.size } });
  }
  const f = bankFile(all, accounts);
  return {
    status: 200,
    text: f.csv,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${roster.id}${query.copy === 'bank' ? '-bank' : ''}.csv"`,
      'x-roster-lines': String(f.lines),
      'x-roster-amount': (f.amountFen / 100).toFixed(2),
    },
  };
});

export const returns = httpHandler({ params: rosterParams, body: returnsSchema, roles: ['city'], response: z.object({ rosterId: z.string(), recorded: z.array(z.string()), alreadyReturned: z.array(z.string()), warningsRaised: z.number() }), summary: "Record the bank's returns: held, paid again on the next roster once the payee is corrected" }, async ({ params, body, caller }) => {
  const roster = await rosterFor(caller, params.id);
  if (roster.status !== 'APPROVED') throw conflict(`returns come back for an approved roster; roster ${roster.id} is ${roster.status}`);
  await ensureIdHashKey();
  const lines = await Promise.all(body.lines.map((l) => getLine(roster.id, l.lineId)));
  const missing = lines.flatMap((l, i) => (l ? [] : [{ path: `lines.${i}.lineId`, message: `no line ${body.lines[i]!.lineId} on roster ${roster.id}` }]));
  if (missing.length) throw new AppError('NOT_FOUND', 'unknown lines', missing);
  const notPaid = lines.flatMap((l, i) => (l!.status === 'PAYABLE' || l!.status === 'RETURNED' ? [] : [{ path: `lines.${i}.lineId`, message: `line is ${l!.status}: it was not in the bank file` }]));
  if (notPaid.length) throw new AppError('CONFLICT', 'only lines of the bank file can come back', notPaid);

  const at = new Date(nowMs()).toISOString();
  const recorded: string[] = [];
  const already: string[] = [];
  let warnings = 0;
  for (const [i, line] of lines.entries()) {
    const reason = body.lines[i]!.reason;
    if (line!.status === 'RETURNED') {
      already.push(line!.lineId);
      continue;
    }
    const ok = await recordReturn(line!, reason, at, holdOf(line!, roster.county, 'RETURNED', at, reason), {
      entity: `ROSTER#${roster.id}`,
      action: 'PAYMENT_RETURNED',
      by: caller.sub,
      role: caller.role,
      at,
      reason,
      detail: { lineId: line!.lineId, householdId: line!.householdId, amountFen: line!.amountFen, account: line!.payee?.accountMasked },
    });
    if (!ok) {
      already.push(line!.lineId);
      continue;
    }
    recorded.push(line!.lineId);
    const payee = await getPayee(line!.householdId);
    const n = payee ? recentReturns(payee, at) : 0;
    if (payee && n >= REPEATED_FAILURES) {
      const period = at.slice(0, 4);
      const fresh = await raiseWarning(
        warningId(payee.personHash, 'PAYMENT_REPEATEDLY_FAILED', period),
        {
          indicator: 'PAYMENT_REPEATEDLY_FAILED',
          idHash: payee.personHash,
          person: payee.person,
          householdId: payee.householdId,
          regionCode: payee.regionCode,
          period,
          details: { returnsIn12Months: n, lastReason: reason, rosterId: roster.id, lineId: line!.lineId, bank: payee.bank, account: payee.accountMasked },
        },
        at,
        'payments',
      );
      if (fresh) warnings++;
    }
  }
  return { status: 200, body: { rosterId: roster.id, recorded, alreadyReturned: already, warningsRaised: warnings } };
});

const recoveriesQuery = z.object({ regionCode: z.string().regex(/^(\d{4}|\d{6}|\d{9}|\d{12})$/, 'regionCode must be 4, 6, 9 or 12 digits').optional(), ...pageQuery }).strict();
export const recoveries = httpHandler({ query: recoveriesQuery, roles: ['city', 'admin'], response: pageSchema(recoverySchema), summary: 'Recovery items (追缴): payments made for months after an entitlement ended' }, async ({ query, caller }) => {
  const region = regionScope(caller, query.regionCode);
  if (!region) throw validationFailed('invalid query string', [{ path: 'regionCode', message: 'regionCode is required' }]);
  const res = await listRecoveries(region, query.limit, query.cursor);
  return { status: 200, body: { items: res.items.map(recoveryView), nextCursor: res.nextCursor } };
});

export const closeRecoveryRoute = httpHandler(
  { params: z.object({ id: recoveryIdSchema }), body: closeRecoverySchema, roles: ['city'], response: recoverySchema, summary: 'Close a recovery item: the money came back (RECOVERED) or the county waived it (WAIVED)' },
  async ({ params, body, caller }) => {
    const r = await getRecovery(params.id);
    if (!r) throw notFound(`recovery ${params.id} not found`);
    inJurisdiction(caller, r.regionCode);
    if (r.status !== 'OPEN') throw conflict(`recovery ${r.id} is ${r.status}`);
    const at = new Date(nowMs()).toISOString();
    const ok = await closeRecovery(r, body.outcome, body.note, caller.sub, at, {
      entity: `RECOVERY#${r.id}`,
      action: `RECOVERY_${body.outcome}`,
      by: caller.sub,
      role: caller.role,
      at,
      reason: body.note,
      detail: { householdId: r.householdId, amountFen: r.amountFen, month: r.forMonth, category: r.category },
    });
    if (!ok) throw conflict(`recovery ${r.id} is no longer open`);
    return { status: 200, body: recoveryView({ ...r, status: body.outcome, closedBy: caller.sub, closedAt: at, closeNote: body.note }) };
  },
);

function payeeView(p: PayeeRecord) {
  return {
    householdId: p.householdId,
    name: p.name,
    person: p.person,
    bank: p.bank,
    channel: p.channel,
    account: p.accountMasked,
    updatedAt: p.updatedAt,
    updatedBy: p.updatedBy,
    version: p.version,
    blocked: !!p.blockedSince,
    returns: (p.returns ?? []).map((r) => ({ at: r.at, rosterId: r.rosterId, lineId: r.lineId, reason: r.reason })),
  };
}

async function householdRegion(caller: Caller, householdId: string): Promise<string> {
  const profile = await householdProfile(householdId);
  if (!profile) throw notFound(`household ${householdId} not found`);
  inJurisdiction(caller, profile.regionCode);
  return profile.regionCode;
}

export const putPayeeRoute = httpHandler({ params: householdParams, body: payeeSchema, roles: ['city', 'admin'], response: payeeViewSchema, summary: "Set or correct the household's payee (account stored encrypted, shown masked)" }, async ({ params, body, caller }) => {
  const regionCode = await householdRegion(caller, params.id);
  await ensureIdHashKey();
  const current = await getPayee(params.id);
  const at = new Date(nowMs()).toISOString();
  const next: PayeeRecord = {
    householdId: params.id,
    regionCode,
    name: body.name,
    personHash: idHash(body.idNumber),
    person: maskId(body.idNumber),
    bank: body.bank,
    channel: body.channel,
    accountCipher: await encryptAccount(body.accountNumber, params.id),
    accountMasked: maskAccount(body.accountNumber),
    updatedAt: at,
    updatedBy: caller.sub,
    version: (current?.version ?? 0) + 1,
    ...(current?.returns ? { returns: current.returns } : {}),
  };
  const ok = await putPayee(next, current?.version ?? 0, {
    entity: `PAYEE#${params.id}`,
    action: current ? 'PAYEE_CORRECTED' : 'PAYEE_SET',
    by: caller.sub,
    role: caller.role,
    at,
    detail: { account: next.accountMasked, bank: next.bank, channel: next.channel, person: next.person, ...(current ? { previousAccount: current.accountMasked, wasBlocked: !!current.blockedSince } : {}) },
  });
  if (!ok) throw conflict('the payee was changed meanwhile; read it and try again');
  return { status: 200, body: payeeView(next) };
});

export const getPayeeRoute = httpHandler({ params: householdParams, roles: ['city', 'admin'], response: payeeViewSchema, summary: "The household's payee, account masked" }, async ({ params, caller }) => {
  await householdRegion(caller, params.id);
  const p = await getPayee(params.id);
  if (!p) throw notFound(`household ${params.id} has no payee`);
  return { status: 200, body: payeeView(p) };
});

export const handler = routeGroup({
  'POST /payments/rosters': create,
  'GET /payments/rosters': list,
  'GET /payments/rosters/{id}': get,
  'GET /payments/rosters/{id}/lines': lines,
  'POST /payments/rosters/{id}/approve': approve,
  'GET /payments/rosters/{id}/file': file,
  'POST /payments/rosters/{id}/returns': returns,
  'GET /payments/recoveries': recoveries,
  'POST /payments/recoveries/{id}/close': closeRecoveryRoute,
  'PUT /households/{id}/payee': putPayeeRoute,
  'GET /households/{id}/payee': getPayeeRoute,
});
// The file is CSV, not JSON.
registerRoute('GET /payments/rosters/{id}/file', { ...file.spec, responseContentType: 'text/csv' });
