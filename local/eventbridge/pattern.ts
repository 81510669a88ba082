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
  | { kind: 'wildcard'; glob: Glob }
  | { kind: 'numeric'; test: (n: number) => boolean }
  | { kind: 'exists'; value: boolean }
  | { kind: 'cidr'; range: IpRange }
  | { kind: 'anythingBut'; test: (v: string | number | boolean | null) => boolean };

interface PatternNode {
  fields: [string, PatternNode | Matcher[]][];
}

export interface CompiledPattern {
  /** The pattern with every `$or` expanded: it matches when one alternative does. */
  readonly alternatives: PatternNode[];
  readonly source: Record<string, unknown>;
}

/** AWS refuses patterns whose `$or`s multiply out to more sub-patterns than this. */
export const MAX_OR_COMBINATIONS = 1000;

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
  if (orCombinations(value) > MAX_OR_COMBINATIONS) throw new InvalidEventPatternError(`Event pattern contains over ${MAX_OR_COMBINATIONS} rule combinations`);
  if (wildcardComplexity(value) > MAX_WILDCARD_COMPLEXITY) {
    throw new InvalidEventPatternError('Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character');
  }
  let alts: Alt[];
  try {
    alts = expand(value, true);
  } catch (err) {
    // As EventBridge does: a pattern its `$or`-aware compiler refuses is compiled again with
    // `$or` read as an ordinary field name; if that fails too, that error stands.
    if (!(err instanceof InvalidEventPatternError) || !JSON.stringify(value).includes('"$or"')) throw err;
    alts = expand(value, false);
  }
  return { alternatives: alts.filter((a) => !a.dead).map((a) => toNode(a.root)), source: value };
}

export function matchesPattern(pattern: CompiledPattern, event: unknown): boolean {
  for (const alt of pattern.alternatives) if (matchNode(alt, event)) return true;
  return false;
}

/** Convenience: compile and match in one call. */
export function testEventPattern(pattern: unknown, event: unknown): boolean {
  return matchesPattern(compilePattern(pattern), event);
}

// ---------------------------------------------------------------------------------- compile

/**
 * `$or` is expanded at compile time, as EventBridge does: each member forks the alternatives
 * built so far and writes its leaves into the fork. A leaf constrained both outside and inside
 * a `$or` keeps the last value written, in document order; a path constrained both as a leaf
 * and as an object can match nothing.
 */
type Slot = Tree | Matcher[];
type Tree = Map<string, Slot>;
interface Alt {
  root: Tree;
  dead: boolean;
}

function expand(pattern: Record<string, unknown>, expandOr: boolean): Alt[] {
  const alts: Alt[] = [{ root: new Map(), dead: false }];
  compileObject(alts, [], pattern, expandOr);
  return alts;
}

