import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';

/**
 * Payee account numbers, encrypted (envelope encryption). Each value is AES-256-GCM under a data
 * key, bound to its household (additional authenticated data), so a ciphertext moved to another
 * household does not decrypt. The data key itself is wrapped:
 *   - in AWS by the KMS key the manifest declares (`keys.payeeAccounts`, PAYEE_ACCOUNT_KEY_ARN),
 *     GenerateDataKey / Decrypt with an encryption context; only the payments API may use it;
 *   - locally by a key derived from PAYEE_ACCOUNT_KEY (a development value the local runtime
 *     sets, like the ID hash key).
 * A data key serves many values (one KMS call per cold start and 10,000 values), and unwrapped
 * keys are cached, so the bank file's decryption costs one KMS call per data key, not per line.
 *
 * Format: v1.<K|L><wrapped key, base64url>.<iv>.<ciphertext>.<tag>
 */
const CONTEXT = { purpose: 'jiuzhu-payee-account' };
const USES_PER_KEY = 10_000;

let kms: KMSClient | undefined;
let current: { plain: Buffer; wrapped: string; uses: number } | undefined;
const unwrapped = new Map<string, Buffer>();

function localKey(): Buffer | undefined {
  const v = process.env.PAYEE_ACCOUNT_KEY;
  return v ? createHash('sha256').update(`payee-account-key|${v}`).digest() : undefined;
}

function seal(key: Buffer, plain: Buffer, aad: string): string {
  const iv = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plain), c.final()]);
  return [iv, ct, c.getAuthTag()].map((b) => b.toString('base64url')).join('.');
}

function open(key: Buffer, sealed: string, aad: string): Buffer {
  const [iv, ct, tag] = sealed.split('.').map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !ct || !tag) throw new Error('malformed ciphertext');
  const d = createDecipheriv('aes-256-gcm', key, iv);
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}

async function dataKey(): Promise<{ plain: Buffer; wrapped: string }> {
  if (current && current.uses < USES_PER_KEY) {
    current.uses++;
    return current;
  }
  const lk = localKey();
  if (lk) {
    const plain = randomBytes(32);
    // The local wrap: the data key sealed under the local key (three dot-free parts joined by '~').
    current = { plain, wrapped: `L${seal(lk, plain, 'data-key').replaceAll('.', '~')}`, uses: 1 };
  } else {
    const keyId = process.env.PAYEE_ACCOUNT_KEY_ARN;
    if (!keyId) throw new Error('neither PAYEE_ACCOUNT_KEY nor PAYEE_ACCOUNT_KEY_ARN is set');
    kms ??= new KMSClient({});
    const res = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: CONTEXT }));
    if (!res.Plaintext || !res.CiphertextBlob) throw new Error('KMS returned no data key');
    current = { plain: Buffer.from(res.Plaintext), wrapped: `K${Buffer.from(res.CiphertextBlob).toString('base64url')}`, uses: 1 };
  }
  unwrapped.set(current.wrapped, current.plain);
  return current;
}

async function unwrap(wrapped: string): Promise<Buffer> {
  const cached = unwrapped.get(wrapped);
  if (cached) return cached;
  let plain: Buffer;
  if (wrapped.startsWith('L')) {
    const lk = localKey();
    if (!lk) throw new Error('a locally encrypted value needs PAYEE_ACCOUNT_KEY');
    plain = open(lk, wrapped.slice(1).replaceAll('~', '.'), 'data-key');
  } else if (wrapped.startsWith('K')) {
    kms ??= new KMSClient({});
    const res = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(wrapped.slice(1), 'base64url'), EncryptionContext: CONTEXT }));
    if (!res.Plaintext) throw new Error('KMS returned no plaintext');
    plain = Buffer.from(res.Plaintext);
  } else throw new Error('unknown key wrapping');
  if (unwrapped.size > 256) unwrapped.clear();
  unwrapped.set(wrapped, plain);
  return plain;
}

export async function encryptAccount(account: string, householdId: string): Promise<string> {
  const k = await dataKey();
  return `v1.${k.wrapped}.${seal(k.plain, Buffer.from(account, 'utf8'), householdId)}`;
}

export async function decryptAccount(cipher: string, householdId: string): Promise<string> {
  const [version, wrapped, ...rest] = cipher.split('.');
  if (version !== 'v1' || !wrapped || rest.length !== 3) throw new Error('malformed ciphertext');
  return open(await unwrap(wrapped), rest.join('.'), householdId).toString('utf8');
}

/** For tests: forget the cached data keys (as a new process would). */
export function forgetKeysForTests(): void {
  current = undefined;
  unwrapped.clear();
}
