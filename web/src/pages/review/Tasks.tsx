import { useQueries } from '@tanstack/react-query';
import { Badge, Card, Table, Tabs, Tag, Typography } from 'antd';
import { Link } from 'react-router';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { LEVEL, categoryText, dateOnly, dateTime, yuan } from '../../labels.ts';
import { useApplications } from '../../services/applications.ts';
import { useReviewTasks, type ReviewTask } from '../../services/review.ts';
import { api, unwrap } from '../../services/client.ts';
import { keys } from '../../services/keys.ts';
import { ObjectionButton } from './Objection.tsx';

interface Summary {
  requested?: string[];
  members?: number;
  address?: string;
  discrepancies?: number;
  flags?: string[];
  recommendation?: { eligible?: string[]; monthlyAmount?: number };
  caseDue?: string;
}

/** 待办任务 and 公示: my level's open tasks in my jurisdiction; cases on public notice. */
export default function Tasks() {
  const session = useSession();
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>{LEVEL[session?.role ?? ''] ?? ''}待办任务</Typography.Title>
      <Tabs items={[{ key: 'tasks', label: '审核任务', children: <TaskTable /> }, { key: 'notice', label: '公示栏', children: <NoticeBoard /> }]} />
    </div>
  );
}

function TaskTable() {
  const q = useReviewTasks();
  const items = q.data?.items ?? [];
  const now = Date.now();
  return (
    <Card size="small">
      <QueryState loading={q.isLoading} error={q.error} empty={items.length === 0} onRetry={() => void q.refetch()} emptyText="没有待办任务">
        <Table<ReviewTask>
          size="small"
          rowKey="id"
          dataSource={items}
          scroll={{ x: 900 }}
          pagination={{ pageSize: 20 }}
          columns={[
            {
              title: '案件',
              render: (_, t) => {
                const s = (t.summary ?? {}) as Summary;
                return (
                  <Link to={`/review/tasks/${encodeURIComponent(t.id)}`} aria-label={`办理 ${s.address ?? t.applicationId}`}>
                    {s.address ?? t.applicationId}
                  </Link>
                );
              },
            },
            { title: '申请项目', render: (_, t) => ((t.summary as Summary)?.requested ?? []).map(categoryText).join('、') },
            { title: '人数', width: 60, render: (_, t) => (t.summary as Summary)?.members ?? '—' },
            {
              title: '规则建议',
              render: (_, t) => {
                const r = (t.summary as Summary)?.recommendation;
                return r?.eligible?.length ? `${r.eligible.map(categoryText).join('、')} ${yuan(r.monthlyAmount)}/月` : '—';
              },
            },
            {
              title: '提示',
              render: (_, t) => {
                const s = t.summary as Summary;
                return (
                  <>
                    {(s?.discrepancies ?? 0) > 0 && <Tag color="orange">核对差异 {s.discrepancies}</Tag>}
                    {(s?.flags ?? []).length > 0 && <Tag color="purple">标记 {s.flags!.length}</Tag>}
                  </>
                );
              },
            },
            { title: '接收时间', dataIndex: 'createdAt', render: dateTime },
            {
              title: '办理期限',
              dataIndex: 'dueAt',
              defaultSortOrder: 'ascend',
              sorter: (a, b) => a.dueAt.localeCompare(b.dueAt),
              render: (d: string, t) =>
                t.overdue || Date.parse(d) < now ? <Badge status="error" text={<span>{dateOnly(d)} <Tag color="red">逾期</Tag></span>} /> : <Badge status="processing" text={dateOnly(d)} />,
            },
          ]}
        />
      </QueryState>
    </Card>
  );
}

/** 公示栏: name, household size and amount only (DOMAIN: published lists show nothing else). */
function NoticeBoard() {
  const q = useApplications({ status: 'PUBLIC_NOTICE' });
  const ids = (q.data?.items ?? []).map((a) => a.id);
  const cases = useQueries({
    queries: ids.map((id) => ({ queryKey: keys.application(id), queryFn: () => unwrap(api.GET('/applications/{id}', { params: { path: { id } } })) })),
  });
  const rows = cases.flatMap((c) => (c.data ? [c.data] : [])).map((a) => ({
    id: a.id,
    name: a.household.members.find((m) => m.relation === 'self')?.name ?? a.household.members[0]?.name ?? '—',
    size: a.household.members.length,
    amount: a.recommendation?.monthlyAmount,
    until: a.publicNotice?.until,
  }));
  return (
    <Card size="small" title="公示名单（仅公示姓名、家庭人数和拟救助金额）">
      <QueryState loading={q.isLoading || cases.some((c) => c.isLoading)} error={q.error ?? cases.find((c) => c.error)?.error} empty={ids.length === 0} emptyText="当前没有公示中的案件">
        <Table
          size="small"
          rowKey="id"
          pagination={false}
          dataSource={rows}
          columns={[
            { title: '申请人', dataIndex: 'name' },
            { title: '家庭人数', dataIndex: 'size' },
            { title: '拟救助金额（元/月）', dataIndex: 'amount', render: (v: number | undefined) => yuan(v) },
            { title: '公示截止', dataIndex: 'until', render: (v: string | undefined) => dateOnly(v) },
            { title: '异议', render: (_: unknown, r: (typeof rows)[number]) => <ObjectionButton id={r.id} name={r.name} until={r.until} /> },
          ]}
        />
      </QueryState>
    </Card>
  );
}
