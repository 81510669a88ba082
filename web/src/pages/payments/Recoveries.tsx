import { App, Button, Card, Form, Input, Modal, Radio, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { dateTime, yuan } from '../../labels.ts';
import { RECOVERY_REASON, RECOVERY_STATUS } from '../../labels-ops.ts';
import { errorText } from '../../services/client.ts';
import { useCloseRecovery, useRecoveries, type Recovery } from '../../services/payments.ts';

/** 追缴: payments made for months after an entitlement ended (a death reported late); closed as recovered or waived. */
export default function Recoveries() {
  const session = useSession();
  const [region, setRegion] = useState<string>();
  const q = useRecoveries(region);
  const items = q.data?.items ?? [];
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>资金发放 · 追缴</Typography.Title>
      <Typography.Paragraph type="secondary">救助终止（如死亡晚报）后仍已发放的款项列为追缴事项；追回或经批准核销后办结。</Typography.Paragraph>
      <Card size="small" extra={<Input.Search aria-label="区划代码" placeholder="区划代码" allowClear style={{ width: 200 }} onSearch={(v) => setRegion(v.trim() || undefined)} />}>
        <QueryState loading={q.isLoading} error={q.error} empty={items.length === 0} onRetry={() => void q.refetch()} emptyText="没有追缴事项">
          <Table<Recovery>
            size="small"
            rowKey="id"
            dataSource={items}
            scroll={{ x: 1000 }}
            data-testid="recoveries"
            columns={[
              { title: '家庭', dataIndex: 'householdId', render: (h: string) => <Link to={`/family/${h}`}>{h}</Link> },
              { title: '项目', dataIndex: 'label' },
              { title: '所属月份', dataIndex: 'month' },
              { title: '金额', dataIndex: 'amount', align: 'right', render: yuan },
              { title: '原因', dataIndex: 'reason', render: (r: string, x) => `${RECOVERY_REASON[r] ?? r}（应享至 ${x.lastEntitledMonth}）` },
              { title: '名册', dataIndex: 'rosterId', render: (r: string) => <Link to={`/funds/rosters/${r}`}>{r}</Link> },
              { title: '状态', dataIndex: 'status', render: (s: string, x) => <span><Tag color={RECOVERY_STATUS[s]?.color}>{RECOVERY_STATUS[s]?.text ?? s}</Tag>{x.closeNote ?? ''}</span> },
              { title: '登记', dataIndex: 'raisedAt', render: dateTime },
              { title: '操作', render: (_, x) => (x.status === 'OPEN' && session?.role === 'city' ? <CloseRecovery r={x} /> : null) },
            ]}
          />
        </QueryState>
      </Card>
    </div>
  );
}

function CloseRecovery({ r }: { r: Recovery }) {
  const [open, setOpen] = useState(false);
  const close = useCloseRecovery();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ outcome: 'RECOVERED' | 'WAIVED'; note: string }>();
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} aria-label={`办结追缴 ${r.householdId} ${r.month}`}>办结</Button>
      <Modal
        open={open}
        title={`办结追缴：${r.label} ${r.month} ${yuan(r.amount)}`}
        okText="提交"
        cancelText="取消"
        confirmLoading={close.isPending}
        onCancel={() => setOpen(false)}
        onOk={() =>
          void form.validateFields().then(async (v) => {
            try {
              await close.mutateAsync({ id: r.id, ...v });
              message.success('追缴事项已办结');
              setOpen(false);
            } catch (e) {
              message.error(errorText(e));
            }
          })
        }
      >
        <Form form={form} layout="vertical" initialValues={{ outcome: 'RECOVERED' }}>
          <Form.Item name="outcome" label="办结方式"><Radio.Group options={[{ value: 'RECOVERED', label: '已追回' }, { value: 'WAIVED', label: '核销' }]} /></Form.Item>
          <Form.Item name="note" label="办结说明" rules={[{ required: true, message: '请填写说明' }]}><Input.TextArea rows={3} maxLength={2000} /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}
