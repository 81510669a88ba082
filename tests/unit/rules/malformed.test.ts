import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/handlers/eligibility.ts';
import { malformedSample } from './malformed.ts';

/** 1,000 generated malformed households against the Lambda handler in-process: all 400 with field paths, none a 5xx. */
function event(body: string) {
  return {
    version: '2.0',
    routeKey: 'POST /eligibility/evaluate',
    rawPath: '/eligibility/evaluate',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: { authorizer: { jwt: { claims: { sub: 'citizen-1', role: 'citizen', exp: String(Math.floor(Date.now() / 1000) + 3600) }, scopes: null } }, http: { method: 'POST' } },
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
  } as never;
}

describe('malformed households (in-process handler)', () => {
  it('1,000 generated malformed bodies all get 400 VALIDATION_FAILED naming the field', async () => {
    // Prepare
    const cases = malformedSample(1000);
    const kinds = new Set(cases.map((c) => c.what));
    expect(kinds.size).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const c of cases) {
      // Act
      const res = (await handler(event(c.body), {} as Context)) as { statusCode: number; body: string };
      // Assess
      const body = JSON.parse(res.body);
      const paths: string[] = (body.error?.details ?? []).map((d: { path: string }) => d.path);
      const ok = res.statusCode === 400 && body.error.code === 'VALIDATION_FAILED' && paths.length > 0 && paths.some((p) => p.startsWith(c.path));
      if (!ok) failures.push(`${c.what}: ${res.statusCode} expected path ${c.path}, got ${JSON.stringify(paths)}`);
    }
    expect(failures).toEqual([]);
  });
});
