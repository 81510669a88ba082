import { randomUUID } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../../functions/adapters/dynamo.ts';
import { listCounties } from '../../../functions/adapters/monitoring-table.ts';
import { householdIdOf } from '../../../functions/commons/id-hash.ts';
import { dateOfAge } from '../../../functions/domain/resident-id.ts';
import type { LocalStack } from '../../../local/runtime.ts';
import { ApiClient, startTestStack } from '../../support/local-stack.ts';
import { CONSENT, dibaoHousehold, person } from '../../support/people.ts';
import { until } from '../../support/wait.ts';

/**
 * An approval through the real application workflow puts the household into the monitored
 * population: its members carry their next milestone in the dueByCounty GSI (written in the
 * grant's transaction) and ApplicationDecided adds the county to the daily run's fan-out.
 */
let stack: LocalStack;
let api: ApiClient;
const tokens: Record<string, string> = {};

async function approve(id: string, level: 'village' | 'town' | 'city') {
  const task = await until(`a ${level} task`, async () => (await api.request('GET', '/review-tasks', { token: tokens[level]! })).body.items.find((t: { applicationId: string }) => t.applicationId === id));
  const body = { decision: 'approve', ...(level === 'town' ? { investigation: { visitedAt: '2026-11-30', investigators: ['王伟', '李娜'], notes: '属实' } } : {}) };
  expect((await api.request('POST', `/review-tasks/${encodeURIComponent(task.id)}/decision`, { token: tokens[level]!, body })).status).toBe(200);
}

const status = async (id: string) => (await api.request('GET', `/applications/${id}`, { token: tokens.admin! })).body.status as string;

beforeAll(async () => {
  stack = await startTestStack();
  api = new ApiClient(stack.httpUrl);
  tokens.citizen = await api.token('citizen', undefined, 'citizen-m');
  tokens.village = await api.token('village', '610124121200', 'village-m');
  tokens.town = await api.token('town', '610124121', 'town-m');
  tokens.city = await api.token('city', '6101', 'city-m');
  tokens.admin = await api.token('admin', undefined, 'admin-m');
}, 120_000);
afterAll(() => stack?.stop());

describe('an approval', () => {
  it('writes the members’ next milestones into the dueByCounty GSI and registers the county', async () => {
    // Prepare: a 69-year-old head (DIBAO → the 70th birthday is the next milestone)
    const headId = person('1957-08-20');
    const created = await api.request('POST', '/applications', { token: tokens.citizen, body: { household: dibaoHousehold({ headId }), requested: ['DIBAO'], consent: CONSENT }, headers: { 'idempotency-key': randomUUID() } });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // Act
    await approve(id, 'village');
    await approve(id, 'town');
    await until('the public notice', async () => ((await status(id)) === 'PUBLIC_NOTICE' ? true : undefined));
    await api.advanceDays(7.01);
    await approve(id, 'city');
    await until('APPROVED', async () => ((await status(id)) === 'APPROVED' ? true : undefined));
    // Assess
    const householdId = householdIdOf(headId);
    const members = await documentClient().send(new QueryCommand({ TableName: process.env.HOUSEHOLDS_TABLE!, KeyConditionExpression: 'pk = :p AND begins_with(sk, :m)', ExpressionAttributeValues: { ':p': `HH#${householdId}`, ':m': 'MEMBER#' } }));
    const head = members.Items!.find((m) => m.relation === 'self')!;
    expect(head.categories).toContain('DIBAO');
    expect([head.dueKey, head.dueOn, head.dueKinds]).toEqual([`610124#${dateOfAge('1957-08-20', 70).slice(0, 7)}`, dateOfAge('1957-08-20', 70), ['ELDERLY_70']]);
    const profile = await documentClient().send(new GetCommand({ TableName: process.env.HOUSEHOLDS_TABLE!, Key: { pk: `HH#${householdId}`, sk: 'PROFILE' } }));
    expect(profile.Item!.dueKinds).toEqual(['REREVIEW_YEARLY']);
    // ApplicationDecided follows the grant step (the workflow's Announce state)
    await until('the county registered', async () => ((await listCounties()).counties.includes('610124') ? true : undefined));
  }, 120_000);
});
