import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { validationFailed } from './errors.ts';

/**
 * Every list answers `{"items", "nextCursor"}` and takes `limit` (1–100, default 50) and an
 * opaque `cursor` (API.md v2 Conventions). Spread `pageQuery` into a route's query schema:
 *   query: z.strictObject({ status: ..., ...pageQuery })
 * then answer with `pageOf(items, query, keyOf)` (a list built in memory) or
 * `await queryPage(send, input, query, keyAttrs(...))` (a DynamoDB Query, in an adapter).
 */
export const pageQuery = {
  limit: z.coerce
    .number({ error: 'limit must be a number' })
    .int('limit must be a whole number')
    .min(1, 'limit must be 1..100')
    .max(100, 'limit must be 1..100')
    .optional()
    .default(50),
  cursor: z.string().min(1).max(2048).optional(),
};

/** A list's answer schema (OpenAPI): `{items: [item], nextCursor: string | null}`. */
export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export interface Page {
  limit: number;
  cursor?: string | undefined;
}

export interface PageResult<T> {
  items: T[];
  nextCursor: string | null;
}

type Key = Record<string, string | number>;

/** `keyOf` for `queryPage`: the item's table key and (for an index) the index key, by attribute name. */
export const keyAttrs =
  (...names: string[]) =>
  (item: Record<string, unknown>): Key =>
    Object.fromEntries(names.map((n) => [n, item[n] as string | number]));

type Send = (cmd: QueryCommand) => Promise<{ Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown>; ScannedCount?: number }>;

/** Every item of a DynamoDB Query, page after page, and how many items DynamoDB read for them (a run's figures). */
export async function queryAllRead(send: Send, input: QueryCommandInput): Promise<{ items: Record<string, unknown>[]; read: number }> {
  const items: Record<string, unknown>[] = [];
  let read = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const res = await send(new QueryCommand({ ...input, ...(start ? { ExclusiveStartKey: start } : {}) }));
    read += res.ScannedCount ?? 0;
    items.push(...(res.Items ?? []));
    start = res.LastEvaluatedKey;
  } while (start);
  return { items, read };
}

/** Every item of a DynamoDB Query, page after page (for reads that need them all, not a list route). */
export async function queryAll(send: Send, input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  return (await queryAllRead(send, input)).items;
}

export function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** A cursor that is not one we made is a 400 naming `cursor`, never a 5xx. */
export function decodeCursor(cursor: string | undefined): Key | undefined {
  if (cursor === undefined) return undefined;
  const bad = () => validationFailed('invalid cursor', [{ path: 'cursor', message: 'not a cursor this list handed out' }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw bad();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0 || entries.length > 4) throw bad();
  for (const [k, v] of entries) {
    if (!/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(k)) throw bad();
    if (!(typeof v === 'string' && v.length > 0 && v.length <= 1024) && !(typeof v === 'number' && Number.isFinite(v))) throw bad();
  }
  return parsed as Key;
}

/**
 * One page of a list held in memory, in the order given. `keyOf` names an item uniquely (its
 * sort position); the cursor carries the last item's key, so pages stay stable while items are
 * added behind them.
 */
export function pageOf<T>(items: readonly T[], page: Page, keyOf: (item: T) => string): PageResult<T> {
  const after = decodeCursor(page.cursor);
  let start = 0;
  if (after) {
    if (typeof after.k !== 'string') throw validationFailed('invalid cursor', [{ path: 'cursor', message: 'not a cursor this list handed out' }]);
    const i = items.findIndex((it) => keyOf(it) === after.k);
    // The item may have gone (closed, decided): resume after the first key past it.
    start = i >= 0 ? i + 1 : items.findIndex((it) => keyOf(it) > (after.k as string));
    if (start < 0) start = items.length;
  }
  const slice = items.slice(start, start + page.limit);
  const more = start + page.limit < items.length;
  return { items: slice, nextCursor: more && slice.length ? encodeCursor({ k: keyOf(slice[slice.length - 1]!) }) : null };
}

/**
 * One page of a DynamoDB Query (FilterExpression allowed: it reads on until the page is full).
 * `keyOf` gives an item's table + index key attributes, so the cursor can point at the last
 * item returned even when DynamoDB read past it. A forged cursor DynamoDB refuses is a 400.
 */
export async function queryPage<T extends Record<string, unknown>>(
  send: Send,
  input: QueryCommandInput,
  page: Page,
  keyOf: (item: T) => Key,
): Promise<PageResult<T>> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined = decodeCursor(page.cursor);
  let exhausted = false;
  while (items.length < page.limit) {
    let res: { Items?: Record<string, unknown>[]; LastEvaluatedKey?: Record<string, unknown> };
    try {
      res = await send(new QueryCommand({ ...input, Limit: Math.max(page.limit - items.length, 10), ...(start ? { ExclusiveStartKey: start } : {}) }));
    } catch (err) {
      if ((err as Error).name === 'ValidationException' && start) {
        throw validationFailed('invalid cursor', [{ path: 'cursor', message: 'not a cursor this list handed out' }]);
      }
      throw err;
    }
    items.push(...((res.Items ?? []) as T[]));
    start = res.LastEvaluatedKey;
    if (!start) {
      exhausted = true;
      break;
    }
  }
  const slice = items.slice(0, page.limit);
  const more = items.length > page.limit || !exhausted;
  return { items: slice, nextCursor: more && slice.length ? encodeCursor(keyOf(slice[slice.length - 1]!)) : null };
}
