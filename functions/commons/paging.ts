import { decodeCursor as decode, encodeCursor as encode, pageQuery as query } from './pagination.ts';

/**
 * Paging for every list (API.md v2): `limit` 1–100 (default 50) and an opaque `cursor`; the
 * answer is `{items, nextCursor}`. The one implementation is ./pagination.ts (which also pages
 * lists held in memory and DynamoDB queries with filters); these names stay for the routes that
 * use them.
 */
export const pageQuery = query;

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  return decode(cursor);
}

export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? encode(key as Record<string, string | number>) : null;
}
