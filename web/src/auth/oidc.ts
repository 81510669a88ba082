import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import type { ConsoleConfig } from './session.ts';

/**
 * The Cognito user pool's hosted login: authorization code with PKCE (oidc-client-ts does the
 * verifier, state and token exchange). Loaded only in AWS (config.json says auth: cognito).
 */
let manager: UserManager | undefined;

export function userManager(config: ConsoleConfig): UserManager {
  if (!config.cognito) throw new Error('config.json has no cognito settings');
  manager ??= new UserManager({
    authority: config.cognito.authority,
    client_id: config.cognito.clientId,
    redirect_uri: `${location.origin}/auth/callback`,
    post_logout_redirect_uri: `${location.origin}/login`,
    response_type: 'code',
    scope: 'openid email profile',
    userStore: new WebStorageStateStore({ store: sessionStorage }),
    metadataSeed: {
      end_session_endpoint: `${config.cognito.domain}/logout?client_id=${encodeURIComponent(config.cognito.clientId)}&logout_uri=${encodeURIComponent(`${location.origin}/login`)}`,
    },
  });
  return manager;
}
