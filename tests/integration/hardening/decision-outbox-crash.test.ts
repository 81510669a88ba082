import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ApiClient, spawnRuntime, tempDataDir, type ChildRuntime } from '../../support/local-stack.ts';
import { CONSENT, dibaoHousehold } from '../../support/people.ts';

/**
 * Issue #11 item 6: a reviewer's decision committed, then the runtime dies before
 * SendTaskSuccess. Before the outbox the case waited until the review deadline escalated it;
 * now the ReviewTasks stream delivers every committed decision after the restart.
 */
const VILLAGE = '610124121200';
const N = 10;

describe('item 6: decisions lost in a crash', () => {
  const dataDir = tempDataDir('jiuzhu-outbox-');
  let runtime: ChildRuntime | undefined;
  afterAll(async () => {
    await runtime?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it(`every committed decision reaches its workflow within 60 s of a restart, none lost (${N} decisions)`, async () => {
    // Prepare: decisions are committed and then held before the callback (the process "dies" there).
    runtime = await spawnRuntime(dataDir, { JIUZHU_FAILPOINTS: 'hang:after-decision-commit,streams-paused' });
    let api = new ApiClient(runtime.httpUrl);
    const citizen = await api.token('citizen', undefined, 'outbox-citizen');
    const village = await api.token('village', VILLAGE, 'outbox-village');
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      const res = await api.request('POST', '/applications', { token: citizen, body: { household: dibaoHousehold(), requested: ['DIBAO'], consent: CONSENT }, headers: { 'idempotency-key': randomUUID() } });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const tasks: { id: string; applicationId: string }[] = [];
    for (let i = 0; i < 400 && tasks.length < N; i++) {
      const items = ((await api.request('GET', '/review-tasks?limit=100', { token: village })).body?.items ?? []) as { id: string; applicationId: string }[];
      tasks.splice(0, tasks.length, ...items.filter((t) => ids.includes(t.applicationId)));
      if (tasks.length < N) await new Promise((r) => setTimeout(r, 100));
    }
    expect(tasks).toHaveLength(N);
    const held = tasks.map((t) =>
      api.request('POST', `/review-tasks/${encodeURIComponent(t.id)}/decision`, { token: village, body: { decision: 'approve' } }).catch(() => undefined),
    );
    // Every decision is committed (the task is decided) while no callback has gone out.
    for (let i = 0; i < 200; i++) {
      const open = ((await api.request('GET', '/review-tasks?limit=100', { token: village })).body?.items ?? []) as { applicationId: string }[];
      if (!open.some((t) => ids.includes(t.applicationId))) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const admin = await api.token('admin', undefined, 'outbox-admin');
    const before = await Promise.all(ids.map(async (id) => (await api.request('GET', `/applications/${id}`, { token: admin })).body));
    expect(before.every((a) => a.history.some((h: { stage: string; decision: string }) => h.stage === 'VILLAGE_REVIEW' && h.decision === 'approve'))).toBe(true);

    // Act: the process dies with the callbacks unsent; it restarts without failpoints.
    await runtime.kill('SIGKILL');
    await Promise.all(held);
    runtime = await spawnRuntime(dataDir);
    const restartedAt = Date.now();
    api = new ApiClient(runtime.httpUrl);
    const town = await api.token('town', VILLAGE.slice(0, 9), 'outbox-town');

    // Assess: each case's workflow received its decision (a town task opens) within 60 s.
    const delivered = new Set<string>();
    while (delivered.size < N && Date.now() - restartedAt < 60_000) {
      const items = ((await api.request('GET', '/review-tasks?limit=100', { token: town })).body?.items ?? []) as { applicationId: string }[];
      for (const t of items) if (ids.includes(t.applicationId)) delivered.add(t.applicationId);
      if (delivered.size < N) await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (Date.now() - restartedAt) / 1000;
    console.log(`decision outbox: ${delivered.size}/${N} committed decisions delivered ${seconds.toFixed(1)} s after the restart`);
    expect(N - delivered.size).toBe(0);
    expect(seconds).toBeLessThanOrEqual(60);
  }, 240_000);
});
