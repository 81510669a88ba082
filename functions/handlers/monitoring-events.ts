import type { EventBridgeEvent } from 'aws-lambda';
import { z } from 'zod';
import { nowMs } from '../commons/clock.ts';
import { ensureIdHashKey, idHash } from '../commons/id-hash.ts';
import { logger } from '../commons/logger.ts';
import { entitlementsOf, householdProfile, markDeceased, membershipsOf, membersOf } from '../adapters/households-table.ts';
import { addMedicalExpense, raiseWarning, registerCounty, setMemberDisability } from '../adapters/monitoring-table.ts';
import { policyFor } from '../services/eligibility.ts';
import { yuanToFen } from '../domain/household.ts';
import { deathIndicators, disabilityIndicators, medicalIndicator, warningId, type Finding } from '../domain/monitoring.ts';
import { maskId, residentIdSchema } from '../domain/resident-id.ts';

/**
 * Department events on the bus (API.md) and the platform's own ApplicationDecided. A delivery
 * can repeat (at least once): medical settlements count once per event id, warnings have
 * deterministic ids, markDeceased is idempotent. Malformed details are logged (without the ID)
 * and dropped: retrying cannot fix them.
 */
const medical = z.object({ idNumber: residentIdSchema, outOfPocket: yuanToFen, settledOn: z.iso.date(), settlementId: z.string().min(1).max(200).optional() });
const deceased = z.object({ idNumber: residentIdSchema, date: z.iso.date() });
const disability = z.object({ idNumber: residentIdSchema, category: z.enum(['physical', 'visual', 'hearing', 'speech', 'intellectual', 'mental', 'multiple']), grade: z.number().int().min(1).max(4) });
const decided = z.object({ householdId: z.string(), regionCode: z.string().regex(/^\d{12}$/), status: z.string() });

const at = () => new Date(nowMs()).toISOString();

async function raiseAll(findings: Finding[], source: string): Promise<number> {
  const now = at();
  let n = 0;
  for (const f of findings) if (await raiseWarning(warningId(f.idHash, f.indicator, f.period), f, now, source)) n++;
  return n;
}

async function activeCategories(householdId: string): Promise<string[]> {
  return (await entitlementsOf(householdId)).filter((e) => e.status === 'ACTIVE').map((e) => e.category);
}

export async function onMedical(eventId: string, d: z.output<typeof medical>): Promise<number> {
  const hash = idHash(d.idNumber);
  const person = maskId(d.idNumber);
  const year = d.settledOn.slice(0, 4);
  // A settlement counts once: by its id when the department sends one (extension), else by
  // (date, amount), so a department re-sending an event (a new event id) is not counted twice.
  const totalFen = await addMedicalExpense(hash, year, d.settlementId ?? `${d.settledOn}|${d.outOfPocket}`, d.outOfPocket);
  let keyHousehold: { householdId: string; regionCode: string } | undefined;
  for (const m of await membershipsOf(hash)) {
    if ((await activeCategories(m.householdId)).length > 0) {
      keyHousehold = m;
      break;
    }
  }
  // Outside the monitored population the warning goes to the county of the ID's area code.
  const regionCode = keyHousehold?.regionCode ?? d.idNumber.slice(0, 6);
  const hit = medicalIndicator(totalFen, !!keyHousehold, await policyFor(regionCode, d.settledOn));
  if (!hit) return 0;
  return raiseAll(
    [{ indicator: hit.indicator, idHash: hash, person, householdId: keyHousehold?.householdId ?? null, regionCode, period: year, details: { year, outOfPocketTotal: totalFen / 100, threshold: hit.thresholdFen / 100 } }],
    `event:${eventId}`,
  );
}

export async function onDeceased(eventId: string, d: z.output<typeof deceased>): Promise<number> {
  const hash = idHash(d.idNumber);
  const touched = await markDeceased(hash, d.date);
  const findings: Finding[] = [];
  for (const householdId of touched) {
    const members = await membersOf(householdId);
    const me = members.find((m) => m.idHash === hash);
    const regionCode = me?.regionCode ?? (await householdProfile(householdId))?.regionCode;
    if (!regionCode) continue;
    for (const indicator of deathIndicators(members, d.date)) {
      findings.push({ indicator, idHash: hash, person: maskId(d.idNumber), householdId, regionCode, period: d.date, details: { diedOn: d.date, livingMembers: members.filter((m) => !m.deceasedOn).length } });
    }
  }
  return raiseAll(findings, `event:${eventId}`);
}

export async function onDisability(eventId: string, d: z.output<typeof disability>): Promise<number> {
  const hash = idHash(d.idNumber);
  const year = at().slice(0, 4);
  const person = maskId(d.idNumber);
  const findings: Finding[] = [];
  const memberships = await membershipsOf(hash);
  for (const m of memberships) {
    const profile = await householdProfile(m.householdId);
    const members = ((profile?.household as { members?: { idNumber: string }[] } | undefined)?.members ?? []);
    const index = members.findIndex((x) => typeof x.idNumber === 'string' && x.idNumber.toUpperCase() === d.idNumber);
    if (index >= 0) await setMemberDisability(m.householdId, index, { category: d.category, grade: d.grade });
    for (const indicator of disabilityIndicators(await activeCategories(m.householdId), d.grade)) {
      findings.push({ indicator, idHash: hash, person, householdId: m.householdId, regionCode: m.regionCode, period: year, details: { disability: { category: d.category, grade: d.grade } } });
    }
  }
  if (memberships.length === 0) {
    for (const indicator of disabilityIndicators([], d.grade)) {
      findings.push({ indicator, idHash: hash, person, householdId: null, regionCode: d.idNumber.slice(0, 6), period: year, details: { disability: { category: d.category, grade: d.grade } } });
    }
  }
  return raiseAll(findings, `event:${eventId}`);
}

export async function handler(event: EventBridgeEvent<string, unknown>): Promise<{ raised: number } | { dropped: string }> {
  await ensureIdHashKey();
  const type = event['detail-type'];
  const parse = <T extends z.ZodType>(schema: T): z.output<T> | undefined => {
    const r = schema.safeParse(event.detail);
    if (!r.success) logger.warn('malformed event dropped', { id: event.id, source: event.source, detailType: type, issues: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) });
    return r.success ? r.data : undefined;
  };
  switch (type) {
    case 'MedicalExpenseSettled': {
      const d = parse(medical);
      return d ? { raised: await onMedical(event.id, d) } : { dropped: 'malformed' };
    }
    case 'PersonDeceased': {
      const d = parse(deceased);
      return d ? { raised: await onDeceased(event.id, d) } : { dropped: 'malformed' };
    }
    case 'DisabilityCertified': {
      const d = parse(disability);
      return d ? { raised: await onDisability(event.id, d) } : { dropped: 'malformed' };
    }
    case 'ApplicationDecided': {
      const d = parse(decided);
      if (d?.status === 'APPROVED') await registerCounty(d.regionCode.slice(0, 6), at());
      return { raised: 0 };
    }
    default:
      return { dropped: `unexpected ${type}` };
  }
}
