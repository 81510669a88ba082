import { App, Alert, Button, Card, Col, Descriptions, Form, Input, Modal, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { categoryText, dateTime, yuan } from '../../labels.ts';
import { HOLD_REASON, LINE_KIND, LINE_STATUS, ROSTER_STATUS } from '../../labels-ops.ts';
import { errorText } from '../../services/client.ts';
import { downloadBankFile, useApproveRoster, useRecordReturns, useRoster, useRosterLines, type Roster as RosterView, type RosterLine } from '../../services/payments.ts';

/** 名册详情: totals, the lines (accounts masked), four-eyes approval, the bank file, the bank's returns. */
export default function Roster() {
  const { id } = useParams();
  const q = useRoster(id);
  const built = !!q.data && q.data.status !== 'BUILDING';
  const lines = useRosterLines(id, built);
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>发放名册 {id}</Typography.Title>
      <QueryState loading={q.isLoading} error={q.error} onRetry={() => void q.refetch()}>
        {q.data && (
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <Header r={q.data} />
            {q.data.status === 'BUILDING' ? (
              <Alert type="info" showIcon title="名册正在从救助台账汇总，稍候自动刷新" />
            ) : (
              <QueryState loading={lines.isLoading} error={lines.error} onRetry={() => void lines.refetch()}>
                <Lines roster={q.data} lines={lines.data ?? []} />
              </QueryState>
            )}
          </Space>
        )}
      </QueryState>
      <Link to="/funds/rosters">返回名册列表</Link>
    </div>
  );
}

function Header({ r }: { r: RosterView }) {
  const session = useSession();
  const approve = useApproveRoster(r.id);
  const { message, modal } = App.useApp();
  const own = r.createdBy === session?.sub;
  const t = r.totals;
  return (
    <>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
          <Descriptions.Item label="县（市、区）">{r.countyCode}</Descriptions.Item>
          <Descriptions.Item label="发放月份">{r.month}</Descriptions.Item>
          <Descriptions.Item label="状态"><Tag color={ROSTER_STATUS[r.status]?.color} data-testid="roster-status">{ROSTER_STATUS[r.status]?.text ?? r.status}</Tag></Descriptions.Item>
          <Descriptions.Item label="生成人">{`${r.createdBy} · ${dateTime(r.createdAt)}`}</Descriptions.Item>
          <Descriptions.Item label="台账截止">{dateTime(r.cutoff)}</Descriptions.Item>
          <Descriptions.Item label="审核人">{r.approvedBy ? `${r.approvedBy} · ${dateTime(r.approvedAt)}` : '—'}</Descriptions.Item>
          {r.previousRosterId && <Descriptions.Item label="上一期"><Link to={`/funds/rosters/${r.previousRosterId}`}>{r.previousRosterId}</Link></Descriptions.Item>}
        </Descriptions>
        <Space wrap style={{ marginTop: 8 }}>
          {r.status === 'DRAFT' && (
            <Button
              type="primary"
              disabled={own || session?.role !== 'city'}
              loading={approve.isPending}
              onClick={() =>
                modal.confirm({
                  title: `审核通过 ${r.countyCode} ${r.month} 发放名册？`,
                  content: `共 ${t?.lines ?? 0} 行、${yuan(t?.amount)}，其中待发放 ${t?.payable.lines ?? 0} 行 ${yuan(t?.payable.amount)}。审核后生成银行代发文件。`,
                  okText: '审核通过',
                  cancelText: '取消',
                  onOk: () => approve.mutateAsync().then(() => void message.success('名册已审核'), (e: unknown) => void message.error(`审核失败：${errorText(e)}`)),
                })
              }
            >
              审核通过
            </Button>
          )}
          {r.status === 'APPROVED' && session?.role === 'city' && (
            <Button onClick={() => void downloadBankFile(r.id).then(() => message.success('银行代发文件已下载（账号脱敏）'), (e: unknown) => message.error(`下载失败：${errorText(e)}`))}>
              下载银行代发文件
            </Button>
          )}
        </Space>
        {r.status === 'DRAFT' && own && (
          <Alert style={{ marginTop: 8 }} type="warning" showIcon data-testid="four-eyes" title="本名册由您生成，须由另一名县市工作人员审核（双人审核）" />
        )}
      </Card>
      {t && (
        <Row gutter={16}>
          <Col xs={12} md={6}><Card size="small"><Statistic title="合计（元）" value={t.amount} precision={2} prefix="¥" /></Card></Col>
          <Col xs={12} md={6}><Card size="small"><Statistic title="待发放" value={`${t.payable.lines} 行 / ${yuan(t.payable.amount)}`} /></Card></Col>
          <Col xs={12} md={6}><Card size="small"><Statistic title="暂缓发放" value={`${t.held.lines} 行 / ${yuan(t.held.amount)}`} /></Card></Col>
          <Col xs={12} md={6}><Card size="small"><Statistic title="银行退回" value={`${r.returned.lines} 行 / ${yuan(r.returned.amount)}`} /></Card></Col>
        </Row>
      )}
      {t && (
        <Card size="small" title="按项目、乡镇汇总（元）">
          <Row gutter={16}>
            <Col xs={24} md={12}>
              <Table size="small" pagination={false} rowKey="k" dataSource={Object.entries(t.byCategory).map(([k, v]) => ({ k, v }))} columns={[{ title: '项目', dataIndex: 'k', render: categoryText }, { title: '金额', dataIndex: 'v', align: 'right', render: yuan }]} />
            </Col>
            <Col xs={24} md={12}>
              <Table size="small" pagination={false} rowKey="k" dataSource={Object.entries(t.byTown).map(([k, v]) => ({ k, v }))} columns={[{ title: '乡镇（街道）', dataIndex: 'k' }, { title: '金额', dataIndex: 'v', align: 'right', render: yuan }]} />
            </Col>
          </Row>
        </Card>
      )}
    </>
  );
}

