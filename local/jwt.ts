import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';

/**
 * The local stand-in for Cognito + the HTTP API JWT authorizer: RS256 tokens signed with a key
 * kept in the data directory (tokens survive restarts), checked for signature, issuer,
 * audience and expiry exactly as the authorizer checks a Cognito token. API.md v2: `exp` is
 * required and an `iat` more than 60 s ahead is refused.
 */
export const LOCAL_AUDIENCE = 'jiuzhu-local';
const MAX_IAT_SKEW_SECONDS = 60;

/** Verified tokens kept (bounded): most requests carry a token seen before. */
const MAX_VERIFIED = 10_000;

export class LocalJwt {
  private readonly verified = new Map<string, JWTPayload>();

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

  async issue(claims: { sub: string; role: string; regionCode?: string | undefined; idNumber?: string | undefined }, ttlSeconds = 12 * 3600): Promise<string> {
    return new SignJWT({
      role: claims.role,
      ...(claims.regionCode ? { regionCode: claims.regionCode } : {}),
      ...(claims.idNumber ? { idNumber: claims.idNumber } : {}),
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'local' })
      .setSubject(claims.sub)
      .setIssuer(this.issuer)
      .setAudience(LOCAL_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.privateKey);
  }

  /** The key that signs (tests forge tokens with odd claims with it). */
  get signingKey(): CryptoKey {
    return this.privateKey;
  }

  /** The claims of a valid token, or undefined (→ 401). */
  async verify(token: string): Promise<JWTPayload | undefined> {
    const out = await this.check(token);
    return 'payload' in out ? out.payload : undefined;
  }

  /** The claims of a valid token, or why it is not (the 401's message). */
  async check(token: string): Promise<{ payload: JWTPayload } | { problem: string }> {
    // A token verified once stays valid until its exp: only the expiry is checked again (the
    // signature, issuer and audience cannot change; an iat once within the skew stays within it).
    const known = this.verified.get(token);
    if (known) {
      if (typeof known.exp === 'number' && known.exp * 1000 > Date.now()) return { payload: known };
      this.verified.delete(token);
    }
    try {
      const { payload } = await jwtVerify(token, this.publicKey, { issuer: this.issuer, audience: LOCAL_AUDIENCE, algorithms: ['RS256'], requiredClaims: ['exp'] });
      if (typeof payload.iat === 'number' && payload.iat * 1000 > Date.now() + MAX_IAT_SKEW_SECONDS * 1000) return { problem: 'token issued in the future (iat)' };
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
      this.verified.set(token, payload);
      return { payload };
    } catch (err) {
      if (err instanceof errors.JWTExpired) return { problem: 'token expired' };
      if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'exp') return { problem: 'token has no expiry (exp)' };
      return { problem: 'missing or invalid bearer token' };
    }
  }
}
