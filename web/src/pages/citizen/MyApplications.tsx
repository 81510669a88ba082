import { Button, Card, List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { QueryState } from '../../components/States.tsx';
import { STATUS, categoryText, dateTime } from '../../labels.ts';
import { useApplications } from '../../services/applications.ts';

/** 我的申请: every case of mine with its stage. */
export default function MyApplications() {
  const q = useApplications({});
  const items = q.data?.items ?? [];
  return (
    <div className="page">
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={2} style={{ fontSize: 20, margin: 0 }}>我的申请</Typography.Title>
        <Link to="/citizen/apply"><Button type="primary">申请救助</Button></Link>
      </Space>
      <Card style={{ marginTop: 16 }}>
        <QueryState loading={q.isLoading} error={q.error} empty={items.length === 0} onRetry={() => void q.refetch()} emptyText="还没有申请">
          <List
            dataSource={items}
            renderItem={(a) => (
              <List.Item actions={[<Link key="open" to={`/citizen/applications/${a.id}`} aria-label={`查看申请 ${a.id}`}>查看</Link>]}>
                <List.Item.Meta
                  title={<Space wrap><Link to={`/citizen/applications/${a.id}`}>{a.requested.map(categoryText).join('、')}</Link><Tag color={STATUS[a.status]?.color}>{STATUS[a.status]?.text ?? a.status}</Tag></Space>}
                  description={`申请编号 ${a.id} · 提交于 ${dateTime(a.createdAt)}`}
                />
              </List.Item>
            )}
          />
        </QueryState>
      </Card>
    </div>
  );
}
