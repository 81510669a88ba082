import { z } from 'zod';
import { validationFailed } from './errors.ts';

/**
 * Paging for every list (API.md v2): `limit` 1–100 (default 50) and an opaque `cursor`; the
 * answer is `{items, nextCursor}`. The cursor is the store's last key, base64url JSON; anything
 * else is a 400. (Minimal version; the request conventions' owner may fold it into http.ts.)
 */
export const pageQuery = {
  limit: z.coerce.number({ error: 'limit must be a number' }).int('limit must be a whole number').min(1, 'limit must be 1–100').max(100, 'limit must be 1–100').optional(),
  cursor: z.string().min(1).max(2000).optional(),
};

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string' || typeof x === 'number')) return v as Record<string, unknown>;
  } catch {
    /* fall through */
  }
  throw validationFailed('invalid cursor', [{ path: 'cursor', message: 'not a cursor this list gave out' }]);
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;
}
