import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient, spawnRuntime, tempDataDir, type ChildRuntime } from '../support/local-stack.ts';
import { CONSENT, dibaoHousehold } from '../support/people.ts';

/**
 * 50 applications in flight at mixed stages when the runtime is SIGKILLed; after a restart all
 * of them finish, and each approved household has exactly one set of entitlements.
 */
const VILLAGE = '610124121200';
const investigation = { visitedAt: '2026-12-01', investigators: ['王伟', '李娜'] };

describe('application workflow across a crash', () => {
  const dataDir = tempDataDir('jiuzhu-crash-');
  let runtime: ChildRuntime | undefined;
  afterAll(async () => {
    await runtime?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('finishes every case exactly once after a SIGKILL', async () => {
    runtime = await spawnRuntime(dataDir);
    let api = new ApiClient(runtime.httpUrl);
    const tokens = async (a: ApiClient) => ({
      citizen: await a.token('citizen', undefined, 'crash-citizen'),
      village: await a.token('village', VILLAGE, 'crash-village'),
      town: await a.token('town', VILLAGE.slice(0, 9), 'crash-town'),
      city: await a.token('city', VILLAGE.slice(0, 4), 'crash-city'),
      admin: await a.token('admin', undefined, 'crash-admin'),
    });
    let t = await tokens(api);

    // Prepare: 50 cases.
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      const res = await api.request('POST', '/applications', {
        token: t.citizen,
        body: { household: dibaoHousehold(), requested: ['DIBAO'], consent: CONSENT },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const open = async (level: 'village' | 'town' | 'city') =>
      ((await api.request('GET', '/review-tasks', { token: t[level] })).body?.items ?? []) as { id: string; applicationId: string }[];
    const waitForTasks = async (level: 'village' | 'town' | 'city', n: number) => {
      for (let i = 0; i < 400; i++) {
        const items = await open(level);
        if (items.length >= n) return items;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`fewer than ${n} ${level} tasks`);
    };
    const approve = (level: 'village' | 'town' | 'city', taskId: string) =>
      api.request('POST', `/review-tasks/${encodeURIComponent(taskId)}/decision`, {
        token: t[level],
        body: { decision: 'approve', ...(level === 'town' ? { investigation } : {}) },
      });

    // Mixed stages: 40 past the village, 25 of those past the town (on notice), and decisions
    // still being sent when the process dies.
    const village = await waitForTasks('village', 50);
    for (const task of village.slice(0, 40)) expect((await approve('village', task.id)).status).toBe(200);
    const town = await waitForTasks('town', 40);
    for (const task of town.slice(0, 25)) expect((await approve('town', task.id)).status).toBe(200);
    const inFlight = (await open('village')).slice(0, 5).map((task) => approve('village', task.id).catch(() => undefined));

    // Act: crash, then restart on the same data.
    await runtime.kill('SIGKILL');
    await Promise.all(inFlight);
    runtime = await spawnRuntime(dataDir);
    api = new ApiClient(runtime.httpUrl);
    t = await tokens(api);

    // Drive everything to the end: approve what is open, let notices run out.
    const statuses = async () => Promise.all(ids.map(async (id) => (await api.request('GET', `/applications/${id}`, { token: t.admin })).body.status as string));
    for (let round = 0; round < 60; round++) {
      const s = await statuses();
      if (s.every((x) => x === 'APPROVED' || x === 'REJECTED')) break;
      for (const level of ['village', 'town', 'city'] as const) for (const task of await open(level)) await approve(level, task.id);
      if (s.some((x) => x === 'PUBLIC_NOTICE')) await api.advanceDays(7.01);
      await new Promise((r) => setTimeout(r, 200));
    }

    // Assess: all approved, each household exactly one DIBAO entitlement from its own case, granted once.
    const final = await statuses();
    expect(final.filter((s) => s === 'APPROVED')).toHaveLength(50);
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: runtime.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'l', secretAccessKey: 'l' } }));
    for (const id of ids) {
      const app = (await api.request('GET', `/applications/${id}`, { token: t.admin })).body;
      const ents = await doc.send(
        new QueryCommand({ TableName: 'jiuzhu-Households', KeyConditionExpression: 'pk = :p AND begins_with(sk, :e)', ExpressionAttributeValues: { ':p': `HH#${app.householdId}`, ':e': 'ENT#' } }),
      );
      expect(ents.Items?.map((e) => `${e.category}:${e.applicationId}`)).toEqual([`DIBAO:${id}`]);
      const audit = await doc.send(new QueryCommand({ TableName: 'jiuzhu-Audit', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `APPLICATION#${id}` } }));
      expect(audit.Items?.filter((a) => a.action === 'GRANTED')).toHaveLength(1);
      expect(app.history.filter((h: { decision: string }) => h.decision === 'APPROVED')).toHaveLength(1);
    }
  }, 300_000);
});
