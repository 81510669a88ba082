import { z } from 'zod';

/**
 * Resident ID numbers (公民身份号码, GB 11643-1999): 6-digit area + 8-digit birth date +
 * 3-digit sequence (odd = male) + check character, ISO 7064 MOD 11-2.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK_CHARS[sum % 11]!;
}

export type IdProblem = 'format' | 'birthDate' | 'checksum';

export function idProblem(id: string): IdProblem | undefined {
  if (!/^\d{17}[\dX]$/.test(id)) return 'format';
  if (!isRealDate(id.slice(6, 14))) return 'birthDate';
  if (checkCharacter(id.slice(0, 17)) !== id[17]) return 'checksum';
  return undefined;
}

function isRealDate(yyyymmdd: string): boolean {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (y < 1880 || m < 1 || m > 12 || d < 1) return false;
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** Birth date as YYYY-MM-DD. */
export function birthDateOf(id: string): string {
  return `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
}

export function sexOf(id: string): 'male' | 'female' {
  return Number(id[16]) % 2 === 1 ? 'male' : 'female';
}

/** Completed years on `asOf` (YYYY-MM-DD); someone born on 29 Feb turns a year older on 1 Mar. */
export function ageOn(birthDate: string, asOf: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ay, am, ad] = asOf.split('-').map(Number) as [number, number, number];
  let age = ay - by;
  if (am < bm || (am === bm && ad < bd)) age--;
  return age;
}

/** The date someone reaches `years` of age (29 Feb birthdays fall on 1 Mar in common years). */
export function dateOfAge(birthDate: string, years: number): string {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const d = new Date(Date.UTC(by + years, bm - 1, bd));
  return d.toISOString().slice(0, 10);
}

/**
 * The one canonical form of an ID number, applied before validation, hashing, storage and
 * masking: NFC, trimmed of every kind of white space (tabs, U+3000 …), a lower-case x
 * upper-cased. White space inside is left, so it fails the 18-character check (API.md v2).
 */
export function normalizeId(id: string): string {
  return id.normalize('NFC').trim().toUpperCase();
}

/**
 * Masked for output by value, whatever the input was: a canonical 18-character ID shows its area
 * (1–6) and last four (15–18); a 15-digit first-generation ID its area and last three;
 * anything else is masked whole, since we cannot tell where its birth date is. The birth-date
 * digits never show.
 */
export function maskId(id: string): string {
  const canonical = normalizeId(id);
  if (/^\d{17}[\dX]$/.test(canonical)) return `${canonical.slice(0, 6)}********${canonical.slice(14)}`;
  if (/^\d{15}$/.test(canonical)) return `${canonical.slice(0, 6)}******${canonical.slice(12)}`;
  return '*'.repeat(18);
}

const MESSAGES: Record<IdProblem, string> = {
  format: 'resident ID number must be 17 digits followed by a digit or X',
  birthDate: 'resident ID number has an impossible birth date',
  checksum: 'resident ID number check character does not match (GB 11643)',
};

/** Accepts a lower-case x and normalizes it; refuses bad format, birth date or checksum. */
export const residentIdSchema = z
  .string()
  .transform(normalizeId)
  .superRefine((id, ctx) => {
    const problem = idProblem(id);
    if (problem) ctx.addIssue({ code: 'custom', message: MESSAGES[problem] });
  });
