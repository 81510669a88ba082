import { createHash } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { AppError, conflict, forbidden, notFound, validationFailed } from '../commons/errors.ts';
import { httpHandler, RawJson, routeGroup, type Caller } from '../commons/http.ts';
import { ensureIdHashKey, idHash } from '../commons/id-hash.ts';
import { addFlag, createApplication, DuplicateOpenApplication, getApplication, getApplicationTraceText, HeldCategories, householdClaimItem, HouseholdClaimTaken, listByOwner, listByRegion, objectionLockItem, openApplicationFor, transition, transitionItem, type ApplicationRecord } from '../adapters/applications-table.ts';
import { STATUSES } from '../domain/application.ts';
import { auditItem } from '../adapters/audit-table.ts';
import { documentClient } from '../adapters/dynamo.ts';
import { statsItems } from '../adapters/stats-table.ts';
import { membershipItems, membershipsOf, notHeldCheck, putMembership } from '../adapters/households-table.ts';
import { householdForSubmission } from '../services/household-access.ts';
import { regionExists } from '../adapters/regions-table.ts';
import { sendFailure, startApplicationWorkflow } from '../adapters/workflows.ts';
import { canRead } from '../domain/application.ts';
import { applicationView } from '../domain/application-view.ts';
import { CATEGORY_CODES } from '../domain/eligibility.ts';
import { householdSchema, yuanToFen } from '../domain/household.ts';
import { isoDateSchema } from '../domain/policy.ts';
import { caseDeadline, extendedDeadline } from '../domain/procedure.ts';
import { jurisdictionOf } from '../domain/access.ts';
import { shanghaiDate } from '../domain/working-days.ts';
import { decodeCursor, encodeCursor, pageQuery } from '../commons/pagination.ts';
import { submitAppeal } from '../services/appeals.ts';
import { maskId } from '../domain/resident-id.ts';
import { applicationViewSchema, objectionAcceptedSchema } from './applications-schemas.ts';
import { programmesField } from '../domain/services.ts';
import { referralsOf } from '../adapters/services-table.ts';
import { openReferrals, referralView } from '../services/services.ts';

/**
 * POST /applications, GET /applications/{id}, POST /applications/{id}/objections.
 * The workflow does the rest; these only accept, show and object.
 */
const applyBody = z.strictObject({
  household: householdSchema,
  requested: z
    .array(z.enum(CATEGORY_CODES))
    .min(1, 'request at least one category')
    .refine((r) => new Set(r).size === r.length, 'each category once'),
  /** 核对授权书: required (422 without it), checked in the handler so that its absence is a 422, not a 400. */
  consent: z.object({ crossCheckAuthorized: z.boolean(), signedAt: isoDateSchema }).strict().optional(),
  /** 近亲属备案: the applicant (or a member) is a near relative of staff who handle social assistance. */
  staffRelative: z
    .object({ staffName: z.string().trim().min(1).max(50), position: z.string().trim().min(1).max(100), relation: z.string().trim().min(1).max(50), regionCode: z.string().regex(/^\d{4,12}$/).optional() })
    .strict()
    .optional(),
  /** TEMPORARY: 急难型 (URGENT: aid first, papers after) or 支出型 (SPENDING), and the amount asked. */
  emergency: z
    .object({ kind: z.enum(['URGENT', 'SPENDING']), amount: yuanToFen.refine((f) => f > 0, 'the amount must be > 0'), description: z.string().trim().max(2000).optional() })
    .strict()
    .optional(),
  /** 一门受理: other departments' programmes (GET /programmes) to refer the applicant to. */
  programmes: programmesField.optional(),
});

const idParams = z.object({ id: z.string().regex(/^(app|rev)_[A-Za-z0-9_-]{8,64}$/, 'not an application id') });

interface CreateInput {
  caller: Caller;
  key: string;
  /** The request body as normalized (NFC, trimmed) and strictly validated. */
  body: unknown;
}

const ELSEWHERE_NOTICE = 'a member is already registered elsewhere; the town will verify';

