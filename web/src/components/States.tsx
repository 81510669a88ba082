import { Alert, Button, Empty, Skeleton } from 'antd';
import type { ReactNode } from 'react';
import { errorText } from '../services/client.ts';

/** Loading, error and empty states, the same on every page. */
export function QueryState({ loading, error, empty, onRetry, children, emptyText = '暂无数据' }: {
  loading: boolean;
  error: unknown;
  empty?: boolean;
  onRetry?: () => void;
  children: ReactNode;
  emptyText?: string;
}) {
  if (loading) return <Skeleton active />;
  if (error)
    return (
      <Alert
        type="error"
        showIcon
        title="加载失败"
        description={errorText(error)}
        action={onRetry && <Button size="small" onClick={onRetry}>重试</Button>}
      />
    );
  if (empty) return <Empty description={emptyText} />;
  return <>{children}</>;
}
