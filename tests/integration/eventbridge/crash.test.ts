import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { spawnRuntime, tempDataDir, type ChildRuntime } from '../../support/local-stack.ts';
import { eventsClient, lambdaArn, waitFor } from './support.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/functions.ts', import.meta.url));

function recorded(file: string): { id: string }[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { id: string });
}

describe('durability across a crash', () => {
  it('every accepted event reaches its target after the runtime is SIGKILLed with deliveries pending', async () => {
    // Prepare: a runtime whose target is held back by a gate file.
    const dataDir = tempDataDir('jiuzhu-eb-crash-');
    const env = { JIUZHU_TEST_FUNCTIONS: FIXTURE, JIUZHU_TEST_RECORD_FILE: join(dataDir, 'record.jsonl'), JIUZHU_TEST_GATE_FILE: join(dataDir, 'gate') };
    writeFileSync(env.JIUZHU_TEST_GATE_FILE, 'closed');
    let rt: ChildRuntime | undefined = await spawnRuntime(dataDir, env);
    const accepted: string[] = [];
    try {
      const eb = eventsClient(rt.awsUrl);
      // A source no manifest rule routes (the manifest sends gov.civil-registry deaths to monitoring), so the outbox holds exactly these deliveries.
      await eb.send(new PutRuleCommand({ Name: 'deaths', EventBusName: 'jiuzhu', EventPattern: '{"source":["gov.test-registry"],"detail-type":["PersonDeceased"]}' }));
      await eb.send(new PutTargetsCommand({ Rule: 'deaths', EventBusName: 'jiuzhu', Targets: [{ Id: 'r', Arn: lambdaArn('gated-recorder') }] }));
      for (let batch = 0; batch < 3; batch++) {
        const res = await eb.send(
          new PutEventsCommand({
            Entries: Array.from({ length: 10 }, (_, i) => ({ EventBusName: 'jiuzhu', Source: 'gov.test-registry', DetailType: 'PersonDeceased', Detail: JSON.stringify({ idNumber: `P${batch}-${i}`, date: '2026-02-01' }) })),
          }),
        );
        expect(res.FailedEntryCount).toBe(0);
        accepted.push(...res.Entries!.map((e) => e.EventId!));
      }

      // Act: crash with every delivery still pending, then restart with the gate open.
      await rt.kill('SIGKILL');
      expect(recorded(env.JIUZHU_TEST_RECORD_FILE)).toEqual([]);
      rmSync(env.JIUZHU_TEST_GATE_FILE);
      rt = await spawnRuntime(dataDir, env);
      await waitFor(() => new Set(recorded(env.JIUZHU_TEST_RECORD_FILE).map((e) => e.id)).size >= accepted.length, 20_000, 'redelivery');

      // Assess: each accepted event reached the target (at least once).
      const got = new Set(recorded(env.JIUZHU_TEST_RECORD_FILE).map((e) => e.id));
      expect([...got].sort()).toEqual([...accepted].sort());
      expect(rt.output()).toMatch(/redelivering 30 pending deliveries/);
    } finally {
      await rt?.kill('SIGTERM');
    }
  }, 120_000);
});