function compileObject(alts: Alt[], path: string[], obj: Record<string, unknown>, expandOr: boolean): void {
  if (Object.keys(obj).length === 0) throw new InvalidEventPatternError('Empty objects are not allowed');
  for (const [key, val] of Object.entries(obj)) {
    // EventBridge matches on flattened paths: a pattern key "a.b" is the path a → b, the same
    // field as {"a": {"b": …}} (and an event's "a.b" key is found by either, see valueAt).
    const keyPath = key === '$or' || !key.includes('.') ? [key] : key.split('.');
    if (key === '$or' && expandOr) {
      compileOr(alts, path, val);
    } else if (isPlainObject(val)) {
      compileObject(alts, [...path, ...keyPath], val, expandOr);
    } else if (Array.isArray(val)) {
      if (val.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed');
      writeLeaf(alts, [...path, ...keyPath], val.map((m) => compileMatcher(m)));
    } else {
      throw new InvalidEventPatternError(`"${key}" must be an object or an array`);
    }
  }
}

function compileOr(alts: Alt[], path: string[], members: unknown): void {
  if (!Array.isArray(members)) throw new InvalidEventPatternError('It must be an Array followed with $or.');
  const prefix = alts.map(cloneAlt);
  alts.length = 0;
  for (const member of members) {
    if (!isPlainObject(member)) throw new InvalidEventPatternError('Only JSON object is allowed in array of $or relationship.');
    const forked = prefix.map(cloneAlt);
    compileObject(forked, path, member, true);
    alts.push(...forked);
  }
  if (members.length < 2) throw new InvalidEventPatternError('There must have at least 2 Objects in $or relationship.');
}

function writeLeaf(alts: Alt[], path: string[], matchers: Matcher[]): void {
  for (const alt of alts) {
    let node = alt.root;
    let ok = true;
    for (const part of path.slice(0, -1)) {
      const child = node.get(part);
      if (child === undefined) {
        const fresh: Tree = new Map();
        node.set(part, fresh);
        node = fresh;
      } else if (child instanceof Map) {
        node = child;
      } else {
        ok = false;
        break;
      }
    }
    const last = path[path.length - 1]!;
    if (!ok || node.get(last) instanceof Map) alt.dead = true;
    else node.set(last, matchers);
  }
}

function cloneTree(t: Tree): Tree {
  return new Map([...t].map(([k, v]) => [k, v instanceof Map ? cloneTree(v) : v]));
}

function cloneAlt(a: Alt): Alt {
  return { root: cloneTree(a.root), dead: a.dead };
}

function toNode(t: Tree): PatternNode {
  return { fields: [...t].map(([k, v]) => [k, v instanceof Map ? toNode(v) : v]) };
}

/**
 * Wildcard complexity, as EventBridge's matcher (aws/event-ruler) judges it: the most matcher
 * states one value can keep active at once, over all wildcard patterns of one field. Each `*`
 * keeps a state, and a literal run after a `*` keeps as many as it can partially overlap
 * itself ("*aaaa" can be 1, 2, 3 or 4 characters in). event-ruler's default limit is 100.
 */
export const MAX_WILDCARD_COMPLEXITY = 100;

function wildcardComplexity(node: unknown): number {
  if (Array.isArray(node)) {
    let sum = 0;
    for (const m of node) {
      if (!isPlainObject(m)) continue;
      if (typeof m.wildcard === 'string') sum += globComplexity(m.wildcard);
      const but = m['anything-but'];
      if (isPlainObject(but) && but.wildcard !== undefined) for (const w of Array.isArray(but.wildcard) ? but.wildcard : [but.wildcard]) if (typeof w === 'string') sum += globComplexity(w);
    }
    return sum;
  }
  if (!isPlainObject(node)) return 0;
  let max = 0;
  for (const [k, v] of Object.entries(node)) {
    const c = k === '$or' && Array.isArray(v) ? Math.max(0, ...v.map(wildcardComplexity)) : wildcardComplexity(v);
    max = Math.max(max, c);
  }
  return max;
}

function globComplexity(pattern: string): number {
  const parts = pattern.split(/(?<!\\)\*/);
  let states = parts.length - 1;
  for (let i = 1; i < parts.length; i++) states += selfOverlap(parts[i]!);
  return states;
}

/** The most prefixes of `s` that can be in progress at once while reading it. */
function selfOverlap(s: string): number {
  let best = s ? 1 : 0;
  for (let end = 1; end <= s.length; end++) {
    let n = 0;
    for (let k = 1; k <= end; k++) if (s.slice(end - k, end) === s.slice(0, k)) n++;
    best = Math.max(best, n);
  }
  return best;
}

/** The product of the lengths of all `$or` arrays, as AWS counts rule combinations. */
function orCombinations(node: unknown): number {
  if (!isPlainObject(node)) return 1;
  let product = 1;
  for (const [key, val] of Object.entries(node)) {
    if (key === '$or' && Array.isArray(val)) {
      product *= Math.max(val.length, 1);
      for (const m of val) product *= orCombinations(m);
    } else if (isPlainObject(val)) {
      product *= orCombinations(val);
    }
    if (product > MAX_OR_COMBINATIONS) return product;
  }
  return product;
}

function compileMatcher(m: unknown): Matcher {
  if (m === null || typeof m === 'string' || typeof m === 'boolean') return { kind: 'exact', value: m };
  if (typeof m === 'number') {
    if (!Number.isFinite(m)) throw new InvalidEventPatternError(`Cannot compare number : ${m}`);
    return { kind: 'exact', value: m };
  }
  if (Array.isArray(m) || !isPlainObject(m)) throw new InvalidEventPatternError('Match value must be String, number, true, false, or null');
  const keys = Object.keys(m);
  if (keys.length === 0) throw new InvalidEventPatternError('Match expression name not found');
  if (keys.length > 1) throw new InvalidEventPatternError('Only one key allowed in match expression');
  const op = keys[0]!;
  const arg = m[op];
  switch (op) {
    case 'prefix':
    case 'suffix': {
      if (typeof arg === 'string') return { kind: op, value: arg, ignoreCase: false };
      if (isPlainObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
        return { kind: op, value: (arg['equals-ignore-case'] as string).toLowerCase(), ignoreCase: true };
      }
      if (isPlainObject(arg)) throw new InvalidEventPatternError(`Unsupported ${op} pattern: ${Object.keys(arg)[0] ?? ''}`);
      throw new InvalidEventPatternError(`${op} match pattern must be a string`);
    }
    case 'equals-ignore-case':
      if (typeof arg !== 'string') throw new InvalidEventPatternError('equals-ignore-case match pattern must be a string');
      return { kind: 'equalsIgnoreCase', value: arg.toLowerCase() };
    case 'wildcard':
      if (typeof arg !== 'string') throw new InvalidEventPatternError('wildcard match pattern must be a string');
      return { kind: 'wildcard', glob: compileWildcard(arg) };
    case 'numeric':
      return { kind: 'numeric', test: compileNumeric(arg) };
    case 'exists':
      if (typeof arg !== 'boolean') throw new InvalidEventPatternError('exists match pattern must be either true or false.');
      return { kind: 'exists', value: arg };
    case 'cidr': {
      if (typeof arg !== 'string') throw new InvalidEventPatternError('prefix match pattern must be a string'); // sic: AWS's wording
      return { kind: 'cidr', range: compileCidr(arg) };
    }
    case 'anything-but':
      return { kind: 'anythingBut', test: compileAnythingBut(arg) };
    default:
      throw new InvalidEventPatternError(`Unrecognized match type ${op}`);
  }
}

function compileAnythingBut(arg: unknown): (v: string | number | boolean | null) => boolean {
  const badValue = () => new InvalidEventPatternError('Value of anything-but must be an array or single string/number value.');
  if (typeof arg === 'string') return (v) => v !== arg;
  if (typeof arg === 'number') {
    if (!Number.isFinite(arg)) throw new InvalidEventPatternError(`Cannot compare number : ${arg}`);
    return (v) => !(typeof v === 'number' && v === arg);
  }
  if (Array.isArray(arg)) {
    const strings = new Set<string>();
    const numbers = new Set<number>();
    for (const x of arg) {
      if (typeof x === 'string') strings.add(x);
      else if (typeof x === 'number' && Number.isFinite(x)) numbers.add(x);
      else throw new InvalidEventPatternError('Inside anything but list, start|null|boolean is not supported.');
    }
    if (arg.length === 0 || (strings.size > 0 && numbers.size > 0)) {
      throw new InvalidEventPatternError('Inside anything but list, either all values are number or string, mixed type is not supported');
    }
    return (v) => !((typeof v === 'string' && strings.has(v)) || (typeof v === 'number' && numbers.has(v)));
  }
  if (isPlainObject(arg)) {
    const keys = Object.keys(arg);
    if (keys.length === 0) throw new InvalidEventPatternError('Anything-But expression name not found');
    if (keys.length > 1) throw new InvalidEventPatternError('Only one key allowed in match expression');
    const op = keys[0]!;
    if (!['prefix', 'suffix', 'equals-ignore-case', 'wildcard'].includes(op)) throw new InvalidEventPatternError(`Unsupported anything-but pattern: ${op}`);
    const inner = arg[op];
    const list = Array.isArray(inner) ? inner : [inner];
    if (list.length === 0) throw new InvalidEventPatternError('Empty arrays are not allowed');
    if (list.some((x) => x === null || typeof x === 'boolean')) throw badValue();
    switch (op) {
      case 'prefix':
      case 'suffix': {
        if (list.some((x) => typeof x !== 'string')) throw new InvalidEventPatternError('prefix/suffix match pattern must be a string');
        const affixes = list as string[];
        if (affixes.some((x) => x === '')) throw new InvalidEventPatternError('Null prefix/suffix not allowed');
        // A value that is not a string (null, a number, a boolean) has no such prefix/suffix,
        // so it is "anything but" it, as AWS matches it.
        return op === 'prefix'
          ? (v) => typeof v !== 'string' || !affixes.some((p) => v.startsWith(p))
          : (v) => typeof v !== 'string' || !affixes.some((x) => v.endsWith(x));
      }
      case 'equals-ignore-case': {
        if (list.some((x) => typeof x !== 'string')) throw new InvalidEventPatternError('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
        const lowered = (list as string[]).map((x) => x.toLowerCase());
        return (v) => typeof v !== 'string' || !lowered.includes(v.toLowerCase());
      }
      default: {
        if (list.some((x) => typeof x !== 'string')) throw new InvalidEventPatternError('wildcard match pattern must be a string');
        const globs = (list as string[]).map((w) => compileWildcard(w));
        return (v) => typeof v !== 'string' || !globs.some((g) => globMatch(g, v));
      }
    }
  }
  throw badValue();
}

const NUMERIC_OPS: Record<string, (a: number, b: number) => boolean> = {
  '=': (a, b) => a === b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};
const opName = (op: string) => (op === '=' ? 'equals' : op);

/** `[op, n]`, or a lower bound (`>`/`>=`) followed by an upper bound (`<`/`<=`). */
function compileNumeric(arg: unknown): (n: number) => boolean {
  if (!Array.isArray(arg)) throw new InvalidEventPatternError('Value of numeric must be an array.');
  if (arg.length === 0) throw new InvalidEventPatternError('Invalid member in numeric match: ]');
  const threshold = (op: string, v: unknown): number => {
    if (typeof v !== 'number') throw new InvalidEventPatternError(`Value of ${opName(op)} must be numeric`);
    if (!Number.isFinite(v)) throw new InvalidEventPatternError(`Cannot compare number : ${v}`);
    return v;
  };
  const first = arg[0];
  if (typeof first !== 'string') throw new InvalidEventPatternError(`Invalid member in numeric match: ${JSON.stringify(first)}`);
  const firstTest = NUMERIC_OPS[first];
  if (!firstTest) throw new InvalidEventPatternError(`Unrecognized numeric range operator: ${first}`);
  const bottom = threshold(first, arg[1]);
  if (arg.length === 2) return (n) => firstTest(n, bottom);
  if (first !== '>' && first !== '>=') throw new InvalidEventPatternError('Too many elements in numeric expression');
  if (arg.length > 4) throw new InvalidEventPatternError('Too many terms in numeric range expression');
  const second = arg[2];
  if (typeof second !== 'string') throw new InvalidEventPatternError(`Bad value in numeric range: ${JSON.stringify(second)}`);
  if (second !== '<' && second !== '<=') throw new InvalidEventPatternError(`Bad numeric range operator: ${second}`);
  const top = threshold(second, arg[3]);
  if (!(bottom < top)) throw new InvalidEventPatternError('Bottom must be less than top');
  const secondTest = NUMERIC_OPS[second]!;
  return (n) => firstTest(n, bottom) && secondTest(n, top);
}

/** A wildcard pattern as literal segments between `*`s. */
export interface Glob {
  segments: string[];
}

/** `*` matches any run of characters (including none); `\\*` is a literal star, `\\\\` a backslash. */
export function compileWildcard(pattern: string): Glob {
  const segments = [''];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    // AWS reports positions 1-based, counted in the quoted operand.
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') throw new InvalidEventPatternError(`Invalid escape character at pos ${i + 1}`);
      segments[segments.length - 1] += next;
      i++;
    } else if (c === '*') {
      if (pattern[i + 1] === '*') throw new InvalidEventPatternError(`Consecutive wildcard characters at pos ${i + 1}`);
      segments.push('');
    } else {
      segments[segments.length - 1] += c;
    }
  }
  return { segments };
}

