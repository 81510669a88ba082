import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { importJWK, SignJWT, type JWK } from 'jose';
import { LOCAL_AUDIENCE } from '../../local/jwt.ts';

/**
 * Tokens with claims `/_local/token` would never issue (no exp, iat ahead, a village holding a
 * city code), signed with a persistent test stack's own key: what an insider with a mis-set
 * Cognito attribute, or a skewed signer, would present. The stack must use a data directory.
 */
export async function forgeToken(dataDir: string, httpUrl: string, claims: Record<string, unknown>, opts: { exp?: number | null; iat?: number | null } = {}): Promise<string> {
  const { priv } = JSON.parse(readFileSync(join(dataDir, 'jwt-key.json'), 'utf8')) as { priv: JWK };
  const key = await importJWK(priv, 'RS256');
  const now = Math.floor(Date.now() / 1000);
  const { sub, ...rest } = claims;
  let jwt = new SignJWT(rest).setProtectedHeader({ alg: 'RS256', kid: 'local' }).setSubject(String(sub)).setIssuer(issuerOf(httpUrl)).setAudience(LOCAL_AUDIENCE);
  if (opts.iat !== null) jwt = jwt.setIssuedAt(opts.iat ?? now);
  if (opts.exp !== null) jwt = jwt.setExpirationTime(opts.exp ?? now + 3600);
  return jwt.sign(key);
}

/** The local issuer is fixed at start from the requested port (0 for test stacks). */
function issuerOf(_httpUrl: string): string {
  return 'http://127.0.0.1:0/_local';
}
