import { fileURLToPath } from 'node:url';
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, StreamViewType, Table, TableEncryption, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { DynamoEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Grant } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { acknowledge } from './constructs/nag.ts';
import type { Construct } from 'constructs';
import { manifest as defaultManifest } from './manifest.ts';
import type { FunctionDef, GsiDef, EncryptionKeyDef, KeyDef, Manifest, RuleDef, ScheduleDef, SecretDef, TableDef, WorkflowDef } from './manifest-types.ts';
import { JiuzhuAuth } from './constructs/auth.ts';
import { bindBus, bindTable, bindWorkflow } from './constructs/bind.ts';
import { JiuzhuRule, JiuzhuSchedule } from './constructs/events.ts';
import { JiuzhuFunction } from './constructs/function.ts';
import { JiuzhuHttpApi } from './constructs/http-api.ts';
import { EVENT_BUS_ENV_VAR, workflowEnvVar } from './constructs/names.ts';
import { JiuzhuWorkflow } from './constructs/workflow.ts';
import { JiuzhuWebConsole } from './constructs/web-console.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface JiuzhuStackProps extends StackProps {
  /** Defaults to infra/manifest.ts; tests pass a fixture. */
  manifest?: Manifest;
  /** Repository root that manifest paths are relative to. */
  projectRoot?: string;
  /** Keep tables, user pool and logs when the stack is deleted (default true). */
  retainData?: boolean;
}

const attr = (k: KeyDef): Attribute => ({ name: k.name, type: k.type === 'N' ? AttributeType.NUMBER : AttributeType.STRING });
const entries = <T>(r: Record<string, T> | undefined): [string, T][] => Object.entries(r ?? {});

/**
 * The whole platform, built generically from the manifest: nothing here names a particular
 * table, function, route, rule, schedule or workflow.
 */
export class JiuzhuStack extends Stack {
  readonly manifest: Manifest;
  readonly tables: Record<string, Table> = {};
  readonly functions: Record<string, JiuzhuFunction> = {};
  readonly workflows: Record<string, JiuzhuWorkflow> = {};
  readonly bus: EventBus;
  readonly auth: JiuzhuAuth;
  readonly httpApi: JiuzhuHttpApi;
  readonly web: JiuzhuWebConsole;

