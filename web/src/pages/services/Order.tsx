import { App, Button, Card, Checkbox, Col, DatePicker, Descriptions, Empty, Form, Input, Row, Select, Space, Tag, Timeline, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { Link, useParams } from 'react-router';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { dateOnly, dateTime } from '../../labels.ts';
import { ORDER_STATUS, RECURRENCE } from '../../labels-ops.ts';
import { errorText } from '../../services/client.ts';
import { useAddVisit, useCancelOrder, useOrder, type ServiceOrder, type VisitBody, useItemNames } from '../../services/services.ts';

/** 工单详情: the order, its visits (who, when, what), and a visit recorded. */
export default function Order() {
  const { id } = useParams();
  const q = useOrder(id);
  const session = useSession();
  const itemName = useItemNames();
  const worker = session?.role === 'village' || session?.role === 'town' || session?.role === 'city';
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>服务工单 {id}</Typography.Title>
      <QueryState loading={q.isLoading} error={q.error} onRetry={() => void q.refetch()}>
        {q.data && (
          <Row gutter={16}>
            <Col xs={24} lg={14}>
              <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                <Card size="small">
                  <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
                    <Descriptions.Item label="服务对象（脱敏）">{q.data.person}</Descriptions.Item>
                    <Descriptions.Item label="家庭"><Link to={`/family/${q.data.householdId}`}>{q.data.householdId}</Link></Descriptions.Item>
                    <Descriptions.Item label="服务机构">{q.data.organizationName}</Descriptions.Item>
                    <Descriptions.Item label="频次">{RECURRENCE[q.data.recurrence] ?? q.data.recurrence}</Descriptions.Item>
                    <Descriptions.Item label="状态"><Tag color={ORDER_STATUS[q.data.status]?.color} data-testid="order-status">{ORDER_STATUS[q.data.status]?.text ?? q.data.status}</Tag></Descriptions.Item>
                    <Descriptions.Item label="开始">{q.data.since ?? dateOnly(q.data.createdAt)}</Descriptions.Item>
                    <Descriptions.Item label="服务项目">{q.data.items.map(itemName).join('、')}</Descriptions.Item>
                    {q.data.fromWarningId && <Descriptions.Item label="来源预警">{q.data.fromWarningId}</Descriptions.Item>}
                    <Descriptions.Item label="上门次数"><span data-testid="visit-count">{q.data.visitCount}</span></Descriptions.Item>
                    {q.data.cancelled && (
                      <Descriptions.Item label="取消" span={2}>
                        <span data-testid="order-cancelled">{`${dateTime(q.data.cancelled.at)} 由 ${q.data.cancelled.by} 取消。原因：${q.data.cancelled.reason}`}</span>
                      </Descriptions.Item>
                    )}
                  </Descriptions>
                  {q.data.recurrence === 'MONTHLY' && <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>每月至少上门一次；某月没有上门记录的，次月触发“服务未上门”预警，由村（社区）核实。</Typography.Paragraph>}
                </Card>
                <Card size="small" title="上门记录">
                  {(q.data.visits ?? []).length === 0 ? (
                    <Empty description="还没有上门记录" />
                  ) : (
                    <Timeline
                      data-testid="visits"
                      items={[...(q.data.visits ?? [])].reverse().map((v) => ({
                        content: (
                          <div>
                            <b>{dateTime(v.at)}</b> · {v.by.join('、')}
                            <div>{v.items.map(itemName).join('、')}</div>
                            {v.notes && <div style={{ color: '#595959' }}>{v.notes}</div>}
                            <small style={{ color: '#595959' }}>{`${v.recordedBy} 于 ${dateTime(v.recordedAt)} 登记`}</small>
                          </div>
                        ),
                      }))}
                    />
                  )}
                </Card>
              </Space>
            </Col>
            <Col xs={24} lg={10}>
              {worker && q.data.status === 'ACTIVE' && (
                <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                  <VisitForm order={q.data} itemName={itemName} />
                  <CancelForm order={q.data} />
                </Space>
              )}
            </Col>
          </Row>
        )}
      </QueryState>
      <Link to="/services/orders">返回工单列表</Link>
    </div>
  );
}

interface VisitForm {
  at: Dayjs;
  by: string[];
  items: VisitBody['items'];
  notes?: string;
}

function VisitForm({ order, itemName }: { order: ServiceOrder; itemName: (c: string) => string }) {
  const [form] = Form.useForm<VisitForm>();
  const add = useAddVisit(order.id);
  const { message } = App.useApp();
  const onFinish = async (v: VisitForm) => {
    try {
      await add.mutateAsync({ at: v.at.toISOString(), by: v.by, items: v.items, ...(v.notes?.trim() ? { notes: v.notes.trim() } : {}) });
      message.success('上门记录已登记');
      form.resetFields();
    } catch (e) {
      message.error(`登记失败：${errorText(e)}`);
    }
  };
  return (
    <Card size="small" title="登记上门服务">
      <Form form={form} layout="vertical" onFinish={(v) => void onFinish(v)} initialValues={{ at: dayjs(), by: [], items: order.items }}>
        <Form.Item name="at" label="上门时间" rules={[{ required: true, message: '请填写上门时间' }]}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="by" label="服务人员（输入姓名后回车）" rules={[{ validator: (_r, v: string[] = []) => (v.length > 0 ? Promise.resolve() : Promise.reject(new Error('至少 1 名服务人员'))) }]}>
          <Select mode="tags" open={false} aria-label="服务人员" tokenSeparators={[',', '，', ' ']} />
        </Form.Item>
        <Form.Item name="items" label="本次服务项目" rules={[{ validator: (_r, v?: string[]) => (v?.length ? Promise.resolve() : Promise.reject(new Error('请选择服务项目'))) }]}>
          <Checkbox.Group options={order.items.map((c) => ({ value: c, label: itemName(c) }))} />
        </Form.Item>
        <Form.Item name="notes" label="服务情况"><Input.TextArea rows={3} maxLength={2000} /></Form.Item>
        <Button type="primary" htmlType="submit" loading={add.isPending} block>登记</Button>
      </Form>
    </Card>
  );
}

/** 取消工单: only an ACTIVE order, with its reason (audited); its monthly visit checks stop. */
function CancelForm({ order }: { order: ServiceOrder }) {
  const [form] = Form.useForm<{ reason: string }>();
  const cancel = useCancelOrder(order.id);
  const { message, modal } = App.useApp();
  const onFinish = ({ reason }: { reason: string }) => {
    modal.confirm({
      title: '确认取消该服务工单？',
      content: order.recurrence === 'MONTHLY' ? '取消后不再登记上门服务，也不再按月检查上门情况。' : '取消后不再登记上门服务。',
      okText: '取消工单',
      cancelText: '返回',
      onOk: async () => {
        try {
          await cancel.mutateAsync(reason.trim());
          message.success('工单已取消');
        } catch (e) {
          message.error(`取消失败：${errorText(e)}`);
        }
      },
    });
  };
  return (
    <Card size="small" title="取消工单">
      <Form form={form} layout="vertical" onFinish={onFinish}>
        <Form.Item name="reason" label="取消原因" rules={[{ required: true, whitespace: true, message: '请填写取消原因' }]}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Button danger htmlType="submit" loading={cancel.isPending} block>取消工单</Button>
      </Form>
    </Card>
  );
}
