import { describe, expect, it } from 'vitest';
import { json, normalizeInput, RawJson, rawJsonOnce } from '../../functions/commons/http.ts';

describe('json() with RawJson parts', () => {
  it('splices raw JSON text in place: the same text as serializing the parsed value', () => {
    // Prepare
    const trace = { categories: [{ code: 'DIBAO', reasons: [{ reference: '社会救助暂行办法 第九条', actual: 1.5 }] }], note: 'a "quoted" \\ text' };
    const value = { id: 'app_1', eligibility: new RawJson(JSON.stringify(trace)), list: [new RawJson('[1,2]'), 3, new RawJson('null')], tail: '$& $1 $$' };
    // Act
    const res = json(200, value) as { body: string };
    // Assess
    expect(res.body).toBe(JSON.stringify({ id: 'app_1', eligibility: trace, list: [[1, 2], 3, null], tail: '$& $1 $$' }));
  });

  it('serializes to its parsed value outside a response body, and a look-alike string stays a string', () => {
    const raw = new RawJson('{"a":[1,{"b":"c"}]}');
    expect(JSON.stringify({ x: raw })).toBe('{"x":{"a":[1,{"b":"c"}]}}');
    const res = json(200, { s: 'raw-json-0', r: raw }) as { body: string };
    expect(JSON.parse(res.body)).toEqual({ s: 'raw-json-0', r: { a: [1, { b: 'c' }] } });
  });

  it('rawJsonOnce serializes a frozen value once and refuses a value that may change', () => {
    const frozen = Object.freeze({ k: Object.freeze([1, 2]) });
    expect(rawJsonOnce(frozen)).toBe(rawJsonOnce(frozen));
    expect(rawJsonOnce(frozen).text).toBe('{"k":[1,2]}');
    expect(() => rawJsonOnce({ k: 1 })).toThrow(/frozen/);
  });
});

describe('normalizeInput', () => {
  it('trims and NFC-normalizes strings, names each problem by its path', () => {
    const problems: { path: string; message: string }[] = [];
    const out = normalizeInput({ a: [' x ', { b: 'e\u0301', c: 1e20 }], d: 1e-12, ['__proto__']: 1 }, [], problems);
    expect(out).toEqual({ a: ['x', { b: 'é', c: 1e20 }], d: 1e-12 });
    expect(problems.map((p) => p.path)).toEqual(['a.1.c', 'd', '__proto__']);
  });

  it('stops at the depth limit with the path of the level too deep', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    const problems: { path: string; message: string }[] = [];
    normalizeInput({ x: deep }, [], problems);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.path).toBe(['x', ...Array(15).fill(0)].join('.'));
  });
});