/**
 * Idempotent by the case's own id: the same citizen and key always name the same case, and the
 * case item (with the request's hash) is the idempotency record, written in the one transaction
 * that creates the case — with its locks, its audit record, the household claim, the members'
 * memberships, and a check per category that the household does not hold it already. The case
 * is not read first: the transaction's condition on the case item tells a retry (`exists`), which
 * finds it and completes the rest (flags, referrals, workflow start are each idempotent); another
 * body under the same key is a 422.
 */
async function create({ caller, key, body }: CreateInput): Promise<Record<string, unknown>> {
  const sub = caller.sub;
  const parsed = applyBody.parse(body);
  const raw = storedHousehold((body as { household: Record<string, unknown> }).household, parsed.household);
  const head = parsed.household.members.find((m) => m.relation === 'self')!;
  const id = `app_${createHash('sha256').update(`${sub}\n${key}`).digest('base64url').slice(0, 22)}`;
  const requestHash = createHash('sha256').update(JSON.stringify(body)).digest('base64url');

  const target = await householdForSubmission(caller, head.idNumber, id);
  const householdId = target.householdId;
  const now = nowMs();
  const at = new Date(now).toISOString();
  const flags: NonNullable<ApplicationRecord['flags']> = [
    ...(parsed.staffRelative ? [{ type: 'NEAR_RELATIVE_OF_STAFF', detail: `近亲属备案: ${parsed.staffRelative.relation} of ${parsed.staffRelative.staffName} (${parsed.staffRelative.position})` }] : []),
    ...('registeredElsewhere' in target
      ? [{ type: 'HOUSEHOLD_REGISTERED_ELSEWHERE', detail: `the head ${maskId(head.idNumber)} is registered in household ${target.registeredElsewhere}; this case was kept apart from it`, otherHouseholdId: target.registeredElsewhere }]
      : []),
  ];
  const record: ApplicationRecord = {
    id,
    status: 'SUBMITTED',
    version: 1,
    ownerSub: sub,
    householdId,
    regionCode: parsed.household.regionCode,
    requested: parsed.requested,
    household: raw,
    createdAt: at,
    updatedAt: at,
    history: [{ stage: 'INTAKE', decision: 'SUBMITTED', by: sub, at }],
    requestHash,
    kind: 'APPLICATION',
    // The whole case: 30 working days from acceptance (chinese-days), 45 once extended.
    deadline: caseDeadline(shanghaiDate(now)),
    consent: { crossCheckAuthorized: true, signedAt: parsed.consent!.signedAt },
    // Kept so that showing the case looks referrals up only when there can be some.
    programmes: parsed.programmes ?? [],
    ...(parsed.staffRelative ? { staffRelative: parsed.staffRelative } : {}),
    ...(parsed.emergency ? { emergency: { kind: parsed.emergency.kind, amount: parsed.emergency.amount / 100, ...(parsed.emergency.description ? { description: parsed.emergency.description } : {}) } } : {}),
    ...(flags.length ? { flags } : {}),
  };
  const membership = { householdId, applicationId: id, regionCode: record.regionCode };
  let outcome: 'created' | 'exists';
  try {
    outcome = await createApplication(
      record,
      [
        // The audit record commits with the case, so a retry never writes a second one.
        auditItem({ entity: `APPLICATION#${id}`, action: 'SUBMITTED', by: sub, role: 'citizen', at, detail: { requested: record.requested, consentSignedAt: record.consent?.signedAt } }),
        ...(record.staffRelative ? [auditItem({ entity: `APPLICATION#${id}`, action: 'NEAR_RELATIVE_REGISTERED', by: sub, role: 'citizen', at, detail: { staffRelative: record.staffRelative } })] : []),
        ...(target.claim ? [householdClaimItem(householdId, sub, id, at)] : []),
        ...parsed.household.members.flatMap((m) => membershipItems(idHash(m.idNumber), membership)),
        // Statistics move with the case (GET /stats/overview): a retry of the same id adds nothing.
        ...statsItems(record.regionCode, shanghaiDate(now), { 'applications.received': 1, ...Object.fromEntries(parsed.requested.map((c) => [`applications.byCategory.${c}`, 1])) }),
      ],
      // A category the household holds now is changed through a re-review, not a new application.
      parsed.requested.map((category) => ({ category, item: notHeldCheck(householdId, category) })),
    );
  } catch (err) {
    if (err instanceof HeldCategories) {
      throw new AppError(
        'CONFLICT',
        `this household already receives ${err.categories.join(', ')}; changes go through a re-review (POST /households/{id}/changes)`,
        err.categories.map((c) => ({ path: 'requested', message: `${c} is active` })),
      );
    }
    if (err instanceof DuplicateOpenApplication) {
      // The citizen's own open case may be named; another citizen's never is (API.md v2).
      const mine = await Promise.all(err.categories.map(async (c) => ({ category: c, applicationId: await openApplicationFor(householdId, c) })));
      const owned = await Promise.all(mine.map(async (e) => (e.applicationId && (await getApplication(e.applicationId))?.ownerSub === sub ? e.applicationId : undefined)));
      throw new AppError(
        'CONFLICT',
        `this household already has an open application for ${err.categories.join(', ')}`,
        mine.map((e, i) => ({ path: 'requested', message: `${e.category} is already open${owned[i] ? ` in your application ${owned[i]}` : ''}` })),
      );
    }
    // Someone else claimed the household between our look and our write: decide again.
    if (err instanceof HouseholdClaimTaken) return create({ caller, key, body });
    throw err;
  }
  if (outcome === 'exists') {
    // A retry: the case as it stands (or, for another body under this key, a 422).
    const before = (await getApplication(id))!;
    return finish(before, requestHash, caller, parsed.programmes, { retry: true });
  }
  return finish(record, requestHash, caller, parsed.programmes, { retry: false });
}

