import fc from 'fast-check';
import { z } from 'zod';

/**
 * Requests derived from a route's zod schemas (through their JSON Schema, `io: 'input'`): a
 * "shaped" value that follows the schema's structure (types, enums, bounds, required keys) and
 * the mutations the fuzz suite applies to it. Patterns and refinements are not followed, so most
 * shaped values are refused for their content: the point is that every refusal is a 4xx.
 */
type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = Record<string, unknown>;

export const UNKNOWN_KEY = 'fuzzUnknownField';

export function jsonSchemaOf(schema: z.ZodType): Schema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as Schema;
}

const weirdString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', ' ', '\u3000x\u3000', '\t\n', '%E0%A4%A', '../../etc', '<script>', 'Ω≈ç', 'e\u0301', '\u0000', 'x'.repeat(3000)),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
);
const weirdNumber = fc.oneof(fc.integer({ min: -10, max: 10_000 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1e308, -1e308, 1e-320, 0.001, 100_000_000.01, 2 ** 53 + 1));
const anyJson: fc.Arbitrary<Json> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json>;

export function shaped(schema: Schema, root: Schema = schema, depth = 0): fc.Arbitrary<Json> {
  if (depth > 8) return fc.constant(null);
  if (typeof schema.$ref === 'string') {
    const name = schema.$ref.replace(/^#\/(\$defs|definitions)\//, '');
    const defs = (root.$defs ?? root.definitions ?? {}) as Record<string, Schema>;
    return defs[name] ? shaped(defs[name]!, root, depth + 1) : anyJson;
  }
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as Json[]));
  if ('const' in schema) return fc.constant(schema.const as Json);
  for (const k of ['anyOf', 'oneOf'] as const) {
    if (Array.isArray(schema[k]) && (schema[k] as Schema[]).length) return fc.oneof(...(schema[k] as Schema[]).map((s) => shaped(s, root, depth + 1)));
  }
  if (Array.isArray(schema.allOf) && (schema.allOf as Schema[]).length) return shaped((schema.allOf as Schema[])[0]!, root, depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type as string[])[0] : (schema.type as string | undefined);
  switch (type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const entries: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, v] of Object.entries(props)) entries[k] = shaped(v, root, depth + 1);
      const keys = Object.keys(entries);
      if (!keys.length && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        return fc.dictionary(fc.string({ maxLength: 8 }), shaped(schema.additionalProperties as Schema, root, depth + 1), { maxKeys: 3 }) as fc.Arbitrary<Json>;
      }
      return fc.record(entries, { requiredKeys: keys.filter((k) => required.has(k)) }) as fc.Arbitrary<Json>;
    }
    case 'array': {
      const items = (schema.items ?? {}) as Schema;
      const min = Math.min(Number(schema.minItems ?? 0), 3);
      return fc.array(shaped(items, root, depth + 1), { minLength: min, maxLength: Math.max(min, Math.min(Number(schema.maxItems ?? 3), 3)) });
    }
    case 'string':
      if (schema.format === 'date') return fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      return fc.string({ minLength: Number(schema.minLength ?? 0), maxLength: Math.min(Number(schema.maxLength ?? 24), 64) });
    case 'integer':
      return fc.integer({ min: Math.max(Number(schema.minimum ?? -1000), -1e9), max: Math.min(Number(schema.maximum ?? 1e6), 1e9) });
    case 'number':
      return fc.double({ min: Math.max(Number(schema.minimum ?? -1e6), -1e9), max: Math.min(Number(schema.maximum ?? 1e6), 1e9), noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return anyJson;
  }
}

/** Every object inside `value` (with its path), the root included. */
export function objectsIn(value: Json, path: string[] = [], out: { path: string[]; obj: { [k: string]: Json } }[] = []) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    out.push({ path, obj: value });
    for (const [k, v] of Object.entries(value)) objectsIn(v, [...path, k], out);
  } else if (Array.isArray(value)) value.forEach((v, i) => objectsIn(v, [...path, String(i)], out));
  return out;
}

function leavesIn(value: Json, path: string[] = [], out: string[][] = []): string[][] {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leavesIn(v as Json, [...path, k], out);
  } else out.push(path);
  return out;
}

