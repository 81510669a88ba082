import { Button, Drawer, Grid, Layout, Menu, Space, Spin, Typography } from 'antd';
import { Suspense, useEffect, useMemo, useState } from 'react';
import { Link, Navigate, Outlet, useLocation, useNavigate } from 'react-router';
import { setSession, useSession } from '../auth/session.ts';
import { ROLE } from '../labels.ts';
import { ROUTES } from '../routes.tsx';

/** The frame of every signed-in page: the role's menu (from routes.tsx), the user, sign-out. */
export default function BasicLayout() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const [drawer, setDrawer] = useState(false);
  useFocusableScrollRegions();
  const items = useMemo(() => {
    if (!session) return [];
    const mine = ROUTES.filter((r) => !r.hideInMenu && r.roles.includes(session.role));
    const groups = [...new Set(mine.map((r) => r.group ?? ''))];
    return groups.map((g) => ({
      key: g,
      type: 'group' as const,
      label: g,
      children: mine.filter((r) => (r.group ?? '') === g).map((r) => ({ key: r.path, label: <Link to={r.path}>{r.name}</Link> })),
    }));
  }, [session]);
  if (!session) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  const route = ROUTES.find((r) => matches(r.path, location.pathname));
  if (route && !route.roles.includes(session.role)) return <Navigate to="/login" replace />;
  const selected = ROUTES.filter((r) => !r.hideInMenu && location.pathname.startsWith(r.path)).map((r) => r.path);
  const wide = screens.md ?? true;
  const menu = <Menu mode="inline" items={items} selectedKeys={selected} onClick={() => setDrawer(false)} style={{ borderInlineEnd: 0 }} />;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 12, padding: '0 16px', background: '#8c1f1b' }}>
        {!wide && (
          <Button type="text" aria-label="打开菜单" onClick={() => setDrawer(true)} style={{ color: '#fff', fontSize: 20 }}>
            ☰
          </Button>
        )}
        <Typography.Title level={1} style={{ color: '#fff', margin: 0, fontSize: wide ? 18 : 16, whiteSpace: 'nowrap' }}>
          救助 · 社会救助综合平台
        </Typography.Title>
        <Space style={{ marginInlineStart: 'auto', color: '#fff' }} size="small">
          <span className="nowrap">
            {session.name}
            {wide ? ` · ${ROLE[session.role]}${session.regionCode ? ` ${session.regionCode}` : ''}` : ''}
          </span>
          <Button
            size="small"
            onClick={() => {
              setSession(null);
              navigate('/login');
            }}
          >
            退出
          </Button>
        </Space>
      </Layout.Header>
      <Layout>
        {wide ? (
          <Layout.Sider width={220} theme="light" aria-label="导航">
            <nav aria-label="功能菜单">{menu}</nav>
          </Layout.Sider>
        ) : (
          <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" size={260} title="功能菜单">
            <nav aria-label="功能菜单">{menu}</nav>
          </Drawer>
        )}
        <Layout.Content>
          <main>
            <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} tip="加载中…" />}>
              <Outlet />
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

function matches(pattern: string, path: string): boolean {
  const re = new RegExp(`^${pattern.replace(/:[^/]+/g, '[^/]+')}$`);
  return re.test(path);
}

/**
 * Tables that scroll sideways (phones) must be reachable by keyboard (axe-core:
 * scrollable-region-focusable): their scroll containers get tabindex 0 and a name.
 */
function useFocusableScrollRegions() {
  useEffect(() => {
    const mark = () => {
      for (const el of document.querySelectorAll<HTMLElement>('.ant-table-content, .ant-table-body')) {
        if (el.tabIndex !== 0) {
          el.tabIndex = 0;
          el.setAttribute('role', 'region');
          el.setAttribute('aria-label', '表格（可左右滚动）');
        }
      }
    };
    mark();
    const mo = new MutationObserver(mark);
    mo.observe(document.body, { childList: true, subtree: true });
    return () => mo.disconnect();
  }, []);
}
