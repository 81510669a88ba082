import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureManifest } from './fixtures/manifest.ts';
import {
  expectFunctionGrants,
  expectFunctions,
  expectRoutes,
  expectRulesAndSchedules,
  expectTables,
  expectWorkflows,
} from './agreement.ts';
import { actionsOf, dispose, logicalId, mentioning, ofType, statementsOfRole, synth, type Synthesized } from './support.ts';

// Prepare (once per file): synthesize the fixture manifest without bundling.
let s: Synthesized;
beforeAll(() => {
  s = synth({ manifest: fixtureManifest, bundle: false });
});
afterAll(() => dispose(s));

describe('the stack built from a fixture manifest', () => {
  it('has every table with its keys, GSIs, TTL, PITR, encryption and retention', () => expectTables(s, fixtureManifest));
  it('has every function on nodejs22.x / arm64 with tracing, log retention and its env vars', () => expectFunctions(s, fixtureManifest));
  it('grants each function exactly the access the manifest declares', () => expectFunctionGrants(s, fixtureManifest));
  it('has every route with its authorizer requirement', () => expectRoutes(s, fixtureManifest));
  it('has every rule and schedule with its targets and inputs', () => expectRulesAndSchedules(s, fixtureManifest));
  it('has every workflow with its substitutions and the grants its Tasks need', () => expectWorkflows(s, fixtureManifest));

  it('gives a read-only function no write action on its table and nothing on other tables', () => {
    // Act
    const sts = statementsOfRole(s, logicalId(s.stack.functions.ledgerReader!.role));
    // Assess
    const ledger = mentioning(sts, logicalId(s.stack.tables.Ledger!)).flatMap(actionsOf);
    expect(ledger).toContain('dynamodb:GetItem');
    expect(ledger.filter((a) => /Put|Update|Delete|Write/.test(a))).toEqual([]);
    expect(mentioning(sts, logicalId(s.stack.tables.Cases!))).toEqual([]);
    expect(mentioning(sts, logicalId(s.stack.node.findChild('CasesTableKey')))).toEqual([]);
  });

  it('lets a customer-key table user use the key, and only that user', () => {
    const keyId = logicalId(s.stack.node.findChild('CasesTableKey'));
    const kmsOf = (fn: string) =>
      mentioning(statementsOfRole(s, logicalId(s.stack.functions[fn]!.role)), keyId).flatMap(actionsOf);
    expect(kmsOf('casesApi')).toContain('kms:Decrypt');
    expect(kmsOf('ledgerReader')).toEqual([]);
    const [, key] = ofType(s, 'AWS::KMS::Key')[0]!;
    expect(key.Properties!.EnableKeyRotation).toBe(true);
  });

  it('lets a workflow invoke a function that also starts it, without a dependency cycle', () => {
    // The function's env var and grant use the formatted ARN, not a Ref to the state machine.
    const fn = s.json.Resources[logicalId(s.stack.functions.casesApi!.fn)]!;
    expect(JSON.stringify(fn)).not.toContain(logicalId(s.stack.workflows.review!.stateMachine));
    const sm = s.json.Resources[logicalId(s.stack.workflows.review!.stateMachine)]!;
    expect(JSON.stringify(sm.Properties!.DefinitionSubstitutions)).toContain(logicalId(s.stack.functions.casesApi!.fn));
  });

  it('configures the user pool for the role / regionCode claims', () => {
    const [, pool] = ofType(s, 'AWS::Cognito::UserPool')[0]!;
    const schema = (pool.Properties!.Schema as { Name: string }[]).map((a) => a.Name);
    expect(schema).toEqual(expect.arrayContaining(['role', 'regionCode']));
    expect(pool.Properties!.LambdaConfig).toMatchObject({
      PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: { 'Fn::GetAtt': [logicalId(s.stack.auth.preToken.fn), 'Arn'] } },
    });
    expect(pool.Properties!.UserPoolTier).toBe('PLUS');
    const [, client] = ofType(s, 'AWS::Cognito::UserPoolClient')[0]!;
    expect(client.Properties!.ReadAttributes).toEqual(expect.arrayContaining(['custom:role', 'custom:regionCode']));
    expect(client.Properties!.WriteAttributes).not.toEqual(expect.arrayContaining(['custom:role']));
    expect(client.Properties!.WriteAttributes).not.toEqual(expect.arrayContaining(['custom:regionCode']));
  });

  it('has no unacknowledged cdk-nag AwsSolutions finding, and every acknowledgement has a reason', () => {
    expect(s.violations).toEqual([]);
    expect(s.acknowledgements.length).toBeGreaterThan(0);
    for (const a of s.acknowledgements) expect(a.reason.length).toBeGreaterThan(40);
    // Acknowledgements are per construct, never stack-wide.
    expect(s.acknowledgements.every((a) => a.path !== s.stack.node.path)).toBe(true);
  });
});
