/**
 * EventBridge event patterns: validation and matching, held to the EventBridge user guide
 * ("Content filtering in Amazon EventBridge event patterns", "Arrays in Amazon EventBridge event
 * patterns", "Comparison operators for use in event patterns"). Pure: no I/O.
 *
 * - Keys are ANDed; the values listed for a field are ORed; `$or` ORs whole sub-patterns.
 * - A leaf field of the event that is an array matches if any of its elements matches
 *   (intersection non-empty); an array of objects matches a nested pattern if one element does.
 * - `exists` only looks at leaf values (as AWS: existence matching works on leaf nodes only).
 */

export class InvalidEventPatternError extends Error {
  readonly type = 'InvalidEventPatternException';
  constructor(reason: string) {
    super(`Event pattern is not valid. Reason: ${reason}`);
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

type Matcher =
  | { kind: 'exact'; value: string | number | boolean | null }
  | { kind: 'prefix'; value: string; ignoreCase: boolean }
  | { kind: 'suffix'; value: string; ignoreCase: boolean }
  | { kind: 'equalsIgnoreCase'; value: string }
  | { kind: 'wildcard'; re: RegExp }
  | { kind: 'numeric'; test: (n: number) => boolean }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; range: IpRange }
  | { kind: 'anythingBut'; test: (v: string | number | boolean | null) => boolean };

interface PatternNode {
  fields: [string, PatternNode | Matcher[]][];
  /** Each entry is one `$or`: at least one of its alternatives must match. */
  ors: PatternNode[][];
}

export interface CompiledPattern {
  readonly root: PatternNode;
  readonly source: Record<string, unknown>;
}

/** Parse (when a string) and validate an event pattern; throws InvalidEventPatternError. */
export function compilePattern(pattern: unknown): CompiledPattern {
  let value = pattern;
  if (typeof pattern === 'string') {
    try {
      value = JSON.parse(pattern);
    } catch (err) {
      throw new InvalidEventPatternError(`Filter is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!isPlainObject(value)) throw new InvalidEventPatternError('Filter is not an object');
  if (Object.keys(value).length === 0) throw new InvalidEventPatternError('Empty objects are not allowed');
  return { root: compileNode(value, ''), source: value };
}

export function matchesPattern(pattern: CompiledPattern, event: unknown): boolean {
  return matchNode(pattern.root, event);
}

/** Convenience: compile and match in one call. */
export function testEventPattern(pattern: unknown, event: unknown): boolean {
  return matchesPattern(compilePattern(pattern), event);
}

// ---------------------------------------------------------------------------------- compile

function compileNode(obj: Record<string, unknown>, path: string): PatternNode {
  const node: PatternNode = { fields: [], ors: [] };
  for (const [key, val] of Object.entries(obj)) {
    const here = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(val) || val.length < 2) throw new InvalidEventPatternError('"$or" must be an array of at least 2 objects');
      node.ors.push(
        val.map((alt) => {
          if (!isPlainObject(alt) || Object.keys(alt).length === 0) throw new InvalidEventPatternError('"$or" alternatives must be non-empty objects');
          return compileNode(alt, path);
        }),
      );
      continue;
    }
    if (isPlainObject(val)) {
      if (Object.keys(val).length === 0) throw new InvalidEventPatternError(`Empty objects are not allowed at "${here}"`);
      node.fields.push([key, compileNode(val, here)]);
    } else if (Array.isArray(val)) {
      if (val.length === 0) throw new InvalidEventPatternError(`Empty arrays are not allowed at "${here}"`);
      node.fields.push([key, val.map((m) => compileMatcher(m, here))]);
    } else {
      throw new InvalidEventPatternError(`"${here}" must be an object or an array`);
    }
  }
  return node;
}

function compileMatcher(m: unknown, here: string): Matcher {
  if (m === null || typeof m === 'string' || typeof m === 'boolean') return { kind: 'exact', value: m };
  if (typeof m === 'number') {
    if (!Number.isFinite(m)) throw new InvalidEventPatternError(`Non-finite number at "${here}"`);
    return { kind: 'exact', value: m };
  }
  if (Array.isArray(m)) throw new InvalidEventPatternError(`Match value must be String, number, true, false, or null at "${here}"`);
  if (!isPlainObject(m)) throw new InvalidEventPatternError(`Unrecognized match value at "${here}"`);
  const keys = Object.keys(m);
  if (keys.length !== 1) throw new InvalidEventPatternError(`Only one key allowed in match expression at "${here}"`);
  const op = keys[0]!;
  const arg = m[op];
  switch (op) {
    case 'prefix':
    case 'suffix': {
      if (typeof arg === 'string') return { kind: op, value: arg, ignoreCase: false };
      if (isPlainObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
        return { kind: op, value: (arg['equals-ignore-case'] as string).toLowerCase(), ignoreCase: true };
      }
      throw new InvalidEventPatternError(`"${op}" match pattern must be a string or {"equals-ignore-case": string} at "${here}"`);
    }
    case 'equals-ignore-case':
      if (typeof arg !== 'string') throw new InvalidEventPatternError(`"equals-ignore-case" match pattern must be a string at "${here}"`);
      return { kind: 'equalsIgnoreCase', value: arg.toLowerCase() };
    case 'wildcard':
      if (typeof arg !== 'string') throw new InvalidEventPatternError(`"wildcard" match pattern must be a string at "${here}"`);
      return { kind: 'wildcard', re: wildcardRegExp(arg) };
    case 'numeric':
      return { kind: 'numeric', test: compileNumeric(arg, here) };
    case 'exists':
      if (typeof arg !== 'boolean') throw new InvalidEventPatternError(`exists match pattern must be either true or false at "${here}"`);
      return { kind: 'exists', value: arg };
    case 'cidr': {
      if (typeof arg !== 'string') throw new InvalidEventPatternError(`"cidr" match pattern must be a string at "${here}"`);
      const range = parseCidr(arg);
      if (!range) throw new InvalidEventPatternError(`Nonsensical CIDR: ${arg}`);
      return { kind: 'cidr', range };
    }
    case 'anything-but':
      return { kind: 'anythingBut', test: compileAnythingBut(arg, here) };
    default:
      throw new InvalidEventPatternError(`Unrecognized match type ${op} at "${here}"`);
  }
}

function compileAnythingBut(arg: unknown, here: string): (v: string | number | boolean | null) => boolean {
  if (typeof arg === 'string') return (v) => v !== arg;
  if (typeof arg === 'number') return (v) => !(typeof v === 'number' && v === arg);
  if (Array.isArray(arg)) {
    if (arg.length === 0) throw new InvalidEventPatternError(`Empty arrays are not allowed in anything-but at "${here}"`);
    const strings = new Set<string>();
    const numbers = new Set<number>();
    for (const x of arg) {
      if (typeof x === 'string') strings.add(x);
      else if (typeof x === 'number' && Number.isFinite(x)) numbers.add(x);
      else throw new InvalidEventPatternError(`Inside anything but list, start|null|boolean is not supported. at "${here}"`);
    }
    if (strings.size > 0 && numbers.size > 0) throw new InvalidEventPatternError(`Inside anything but list, values must all be strings or all numbers at "${here}"`);
    return (v) => !((typeof v === 'string' && strings.has(v)) || (typeof v === 'number' && numbers.has(v)));
  }
  if (isPlainObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1) throw new InvalidEventPatternError(`Only one key allowed in anything-but expression at "${here}"`);
    const op = keys[0]!;
    const inner = arg[op];
    const stringsOf = (name: string): string[] => {
      const list = Array.isArray(inner) ? inner : [inner];
      if (list.length === 0 || list.some((s) => typeof s !== 'string')) throw new InvalidEventPatternError(`anything-but "${name}" must be a string or an array of strings at "${here}"`);
      return list as string[];
    };
    switch (op) {
      case 'prefix': {
        const ps = stringsOf(op);
        if (ps.some((p) => p === '')) throw new InvalidEventPatternError(`anything-but "prefix" must not be empty at "${here}"`);
        return (v) => typeof v === 'string' && !ps.some((p) => v.startsWith(p));
      }
      case 'suffix': {
        const ss = stringsOf(op);
        if (ss.some((s) => s === '')) throw new InvalidEventPatternError(`anything-but "suffix" must not be empty at "${here}"`);
        return (v) => typeof v === 'string' && !ss.some((s) => v.endsWith(s));
      }
      case 'equals-ignore-case': {
        const ls = stringsOf(op).map((s) => s.toLowerCase());
        return (v) => typeof v === 'string' && !ls.includes(v.toLowerCase());
      }
      case 'wildcard': {
        const res = stringsOf(op).map((w) => wildcardRegExp(w));
        return (v) => typeof v === 'string' && !res.some((re) => re.test(v));
      }
      default:
        throw new InvalidEventPatternError(`Unsupported anything-but pattern: ${op} at "${here}"`);
    }
  }
  throw new InvalidEventPatternError(`Value of anything-but must be an array, string, number or object at "${here}"`);
}

const LOWER = new Set(['>', '>=']);
const UPPER = new Set(['<', '<=']);

function compileNumeric(arg: unknown, here: string): (n: number) => boolean {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) {
    throw new InvalidEventPatternError(`Value of numeric must be an array of one or two operator/number pairs at "${here}"`);
  }
  const tests: ((n: number) => boolean)[] = [];
  let seenLower = false;
  let seenUpper = false;
  let low = -Infinity;
  let high = Infinity;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const num = arg[i + 1];
    if (typeof op !== 'string' || !['=', '<', '<=', '>', '>='].includes(op)) throw new InvalidEventPatternError(`Unrecognized numeric range operator: ${String(op)} at "${here}"`);
    if (typeof num !== 'number' || !Number.isFinite(num)) throw new InvalidEventPatternError(`Value of ${op} must be numeric at "${here}"`);
    if (op === '=') {
      if (arg.length !== 2) throw new InvalidEventPatternError(`"=" cannot be combined with other numeric operators at "${here}"`);
      tests.push((n) => n === num);
    } else if (LOWER.has(op)) {
      if (seenLower) throw new InvalidEventPatternError(`Bad numeric range: two lower bounds at "${here}"`);
      seenLower = true;
      low = num;
      tests.push(op === '>' ? (n) => n > num : (n) => n >= num);
    } else if (UPPER.has(op)) {
      if (seenUpper) throw new InvalidEventPatternError(`Bad numeric range: two upper bounds at "${here}"`);
      seenUpper = true;
      high = num;
      tests.push(op === '<' ? (n) => n < num : (n) => n <= num);
    }
  }
  if (seenLower && seenUpper && !(low < high)) throw new InvalidEventPatternError(`Bad numeric range: bottom must be less than top at "${here}"`);
  return (n) => tests.every((t) => t(n));
}

/** `*` matches any run of characters; `\*` is a literal star and `\\` a literal backslash. */
export function wildcardRegExp(pattern: string): RegExp {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') throw new InvalidEventPatternError(`Wildcard pattern contains an invalid escape character at pos ${i}`);
      re += escapeRe(next);
      i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') throw new InvalidEventPatternError(`Consecutive wildcard characters at pos ${i + 1}`);
      re += '[\\s\\S]*';
    } else {
      re += escapeRe(c);
    }
  }
  return new RegExp(`${re}$`, 'u');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

// ---------------------------------------------------------------------------------- cidr

interface IpRange {
  v6: boolean;
  lo: bigint;
  hi: bigint;
}

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseIpv6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return undefined;
  const halves = s.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const g = items[i]!;
      if (i === items.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (v4 === undefined) return undefined;
        out.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        out.push(parseInt(g, 16));
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

function parseIp(s: string): { v6: boolean; n: bigint } | undefined {
  const v4 = parseIpv4(s);
  if (v4 !== undefined) return { v6: false, n: v4 };
  const v6 = s.includes(':') ? parseIpv6(s) : undefined;
  return v6 === undefined ? undefined : { v6: true, n: v6 };
}

export function parseCidr(cidr: string): IpRange | undefined {
  const [addr, bitsText, extra] = cidr.split('/');
  if (extra !== undefined || !addr) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const width = ip.v6 ? 128 : 32;
  let bits = width;
  if (bitsText !== undefined) {
    if (!/^\d{1,3}$/.test(bitsText)) return undefined;
    bits = Number(bitsText);
    if (bits > width) return undefined;
  }
  const hostBits = BigInt(width - bits);
  const mask = (1n << hostBits) - 1n;
  const lo = ip.n & ~mask;
  return { v6: ip.v6, lo, hi: lo | mask };
}

function inRange(range: IpRange, value: string): boolean {
  const ip = parseIp(value);
  return ip !== undefined && ip.v6 === range.v6 && ip.n >= range.lo && ip.n <= range.hi;
}

// ---------------------------------------------------------------------------------- match

type Leaf = string | number | boolean | null;

function matchNode(node: PatternNode, value: unknown): boolean {
  // An array of objects matches a nested pattern when one of its elements does, so fields
  // matched together come from the same element.
  if (Array.isArray(value)) return value.some((el) => (isPlainObject(el) || Array.isArray(el)) && matchNode(node, el));
  const obj = isPlainObject(value) ? value : undefined;
  for (const [key, sub] of node.fields) {
    const v = obj ? obj[key] : undefined;
    if (Array.isArray(sub)) {
      if (!matchLeaf(sub, v)) return false;
    } else if (!matchNested(sub, v)) {
      return false;
    }
  }
  for (const alternatives of node.ors) {
    if (!alternatives.some((alt) => matchNode(alt, value))) return false;
  }
  return true;
}

function matchNested(node: PatternNode, v: unknown): boolean {
  if (isPlainObject(v)) return matchNode(node, v);
  if (Array.isArray(v) && v.some((el) => isPlainObject(el) || Array.isArray(el))) return matchNode(node, v);
  // Nothing below this key: only patterns that accept absent fields (exists: false) match.
  return matchNode(node, undefined);
}

function leavesOf(v: unknown, out: Leaf[] = []): Leaf[] {
  if (v === undefined) return out;
  if (Array.isArray(v)) {
    for (const el of v) if (!isPlainObject(el)) leavesOf(el, out);
    return out;
  }
  if (isPlainObject(v)) return out;
  out.push(v as Leaf);
  return out;
}

function matchLeaf(matchers: Matcher[], v: unknown): boolean {
  const leaves = leavesOf(v);
  for (const m of matchers) {
    if (m.kind === 'exists') {
      if ((leaves.length > 0) === m.value) return true;
      continue;
    }
    for (const leaf of leaves) if (matchOne(m, leaf)) return true;
  }
  return false;
}

function matchOne(m: Exclude<Matcher, { kind: 'exists' }>, v: Leaf): boolean {
  switch (m.kind) {
    case 'exact':
      return v === m.value;
    case 'prefix':
      return typeof v === 'string' && (m.ignoreCase ? v.toLowerCase() : v).startsWith(m.value);
    case 'suffix':
      return typeof v === 'string' && (m.ignoreCase ? v.toLowerCase() : v).endsWith(m.value);
    case 'equalsIgnoreCase':
      return typeof v === 'string' && v.toLowerCase() === m.value;
    case 'wildcard':
      return typeof v === 'string' && m.re.test(v);
    case 'numeric':
      return typeof v === 'number' && m.test(v);
    case 'cidr':
      return typeof v === 'string' && inRange(m.range, v);
    case 'anythingBut':
      return m.test(v);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type { Json };