/**
 * The steps after the case exists; each is idempotent, so a retry completes them. `retry`: the
 * case was found rather than written by this request (its memberships are written again, as a
 * case from before they joined the creating transaction may lack them).
 */
async function finish(app: ApplicationRecord, requestHash: string, caller: Caller, programmes: string[] | undefined, opts: { retry: boolean }): Promise<Record<string, unknown>> {
  if (app.requestHash !== undefined && app.requestHash !== requestHash) {
    throw new AppError('UNPROCESSABLE', 'this Idempotency-Key was used with a different request body');
  }
  const parsed = householdSchema.parse(app.household);
  const flagged = await flagPeopleInOtherHouseholds(app, parsed.members.map((m) => m.idNumber), app.createdAt, opts.retry);
  // Each requested programme becomes a referral on the bus (idempotent: a retry refers once).
  const head = parsed.members.find((m) => m.relation === 'self')!;
  if (programmes?.length) await openReferrals({ householdId: app.householdId, regionCode: app.regionCode, applicationId: app.id, idNumber: head.idNumber, programmes, by: { sub: app.ownerSub, role: 'citizen' } });
  // Starting is idempotent by execution name: a retry after a failure here just starts it.
  await startApplicationWorkflow(app.id);
  // The case as this request left it: read again only when a flag was added to it meanwhile.
  const shown = flagged || opts.retry ? (await getApplication(app.id))! : app;
  return applicationView(shown as unknown as Record<string, unknown>, { reviewer: caller.role !== 'citizen' });
}

/**
 * A person already in another household's case flags both cases (DOMAIN: duplicates). Read
 * after this case's memberships were written, so of two cases naming one person at once, at
 * least one sees the other. Whether a flag was added to this case.
 */