/** Linear-time glob matching: anchored first and last segments, greedy-leftmost in between. */
export function globMatch(g: Glob, value: string): boolean {
  const { segments } = g;
  if (segments.length === 1) return value === segments[0];
  const head = segments[0]!;
  const tail = segments[segments.length - 1]!;
  if (value.length < head.length + tail.length || !value.startsWith(head) || !value.endsWith(tail)) return false;
  let pos = head.length;
  const end = value.length - tail.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    const at = value.indexOf(seg, pos);
    if (at < 0 || at + seg.length > end) return false;
    pos = at + seg.length;
  }
  return true;
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
    // Octets read as decimal, leading zeros allowed ("0177" is 177), as AWS reads them.
    if (!/^\d{1,4}$/.test(p)) return undefined;
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

/** A CIDR block, or undefined if it is not one. */
export function parseCidr(cidr: string): IpRange | undefined {
  try {
    return compileCidr(cidr);
  } catch {
    return undefined;
  }
}

/** `address/bits` as AWS validates it: one '/', IPv4 bits < 32, IPv6 bits < 128. */
function compileCidr(cidr: string): IpRange {
  const slash = cidr.indexOf('/');
  const addr = slash < 0 ? cidr : cidr.slice(0, slash);
  const bitsText = slash < 0 ? '' : cidr.slice(slash + 1);
  if (slash < 0 || bitsText === '' || bitsText.includes('/')) throw new InvalidEventPatternError("Malformed CIDR, one '/' required");
  if (!/^[+-]?\d+$/.test(bitsText)) throw new InvalidEventPatternError('Malformed CIDR, mask bits must be an integer');
  const bits = Number(bitsText);
  if (bits < 0) throw new InvalidEventPatternError('Malformed CIDR, mask bits must not be negative');
  const ip = parseIp(addr);
  if (!ip) throw new InvalidEventPatternError(`Invalid IP address: ${addr}`);
  if (!ip.v6 && bits > 31) throw new InvalidEventPatternError('IPv4 mask bits must be < 32');
  if (ip.v6 && bits > 127) throw new InvalidEventPatternError('IPv6 mask bits must be < 128');
  const width = ip.v6 ? 128 : 32;
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
    const v = obj ? valueAt(obj, key) : undefined;
    if (Array.isArray(sub)) {
      if (!matchLeaf(sub, v)) return false;
    } else if (!matchNested(sub, v)) {
      return false;
    }
  }
  return true;
}

/**
 * The event's value at `key`, where keys with dots count as paths: {"a.b": 1} has {b: 1} at "a"
 * (merged with a nested "a" object if both are there).
 */
function valueAt(obj: Record<string, unknown>, key: string): unknown {
  const direct = obj[key];
  let dotted: Record<string, unknown> | undefined;
  const prefix = `${key}.`;
  for (const k of Object.keys(obj)) {
    if (k.length > prefix.length && k.startsWith(prefix)) (dotted ??= {})[k.slice(prefix.length)] = obj[k];
  }
  if (!dotted) return direct;
  if (direct === undefined) return dotted;
  return isPlainObject(direct) ? { ...direct, ...dotted } : direct;
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
      return typeof v === 'string' && globMatch(m.glob, v);
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
