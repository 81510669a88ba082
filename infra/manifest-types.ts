/**
 * The shape of the one manifest that both the CDK stack (infra/stack.ts) and the local runtime
 * (local/) read. Nothing is declared twice: a table, function, route, rule, schedule or workflow
 * exists because it is here.
 */

export type AttributeType = 'S' | 'N';

export interface KeyDef {
  name: string;
  type: AttributeType;
}

export interface GsiDef {
  name: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  /** Default ALL. */
  projection?: 'ALL' | 'KEYS_ONLY';
}

export interface TableDef {
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  gsis?: GsiDef[];
  /** Attribute holding an epoch-seconds expiry. */
  ttlAttribute?: string;
  /** Env var through which functions learn the physical name. */
  envVar: string;
  description: string;
  /** Encryption at rest in AWS. Default AWS_MANAGED (an AWS-managed KMS key); CUSTOMER_MANAGED
   *  creates a customer-managed KMS key with rotation for this table. */
  encryption?: 'AWS_MANAGED' | 'CUSTOMER_MANAGED';
  /**
   * A DynamoDB stream (NEW_IMAGE) delivered to a function, in order per item and at least once
   * (retried until it succeeds): an outbox. Locally the stream is read from DynamoDB Local's
   * Streams API with a persisted checkpoint (local/streams.ts).
   */
  stream?: { function: string; description: string };
}

export type AccessMode = 'RO' | 'RW';

export interface FunctionDef {
  /** Path of the handler module from the repository root, e.g. functions/handlers/regions.ts */
  entry: string;
  /** Exported handler name. */
  handler: string;
  description: string;
  /** Tables this function may touch and how; each adds the env var and the IAM grant together. */
  tables?: Partial<Record<string, AccessMode>>;
  /** Workflows it may start / send task results to. */
  workflows?: Partial<Record<string, 'START' | 'CALLBACK' | 'START_AND_CALLBACK'>>;
  /** May put events on the bus. */
  putsEvents?: boolean;
  /** Secrets it reads (names in the manifest's `secrets`); each adds the env var and a read grant. */
  secrets?: string[];
  /** Encryption keys it uses (names in the manifest's `keys`); each adds the env var and a grant
   *  of kms:GenerateDataKey and kms:Decrypt on that key alone. */
  keys?: string[];
  memoryMb?: number;
  timeoutSeconds?: number;
  environment?: Record<string, string>;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

export interface RouteDef {
  method: HttpMethod;
  /** API Gateway route path, e.g. /regions/{code} */
  path: string;
  function: string;
  /** 'jwt' routes go through the Cognito JWT authorizer; 'none' is public. */
  auth: 'jwt' | 'none';
}

export type TargetDef =
  | { function: string; inputPath?: string; inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string } }
  | { workflow: string; inputPath?: string; inputTransformer?: { inputPathsMap?: Record<string, string>; inputTemplate: string } };

export interface RuleDef {
  description: string;
  eventPattern: Record<string, unknown>;
  targets: TargetDef[];
}

export interface ScheduleDef {
  description: string;
  /** rate(...) or cron(...) in AWS's dialect. */
  expression: string;
  timezone: string;
  target: TargetDef;
  /** Constant input for the target. */
  input?: unknown;
}

export interface WorkflowDef {
  /** workflows/<file>.asl.json */
  definition: string;
  description: string;
  /** ${Name} in the definition → a function's ARN ({function}), a table's name ({table}), or a literal. */
  substitutions?: Record<string, { function: string } | { table: string } | { literal: string } | { bus: true }>;
  /** Timeout of the whole execution. */
  timeoutSeconds?: number;
  /** Env var through which bound functions learn the state machine ARN.
   *  Default `<NAME_IN_CONSTANT_CASE>_STATE_MACHINE_ARN` (see infra/constructs/names.ts). */
  envVar?: string;
}

/** A generated secret (Secrets Manager in AWS; a fixed development value locally). */
export interface SecretDef {
  description: string;
  /** Env var carrying the secret's ARN in AWS. */
  arnEnvVar: string;
  /** Env var carrying the value directly (local runtime only). */
  localValueEnvVar: string;
  /** Why the secret is not rotated automatically, when it is not (cdk-nag AwsSolutions-SMG4). */
  noRotationBecause: string;
}

/** An encryption key for application-level (envelope) encryption: a customer-managed KMS key
 *  with rotation in AWS; locally a development value in the environment. */
export interface EncryptionKeyDef {
  description: string;
  /** Env var carrying the key's ARN in AWS. */
  arnEnvVar: string;
  /** Env var carrying the local key material (local runtime only). */
  localValueEnvVar: string;
}

export interface Manifest {
  appName: string;
  busName: string;
  secrets?: Record<string, SecretDef>;
  keys?: Record<string, EncryptionKeyDef>;
  tables: Record<string, TableDef>;
  functions: Record<string, FunctionDef>;
  routes: RouteDef[];
  rules: Record<string, RuleDef>;
  schedules: Record<string, ScheduleDef>;
  workflows: Record<string, WorkflowDef>;
}

export function defineManifest<M extends Manifest>(m: M): M {
  return m;
}
