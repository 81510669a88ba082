import { describe, expect, it } from 'vitest';
import { compilePattern, testEventPattern } from '../../../local/eventbridge/pattern.ts';

/**
 * The local pattern matcher against what EventBridge does where the two used to differ
 * (issue #12). Each case cites the EventBridge user guide page it follows.
 */
const GUIDE = 'https://docs.aws.amazon.com/eventbridge/latest/userguide';

describe(`anything-but with a nested operator matches null and non-string values (${GUIDE}/eb-create-pattern-operators.html#eb-filtering-anything-but)`, () => {
  const ops = [{ prefix: 'init' }, { suffix: '.png' }, { wildcard: '*.png' }, { 'equals-ignore-case': 'Init' }];
  for (const op of ops) {
    it(`anything-but ${JSON.stringify(op)}`, () => {
      const pattern = { detail: { f: [{ 'anything-but': op }] } };
      for (const value of [null, 0, 42, true, false]) expect(testEventPattern(pattern, { detail: { f: value } })).toBe(true);
      expect(testEventPattern(pattern, { detail: { f: 'other' } })).toBe(true);
      const excluded = 'prefix' in op ? 'initializing' : 'equals-ignore-case' in op ? 'INIT' : 'a.png';
      expect(testEventPattern(pattern, { detail: { f: excluded } })).toBe(false);
      // A missing field still matches no anything-but.
      expect(testEventPattern(pattern, { detail: {} })).toBe(false);
    });
  }
});

describe(`dotted keys and nested patterns are the same field, both ways (${GUIDE}/eb-create-pattern.html)`, () => {
  it('an event key "a.b" matches the nested pattern {"a": {"b": …}}', () => {
    expect(testEventPattern({ detail: { a: { b: ['x'] } } }, { detail: { 'a.b': 'x' } })).toBe(true);
    expect(testEventPattern({ detail: { a: { b: ['x'] } } }, { detail: { 'a.b': 'y' } })).toBe(false);
  });
  it('a pattern key "a.b" matches the nested event {"a": {"b": …}}', () => {
    expect(testEventPattern({ detail: { 'a.b': ['x'] } }, { detail: { a: { b: 'x' } } })).toBe(true);
    expect(testEventPattern({ detail: { 'a.b': ['x'] } }, { detail: { a: { b: 'y' } } })).toBe(false);
  });
});

describe(`over-complex wildcard patterns are refused: "Rule is too complex" (${GUIDE}/eb-create-pattern-operators.html#eb-filtering-wildcard-matching)`, () => {
  it('refuses many wildcards with repeating sequences after them, accepts ordinary ones', () => {
    const heavy = `*${'a'.repeat(30)}*${'a'.repeat(30)}*${'a'.repeat(30)}*${'a'.repeat(30)}`;
    expect(() => compilePattern({ f: [{ wildcard: heavy }] })).toThrow(/Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character/);
    expect(() => compilePattern({ f: [{ 'anything-but': { wildcard: [heavy] } }] })).toThrow(/Rule is too complex/);
    expect(() => compilePattern({ f: [{ wildcard: 'arn:aws:s3:::*/*.png' }, { wildcard: '*-prod-*' }] })).not.toThrow();
  });
});
