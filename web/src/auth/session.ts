import { useSyncExternalStore } from 'react';

/**
 * The signed-in user: a bearer token and what its claims say (role, jurisdiction). Locally the
 * token comes from POST /_local/token; in AWS from the Cognito hosted login (auth/oidc.ts).
 */
export type Role = 'citizen' | 'village' | 'town' | 'city' | 'admin' | 'monitor';

export interface Session {
  token: string;
  sub: string;
  role: Role;
  regionCode?: string;
  /** Who is signed in, in words (the demo person or the Cognito name). */
  name: string;
  expiresAt: number;
}

export interface ConsoleConfig {
  /** 'local': sign-in through /_local/token; 'cognito': the user pool's hosted login. */
  auth: 'local' | 'cognito';
  /** The API's base URL; empty = this origin (locally the console is served by the API). */
  apiUrl?: string;
  cognito?: { authority: string; clientId: string; domain: string };
}

const KEY = 'jiuzhu.session';
let current: Session | null = read();
const listeners = new Set<() => void>();

function read(): Session | null {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && s.expiresAt > Date.now() ? s : null;
  } catch {
    return null;
  }
}

export function claimsOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = decodeURIComponent(
    atob(part.replace(/-/g, '+').replace(/_/g, '/'))
      .split('')
      .map((c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
      .join(''),
  );
  return JSON.parse(json) as Record<string, unknown>;
}

export function sessionFromToken(token: string, name: string): Session {
  const c = claimsOf(token);
  return {
    token,
    sub: String(c.sub),
    role: String(c.role ?? 'citizen') as Role,
    ...(typeof c.regionCode === 'string' ? { regionCode: c.regionCode } : {}),
    name,
    expiresAt: typeof c.exp === 'number' ? c.exp * 1000 : Date.now() + 3600_000,
  };
}

export function setSession(s: Session | null): void {
  current = s;
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function getSession(): Session | null {
  if (current && current.expiresAt <= Date.now()) setSession(null);
  return current;
}

export function useSession(): Session | null {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    getSession,
  );
}

let config: Promise<ConsoleConfig> | undefined;
/** config.json: served by the local runtime, written to the bucket at deploy in AWS. */
export function loadConfig(): Promise<ConsoleConfig> {
  config ??= fetch('/config.json', { cache: 'no-cache' })
    .then((r) => (r.ok ? (r.json() as Promise<ConsoleConfig>) : { auth: 'local' as const }))
    .catch(() => ({ auth: 'local' as const }));
  return config;
}
