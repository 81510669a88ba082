import { Alert, Button, Card, Col, Row, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { DEMO_PEOPLE, type DemoPerson } from '../auth/demo.ts';
import { loadConfig, sessionFromToken, setSession, useSession, type ConsoleConfig } from '../auth/session.ts';
import { ROLE } from '../labels.ts';
import { HOME } from '../routes.tsx';

/**
 * 登录. Locally: choose one of the demo's people (a token from POST /_local/token). In AWS: the
 * Cognito hosted login (authorization code + PKCE).
 */
export default function Login() {
  const navigate = useNavigate();
  const session = useSession();
  const [config, setConfig] = useState<ConsoleConfig>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  useEffect(() => void loadConfig().then(setConfig), []);
  useEffect(() => {
    if (session) navigate(HOME[session.role], { replace: true });
  }, [session, navigate]);

  const signInLocal = async (p: DemoPerson) => {
    setBusy(p.sub);
    setError(undefined);
    try {
      const res = await fetch('/_local/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sub: p.sub, role: p.role, ...(p.regionCode ? { regionCode: p.regionCode } : {}) }),
      });
      if (!res.ok) throw new Error(`登录失败（${res.status}）`);
      const { token } = (await res.json()) as { token: string };
      setSession(sessionFromToken(token, p.name));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(undefined);
    }
  };

  const signInCognito = async () => {
    const { userManager } = await import('../auth/oidc.ts');
    await userManager(config!).signinRedirect();
  };

  return (
    <main className="page" style={{ maxWidth: 960 }}>
      <Typography.Title level={1} style={{ fontSize: 24, marginTop: 24 }}>
        救助 · 社会救助综合平台
      </Typography.Title>
      <Typography.Paragraph type="secondary">一门受理 · 村镇市三级审核 · 动态监测预警 · 家庭救助一目了然</Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      {!config ? null : config.auth === 'cognito' ? (
        <Card>
          <Button type="primary" size="large" onClick={() => void signInCognito()}>
            统一身份认证登录
          </Button>
        </Card>
      ) : (
        <>
          <Alert type="info" showIcon style={{ marginBottom: 16 }} title="本地演示环境：选择一个演示身份登录（数据由 npm run seed:demo 生成，均为虚构）" />
          <Row gutter={[16, 16]}>
            {DEMO_PEOPLE.map((p) => (
              <Col xs={24} sm={12} md={8} key={p.sub}>
                <Card size="small" title={p.name} extra={<Tag color="red">{ROLE[p.role]}</Tag>}>
                  <Space orientation="vertical" style={{ width: '100%' }}>
                    <Typography.Text type="secondary">{p.note}</Typography.Text>
                    {p.regionCode && <Typography.Text type="secondary">辖区 {p.regionCode}</Typography.Text>}
                    <Button type="primary" block loading={busy === p.sub} onClick={() => void signInLocal(p)} aria-label={`以${p.name}（${ROLE[p.role]}）登录`}>
                      登录
                    </Button>
                  </Space>
                </Card>
              </Col>
            ))}
          </Row>
        </>
      )}
    </main>
  );
}
