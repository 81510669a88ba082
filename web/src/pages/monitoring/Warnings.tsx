import { App, Badge, Button, Card, Col, Form, Input, Modal, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { OUTCOME, WARNING_CLASS, WARNING_STATUS, dateOnly, dateTime } from '../../labels.ts';
import { errorText } from '../../services/client.ts';
import { useCloseWarning, useVerifyWarning, useWarnings, useWarningStats, type CloseBody, type Warning, type WarningQuery } from '../../services/monitoring.ts';

const EChart = lazy(() => import('../../components/EChart.tsx'));

/**
 * 预警处置: warnings by status, class, indicator and region; the village team verifies and
 * closes them; the lifecycle raised → verified → closed → adjusted as a chart; overdue ones.
 */
export default function Warnings() {
  const session = useSession();
  const [filter, setFilter] = useState<WarningQuery>({});
  const [cls, setCls] = useState<string>();
  const [onlyOverdue, setOnlyOverdue] = useState(false);
  const list = useWarnings(filter);
  const stats = useWarningStats(filter.regionCode);
  const canHandle = session?.role === 'village' || session?.role === 'town' || session?.role === 'city';
  const now = Date.now();
  const all = list.data?.items ?? [];
  const items = all.filter((w) => (!cls || w.class === cls) && (!onlyOverdue || (w.status !== 'CLOSED' && Date.parse(w.dueBy) < now)));
  const overdue = all.filter((w) => w.status !== 'CLOSED' && Date.parse(w.dueBy) < now).length;
  const indicators = [...new Map(all.map((w) => [w.indicator, w.name ?? w.indicator])).entries()];
  const s = stats.data;
  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: ['已触发', '已核实', '已办结', '调整待遇'] },
      yAxis: { type: 'value', name: '条' },
      series: [{ type: 'bar', barMaxWidth: 56, data: s ? [s.raised, s.verified, s.closed, s.adjusted] : [], itemStyle: { color: '#b7312c' }, label: { show: true, position: 'top' } }],
    }),
    [s],
  );
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>监测预警</Typography.Title>
      <Row gutter={16}>
        <Col xs={24} md={10}>
          <Card size="small" title="预警闭环（触发 → 核实 → 办结 → 调整待遇）">
            <QueryState loading={stats.isLoading} error={stats.error}>
              {s && (
                <>
                  <Row gutter={8} data-testid="warning-stats">
                    <Col span={6}><Statistic title="已触发" value={s.raised} /></Col>
                    <Col span={6}><Statistic title="已核实" value={s.verified} /></Col>
                    <Col span={6}><Statistic title="已办结" value={s.closed} /></Col>
                    <Col span={6}><Statistic title="调整待遇" value={s.adjusted} /></Col>
                  </Row>
                  <Suspense fallback={null}>
                    <EChart option={option} height={220} label={`预警闭环：触发 ${s.raised}，核实 ${s.verified}，办结 ${s.closed}，调整待遇 ${s.adjusted}`} />
                  </Suspense>
                </>
              )}
            </QueryState>
          </Card>
        </Col>
        <Col xs={24} md={14}>
          <Card size="small" title="筛选">
            <Space wrap>
              <Select aria-label="状态" allowClear placeholder="状态" style={{ width: 120 }} value={filter.status} onChange={(v) => setFilter({ ...filter, status: v })} options={Object.entries(WARNING_STATUS).map(([value, x]) => ({ value, label: x.text }))} />
              <Select aria-label="类别" allowClear placeholder="类别" style={{ width: 120 }} value={cls} onChange={setCls} options={Object.entries(WARNING_CLASS).map(([value, x]) => ({ value, label: x.text }))} />
              <Select aria-label="指标" allowClear placeholder="指标" style={{ width: 220 }} value={filter.indicator} onChange={(v) => setFilter({ ...filter, indicator: v })} options={indicators.map(([value, label]) => ({ value, label }))} />
              <Input.Search aria-label="区划代码" placeholder="区划代码" allowClear style={{ width: 200 }} onSearch={(v) => setFilter({ ...filter, regionCode: v.trim() || undefined })} />
              <Button type={onlyOverdue ? 'primary' : 'default'} onClick={() => setOnlyOverdue(!onlyOverdue)}>
                逾期未办 <Badge count={overdue} style={{ marginInlineStart: 4 }} />
              </Button>
            </Space>
          </Card>
        </Col>
      </Row>
      <Card size="small" style={{ marginTop: 16 }}>
        <QueryState loading={list.isLoading} error={list.error} empty={items.length === 0} onRetry={() => void list.refetch()} emptyText="没有符合条件的预警">
          <Table<Warning>
            size="small"
            rowKey="id"
            dataSource={items}
            scroll={{ x: 1000 }}
            pagination={{ pageSize: 20 }}
            columns={[
              { title: '类别', dataIndex: 'class', width: 90, render: (c: string) => <Tag color={WARNING_CLASS[c]?.color}>{WARNING_CLASS[c]?.text ?? c}</Tag> },
              { title: '指标', dataIndex: 'name', width: 200, render: (n: string | undefined, w) => <span title={w.indicator}>{n ?? w.indicator}</span> },
              { title: '对象（脱敏）', dataIndex: 'person', width: 180 },
              { title: '区划', dataIndex: 'regionCode', width: 120 },
              { title: '触发时间', dataIndex: 'raisedAt', render: dateTime, width: 170 },
              {
                title: '核实期限',
                dataIndex: 'dueBy',
                width: 130,
                render: (d: string, w) => (w.status !== 'CLOSED' && Date.parse(d) < now ? <span>{dateOnly(d)} <Tag color="red">逾期</Tag></span> : dateOnly(d)),
              },
              { title: '状态', dataIndex: 'status', width: 90, render: (st: string, w) => <Tag color={WARNING_STATUS[st]?.color}>{WARNING_STATUS[st]?.text ?? st}{w.outcome ? ` · ${OUTCOME[w.outcome]}` : ''}</Tag> },
              ...(canHandle
                ? [{ title: '处置', key: 'act', width: 100, fixed: 'right' as const, render: (_: unknown, w: Warning) => <Handle warning={w} /> }]
                : []),
            ]}
          />
        </QueryState>
      </Card>
    </div>
  );
}

