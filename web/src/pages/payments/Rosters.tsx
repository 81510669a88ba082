import { App, Button, Card, DatePicker, Form, Input, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { dateTime, yuan } from '../../labels.ts';
import { ROSTER_STATUS } from '../../labels-ops.ts';
import { errorText } from '../../services/client.ts';
import { useCreateRoster, useRosters, type Roster, type RosterQuery } from '../../services/payments.ts';

/** 发放名册: a county's monthly payment rosters from the ledger; drawn up by one city user, approved by another. */
export default function Rosters() {
  const session = useSession();
  const [filter, setFilter] = useState<RosterQuery>({});
  const q = useRosters(filter);
  const items = q.data?.items ?? [];
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>资金发放 · 发放名册</Typography.Title>
      <Typography.Paragraph type="secondary">
        名册按月从救助台账生成（每户每个项目一行）。生成人不能审核自己的名册，须由另一名县市工作人员审核（双人审核）；审核后方可下载银行代发文件。未登记收款账户的暂缓发放，登记后在下一期名册补发。
      </Typography.Paragraph>
      {session?.role === 'city' && <CreateRoster defaultCounty={session.regionCode?.length === 6 ? session.regionCode : undefined} />}
      <Card size="small" style={{ marginTop: 16 }} title="名册列表" extra={
        <Space wrap>
          <Input.Search aria-label="按县（市、区）代码筛选" placeholder="县代码 6 位" allowClear style={{ width: 200 }} onSearch={(v) => setFilter({ ...filter, countyCode: v.trim() || undefined })} />
          <DatePicker picker="month" aria-label="按月份筛选" placeholder="月份" onChange={(d: Dayjs | null) => setFilter({ ...filter, month: d ? d.format('YYYY-MM') : undefined })} />
        </Space>
      }>
        <QueryState loading={q.isLoading} error={q.error} empty={items.length === 0} onRetry={() => void q.refetch()} emptyText="没有名册">
          <Table<Roster>
            size="small"
            rowKey="id"
            dataSource={items}
            scroll={{ x: 1000 }}
            pagination={{ pageSize: 20 }}
            columns={[
              { title: '名册', dataIndex: 'id', render: (id: string, r) => <Link to={`/funds/rosters/${id}`} aria-label={`查看名册 ${r.countyCode} ${r.month}`}>{id}</Link> },
              { title: '县（市、区）', dataIndex: 'countyCode' },
              { title: '月份', dataIndex: 'month' },
              { title: '状态', dataIndex: 'status', render: (s: string) => <Tag color={ROSTER_STATUS[s]?.color}>{ROSTER_STATUS[s]?.text ?? s}</Tag> },
              { title: '行数', render: (_, r) => r.totals?.lines ?? '—' },
              { title: '金额', align: 'right', render: (_, r) => yuan(r.totals?.amount) },
              { title: '暂缓', align: 'right', render: (_, r) => (r.totals?.held.lines ? `${r.totals.held.lines} 行 ${yuan(r.totals.held.amount)}` : '—') },
              { title: '生成', render: (_, r) => `${r.createdBy} · ${dateTime(r.createdAt)}` },
              { title: '审核', render: (_, r) => (r.approvedBy ? `${r.approvedBy} · ${dateTime(r.approvedAt)}` : '—') },
            ]}
          />
        </QueryState>
      </Card>
    </div>
  );
}

function CreateRoster({ defaultCounty }: { defaultCounty: string | undefined }) {
  const create = useCreateRoster();
  const navigate = useNavigate();
  const { message } = App.useApp();
  return (
    <Card size="small" title="生成发放名册">
      <Form
        layout="inline"
        initialValues={{ countyCode: defaultCounty, month: dayjs() }}
        onFinish={(v: { countyCode: string; month: Dayjs }) =>
          void create.mutateAsync({ countyCode: v.countyCode.trim(), month: v.month.format('YYYY-MM') }).then(
            (r) => {
              message.success('名册已生成，正在汇总');
              navigate(`/funds/rosters/${r.id}`);
            },
            (e: unknown) => message.error(`生成失败：${errorText(e)}`),
          )
        }
      >
        <Form.Item name="countyCode" label="县（市、区）代码" rules={[{ required: true, pattern: /^\d{6}$/, message: '6 位县级区划代码' }]}>
          <Input maxLength={6} style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="month" label="发放月份" rules={[{ required: true, message: '请选择月份' }]}>
          <DatePicker picker="month" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.isPending}>生成名册</Button>
      </Form>
    </Card>
  );
}
