import { householdClaim, ownsApplicationFor } from '../adapters/applications-table.ts';
import { householdProfile, isApprovedMember, membershipsOf } from '../adapters/households-table.ts';
import type { Caller } from '../commons/http.ts';
import { householdIdOf, idHash } from '../commons/id-hash.ts';

/**
 * API.md v2 "Who may see a household": a citizen sees a household only when the token's
 * verified `idNumber` is a member of it (its head, or an approved member), or when the citizen
 * submitted an application that carries it. Applications only carry a household id their
 * submitter was entitled to (see `householdForSubmission`), so "submitted a case for it" cannot
 * be obtained by naming someone else's ID number.
 */
export async function citizenMaySee(caller: Caller, householdId: string): Promise<boolean> {
  if (caller.idNumber) {
    if (householdIdOf(caller.idNumber) === householdId) return true;
    if (await isApprovedMember(householdId, idHash(caller.idNumber))) return true;
  }
  return ownsApplicationFor(caller.sub, householdId);
}

export type SubmissionHousehold =
  /** The household named by the head's ID, which this citizen may use (claim it if new). */
  | { householdId: string; claim: boolean }
  /** Someone else's household: the case gets its own, flagged for the town with the other id. */
  | { householdId: string; claim: false; registeredElsewhere: string };

/** A case's own household when the head's household belongs to someone else. */
export function separateHouseholdId(applicationId: string): string {
  return householdIdOf(`case:${applicationId}`);
}

/** Which household a new application attaches to (never someone else's). */
export async function householdForSubmission(caller: Caller, headIdNumber: string, applicationId: string): Promise<SubmissionHousehold> {
  const natural = householdIdOf(headIdNumber);
  if (caller.idNumber && (await citizenMaySee(caller, natural))) return { householdId: natural, claim: false };
  // Both reads at once (one round trip): most submissions name a new or a claimed household.
  const [claim, profile] = await Promise.all([householdClaim(natural), householdProfile(natural)]);
  if (claim) {
    if (claim.ownerSub === caller.sub) return { householdId: natural, claim: true };
  } else if (!profile && !(await headIsMember(natural, headIdNumber))) {
    return { householdId: natural, claim: true };
  } else if (await ownsApplicationFor(caller.sub, natural)) {
    // A household from before claims were written: its earlier applicant keeps it.
    return { householdId: natural, claim: true };
  }
  return { householdId: separateHouseholdId(applicationId), claim: false, registeredElsewhere: natural };
}

async function headIsMember(householdId: string, headIdNumber: string): Promise<boolean> {
  return (await membershipsOf(idHash(headIdNumber))).some((m) => m.householdId === householdId);
}