function Handle({ warning }: { warning: Warning }) {
  const [open, setOpen] = useState(false);
  const verify = useVerifyWarning();
  const close = useCloseWarning();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ note: string; outcome?: CloseBody['outcome'] }>();
  if (warning.status === 'CLOSED') return null;
  const verifying = warning.status === 'OPEN';
  const submit = () =>
    void form.validateFields().then(async (v) => {
      try {
        if (verifying) await verify.mutateAsync({ id: warning.id, note: v.note });
        else await close.mutateAsync({ id: warning.id, body: { outcome: v.outcome!, note: v.note } });
        message.success(verifying ? '已核实' : '已办结');
        setOpen(false);
        form.resetFields();
      } catch (e) {
        message.error(errorText(e));
      }
    });
  return (
    <>
      <Button size="small" type="primary" onClick={() => setOpen(true)} aria-label={`${verifying ? '核实' : '办结'}预警 ${warning.person}`}>
        {verifying ? '核实' : '办结'}
      </Button>
      <Modal open={open} title={`${verifying ? '核实' : '办结'}预警：${warning.name ?? warning.indicator}`} okText="提交" cancelText="取消" onOk={submit} onCancel={() => setOpen(false)} confirmLoading={verify.isPending || close.isPending}>
        <Typography.Paragraph type="secondary">{warning.person} · 核实期限 {dateOnly(warning.dueBy)}</Typography.Paragraph>
        <Form form={form} layout="vertical">
          {!verifying && (
            <Form.Item name="outcome" label="处置结果" rules={[{ required: true, message: '请选择处置结果' }]}>
              <Select options={Object.entries(OUTCOME).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          )}
          <Form.Item name="note" label={verifying ? '核实情况' : '处置说明'} rules={[{ required: true, message: '请填写说明' }]}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
