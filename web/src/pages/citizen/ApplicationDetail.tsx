import { App, Alert, Button, Card, Descriptions, Form, Input, Modal, Space, Steps, Table, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { QueryState } from '../../components/States.tsx';
import { DECISION, LEVEL, STAGE, STAGES, STATUS, categoryText, dateOnly, dateTime, yuan } from '../../labels.ts';
import { useAppeal, useApplication, useObjection, type Application } from '../../services/applications.ts';
import { errorText } from '../../services/client.ts';

/** 申请详情: the stages, the deadline, the history, the decision letter and the appeal. */
export default function ApplicationDetail() {
  const { id } = useParams();
  const q = useApplication(id);
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>申请详情</Typography.Title>
      <QueryState loading={q.isLoading} error={q.error} onRetry={() => void q.refetch()}>
        {q.data && <CaseView app={q.data} />}
      </QueryState>
    </div>
  );
}

export function CaseView({ app }: { app: Application }) {
  const current = app.status === 'REJECTED' ? STAGES.length - 1 : Math.max(0, STAGES.indexOf(app.status as (typeof STAGES)[number]));
  const letter = app.decision?.letter;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
          <Descriptions.Item label="申请编号">{app.id}</Descriptions.Item>
          <Descriptions.Item label="状态">
            <Tag color={STATUS[app.status]?.color} data-testid="case-status">{STATUS[app.status]?.text ?? app.status}</Tag>
          </Descriptions.Item>
          <Descriptions.Item label="申请项目">{app.requested.map(categoryText).join('、')}</Descriptions.Item>
          <Descriptions.Item label="办理时限">{app.deadline ? `${dateOnly(app.deadline.extendedTo ?? app.deadline.due)}${app.deadline.extendedTo ? '（已延长）' : ''}` : '—'}</Descriptions.Item>
          {app.publicNotice && <Descriptions.Item label="公示期">{`${dateOnly(app.publicNotice.from)} 至 ${dateOnly(app.publicNotice.until)}`}</Descriptions.Item>}
          <Descriptions.Item label="提交时间">{dateTime(app.createdAt)}</Descriptions.Item>
        </Descriptions>
        <Steps
          size="small"
          style={{ marginTop: 12 }}
          current={current}
          status={app.status === 'REJECTED' ? 'error' : app.status === 'APPROVED' ? 'finish' : 'process'}
          responsive
          items={STAGES.map((s, i) => ({ title: i === STAGES.length - 1 && app.status === 'REJECTED' ? STATUS.REJECTED!.text : STATUS[s]!.text }))}
        />
      </Card>
      {app.decision && app.decision.approved.length > 0 && (
        <Card size="small" title="批准的救助">
          <Table
            size="small"
            pagination={false}
            rowKey="code"
            dataSource={app.decision.approved}
            columns={[
              { title: '项目', dataIndex: 'code', render: categoryText },
              { title: '月救助金', dataIndex: 'monthlyAmount', render: yuan },
              { title: '起始月份', dataIndex: 'startMonth' },
            ]}
          />
        </Card>
      )}
      {app.status === 'PUBLIC_NOTICE' && app.publicNotice && <ObjectionCard id={app.id} until={app.publicNotice.until} />}
      {letter && <LetterCard letter={letter} />}
      <Appeals app={app} />
      <Card size="small" title="办理过程">
        <Timeline
          items={app.history.map((h) => ({
            color: h.decision === 'reject' || h.decision === 'REJECTED' ? 'red' : 'green',
            content: (
              <span>
                <b>{STAGE[h.stage] ?? h.stage}</b> · {DECISION[h.decision] ?? h.decision} · {dateTime(h.at)}
                {h.reason ? <div style={{ color: '#595959' }}>{h.reason}</div> : null}
              </span>
            ),
          }))}
        />
      </Card>
      <Space>
        {app.householdId && <Link to={`/family/${app.householdId}`}>查看我的家庭档案</Link>}
        <Link to="/citizen/ledger">查看我家的救助台账</Link>
      </Space>
    </Space>
  );
}

type Letter = NonNullable<NonNullable<Application['decision']>['letter']>;