  constructor(scope: Construct, id: string, props: JiuzhuStackProps = {}) {
    super(scope, id, { description: 'jiuzhu 救助: social assistance platform (HTTP API, Lambda, DynamoDB, Step Functions, EventBridge)', ...props });
    const m: Manifest = (this.manifest = props.manifest ?? (defaultManifest as Manifest));
    const root = props.projectRoot ?? PROJECT_ROOT;
    const removalPolicy = props.retainData === false ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // Tables.
    for (const [name, def] of entries<TableDef>(m.tables)) {
      const key =
        def.encryption === 'CUSTOMER_MANAGED'
          ? new Key(this, `${name}TableKey`, { enableKeyRotation: true, description: `${m.appName} ${name} table`, removalPolicy })
          : undefined;
      const table = new Table(this, `${name}Table`, {
        partitionKey: attr(def.partitionKey),
        ...(def.sortKey ? { sortKey: attr(def.sortKey) } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        ...(key
          ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: key }
          : { encryption: TableEncryption.AWS_MANAGED }),
        ...(def.ttlAttribute ? { timeToLiveAttribute: def.ttlAttribute } : {}),
        deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
        removalPolicy,
        ...(def.stream ? { stream: StreamViewType.NEW_IMAGE } : {}),
      });
      for (const gsi of def.gsis ?? []) {
        table.addGlobalSecondaryIndex({
          indexName: gsi.name,
          partitionKey: attr(gsi.partitionKey),
          ...(gsi.sortKey ? { sortKey: attr(gsi.sortKey) } : {}),
          projectionType: gsi.projection === 'KEYS_ONLY' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
        });
      }
      this.tables[name] = table;
    }

    // Secrets: generated at deploy time, never in the template.
    const secrets: Record<string, Secret> = {};
    for (const [name, def] of entries<SecretDef>(m.secrets)) {
      const secret = new Secret(this, `${name}Secret`, {
        description: def.description,
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
        removalPolicy,
      });
      acknowledge(secret, 'AwsSolutions-SMG4', def.noRotationBecause);
      secrets[name] = secret;
    }

    // Encryption keys for application-level encryption (e.g. payee accounts): rotated yearly.
    const keys: Record<string, Key> = {};
    for (const [name, def] of entries<EncryptionKeyDef>(m.keys)) {
      keys[name] = new Key(this, `${name}Key`, { enableKeyRotation: true, description: `${m.appName}: ${def.description}`, removalPolicy });
    }

    this.bus = new EventBus(this, 'Bus', { eventBusName: m.busName, description: `${m.appName} platform events` });

    // Functions, with their tables and the bus (workflows follow once they exist).
    for (const [name, def] of entries<FunctionDef>(m.functions)) {
      const fn = new JiuzhuFunction(this, `${name}Fn`, {
        projectRoot: root,
        entry: def.entry,
        handler: def.handler,
        description: def.description,
        serviceName: name,
        metricsNamespace: m.appName,
        ...(def.memoryMb ? { memoryMb: def.memoryMb } : {}),
        ...(def.timeoutSeconds ? { timeoutSeconds: def.timeoutSeconds } : {}),
        ...(def.environment ? { environment: def.environment } : {}),
      });
      for (const [tableName, mode] of entries(def.tables)) {
        const table = this.tables[tableName];
        const tdef = m.tables[tableName];
        if (!table || !tdef || !mode) throw new Error(`function ${name} names unknown table ${tableName}`);
        bindTable(fn, table, tdef.envVar, mode, (tdef.gsis ?? []).length > 0);
      }
      if (def.putsEvents) bindBus(fn, this.bus, EVENT_BUS_ENV_VAR);
      for (const secretName of def.secrets ?? []) {
        const secret = secrets[secretName];
        const sdef = m.secrets?.[secretName];
        if (!secret || !sdef) throw new Error(`function ${name} names unknown secret ${secretName}`);
        fn.fn.addEnvironment(sdef.arnEnvVar, secret.secretArn);
        secret.grantRead(fn);
      }
      for (const keyName of def.keys ?? []) {
        const key = keys[keyName];
        const kdef = m.keys?.[keyName];
        if (!key || !kdef) throw new Error(`function ${name} names unknown key ${keyName}`);
        fn.addEnvironment(kdef.arnEnvVar, key.keyArn);
        // Envelope encryption needs exactly these two, on this key alone (no ReEncrypt*, no wildcards).
        Grant.addToPrincipal({ grantee: fn, actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resourceArns: [key.keyArn] });
      }
      this.functions[name] = fn;
    }

    // Table streams → their functions (outboxes): retried until they succeed, in order per item.
    for (const [name, def] of entries<TableDef>(m.tables)) {
      if (!def.stream) continue;
      const fn = this.functions[def.stream.function];
      if (!fn) throw new Error(`table ${name} streams to unknown function ${def.stream.function}`);
      fn.fn.addEventSource(new DynamoEventSource(this.tables[name]!, { startingPosition: StartingPosition.TRIM_HORIZON, batchSize: 25, bisectBatchOnError: true, retryAttempts: -1 }));
    }

    // Workflows.
    const tableResources: Record<string, { table: Table; gsis: readonly GsiDef[] }> = {};
    for (const [name, table] of Object.entries(this.tables)) tableResources[name] = { table, gsis: m.tables[name]?.gsis ?? [] };
    for (const [name, def] of entries<WorkflowDef>(m.workflows)) {
      this.workflows[name] = new JiuzhuWorkflow(this, `${name}Workflow`, {
        projectRoot: root,
        name,
        def,
        resources: { functions: this.functions, tables: tableResources, bus: this.bus },
      });
    }
    for (const [name, def] of entries<FunctionDef>(m.functions)) {
      for (const [wfName, mode] of entries(def.workflows)) {
        const wf = this.workflows[wfName];
        const wdef = m.workflows[wfName];
        if (!wf || !wdef || !mode) throw new Error(`function ${name} names unknown workflow ${wfName}`);
        bindWorkflow(this.functions[name]!, wf, workflowEnvVar(wfName, wdef), mode);
      }
    }

    // Rules and schedules.
    const targets = { functions: this.functions, workflows: this.workflows };
    for (const [name, def] of entries<RuleDef>(m.rules)) new JiuzhuRule(this, `${name}Rule`, { name, def, bus: this.bus, resources: targets });
    for (const [name, def] of entries<ScheduleDef>(m.schedules)) new JiuzhuSchedule(this, `${name}Schedule`, { name, def, resources: targets });

    // Sign-in and the HTTP API.
    this.auth = new JiuzhuAuth(this, 'Auth', { projectRoot: root, appName: m.appName });
    this.httpApi = new JiuzhuHttpApi(this, 'Http', {
      apiName: `${this.stackName}-api`,
      routes: m.routes,
      functions: this.functions,
      jwt: { issuer: this.auth.issuer, audience: [this.auth.client.userPoolClientId] },
    });

    this.web = new JiuzhuWebConsole(this, 'Web', {
      projectRoot: root,
      appName: m.appName,
      userPool: this.auth.userPool,
      client: this.auth.client,
      issuer: this.auth.issuer,
      httpApi: this.httpApi.api,
      apiUrl: this.httpApi.url,
      removalPolicy,
    });
    new CfnOutput(this, 'ConsoleUrl', { value: this.web.url, description: 'the web console (CloudFront)' });
    new CfnOutput(this, 'LoginDomain', { value: this.web.loginDomain, description: 'Cognito hosted login' });

    new CfnOutput(this, 'ApiUrl', { value: this.httpApi.url });
    new CfnOutput(this, 'UserPoolId', { value: this.auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.auth.client.userPoolClientId });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    for (const [name, table] of Object.entries(this.tables)) {
      new CfnOutput(this, `${name}TableName`, { value: table.tableName, description: `env ${m.tables[name]?.envVar}` });
    }
  }
}
