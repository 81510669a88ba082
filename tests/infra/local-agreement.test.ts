import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../local/runtime.ts';
import { tableName as localTableName } from '../../local/names.ts';
import { manifest } from '../../infra/manifest.ts';
import type { Manifest } from '../../infra/manifest-types.ts';
import { startTestStack } from '../support/local-stack.ts';
import { dispose, logicalId, ofType, synth, type Synthesized } from './support.ts';

/**
 * The third side of "one definition, two runtimes": what the synthesized template declares is
 * what the local runtime serves — the same tables (keys, GSIs, TTL) behind the one local AWS
 * endpoint, and the same routes with the same auth requirement on the local HTTP API.
 */
const m = manifest as Manifest;
let s: Synthesized;
let local: LocalStack;
let ddb: DynamoDBClient;

beforeAll(async () => {
  s = synth({ manifest: m, bundle: false, id: 'Jiuzhu' });
  local = await startTestStack();
  ddb = new DynamoDBClient({ endpoint: local.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}, 120_000);
afterAll(async () => {
  ddb?.destroy();
  await local?.stop();
  dispose(s);
});

const sortKeys = <T>(xs: T[] | undefined, key: (x: T) => string) => [...(xs ?? [])].sort((a, b) => key(a).localeCompare(key(b)));

describe('template and local runtime agree', () => {
  it('every table in the template exists locally with the same keys, GSIs and TTL', async () => {
    const tables = ofType(s, 'AWS::DynamoDB::Table');
    expect(tables.length).toBeGreaterThan(0);
    for (const [id, r] of tables) {
      // Prepare: which manifest table this template resource is.
      const name = Object.keys(s.stack.tables).find((t) => logicalId(s.stack.tables[t]!) === id)!;
      const p = r.Properties as Record<string, any>;
      // Act
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName: localTableName(name) }));
      const ttl = await ddb.send(new DescribeTimeToLiveCommand({ TableName: localTableName(name) }));
      // Assess
      expect(Table!.KeySchema).toEqual(p.KeySchema);
      expect(sortKeys(Table!.AttributeDefinitions, (a) => a.AttributeName!)).toEqual(sortKeys(p.AttributeDefinitions, (a: any) => a.AttributeName));
      const localGsis = (Table!.GlobalSecondaryIndexes ?? []).map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: { ProjectionType: g.Projection?.ProjectionType } }));
      const cloudGsis = (p.GlobalSecondaryIndexes ?? []).map((g: any) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema, Projection: { ProjectionType: g.Projection.ProjectionType } }));
      expect(sortKeys(localGsis, (g) => g.IndexName!)).toEqual(sortKeys(cloudGsis, (g: any) => g.IndexName));
      const ttlAttr = ttl.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED' ? ttl.TimeToLiveDescription.AttributeName : undefined;
      expect(ttlAttr).toEqual(p.TimeToLiveSpecification?.AttributeName);
    }
  });

  it('every route in the template answers locally with the same auth requirement', async () => {
    const routes = ofType(s, 'AWS::ApiGatewayV2::Route');
    expect(routes.length).toBeGreaterThan(0);
    for (const [, r] of routes) {
      const [method, path] = String(r.Properties!.RouteKey).split(' ') as [string, string];
      // A path parameter gets a well-formed-looking value; without a token a JWT route is 401.
      const url = local.httpUrl + path.replace(/\{[^}]+\}/g, '610124121200');
      const res = await fetch(url, { method, ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}', headers: { 'content-type': 'application/json' } }) });
      await res.arrayBuffer();
      if (r.Properties!.AuthorizationType === 'JWT') expect(res.status, `${method} ${path}`).toBe(401);
      else expect([401, 404], `${method} ${path}`).not.toContain(res.status);
    }
    // And a route the template lacks is not served locally.
    const stray = await fetch(`${local.httpUrl}/no-such-route-in-the-template`);
    await stray.arrayBuffer();
    expect(stray.status).toBe(404);
  });
});
