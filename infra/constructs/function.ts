import { resolve } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Policy, PolicyStatement, Role, ServicePrincipal, type IGrantable, type IPrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing, type CfnFunction, type IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

export interface JiuzhuFunctionProps {
  /** Repository root: entries are relative to it, and it holds package-lock.json. */
  projectRoot: string;
  /** Handler module, relative to projectRoot (e.g. functions/handlers/regions.ts). */
  entry: string;
  /** Exported handler name. */
  handler: string;
  description: string;
  /** POWERTOOLS_SERVICE_NAME; the manifest's logical function name. */
  serviceName: string;
  /** POWERTOOLS_METRICS_NAMESPACE. */
  metricsNamespace: string;
  memoryMb?: number;
  timeoutSeconds?: number;
  environment?: Record<string, string>;
  logRetention?: RetentionDays;
}

/** CDK context key: `true` writes esbuild's metafile into every function's asset. */
export const BUNDLE_METAFILE_CONTEXT = 'jiuzhu:bundle-metafile';

/** Env vars the construct owns; a manifest's `environment` may not override them. */
export const RESERVED_ENV = ['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL', 'NODE_OPTIONS'] as const;

/**
 * One Lambda function with jiuzhu's safe defaults baked in: Node.js 22 on arm64, ESM bundle
 * built by the local esbuild (never Docker), minified with source maps, X-Ray tracing, its own
 * log group with a retention, its own role that can write only to that log group, and the
 * Powertools environment. Access to tables, workflows and the bus is added with the `bind*`
 * helpers (infra/constructs/bind.ts), which add the env var and the grant together.
 */
export class JiuzhuFunction extends Construct implements IGrantable {
  readonly fn: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: JiuzhuFunctionProps) {
    super(scope, id);
    for (const key of Object.keys(props.environment ?? {})) {
      if ((RESERVED_ENV as readonly string[]).includes(key) || key.startsWith('AWS_')) {
        throw new Error(`function ${props.serviceName}: environment variable ${key} is reserved`);
      }
    }

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.SIX_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // An explicit role instead of the default one: the default attaches the AWS managed
    // AWSLambdaBasicExecutionRole (logs:* on every log group); this one writes to its own group.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.serviceName}`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: resolve(props.projectRoot, props.entry),
      handler: props.handler,
      projectRoot: props.projectRoot,
      depsLockFilePath: resolve(props.projectRoot, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memoryMb ?? 256,
      timeout: Duration.seconds(props.timeoutSeconds ?? 10),
      tracing: Tracing.ACTIVE,
      logGroup: this.logGroup,
      // The function sees the role as immutable, so what it would add by itself (the X-Ray
      // statement) lands nowhere; the grants from bind* go to the mutable role's default
      // policy, and X-Ray gets its own policy below, the only place Resource * is acknowledged.
      role: this.role.withoutPolicyUpdates(),
      environment: {
        ...props.environment,
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: props.metricsNamespace,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        platform: 'node',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // The Node.js 22 runtime ships the AWS SDK v3; keep it out of the bundle (cold start).
        externalModules: ['@aws-sdk/*'],
        // CommonJS dependencies bundled into an ESM file still call require().
        banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
        // esbuild's metafile (index.meta.json beside the bundle: what each input adds) when the
        // context asks for it — the infra test does, to print and bound every bundle's size.
        metafile: this.node.tryGetContext(BUNDLE_METAFILE_CONTEXT) === true,
        // esbuild's warnings and errors only (no per-asset size summary on every synth).
        logLevel: LogLevel.WARNING,
      },
    });

    const tracing = new Policy(this, 'TracingPolicy', {
      statements: [new PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] })],
    });
    tracing.attachToRole(this.role);
    this.fn.node.addDependency(this.role, tracing);

    // Findings that hold for every function this construct makes.
    acknowledge(
      this.fn,
      'AwsSolutions-L1',
      'The platform pins Lambda to nodejs22.x (ARCHITECTURE.md: Node 22 runtime, middy 6, Powertools tested on 22); moving to a newer runtime is a deliberate upgrade, not a default.',
    );
    acknowledge(
      tracing,
      'AwsSolutions-IAM5[Resource::*]',
      'Only the X-Ray actions added by active tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) use Resource *; X-Ray supports no resource-level permissions for them.',
    );
  }

  get grantPrincipal(): IPrincipal {
    return this.role;
  }

  get functionArn(): string {
    return this.fn.functionArn;
  }

  get cfnFunction(): CfnFunction {
    return this.fn.node.defaultChild as CfnFunction;
  }

  addEnvironment(key: string, value: string): void {
    this.fn.addEnvironment(key, value);
  }

  get function(): IFunction {
    return this.fn;
  }
}
