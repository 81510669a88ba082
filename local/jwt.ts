import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

/**
 * The local stand-in for Cognito + the HTTP API JWT authorizer: RS256 tokens signed with a key
 * kept in the data directory (tokens survive restarts), checked for signature, issuer,
 * audience and expiry exactly as the authorizer checks a Cognito token.
 */
export const LOCAL_AUDIENCE = 'jiuzhu-local';

export class LocalJwt {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly publicKey: CryptoKey,
    readonly issuer: string,
  ) {}

  static async create(issuer: string, dataDir?: string): Promise<LocalJwt> {
    const file = dataDir ? join(dataDir, 'jwt-key.json') : undefined;
    let priv: JWK;
    let pub: JWK;
    if (file && existsSync(file)) {
      ({ priv, pub } = JSON.parse(readFileSync(file, 'utf8')) as { priv: JWK; pub: JWK });
    } else {
      const pair = await generateKeyPair('RS256', { extractable: true });
      priv = await exportJWK(pair.privateKey);
      pub = await exportJWK(pair.publicKey);
      if (file) writeFileSync(file, JSON.stringify({ priv, pub }), { mode: 0o600 });
    }
    return new LocalJwt((await importJWK(priv, 'RS256')) as CryptoKey, (await importJWK(pub, 'RS256')) as CryptoKey, issuer);
  }

  async issue(claims: { sub: string; role: string; regionCode?: string }, ttlSeconds = 12 * 3600): Promise<string> {
    return new SignJWT({ role: claims.role, ...(claims.regionCode ? { regionCode: claims.regionCode } : {}) })
      .setProtectedHeader({ alg: 'RS256', kid: 'local' })
      .setSubject(claims.sub)
      .setIssuer(this.issuer)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.privateKey);
  }

  /** The claims of a valid token, or undefined (→ 401). */
  async verify(token: string): Promise<JWTPayload | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { issuer: this.issuer, audience: LOCAL_AUDIENCE, algorithms: ['RS256'] });
      return payload;
    } catch {
      return undefined;
    }
  }
}
