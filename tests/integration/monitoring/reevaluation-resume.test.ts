import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/runtime.ts';
import { tableName } from '../../../local/names.ts';
import { DEFAULT_VILLAGES, seedPopulation } from '../../../scripts/seed-population.ts';
import { ApiClient, startTestStack } from '../../support/local-stack.ts';

/**
 * A full re-evaluation whose segment Lambdas run out of time budget after every page: each
 * returns where it stopped (after the last whole household), the workflow's loop calls it again,
 * and every household is evaluated exactly once.
 */
let stack: LocalStack;
let api: ApiClient;
let token: string;

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  token = await api.token('monitor', undefined, 'monitor-r');
}, 120_000);
afterAll(async () => {
  delete process.env.MONITORING_SEGMENT_BUDGET_MS;
  await stack?.stop();
});

async function fullRun(asOf: string, segments: number) {
  const res = await api.request('POST', '/monitoring/runs', { token, body: { asOf, mode: 'full', segments } });
  expect(res.status).toBe(202);
  // A bound against a hung run, not a speed check (speed is bench/monitoring.ts's): the first
  // full run writes ~6,500 warnings, each with its labels read and its counters moved.
  for (const deadline = Date.now() + 300_000; Date.now() < deadline; ) {
    const r = await api.request('GET', `/monitoring/runs/${res.body.runId}`, { token });
    if (r.body.status === 'FAILED') throw new Error(JSON.stringify(r.body));
    if (r.body.status === 'SUCCEEDED') return r.body;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error('run did not finish');
}

describe('a full re-evaluation out of time budget', () => {
  it('resumes each segment after its last whole household until the Scan is done', async () => {
    // Prepare: ~8 MB of households (several 1 MB Scan pages per segment)
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.ctx.dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const seeded = await seedPopulation(doc, { households: tableName('Households'), monitoring: tableName('Monitoring') }, { people: 8000, baseDate: '2026-11-01', villages: DEFAULT_VILLAGES, gapShare: 0.05, seed: 7 }, false);
    const whole = await fullRun('2026-12-15', 2);
    // Act
    process.env.MONITORING_SEGMENT_BUDGET_MS = '0';
    const resumed = await fullRun('2026-12-15', 2);
    delete process.env.MONITORING_SEGMENT_BUDGET_MS;
    // Assess
    expect(whole.breakdown.households).toBe(seeded.households);
    expect(resumed.breakdown.households).toBe(seeded.households);
    expect(whole.warningsRaised).toBeGreaterThan(0);
    expect(resumed.warningsRaised).toBe(0);
    expect(resumed.itemsRead).toBeGreaterThan(whole.itemsRead); // the boundary households are read twice
    expect(resumed.itemsRead).toBeLessThan(whole.itemsRead * 1.2);
  }, 700_000);
});
