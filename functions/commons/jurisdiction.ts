import { covers, jurisdictionOf } from '../domain/access.ts';
import { forbidden } from './errors.ts';

/**
 * The one authorization check of jurisdiction for handlers (API.md: reviewers act only inside the
 * region-code prefix their role fits; admin and monitor read everywhere). Built on
 * functions/domain/access.ts, so a code that does not fit its role, or a code a non-reviewer role
 * carries, is never a jurisdiction. Handlers do not compare `caller.regionCode` themselves.
 */
export interface Who {
  role: string;
  regionCode?: string | undefined;
}

/** Admin and monitor see every region. */
export const seesEverywhere = (caller: Who): boolean => caller.role === 'admin' || caller.role === 'monitor';

/**
 * The region prefix a list or a figure answers for: admin and monitor what they ask (undefined:
 * everything); a reviewer what it asks inside its jurisdiction, else its jurisdiction. 403 for a
 * prefix outside it, or for a caller with no jurisdiction.
 */
export function regionScope(caller: Who, asked: string | undefined): string | undefined {
  if (seesEverywhere(caller)) return asked;
  const jurisdiction = jurisdictionOf(caller);
  if (!jurisdiction) throw forbidden('your token carries no jurisdiction (regionCode) fitting its role');
  if (asked !== undefined && !asked.startsWith(jurisdiction)) throw forbidden(`region ${asked} is outside your jurisdiction ${jurisdiction}`);
  return asked ?? jurisdiction;
}

/** 403 unless a reviewer's jurisdiction covers `regionCode` (a 12-digit code or a prefix). */
export function requireCovers(caller: Who, regionCode: string, message = 'this is outside your jurisdiction'): void {
  if (!covers(caller, regionCode)) throw forbidden(message);
}
