import { afterEach, describe, expect, it, vi } from 'vitest';

/** The keyed hash of resident IDs: its key comes from the environment locally, Secrets Manager in AWS. */
describe('id-hash', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.resetModules();
    vi.unstubAllEnvs();
  });

  it('is keyed: another key gives another hash, the same key the same one', async () => {
    vi.stubEnv('ID_HASH_KEY', 'key-one');
    const a = await import('../../functions/commons/id-hash.ts');
    const one = a.idHash('11010519491231002X');
    expect(a.idHash('11010519491231002x')).toBe(one);
    vi.resetModules();
    vi.stubEnv('ID_HASH_KEY', 'key-two');
    const b = await import('../../functions/commons/id-hash.ts');
    expect(b.idHash('11010519491231002X')).not.toBe(one);
    expect(one).not.toContain('19491231');
  });

  it('reads the key from Secrets Manager once, and says clearly when neither source is set', async () => {
    vi.stubEnv('ID_HASH_KEY', '');
    vi.stubEnv('ID_HASH_KEY_SECRET_ARN', '');
    const bare = await import('../../functions/commons/id-hash.ts');
    await expect(bare.ensureIdHashKey()).rejects.toThrow(/ID_HASH_KEY/);
    expect(() => bare.idHash('11010519491231002X')).toThrow(/ensureIdHashKey/);

    vi.resetModules();
    vi.stubEnv('ID_HASH_KEY_SECRET_ARN', 'arn:aws:secretsmanager:cn-northwest-1:1:secret:k');
    const { SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
    const send = vi.spyOn(SecretsManagerClient.prototype, 'send').mockImplementation(async () => ({ SecretString: 'from-secret' }) as never);
    const mod = await import('../../functions/commons/id-hash.ts');
    await Promise.all([mod.ensureIdHashKey(), mod.ensureIdHashKey()]);
    await mod.ensureIdHashKey();
    expect(send).toHaveBeenCalledTimes(1);
    expect(mod.idHash('11010519491231002X')).toHaveLength(32);
  });
});
