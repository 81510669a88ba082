import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidEventPatternError, matchesPattern, parseCidr, testEventPattern } from '../../../local/eventbridge/pattern.ts';
import { INVALID_PATTERNS, PATTERN_CASES } from './pattern-cases.ts';

describe('event patterns: the EventBridge user guide examples', () => {
  for (const c of PATTERN_CASES) {
    it(`${c.name}: matches`, () => {
      // Prepare
      const compiled = compilePattern(JSON.stringify(c.pattern));
      // Act
      const results = c.matches.map((e) => matchesPattern(compiled, JSON.parse(JSON.stringify(e))));
      // Assess
      expect(results).toEqual(c.matches.map(() => true));
    });
    it(`${c.name}: does not match`, () => {
      const compiled = compilePattern(JSON.stringify(c.pattern));
      const results = c.doesNotMatch.map((e) => matchesPattern(compiled, JSON.parse(JSON.stringify(e))));
      expect(results).toEqual(c.doesNotMatch.map(() => false));
    });
  }
});

describe('event patterns: invalid patterns are refused', () => {
  for (const c of INVALID_PATTERNS) {
    it(`refuses ${c.name}`, () => {
      expect(() => compilePattern(JSON.stringify(c.pattern))).toThrow(InvalidEventPatternError);
      expect(() => compilePattern(JSON.stringify(c.pattern))).toThrow(/^Event pattern is not valid\. Reason: /);
    });
  }
  it('refuses text that is not JSON', () => {
    expect(() => compilePattern('{"source": [')).toThrow(InvalidEventPatternError);
  });
});

describe('event patterns: "$or" is expanded at compile time, as EventBridge does', () => {
  it('a leaf constrained outside and inside a "$or" keeps the value written last', () => {
    const p = compilePattern('{"a":["1"],"$or":[{"a":["2"]},{"b":["3"]}]}');
    expect([{ a: '2' }, { a: '1', b: '3' }, { a: '1' }, { a: '2', b: '3' }].map((e) => matchesPattern(p, e))).toEqual([true, true, false, true]);
  });

  it('a "$or" that is not the operator is read as a field name', () => {
    const p = compilePattern({ $or: { x: ['1'] } });
    expect(matchesPattern(p, { $or: { x: '1' } })).toBe(true);
    expect(matchesPattern(p, { x: '1' })).toBe(false);
  });

  it('nested "$or"s multiply out', () => {
    const p = compilePattern({ $or: [{ a: ['1'], $or: [{ b: ['1'] }, { c: ['1'] }] }, { d: ['1'] }] });
    expect([{ a: '1', c: '1' }, { d: '1' }, { a: '1' }, { b: '1', c: '1' }].map((e) => matchesPattern(p, e))).toEqual([true, true, false, false]);
    expect(p.alternatives).toHaveLength(3);
  });
});

describe('event patterns: properties', () => {
  const scalar = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));

  it('an exact value matches itself, alone or inside an event array', () => {
    fc.assert(
      fc.property(scalar, fc.array(scalar, { maxLength: 4 }), (v, others) => {
        const p = compilePattern({ detail: { f: [v] } });
        return matchesPattern(p, { detail: { f: v } }) && matchesPattern(p, { detail: { f: [...others, v] } });
      }),
    );
  });

  it('anything-but a string is the negation of the exact match for a present string', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (excluded, value) => {
        const but = testEventPattern({ f: [{ 'anything-but': excluded }] }, { f: value });
        const exact = testEventPattern({ f: [excluded] }, { f: value });
        return but === !exact;
      }),
    );
  });

  it('prefix with equals-ignore-case agrees with a lower-cased startsWith', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 4 }), fc.string({ maxLength: 8 }), (prefix, value) => {
        const r = testEventPattern({ f: [{ prefix: { 'equals-ignore-case': prefix } }] }, { f: value });
        return r === value.toLowerCase().startsWith(prefix.toLowerCase());
      }),
    );
  });

  it('a numeric range (a, b] agrees with a < n <= b', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 500 }), fc.double({ min: -2000, max: 2000, noNaN: true }), (a, width, n) => {
        const r = testEventPattern({ f: [{ numeric: ['>', a, '<=', a + width] }] }, { f: n });
        return r === (n > a && n <= a + width);
      }),
    );
  });

  it('an IPv4 address lies in every CIDR block built from it, and not in the neighbouring block', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 31 }), (ip, bits) => {
        const block = `${ip}/${bits}`;
        const range = parseCidr(block)!;
        const inside = testEventPattern({ ip: [{ cidr: block }] }, { ip });
        // The first address after the block is outside it (unless the block ends the space).
        const after = range.hi + 1n;
        if (after > 0xffffffffn) return inside;
        const afterIp = [24n, 16n, 8n, 0n].map((s) => String((after >> s) & 255n)).join('.');
        return inside && !testEventPattern({ ip: [{ cidr: block }] }, { ip: afterIp });
      }),
    );
  });

  it('wildcards agree with an equivalent regular expression', () => {
    const piece = fc.constantFrom('a', 'b', 'ab', '/', '.', '*');
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), fc.stringMatching(/^[ab/.]{0,10}$/), (pieces, value) => {
        const pattern = pieces.join('').replace(/\*{2,}/g, '*');
        const re = new RegExp(`^${pattern.split('*').map((x) => x.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('[\\s\\S]*')}$`);
        return testEventPattern({ f: [{ wildcard: pattern }] }, { f: value }) === re.test(value);
      }),
    );
  });

  it('"*text*" wildcards agree with includes()', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 3 }).filter((s) => !/[*\\]/.test(s)), fc.string({ maxLength: 10 }), (needle, value) => {
        return testEventPattern({ f: [{ wildcard: `*${needle}*` }] }, { f: value }) === value.includes(needle);
      }),
    );
  });

  it('$or of two patterns matches exactly when one of them does', () => {
    const leaf = fc.constantFrom<unknown>(['a'], [{ prefix: 'b' }], [{ exists: false }], [{ numeric: ['>', 1] }]);
    const value = fc.constantFrom<unknown>(undefined, 'a', 'bb', 2, 0);
    fc.assert(
      fc.property(leaf, leaf, value, value, (l1, l2, x, y) => {
        const event = JSON.parse(JSON.stringify({ x, y })) as Record<string, unknown>;
        const either = testEventPattern({ $or: [{ x: l1 }, { y: l2 }] }, event);
        return either === (testEventPattern({ x: l1 }, event) || testEventPattern({ y: l2 }, event));
      }),
    );
  });
});
