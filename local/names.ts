import { manifest } from '../infra/manifest.ts';

/** Physical names and ARNs of the manifest's resources in the local runtime. */
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export const tableName = (logical: string) => `${manifest.appName}-${logical}`;
export const functionName = (logical: string) => `${manifest.appName}-${logical}`;
export const functionArn = (logical: string) =>
  `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${functionName(logical)}`;
export const stateMachineArn = (logical: string) =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${manifest.appName}-${logical}`;
export const busArn = () => `arn:aws:events:${LOCAL_REGION}:${LOCAL_ACCOUNT}:event-bus/${manifest.busName}`;

/** The logical function name behind a local function name or ARN, if it is one of ours. */
export function logicalFunctionOf(nameOrArn: string): string | undefined {
  const name = nameOrArn.startsWith('arn:') ? nameOrArn.split(':')[6] : nameOrArn;
  const prefix = `${manifest.appName}-`;
  if (!name?.startsWith(prefix)) return undefined;
  const logical = name.slice(prefix.length);
  return logical in manifest.functions ? logical : undefined;
}

/**
 * Locally a secret (Secrets Manager in AWS) or an encryption key (KMS in AWS) is a fixed
 * development value in the environment, never a real key. The runtime and every script that
 * writes what the runtime reads (ID hashes) set them the same way.
 */
export function setLocalSecretValues(): void {
  for (const [name, def] of Object.entries(manifest.secrets ?? {})) process.env[def.localValueEnvVar] ??= `local-development-${name}-not-secret`;
  for (const [name, def] of Object.entries(manifest.keys ?? {})) process.env[def.localValueEnvVar] ??= `local-development-${name}-not-secret`;
}
