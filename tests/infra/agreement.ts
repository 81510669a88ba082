import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';
import type { FunctionDef, Manifest, TableDef, WorkflowDef } from '../../infra/manifest-types.ts';
import { EVENT_BUS_ENV_VAR, workflowEnvVar } from '../../infra/constructs/names.ts';
import { taskUses } from '../../infra/constructs/workflow.ts';
import { PROJECT_ROOT } from '../../infra/stack.ts';
import { actionsOf, DYNAMO_WRITE_ACTIONS, logicalId, mentioning, ofType, statementsOfRole, type Synthesized } from './support.ts';

/**
 * Checks, generically, that a synthesized stack says what its manifest says. Used on the
 * fixture manifest and on the real one, so it keeps checking as the manifest grows.
 */

const ref = (id: string) => ({ Ref: id });
const arnOf = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const entries = <T>(r: Record<string, T>): [string, T][] => Object.entries(r);

export function expectTables(s: Synthesized, m: Manifest): void {
  expect(ofType(s, 'AWS::DynamoDB::Table')).toHaveLength(Object.keys(m.tables).length);
  for (const [name, def] of entries<TableDef>(m.tables)) {
    const table = s.stack.tables[name]!;
    const r = s.json.Resources[logicalId(table)]!;
    const p = r.Properties!;
    expect(r.Type).toBe('AWS::DynamoDB::Table');
    expect(p.KeySchema).toEqual([
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' }] : []),
    ]);
    const attrs = Object.fromEntries((p.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).map((a) => [a.AttributeName, a.AttributeType]));
    for (const k of [def.partitionKey, def.sortKey, ...(def.gsis ?? []).flatMap((g) => [g.partitionKey, g.sortKey])]) {
      if (k) expect(attrs[k.name], `${name}.${k.name}`).toBe(k.type);
    }
    const gsis = (p.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: { ProjectionType: string } }[] | undefined) ?? [];
    expect(gsis.map((g) => g.IndexName).sort()).toEqual((def.gsis ?? []).map((g) => g.name).sort());
    for (const g of def.gsis ?? []) {
      const got = gsis.find((x) => x.IndexName === g.name)!;
      expect(got.KeySchema).toEqual([
        { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
        ...(g.sortKey ? [{ AttributeName: g.sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      expect(got.Projection.ProjectionType).toBe(g.projection ?? 'ALL');
    }
    if (def.ttlAttribute) expect(p.TimeToLiveSpecification).toEqual({ AttributeName: def.ttlAttribute, Enabled: true });
    else expect(p.TimeToLiveSpecification).toBeUndefined();
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.DeletionProtectionEnabled).toBe(true);
    expect(r.DeletionPolicy).toBe('Retain');
    const sse = p.SSESpecification as { SSEEnabled: boolean; SSEType?: string; KMSMasterKeyId?: unknown };
    // SSEEnabled without a key id: the AWS-managed key aws/dynamodb (not the AWS-owned default).
    expect(sse.SSEEnabled).toBe(true);
    if (def.encryption === 'CUSTOMER_MANAGED') {
      expect(sse.SSEType).toBe('KMS');
      expect(JSON.stringify(sse.KMSMasterKeyId)).toContain(`${name}TableKey`);
    } else expect(sse.KMSMasterKeyId).toBeUndefined();
  }
}

export function expectFunctions(s: Synthesized, m: Manifest): void {
  // The manifest's functions plus the Cognito pre-token trigger (CDK's own BucketDeployment
  // handler for the web console is CDK's, not ours).
  const fns = ofType(s, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('CustomCDKBucketDeployment'));
  expect(fns).toHaveLength(Object.keys(m.functions).length + 1);
  for (const [, r] of fns) {
    expect(r.Properties!.Runtime).toBe('nodejs22.x');
    expect(r.Properties!.Architectures).toEqual(['arm64']);
    expect(r.Properties!.TracingConfig).toEqual({ Mode: 'Active' });
    const lg = (r.Properties!.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(s.json.Resources[lg]!.Properties!.RetentionInDays).toBeGreaterThan(0);
  }
  for (const [name, def] of entries<FunctionDef>(m.functions)) {
    const fn = s.stack.functions[name]!;
    const p = s.json.Resources[logicalId(fn.fn)]!.Properties!;
    expect(p.Handler).toBe(`index.${def.handler}`);
    expect(p.MemorySize).toBe(def.memoryMb ?? 256);
    expect(p.Timeout).toBe(def.timeoutSeconds ?? 10);
    const env = (p.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.POWERTOOLS_SERVICE_NAME).toBe(name);
    for (const [k, v] of Object.entries(def.environment ?? {})) expect(env[k]).toBe(v);
    for (const [t] of Object.entries(def.tables ?? {})) expect(env[m.tables[t]!.envVar]).toEqual(ref(logicalId(s.stack.tables[t]!)));
    for (const [w] of Object.entries(def.workflows ?? {})) {
      expect(JSON.stringify(env[workflowEnvVar(w, m.workflows[w] as WorkflowDef)])).toContain(`stateMachine:${s.stack.stackName}-${w}`);
    }
    if (def.putsEvents) expect(env[EVENT_BUS_ENV_VAR]).toEqual(ref(logicalId(s.stack.bus)));
    else expect(env[EVENT_BUS_ENV_VAR]).toBeUndefined();
  }
}

function logicalIdOfSecret(s: Synthesized, name: string): string {
  const found = Object.entries(s.template.toJSON().Resources as Record<string, { Type: string }>).find(
    ([id, r]) => r.Type === 'AWS::SecretsManager::Secret' && id.startsWith(`${name}Secret`),
  );
  if (!found) throw new Error(`no secret ${name} in the template`);
  return found[0];
}

function logicalIdOfKey(s: Synthesized, name: string): string {
  const found = Object.entries(s.template.toJSON().Resources as Record<string, { Type: string }>).find(([id, r]) => r.Type === 'AWS::KMS::Key' && id.startsWith(`${name}Key`));
  if (!found) throw new Error(`no key ${name} in the template`);
  return found[0];
}

/** Least privilege: exactly the declared access, nothing on undeclared tables or workflows. */
export function expectFunctionGrants(s: Synthesized, m: Manifest): void {
  for (const [name, def] of entries<FunctionDef>(m.functions)) {
    const sts = statementsOfRole(s, logicalId(s.stack.functions[name]!.role));
    for (const [t] of Object.keys(m.tables).map((t) => [t] as const)) {
      const onTable = mentioning(sts, logicalId(s.stack.tables[t]!));
      const actions = onTable.flatMap(actionsOf);
      const mode = def.tables?.[t];
      if (!mode) expect(onTable, `${name} must not touch ${t}`).toEqual([]);
      else if (mode === 'RO') {
        expect(actions).toContain('dynamodb:GetItem');
        expect(actions).toContain('dynamodb:Query');
        for (const w of DYNAMO_WRITE_ACTIONS) expect(actions, `${name} is RO on ${t}`).not.toContain(w);
      } else {
        for (const a of ['dynamodb:GetItem', 'dynamodb:Query', ...DYNAMO_WRITE_ACTIONS]) expect(actions).toContain(a);
      }
      for (const st of onTable) expect(actionsOf(st).some((a) => a.endsWith('*') || a === '*')).toBe(false);
    }
    const states = sts.filter((st) => actionsOf(st).some((a) => a.startsWith('states:')));
    const wanted = Object.entries(def.workflows ?? {});
    const starts = states.filter((st) => actionsOf(st).includes('states:StartExecution'));
    const answers = states.filter((st) => actionsOf(st).includes('states:SendTaskSuccess'));
    expect(starts.length).toBe(wanted.filter(([, mo]) => mo !== 'CALLBACK').length);
    expect(answers.length).toBe(wanted.filter(([, mo]) => mo !== 'START').length);
    for (const st of states) {
      expect(wanted.some(([w]) => JSON.stringify(st.Resource).includes(`stateMachine:${s.stack.stackName}-${w}`))).toBe(true);
    }
    const puts = sts.filter((st) => actionsOf(st).includes('events:PutEvents'));
    if (def.putsEvents) expect(puts.map((st) => st.Resource)).toEqual([arnOf(logicalId(s.stack.bus))]);
    else expect(puts).toEqual([]);
    // Secrets: read access to exactly the declared ones.
    const secretReads = sts.filter((st) => actionsOf(st).some((a) => a.startsWith('secretsmanager:')));
    for (const st of secretReads) expect(actionsOf(st).every((a) => a === 'secretsmanager:GetSecretValue' || a === 'secretsmanager:DescribeSecret')).toBe(true);
    expect(secretReads.map((st) => JSON.stringify(st.Resource)).sort()).toEqual(
      (def.secrets ?? []).map((n) => JSON.stringify({ Ref: logicalIdOfSecret(s, n) })).sort(),
    );
    // Encryption keys: kms:GenerateDataKey and kms:Decrypt on exactly the declared ones.
    for (const keyName of Object.keys(m.keys ?? {})) {
      const onKey = mentioning(sts, logicalIdOfKey(s, keyName));
      if ((def.keys ?? []).includes(keyName)) expect(onKey.flatMap(actionsOf).sort(), `${name} on key ${keyName}`).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      else expect(onKey, `${name} must not use key ${keyName}`).toEqual([]);
    }
    // Nothing but its log group, X-Ray and what the manifest declares.
    for (const st of sts) {
      const ok = actionsOf(st).every((a) => /^(dynamodb|states|events|logs|xray|kms|secretsmanager):/.test(a));
      expect(ok, JSON.stringify(st)).toBe(true);
    }
  }
}

export function expectRoutes(s: Synthesized, m: Manifest): void {
  const routes = ofType(s, 'AWS::ApiGatewayV2::Route');
  expect(routes).toHaveLength(m.routes.length);
  const authorizers = ofType(s, 'AWS::ApiGatewayV2::Authorizer');
  expect(authorizers).toHaveLength(1);
  const [authId, auth] = authorizers[0]!;
  expect(auth.Properties!.AuthorizerType).toBe('JWT');
  expect(JSON.stringify(auth.Properties!.JwtConfiguration)).toContain(logicalId(s.stack.auth.userPool));
  expect((auth.Properties!.JwtConfiguration as { Audience: unknown[] }).Audience).toEqual([ref(logicalId(s.stack.auth.client))]);
  for (const route of m.routes) {
    const found = routes.filter(([, r]) => r.Properties!.RouteKey === `${route.method} ${route.path}`);
    expect(found, `${route.method} ${route.path}`).toHaveLength(1);
    const p = found[0]![1].Properties!;
    if (route.auth === 'jwt') {
      expect(p.AuthorizationType).toBe('JWT');
      expect(p.AuthorizerId).toEqual(ref(authId));
    } else {
      expect(p.AuthorizationType).toBe('NONE');
      expect(p.AuthorizerId).toBeUndefined();
    }
    const integrationId = (JSON.stringify(p.Target).match(/"Ref":"([^"]+)"/) ?? [])[1]!;
    const integration = s.json.Resources[integrationId]!.Properties!;
    expect(integration.IntegrationType).toBe('AWS_PROXY');
    expect(integration.PayloadFormatVersion).toBe('2.0');
    expect(integration.IntegrationUri).toEqual(arnOf(logicalId(s.stack.functions[route.function]!.fn)));
  }
  const [, stage] = ofType(s, 'AWS::ApiGatewayV2::Stage')[0]!;
  expect(stage.Properties!.StageName).toBe('$default');
  expect((stage.Properties!.AccessLogSettings as { DestinationArn: unknown }).DestinationArn).toBeDefined();
}

function targetArn(s: Synthesized, t: { function: string } | { workflow: string }): unknown {
  return 'function' in t ? arnOf(logicalId(s.stack.functions[t.function]!.fn)) : ref(logicalId(s.stack.workflows[t.workflow]!.stateMachine));
}

export function expectRulesAndSchedules(s: Synthesized, m: Manifest): void {
  const rules = ofType(s, 'AWS::Events::Rule');
  const onBus = rules.filter(([, r]) => r.Properties!.EventPattern !== undefined);
  expect(onBus).toHaveLength(Object.keys(m.rules).length);
  for (const [name, def] of Object.entries(m.rules)) {
    const found = onBus.filter(([, r]) => r.Properties!.Description === def.description);
    expect(found, name).toHaveLength(1);
    const p = found[0]![1].Properties!;
    expect(p.EventBusName).toEqual(ref(logicalId(s.stack.bus)));
    expect(p.EventPattern).toEqual(def.eventPattern);
    const targets = p.Targets as Record<string, unknown>[];
    expect(targets).toHaveLength(def.targets.length);
    def.targets.forEach((t, i) => {
      const got = targets[i]!;
      expect(got.Arn).toEqual(targetArn(s, t));
      expect(got.InputPath).toEqual(t.inputPath);
      if (t.inputTransformer) {
        expect(got.InputTransformer).toEqual({ InputPathsMap: t.inputTransformer.inputPathsMap, InputTemplate: t.inputTransformer.inputTemplate });
      } else expect(got.InputTransformer).toBeUndefined();
    });
  }
  const scheduled = Object.entries(m.schedules);
  const cfn = ofType(s, 'AWS::Scheduler::Schedule');
  expect(cfn).toHaveLength(scheduled.filter(([, d]) => d.timezone).length);
  for (const [name, def] of scheduled) {
    if (def.timezone) {
      const found = cfn.filter(([, r]) => r.Properties!.Description === def.description);
      expect(found, name).toHaveLength(1);
      const p = found[0]![1].Properties!;
      expect(p.ScheduleExpression).toBe(def.expression);
      expect(p.ScheduleExpressionTimezone).toBe(def.timezone);
      const target = p.Target as { Arn: unknown; RoleArn: { 'Fn::GetAtt': [string, string] }; Input: string };
      expect(target.Arn).toEqual(targetArn(s, def.target));
      expect(JSON.parse(target.Input)).toEqual(def.input ?? {});
      // The schedule's role may do exactly one thing: start its target.
      const sts = statementsOfRole(s, target.RoleArn['Fn::GetAtt'][0]);
      expect(sts).toHaveLength(1);
      expect(sts[0]!.Resource).toEqual(target.Arn);
      expect(actionsOf(sts[0]!)).toEqual(['function' in def.target ? 'lambda:InvokeFunction' : 'states:StartExecution']);
    } else {
      const found = rules.filter(([, r]) => r.Properties!.Description === def.description);
      expect(found, name).toHaveLength(1);
      expect(found[0]![1].Properties!.ScheduleExpression).toBe(def.expression);
      const [t] = found[0]![1].Properties!.Targets as { Arn: unknown; Input: string }[];
      expect(t!.Arn).toEqual(targetArn(s, def.target));
      expect(JSON.parse(t!.Input)).toEqual(def.input ?? {});
    }
  }
}

export function expectWorkflows(s: Synthesized, m: Manifest): void {
  expect(ofType(s, 'AWS::StepFunctions::StateMachine')).toHaveLength(Object.keys(m.workflows).length);
  for (const [name, def] of entries<WorkflowDef>(m.workflows)) {
    const wf = s.stack.workflows[name]!;
    const p = s.json.Resources[logicalId(wf.stateMachine)]!.Properties!;
    expect(p.StateMachineType).toBe('STANDARD');
    expect(p.StateMachineName).toBe(`${s.stack.stackName}-${name}`);
    expect(p.TracingConfiguration).toEqual({ Enabled: true });
    expect((p.LoggingConfiguration as { Level: string }).Level).toBe('ALL');
    expect(p.DefinitionS3Location).toBeDefined();
    const subs = p.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(subs).sort()).toEqual(Object.keys(def.substitutions ?? {}).sort());
    for (const [k, sub] of Object.entries(def.substitutions ?? {})) {
      if ('function' in sub) expect(subs[k]).toEqual(arnOf(logicalId(s.stack.functions[sub.function]!.fn)));
      else if ('table' in sub) expect(subs[k]).toEqual(ref(logicalId(s.stack.tables[sub.table]!)));
      else if ('literal' in sub) expect(subs[k]).toBe(sub.literal);
      else expect(subs[k]).toEqual(ref(logicalId(s.stack.bus)));
    }
    // Every ${Name} the definition uses is substituted.
    const asl = readFileSync(resolve(PROJECT_ROOT, def.definition), 'utf8');
    for (const [, used] of asl.matchAll(/\$\{([A-Za-z0-9_.-]+)\}/g)) expect(Object.keys(subs)).toContain(used);

    // The role may invoke exactly the substituted functions its Tasks call, touch exactly the
    // substituted tables its Tasks name, with exactly their actions.
    const sts = statementsOfRole(s, logicalId(wf.role));
    const uses = taskUses(JSON.parse(asl));
    const invoked = sts.filter((st) => actionsOf(st).includes('lambda:InvokeFunction')).map((st) => st.Resource);
    const expectedFns = new Set(uses.flatMap((u) => u.refs).filter((r) => def.substitutions?.[r] && 'function' in def.substitutions[r]!));
    expect(invoked).toHaveLength(expectedFns.size);
    for (const tableName of Object.keys(m.tables)) {
      const onTable = mentioning(sts, logicalId(s.stack.tables[tableName]!));
      const named = uses.filter((u) => u.refs.some((r) => (def.substitutions?.[r] as { table?: string } | undefined)?.table === tableName));
      const expectedActions = named.map((u) => `dynamodb:${u.resource.split(':').pop()![0]!.toUpperCase()}${u.resource.split(':').pop()!.slice(1)}`);
      expect(onTable.flatMap(actionsOf).sort()).toEqual([...new Set(expectedActions)].sort());
    }
  }
}

export function expectAgreement(s: Synthesized, m: Manifest): void {
  expectTables(s, m);
  expectFunctions(s, m);
  expectFunctionGrants(s, m);
  expectRoutes(s, m);
  expectRulesAndSchedules(s, m);
  expectWorkflows(s, m);
  expect(ofType(s, 'AWS::Events::EventBus').map(([, r]) => r.Properties!.Name)).toEqual([m.busName]);
}
