import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/runtime.ts';
import { stateMachineArn, tableName } from '../../../local/names.ts';
import { DEFAULT_VILLAGES, seedPopulation } from '../../../scripts/seed-population.ts';
import { ApiClient, startTestStack } from '../../support/local-stack.ts';

/**
 * Advancing the local clock day by day over a monitored population: each day's 01:00 run must
 * finish its tasks before the clock moves on, so none ends TIMED_OUT (its 24 h TimeoutSeconds
 * would otherwise fall due at the next day's run while its tasks are still in flight). In AWS
 * time passes only as fast as the tasks run.
 * https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html (TimeoutSeconds)
 */
let stack: LocalStack;
let api: ApiClient;

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

describe('20 consecutive {"advanceDays": 1} over 10,000 monitored people', () => {
  it('gives 20 daily monitoring runs, all SUCCEEDED', async () => {
    // Prepare: 10,000 people, their dated marks due over the coming month.
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: stack.ctx.dynamoEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const today = new Date(stack.clock.now()).toISOString().slice(0, 10);
    const seeded = await seedPopulation(doc, { households: tableName('Households'), monitoring: tableName('Monitoring') }, { people: 10_000, baseDate: today, villages: DEFAULT_VILLAGES, gapShare: 0.02, seed: 42 }, false);
    expect(seeded.people).toBeGreaterThanOrEqual(10_000);

    // Act: twenty single-day jumps, one after the other.
    for (let day = 0; day < 20; day++) expect((await api.advanceDays(1)).status).toBe(200);

    // Assess: every daily run (the schedule's envelope input, not the monthly {mode: full}) succeeded.
    const sfn = new SFNClient({ endpoint: stack.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineArn('monitoring'), maxResults: 1000 }));
    const runs = await Promise.all((listed.executions ?? []).map((e) => sfn.send(new DescribeExecutionCommand({ executionArn: e.executionArn }))));
    const daily = runs.filter((r) => JSON.parse(r.input ?? '{}').mode !== 'full');
    expect(daily.map((r) => r.status)).toEqual(Array(20).fill('SUCCEEDED'));
    const days = new Set(daily.map((r) => JSON.parse(r.input!).time.slice(0, 10)));
    expect(days.size).toBe(20);
  }, 600_000);
});
