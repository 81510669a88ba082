import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventBridgeEngine, exactSources } from '../../../local/eventbridge/engine.ts';
import { compilePattern, matchesPattern } from '../../../local/eventbridge/pattern.ts';

describe('rules that name their sources exactly are skipped for other sources', () => {
  it('extracts only plain source lists', () => {
    expect([...exactSources('{"source":["a","b"],"detail":{"x":[1]}}')!]).toEqual(['a', 'b']);
    expect(exactSources('{"source":[{"prefix":"a"}]}')).toBeUndefined();
    expect(exactSources('{"source":["a",{"prefix":"b"}]}')).toBeUndefined();
    expect(exactSources('{"source":["a"],"$or":[{"source":["b"]},{"detail-type":["t"]}]}')).toBeUndefined();
    expect(exactSources('{"detail-type":["t"]}')).toBeUndefined();
    expect(exactSources('{"source":[]}')).toBeUndefined();
  });

  it('matches exactly what the matcher alone matches, in rule-name order (property)', () => {
    const patterns = [
      { source: ['s1'] },
      { source: ['s1', 's2'], detail: { n: [{ numeric: ['>', 5] }] } },
      { source: [{ prefix: 's' }] },
      { source: [{ 'anything-but': ['s1'] }] },
      { 'detail-type': ['t'] },
      { source: ['s2'], $or: [{ detail: { n: [1] } }, { 'detail-type': ['t'] }] },
      { source: ['S1'] },
    ];
    const engine = new EventBridgeEngine({ dataDir: undefined, now: () => 0, lambdas: { invoke: async () => undefined }, awsUrl: 'http://127.0.0.1:9', log: () => undefined });
    patterns.forEach((p, i) => engine.putRule({ Name: `r${i}`, EventBusName: 'default', EventPattern: JSON.stringify(p), State: 'ENABLED' }));
    const compiled = patterns.map((p) => compilePattern(p));
    fc.assert(
      fc.property(fc.constantFrom('s1', 's2', 'S1', 'x', 's'), fc.constantFrom('t', 'u'), fc.integer({ min: 0, max: 10 }), (source, type, n) => {
        const event = { version: '0', id: '1', source, 'detail-type': type, account: '0', time: '', region: 'us-east-1', resources: [], detail: { n } };
        const expected = patterns.map((_, i) => i).filter((i) => matchesPattern(compiled[i]!, event)).map((i) => `r${i}`);
        expect(engine.matchingRules('default', event).map((r) => r.Name)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    engine.stop();
  });
});
