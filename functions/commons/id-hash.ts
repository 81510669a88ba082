import { createHmac } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { normalizeId } from '../domain/resident-id.ts';

/**
 * Resident ID numbers are guessable (a small space), so a plain hash would not hide them: they
 * are indexed by HMAC-SHA256 under a key the platform keeps — in AWS a generated Secrets
 * Manager secret (ID_HASH_KEY_SECRET_ARN) read once per cold start, locally ID_HASH_KEY.
 * Handlers that hash IDs await `ensureIdHashKey()` first.
 */
let key: string | undefined = process.env.ID_HASH_KEY;
let loading: Promise<void> | undefined;

export function ensureIdHashKey(): Promise<void> {
  if (key) return Promise.resolve();
  key = process.env.ID_HASH_KEY;
  if (key) return Promise.resolve();
  const arn = process.env.ID_HASH_KEY_SECRET_ARN;
  if (!arn) return Promise.reject(new Error('neither ID_HASH_KEY nor ID_HASH_KEY_SECRET_ARN is set'));
  loading ??= new SecretsManagerClient({})
    .send(new GetSecretValueCommand({ SecretId: arn }))
    .then((res) => {
      if (!res.SecretString) throw new Error('the ID hash key secret has no value');
      key = res.SecretString;
    })
    .finally(() => {
      loading = undefined;
    });
  return loading;
}

function currentKey(): string {
  const k = key ?? process.env.ID_HASH_KEY;
  if (!k) throw new Error('the ID hash key is not loaded: await ensureIdHashKey() in the handler');
  return k;
}

export function idHash(idNumber: string): string {
  return createHmac('sha256', currentKey()).update(normalizeId(idNumber)).digest('base64url').slice(0, 32);
}

/** A household is known by its head (relation "self"). */
export function householdIdOf(headIdNumber: string): string {
  return `hh_${idHash(`household:${normalizeId(headIdNumber)}`).slice(0, 24)}`;
}

/** Wraps a Lambda handler so the ID hash key is loaded before it runs. */
export function withIdHashKey<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    await ensureIdHashKey();
    return fn(...args);
  };
}
