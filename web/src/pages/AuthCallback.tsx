import { Alert, Spin } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { loadConfig, sessionFromToken, setSession } from '../auth/session.ts';
import { HOME } from '../routes.tsx';

/** The hosted login's redirect: exchange the code (PKCE) and start the session. */
export default function AuthCallback() {
  const navigate = useNavigate();
  const [error, setError] = useState<string>();
  useEffect(() => {
    void (async () => {
      try {
        const { userManager } = await import('../auth/oidc.ts');
        const user = await userManager(await loadConfig()).signinRedirectCallback();
        // The pre-token trigger puts role and regionCode into both tokens; the API checks the access token's client.
        const s = sessionFromToken(user.id_token ?? user.access_token, String(user.profile.name ?? user.profile.email ?? user.profile.sub));
        setSession(s);
        navigate(HOME[s.role], { replace: true });
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    })();
  }, [navigate]);
  return <main className="page">{error ? <Alert type="error" title={`登录失败：${error}`} /> : <Spin tip="正在登录…" />}</main>;
}