function setAt(value: Json, path: string[], leaf: Json): Json {
  if (!path.length) return leaf;
  const copy = structuredClone(value) as { [k: string]: Json };
  let cur: { [k: string]: Json } = copy;
  for (const k of path.slice(0, -1)) cur = cur[k] as { [k: string]: Json };
  cur[path[path.length - 1]!] = leaf;
  return copy;
}

export type Mutation = 'valid' | 'unknown-field' | 'weird-leaf' | 'random-json' | 'deep' | 'garbage';

/** A body for the route: a base (a valid request's body, or a shaped value) unchanged or mutated once. */
export function bodyArb(base: fc.Arbitrary<Json>, openPaths: readonly string[] = []): fc.Arbitrary<{ mutation: Mutation; text: string; injected?: string }> {
  return fc.oneof(
    base.map((b) => ({ mutation: 'valid' as Mutation, text: JSON.stringify(b) })),
    bodyMutationArb(base, openPaths),
  );
}

/** One mutation of the base body: an unknown field anywhere, a weird leaf, random JSON, deep nesting, garbage. */
export function bodyMutationArb(base: fc.Arbitrary<Json>, openPaths: readonly string[] = []): fc.Arbitrary<{ mutation: Mutation; text: string; injected?: string }> {
  const open = (path: string[]) => openPaths.some((p) => path.join('.').startsWith(p));
  return fc.oneof(
    fc.tuple(base, fc.nat(), fc.oneof(anyJson, fc.constant(1 as Json))).map(([b, i, v]) => {
      const objs = objectsIn(b).filter((o) => !open(o.path));
      if (!objs.length) return { mutation: 'random-json' as Mutation, text: JSON.stringify(b) };
      const target = objs[i % objs.length]!;
      const copy = setAt(b, target.path, { ...target.obj, [UNKNOWN_KEY]: v });
      return { mutation: 'unknown-field' as Mutation, text: JSON.stringify(copy), injected: [...target.path, UNKNOWN_KEY].join('.') };
    }),
    fc.tuple(base, fc.nat(), fc.oneof(weirdString as fc.Arbitrary<Json>, weirdNumber as fc.Arbitrary<Json>, anyJson)).map(([b, i, v]) => {
      const leaves = leavesIn(b);
      return { mutation: 'weird-leaf' as Mutation, text: JSON.stringify(leaves.length ? setAt(b, leaves[i % leaves.length]!, v) : v) };
    }),
    anyJson.map((v) => ({ mutation: 'random-json' as Mutation, text: JSON.stringify(v) })),
    fc.integer({ min: 20, max: 200 }).map((d) => ({ mutation: 'deep' as Mutation, text: '{"a":'.repeat(d) + '1' + '}'.repeat(d) })),
    fc.constantFrom('', 'not json', '{"a":', '[]', '"x"', '{"":1}', `{"x":"${'y'.repeat(300_000)}"}`, '1e400', '{"__proto__":{"x":1}}').map((t) => ({ mutation: 'garbage' as Mutation, text: t })),
  );
}

export const pathValueArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('%E0%A4%A', '%ZZ', '%', '..', 'app_AAAAAAAAAAAAAAAAAAAAAA', 'hh_AAAAAAAAAAAAAAAAAAAAAAAA', 'w_AAAAAAAAAAAAAAAA', '610124121200', '6101', 'CN', 'x'.repeat(300), '%F0%9F%98%80'),
  fc.string({ minLength: 1, maxLength: 30 }).map((s) => encodeURIComponent(s)),
);

export const queryArb = (known: string[]): fc.Arbitrary<{ text: string; unknown: boolean }> =>
  fc
    .tuple(
      fc.subarray(known),
      fc.array(fc.oneof(weirdString, fc.constantFrom('1', '0', '101', '-1', 'OPEN', '2026-12', '2026-12-01', '610124')), { minLength: 5, maxLength: 5 }),
      fc.boolean(),
    )
    .map(([keys, values, addUnknown]) => {
      const params = new URLSearchParams();
      keys.forEach((k, i) => params.append(k, values[i % values.length]!));
      if (addUnknown) params.append(UNKNOWN_KEY, 'x');
      return { text: params.toString(), unknown: addUnknown };
    });
