import { App, Button, Card, Col, DatePicker, Form, Input, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { dateOnly, dateTime } from '../../labels.ts';
import { ORDER_STATUS, RECURRENCE } from '../../labels-ops.ts';
import { errorText } from '../../services/client.ts';
import { useCatalog, useCreateOrder, useItemNames, useOrders, useOrganizations, type OrderBody, type OrderQuery, type ServiceOrder } from '../../services/services.ts';

/** 服务工单: service orders in the jurisdiction (a household's, an organization's), and a new one. */
export default function Orders() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const householdId = params.get('householdId') ?? undefined;
  const [status, setStatus] = useState<OrderQuery['status']>();
  const q = useOrders({ ...(householdId ? { householdId } : {}), ...(status ? { status } : {}) });
  const itemName = useItemNames();
  const worker = session?.role === 'village' || session?.role === 'town' || session?.role === 'city';
  const items = q.data?.items ?? [];
  const month = new Date().toISOString().slice(0, 7);
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>服务类救助 · 服务工单</Typography.Title>
      <Typography.Paragraph type="secondary">为困难家庭派发助洁、助医、助餐、助浴、助急、精神慰藉等服务。每月上门的工单，某月没有上门记录的，会触发“服务未上门”预警。</Typography.Paragraph>
      {worker && <CreateOrder householdId={householdId} />}
      <Card
        size="small"
        style={{ marginTop: 16 }}
        title="工单列表"
        extra={
          <Space wrap>
            <Input.Search
              aria-label="按家庭编号筛选"
              placeholder="家庭编号 hh_…"
              allowClear
              defaultValue={householdId}
              style={{ width: 260 }}
              onSearch={(v) => {
                const next = new URLSearchParams(params);
                if (v.trim()) next.set('householdId', v.trim());
                else next.delete('householdId');
                setParams(next, { replace: true });
              }}
            />
            <Select aria-label="工单状态" allowClear placeholder="状态" style={{ width: 120 }} value={status} onChange={setStatus} options={Object.entries(ORDER_STATUS).map(([value, x]) => ({ value, label: x.text }))} />
          </Space>
        }
      >
        <QueryState loading={q.isLoading} error={q.error} empty={items.length === 0} onRetry={() => void q.refetch()} emptyText="没有服务工单">
          <Table<ServiceOrder>
            size="small"
            rowKey="id"
            dataSource={items}
            scroll={{ x: 1100 }}
            pagination={{ pageSize: 20 }}
            data-testid="orders"
            columns={[
              { title: '工单', dataIndex: 'id', render: (id: string, o) => <Link to={`/services/orders/${id}`} aria-label={`查看工单 ${o.organizationName} ${o.person}`}>{id}</Link> },
              { title: '服务对象（脱敏）', dataIndex: 'person' },
              { title: '家庭', dataIndex: 'householdId', render: (h: string) => <Link to={`/family/${h}`}>{h}</Link> },
              { title: '服务机构', dataIndex: 'organizationName' },
              { title: '服务项目', dataIndex: 'items', render: (xs: string[]) => xs.map(itemName).join('、') },
              { title: '频次', dataIndex: 'recurrence', render: (r: string) => RECURRENCE[r] ?? r },
              {
                title: '状态',
                dataIndex: 'status',
                render: (s: string, o) => (
                  <span>
                    <Tag color={ORDER_STATUS[s]?.color}>{ORDER_STATUS[s]?.text ?? s}</Tag>
                    {o.recurrence === 'MONTHLY' && s === 'ACTIVE' && (o.lastVisitAt ?? '').slice(0, 7) < month && <Tag color="orange">本月尚未上门</Tag>}
                  </span>
                ),
              },
              { title: '上门次数', dataIndex: 'visitCount' },
              { title: '最近上门', dataIndex: 'lastVisitAt', render: (v?: string) => (v ? dateTime(v) : '—') },
              { title: '开始', render: (_, o) => o.since ?? dateOnly(o.createdAt) },
            ]}
          />
        </QueryState>
      </Card>
    </div>
  );
}

interface OrderForm {
  householdId: string;
  organizationId: string;
  items: OrderBody['items'];
  recurrence: OrderBody['recurrence'];
  since?: Dayjs;
  fromWarningId?: string;
  notes?: string;
}

function CreateOrder({ householdId }: { householdId: string | undefined }) {
  const [form] = Form.useForm<OrderForm>();
  const orgs = useOrganizations({});
  const catalog = useCatalog();
  const create = useCreateOrder();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const orgId = Form.useWatch('organizationId', form);
  const org = (orgs.data?.items ?? []).find((o) => o.id === orgId);
  const offered = (catalog.data?.items ?? []).filter((i) => !org || org.services.includes(i.code));
  const onFinish = async (v: OrderForm) => {
    const body: OrderBody = {
      householdId: v.householdId.trim(),
      organizationId: v.organizationId,
      items: v.items,
      recurrence: v.recurrence,
      ...(v.since ? { since: v.since.format('YYYY-MM-DD') } : {}),
      ...(v.fromWarningId?.trim() ? { fromWarningId: v.fromWarningId.trim() } : {}),
      ...(v.notes?.trim() ? { notes: v.notes.trim() } : {}),
    };
    try {
      const o = await create.mutateAsync(body);
      message.success('服务工单已派发');
      navigate(`/services/orders/${o.id}`);
    } catch (e) {
      message.error(`派发失败：${errorText(e)}`);
    }
  };
  return (
    <Card size="small" title="派发服务工单">
      <Form form={form} layout="vertical" onFinish={(v) => void onFinish(v)} initialValues={{ householdId, recurrence: 'MONTHLY' }}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="householdId" label="家庭编号" rules={[{ required: true, pattern: /^hh_[A-Za-z0-9_-]{8,64}$/, message: '家庭编号（hh_ 开头）' }]}>
              <Input />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="organizationId" label="服务机构" rules={[{ required: true, message: '请选择服务机构' }]}>
              <Select showSearch optionFilterProp="label" loading={orgs.isLoading} options={(orgs.data?.items ?? []).map((o) => ({ value: o.id, label: o.name }))} onChange={() => form.setFieldValue('items', [])} />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item name="recurrence" label="频次" rules={[{ required: true }]}>
              <Select options={Object.entries(RECURRENCE).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item name="since" label="开始日期">
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="items" label="服务项目（该机构提供的）" rules={[{ required: true, message: '请选择服务项目' }]}>
          <Select mode="multiple" optionFilterProp="label" options={offered.map((i) => ({ value: i.code, label: `${i.category}·${i.name}` }))} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="fromWarningId" label="来源预警编号（可选）"><Input /></Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item name="notes" label="备注"><Input maxLength={2000} /></Form.Item>
          </Col>
        </Row>
        <Button type="primary" htmlType="submit" loading={create.isPending}>派发工单</Button>
      </Form>
    </Card>
  );
}