async function flagPeopleInOtherHouseholds(app: ApplicationRecord, idNumbers: string[], at: string, writeMemberships: boolean): Promise<boolean> {
  const found = await Promise.all(
    idNumbers.map(async (idNumber) => {
      const hash = idHash(idNumber);
      if (writeMemberships) await putMembership(hash, { householdId: app.householdId, applicationId: app.id, regionCode: app.regionCode });
      return { idNumber, others: (await membershipsOf(hash)).filter((m) => m.householdId !== app.householdId) };
    }),
  );
  // One flag at a time: addFlag reads before it appends (two members of one other case flag it once).
  let flagged = false;
  for (const { idNumber, others } of found) {
    for (const m of others) {
      const detail = `${maskId(idNumber)} is also a member of household ${m.householdId}`;
      await addFlag(app.id, { type: 'PERSON_IN_TWO_HOUSEHOLDS', detail, otherApplicationId: m.applicationId }, at);
      await addFlag(m.applicationId, { type: 'PERSON_IN_TWO_HOUSEHOLDS', detail: `${maskId(idNumber)} is also a member of household ${app.householdId}`, otherApplicationId: app.id }, at);
      flagged = true;
    }
  }
  return flagged;
}

async function regionMustExist(code: string): Promise<void> {
  if (!(await regionExists(code))) {
    throw validationFailed('unknown region', [{ path: 'household.regionCode', message: `${code} is not a village or community code` }]);
  }
}

/**
 * What is stored of a household: the request as normalized (NFC, trimmed) and strictly validated
 * — so no unknown field — with every ID number in its canonical form.
 */
function storedHousehold(input: Record<string, unknown>, parsed: { members: { idNumber: string }[]; supporters: { idNumber: string }[] }): Record<string, unknown> {
  const members = (input.members as Record<string, unknown>[]).map((m, i) => ({ ...m, idNumber: parsed.members[i]!.idNumber }));
  const supporters = input.supporters === undefined ? undefined : (input.supporters as Record<string, unknown>[]).map((s, i) => ({ ...s, idNumber: parsed.supporters[i]!.idNumber }));
  return { ...input, members, ...(supporters ? { supporters } : {}) };
}

export const submit = httpHandler({ body: applyBody, roles: ['citizen'], status: 201, response: applicationViewSchema, summary: 'Apply once for one or several categories (header Idempotency-Key)' }, async ({ body, caller, headers, input }) => {
  await ensureIdHashKey();
  const key = headers['idempotency-key'];
  if (!key || !/^[\x21-\x7e]{8,128}$/.test(key)) {
    throw validationFailed('Idempotency-Key header required', [{ path: 'headers.Idempotency-Key', message: '8–128 printable ASCII characters' }]);
  }
  if (!body.household.members.some((m) => m.relation === 'self')) {
    throw validationFailed('no applicant', [{ path: 'household.members', message: 'one member must have relation "self" (the applicant)' }]);
  }
  if (body.household.members.filter((m) => m.relation === 'self').length > 1) {
    throw validationFailed('two applicants', [{ path: 'household.members', message: 'only one member may have relation "self"' }]);
  }
  await regionMustExist(body.household.regionCode);
  // 核对授权书: without the signed authorization the cross-check cannot run (422).
  if (!body.consent?.crossCheckAuthorized) {
    throw new AppError('UNPROCESSABLE', 'the signed authorization for the economic cross-check (核对授权书) is required', [
      { path: 'consent.crossCheckAuthorized', message: 'must be true, with the date it was signed (consent.signedAt)' },
    ]);
  }
  if (body.consent.signedAt > shanghaiDate(nowMs())) {
    throw new AppError('UNPROCESSABLE', 'the authorization cannot be signed in the future', [{ path: 'consent.signedAt', message: 'a date on or before today' }]);
  }
  if (body.emergency && !body.requested.includes('TEMPORARY')) {
    throw validationFailed('an emergency is a request for temporary aid', [{ path: 'requested', message: 'add TEMPORARY to ask for emergency aid' }]);
  }
  return { status: 201, body: await create({ caller, key, body: input }) };
});

async function readable(caller: Caller, id: string): Promise<ApplicationRecord> {
  return readableOr404(caller, id, await getApplication(id));
}

function readableOr404(caller: Caller, id: string, app: ApplicationRecord | undefined): ApplicationRecord {
  if (!app) throw notFound(`application ${id} not found`);
  if (!canRead(caller, app)) {
    // A citizen learns nothing about other people's cases; a reviewer is told it is outside their jurisdiction.
    if (caller.role === 'citizen') throw notFound(`application ${id} not found`);
    throw forbidden('this case is outside your jurisdiction');
  }
  return app;
}