export function LetterCard({ letter }: { letter: Letter }) {
  return (
    <Card size="small" title={<span data-testid="letter-title">{letter.title}</span>} extra={<span>{letter.number}</span>}>
      <Typography.Paragraph>决定日期：{letter.issuedOn}</Typography.Paragraph>
      {/* The letter's own 决定事项 (reductions say from what to what, terminations when payment stops); letters issued before they existed: from the categories. */}
      {letter.decisionItems && letter.decisionItems.length > 0 ? (
        <>
          <Typography.Text strong>决定事项</Typography.Text>
          <ol data-testid="letter-decision-items">{letter.decisionItems.map((d, i) => <li key={i}>{d}</li>)}</ol>
        </>
      ) : (
        letter.categories.length > 0 && (
          <Typography.Paragraph>
            决定事项：{letter.categories.map((c) => `${categoryText(c.code)}${c.monthlyAmount !== undefined ? ` 每月 ${yuan(c.monthlyAmount)}` : ''}${c.from ? `（自 ${c.from} 起）` : ''}`).join('；')}
          </Typography.Paragraph>
        )
      )}
      {letter.reasons.length > 0 && (
        <>
          <Typography.Text strong>理由</Typography.Text>
          <ul>{letter.reasons.map((r, i) => <li key={i}>{r}</li>)}</ul>
        </>
      )}
      <Typography.Text strong>法律依据</Typography.Text>
      <ul>{letter.legalBasis.map((b, i) => <li key={i}>{b}</li>)}</ul>
      {letter.appeal && (
        <Alert
          type="info"
          showIcon
          title={`如对本决定不服，可于 ${letter.appeal.by} 前申请复核或行政复议`}
          description={<>{letter.appeal.how}<ul>{letter.appeal.basis.map((b, i) => <li key={i}>{b}</li>)}</ul></>}
        />
      )}
    </Card>
  );
}

type AppealRecord = { id: string; at: string; reason: string; outcome?: string; decidedAt?: string; level?: string };

/** 复核申请: the appeals filed and their outcome; while none is pending and the letter's deadline holds, a new one. */
function Appeals({ app }: { app: Application }) {
  const appeals = ((app as { appeals?: AppealRecord[] }).appeals ?? []) as AppealRecord[];
  const route = app.decision?.letter?.appeal;
  const pending = appeals.some((a) => !a.outcome);
  const open = route && !pending && new Date().toISOString().slice(0, 10) <= route.by;
  if (appeals.length === 0 && !open) return null;
  return (
    <Card size="small" title="复核申请">
      {appeals.length > 0 && (
        <Table
          size="small"
          pagination={false}
          rowKey="id"
          dataSource={appeals}
          data-testid="appeals"
          columns={[
            { title: '提出时间', dataIndex: 'at', render: dateTime },
            { title: '理由', dataIndex: 'reason' },
            { title: '结果', dataIndex: 'outcome', render: (o?: string) => (o ? DECISION[o] ?? o : <Tag color="processing">上一级审核中</Tag>) },
          ]}
        />
      )}
      {open && route && (
        <div style={{ marginTop: appeals.length ? 12 : 0 }}>
          <Typography.Paragraph>如对决定不服，可于 {route.by} 前提出复核申请，由作出决定的上一级审核；也可依法申请行政复议或提起行政诉讼。</Typography.Paragraph>
          <AppealButton id={app.id} by={route.by} />
        </div>
      )}
    </Card>
  );
}

/** 公示期异议: anyone signed in may object while the notice lasts; the case goes back to the town. */
function ObjectionCard({ id, until }: { id: string; until: string }) {
  const object = useObjection(id);
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <Card size="small" title="公示期异议">
      <Typography.Paragraph>公示至 {dateOnly(until)}。对公示内容有异议的，可在公示期内提出；乡镇将重新核查，核查后重新公示。</Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        onFinish={({ reason }) =>
          void object.mutateAsync(reason).then(
            () => {
              message.success('异议已提交，案件退回乡镇重新核查');
              form.resetFields();
            },
            (e: unknown) => message.error(`提交失败：${errorText(e)}`),
          )
        }
      >
        <Form.Item name="reason" label="异议内容" rules={[{ required: true, message: '请写明异议内容' }]}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Button htmlType="submit" loading={object.isPending}>提出异议</Button>
      </Form>
    </Card>
  );
}

function AppealButton({ id, by }: { id: string; by: string }) {
  const [open, setOpen] = useState(false);
  const appeal = useAppeal(id);
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <>
      <Button onClick={() => setOpen(true)}>申请复核（{by} 前）</Button>
      <Modal
        open={open}
        title="申请复核"
        okText="提交"
        cancelText="取消"
        confirmLoading={appeal.isPending}
        onCancel={() => setOpen(false)}
        onOk={() =>
          void form.validateFields().then(async ({ reason }) => {
            try {
              const r = await appeal.mutateAsync(reason);
              message.success(`复核申请已提交（${r.appealId}），将由${LEVEL[r.level] ?? '上一级'}审核`);
              setOpen(false);
            } catch (e) {
              message.error(errorText(e));
            }
          })
        }
      >
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label="复核理由" rules={[{ required: true, message: '请说明理由' }]}>
            <Input.TextArea rows={4} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
