import { createHmac } from 'node:crypto';

/**
 * Resident ID numbers are guessable (a small space), so a plain hash would not hide them: they
 * are indexed by HMAC-SHA256 under a key the platform keeps (ID_HASH_KEY; in AWS from the
 * stack's secret). The hash is what tables key people by.
 */
function key(): string {
  const k = process.env.ID_HASH_KEY;
  if (!k) throw new Error('ID_HASH_KEY is not set');
  return k;
}

export function idHash(idNumber: string): string {
  return createHmac('sha256', key()).update(idNumber.toUpperCase()).digest('base64url').slice(0, 32);
}

/** A household is known by its head (relation "self"). */
export function householdIdOf(headIdNumber: string): string {
  return `hh_${idHash(`household:${headIdNumber.toUpperCase()}`).slice(0, 24)}`;
}