export const get = httpHandler({ params: idParams, response: applicationViewSchema, summary: 'One case: status, history, eligibility, notice, decision' }, async ({ params, caller }) => {
  const read = await getApplicationTraceText(params.id);
  const app = readableOr404(caller, params.id, read?.app);
  // Referrals carrying a case's id come only from its submission's `programmes`.
  const referrals = app.programmes?.length === 0 ? [] : await referralsOf(app.householdId, app.id);
  // The rules trace goes out as the JSON text it is stored as (it holds masked IDs only).
  const record = read!.eligibilityJson === undefined ? app : { ...app, eligibility: new RawJson(read!.eligibilityJson) };
  return { status: 200, body: { ...applicationView(record as unknown as Record<string, unknown>, { reviewer: caller.role !== 'citizen' }), referrals: referrals.map(referralView) } };
});

const listQuery = z
  .object({
    status: z.enum(STATUSES).optional(),
    regionCode: z.string().regex(/^(\d{4}|\d{6}|\d{9}|\d{12})$/, 'regionCode must be 4, 6, 9 or 12 digits').optional(),
    ...pageQuery,
  })
  .strict();

/** GET /applications: a citizen's own cases; a reviewer's (or admin's) cases in the jurisdiction, narrowed by `regionCode`. */
const caseListSchema = z.object({
  items: z.array(z.object({ id: z.string(), kind: z.string(), status: z.string(), householdId: z.string(), regionCode: z.string(), requested: z.array(z.string()), createdAt: z.string() }).loose()),
  nextCursor: z.string().nullable(),
});
const appealAcceptedSchema = z.object({ appealId: z.string(), applicationId: z.string(), taskId: z.string(), level: z.string() });
const extensionSchema = z.object({ applicationId: z.string(), deadline: z.object({ due: z.string(), extendedTo: z.string(), reason: z.string() }) });

export const listCases = httpHandler({ query: listQuery, response: caseListSchema, summary: 'My cases (citizen), or the cases in my jurisdiction (reviewers), by status and region, paged' }, async ({ query, caller }) => {
  const opts = { limit: query.limit ?? 50, start: decodeCursor(query.cursor), status: query.status };
  let page;
  if (caller.role === 'citizen') {
    page = await listByOwner(caller.sub, opts);
    if (query.regionCode) page = { ...page, items: page.items.filter((a) => a.regionCode.startsWith(query.regionCode!)) };
  } else {
    const scope = caller.role === 'admin' || caller.role === 'monitor' ? '' : (jurisdictionOf(caller) ?? '');
    if (caller.role !== 'admin' && caller.role !== 'monitor' && !scope) throw forbidden('your token carries no jurisdiction (regionCode)');
    const prefix = query.regionCode ?? scope;
    if (scope && !prefix.startsWith(scope)) throw forbidden('this region is outside your jurisdiction');
    if (prefix.length < 4) throw validationFailed('name a region', [{ path: 'regionCode', message: 'a region code of 4, 6, 9 or 12 digits' }]);
    page = await listByRegion(prefix, opts);
  }
  return {
    status: 200,
    body: {
      items: page.items.map((a) => ({
        id: a.id,
        kind: a.kind ?? 'APPLICATION',
        status: a.status,
        householdId: a.householdId,
        regionCode: a.regionCode,
        requested: a.requested,
        createdAt: a.createdAt,
        updatedAt: a.updatedAt,
        ...(a.deadline ? { deadline: { due: a.deadline.due, ...(a.deadline.extendedTo ? { extendedTo: a.deadline.extendedTo } : {}) } } : {}),
        ...(caller.role !== 'citizen' && a.flags?.length ? { flags: a.flags.map((f) => f.type) } : {}),
      })),
      nextCursor: page.next ? encodeCursor(page.next as Record<string, string | number>) : null,
    },
  };
});

const reasonBody = z.object({ reason: z.string().trim().min(1, 'say why').max(2000) }).strict();

