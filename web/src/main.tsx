import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { loadConfig } from './auth/session.ts';
import BasicLayout from './layouts/BasicLayout.tsx';
import AuthCallback from './pages/AuthCallback.tsx';
import Login from './pages/Login.tsx';
import { ROUTES } from './routes.tsx';
import { setApiBase } from './services/client.ts';
import './global.css';

dayjs.locale('zh-cn');

const queryClient = new QueryClient({
  defaultOptions: { queries: { retry: 1, staleTime: 5_000, refetchOnWindowFocus: false } },
});

const router = createBrowserRouter([
  { path: '/login', element: <Login /> },
  { path: '/auth/callback', element: <AuthCallback /> },
  {
    path: '/',
    element: <BasicLayout />,
    children: [
      { index: true, element: <Navigate to="/login" replace /> },
      ...ROUTES.map((r) => ({ path: r.path, element: <r.component /> })),
      { path: '*', element: <Navigate to="/login" replace /> },
    ],
  },
]);

void loadConfig().then((c) => setApiBase(c.apiUrl));

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ConfigProvider
      locale={zhCN}
      button={{ autoInsertSpace: false }}
      // Secondary text dark enough for WCAG AA contrast (axe-core: color-contrast).
      // colorError darker than antd's #ff4d4f: a danger button's text on white needs 4.5:1 (WCAG AA).
      theme={{ token: { colorPrimary: '#b7312c', colorError: '#c41d1f', borderRadius: 4, colorTextSecondary: 'rgba(0,0,0,0.65)', colorTextTertiary: 'rgba(0,0,0,0.62)', colorTextDescription: 'rgba(0,0,0,0.65)', colorTextPlaceholder: 'rgba(0,0,0,0.55)', colorLink: '#8c1f1b' } }}
    >
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  </StrictMode>,
);