function Lines({ roster, lines }: { roster: RosterView; lines: RosterLine[] }) {
  const session = useSession();
  const [selected, setSelected] = useState<string[]>([]);
  const [open, setOpen] = useState(false);
  const record = useRecordReturns(roster.id);
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const canReturn = roster.status === 'APPROVED' && session?.role === 'city';
  return (
    <Card
      size="small"
      title="名册明细（账号已脱敏）"
      extra={canReturn ? <Button danger disabled={selected.length === 0} onClick={() => setOpen(true)}>登记银行退回（{selected.length}）</Button> : null}
    >
      <Table<RosterLine>
        size="small"
        rowKey="lineId"
        dataSource={lines}
        scroll={{ x: 1400 }}
        pagination={{ pageSize: 50 }}
        rowSelection={canReturn ? { hideSelectAll: true, selectedRowKeys: selected, onChange: (k) => setSelected(k as string[]), getCheckboxProps: (l) => ({ disabled: l.status !== 'PAYABLE', 'aria-label': `选择 ${l.payee?.name ?? l.householdId} ${l.category}` }) } : undefined}
        columns={[
          { title: '家庭', dataIndex: 'householdId', render: (h: string) => <Link to={`/family/${h}`}>{h}</Link> },
          { title: '乡镇', dataIndex: 'town' },
          { title: '项目', dataIndex: 'category', render: categoryText },
          { title: '所属月份', dataIndex: 'forMonth', className: 'nowrap' },
          { title: '类别', dataIndex: 'kind', className: 'nowrap', render: (k: string) => LINE_KIND[k] ?? k },
          { title: '金额', dataIndex: 'amount', align: 'right', className: 'nowrap', render: yuan },
          { title: '收款人', render: (_, l) => (l.payee ? `${l.payee.name}（${l.payee.person}）` : '—') },
          { title: '账号', render: (_, l) => (l.payee ? `${l.payee.bank} ${l.payee.account}` : '—') },
          {
            title: '状态',
            dataIndex: 'status',
            render: (s: string, l) => (
              <span>
                <Tag color={LINE_STATUS[s]?.color}>{LINE_STATUS[s]?.text ?? s}</Tag>
                {l.holdReason ? HOLD_REASON[l.holdReason] ?? l.holdReason : ''}
                {l.returnReason ? `退回原因：${l.returnReason}` : ''}
                {l.stoppedReason ? l.stoppedReason : ''}
              </span>
            ),
          },
        ]}
      />
      <Modal
        open={open}
        title="登记银行退回"
        okText="提交"
        cancelText="取消"
        confirmLoading={record.isPending}
        onCancel={() => setOpen(false)}
        onOk={() =>
          void form.validateFields().then(async ({ reason }) => {
            try {
              const r = await record.mutateAsync(selected.map((lineId) => ({ lineId, reason })));
              message.success(`已登记退回 ${r.recorded.length} 行：暂缓发放，账户更正后在下一期名册补发`);
              setSelected([]);
              setOpen(false);
              form.resetFields();
            } catch (e) {
              message.error(`登记失败：${errorText(e)}`);
            }
          })
        }
      >
        <Typography.Paragraph type="secondary">退回的款项暂缓发放，收款账户更正后在下一期名册补发。</Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label="退回原因" rules={[{ required: true, message: '请填写银行退回原因' }]}>
            <Input maxLength={200} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