/** POST /applications/{id}/appeals: the applicant contests a refusal, reduction or termination (60 days). */
export const appeal = httpHandler({ params: idParams, body: reasonBody, roles: ['citizen'], status: 202, response: appealAcceptedSchema, summary: 'Appeal a refusal, reduction or termination within 60 days: a review one level above the decider' }, async ({ params, body, caller }) => {
  const app = await readable(caller, params.id);
  return submitAppeal(app, caller, body.reason);
});

/** POST /applications/{id}/extensions: the town extends the case's 30 working days to 45, once, with its reason. */
export const extend = httpHandler({ params: idParams, body: reasonBody, roles: ['town'], response: extensionSchema, summary: 'The town extends the case’s 30 working days to 45, once, with its reason' }, async ({ params, body, caller }) => {
  const app = await readable(caller, params.id);
  if (!app.deadline) throw conflict('this case has no statutory deadline to extend');
  if (app.deadline.extendedTo) throw conflict(`the deadline was already extended once, to ${app.deadline.extendedTo}`);
  if (app.status === 'APPROVED' || app.status === 'REJECTED' || app.status === 'DECIDED') throw conflict('the case is decided');
  const at = new Date(nowMs()).toISOString();
  const deadline = extendedDeadline(app.deadline, body.reason, caller.sub);
  const ok = await transition(app.id, { from: [app.status], set: { deadline }, history: { stage: 'DEADLINE', decision: 'EXTENDED', by: caller.sub, at, reason: body.reason } }, at);
  if (!ok) throw conflict('the case has just moved on; try again');
  return { status: 200, body: { applicationId: app.id, deadline: { due: deadline.due, extendedTo: deadline.extendedTo, reason: body.reason } } };
});

const objectionBody = z.strictObject({ reason: z.string().trim().min(1, 'say what the objection is').max(2000) });

export const object = httpHandler({ params: idParams, body: objectionBody, status: 202, response: objectionAcceptedSchema, summary: 'An objection during the public notice: back to town review' }, async ({ params, body, caller }) => {
  const app = await getApplication(params.id);
  if (!app) throw notFound(`application ${params.id} not found`);
  const now = nowMs();
  if (app.status !== 'PUBLIC_NOTICE' || !app.publicNotice || Date.parse(app.publicNotice.until) <= now) {
    throw conflict('objections are taken only while the case is on public notice');
  }
  const at = new Date(now).toISOString();
  // The objector is recorded (reviewers see who; the applicant does not), once per notice round.
  const round = app.publicNotice.round;
  const objection = { by: caller.sub, role: caller.role, at, reason: body.reason, round };
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: transitionItem(
              app.id,
              {
                from: ['PUBLIC_NOTICE'],
                to: 'TOWN_REVIEW',
                history: { stage: 'PUBLIC_NOTICE', decision: 'OBJECTION', by: caller.sub, at, reason: body.reason },
                set: { objections: [...(app.objections ?? []), objection] },
                remove: ['objectionToken'],
              },
              at,
            ),
          },
          auditItem({ entity: `APPLICATION#${app.id}`, action: 'OBJECTION', by: caller.sub, role: caller.role, at, reason: body.reason }),
          objectionLockItem(app.id, round, caller.sub, at),
        ],
      }),
    );
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      if (err.CancellationReasons?.[2]?.Code === 'ConditionalCheckFailed') throw conflict('you have already objected during this public notice');
      throw conflict('the public notice has just ended or another objection was taken');
    }
    throw err;
  }
  // Fails the notice's watch token: the workflow leaves the notice and goes back to town review.
  // If the watch has not attached its token yet, it sees the status and does the same.
  if (app.objectionToken) await sendFailure(app.objectionToken, 'Objection.Raised', 'an objection was raised during the public notice');
  return { status: 202, body: { applicationId: app.id, status: 'TOWN_REVIEW' } };
});

export const handler = routeGroup({
  'POST /applications': submit,
  'GET /applications/{id}': get,
  'POST /applications/{id}/objections': object,
  'GET /applications': listCases,
  'POST /applications/{id}/appeals': appeal,
  'POST /applications/{id}/extensions': extend,
});
