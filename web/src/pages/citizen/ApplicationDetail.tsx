import { App, Alert, Button, Card, Descriptions, Form, Input, Modal, Space, Steps, Table, Tag, Timeline, Typography } from 'antd';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { QueryState } from '../../components/States.tsx';
import { DECISION, STAGE, STAGES, STATUS, categoryText, dateOnly, dateTime, yuan } from '../../labels.ts';
import { useAppeal, useApplication, type Application } from '../../services/applications.ts';
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
      {letter && <LetterCard letter={letter} />}
      {letter?.appeal && <AppealButton id={app.id} by={letter.appeal.by} />}
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
      <Link to="/citizen/ledger">查看我家的救助台账</Link>
    </Space>
  );
}

type Letter = NonNullable<NonNullable<Application['decision']>['letter']>;

export function LetterCard({ letter }: { letter: Letter }) {
  return (
    <Card size="small" title={<span data-testid="letter-title">{letter.title}</span>} extra={<span>{letter.number}</span>}>
      <Typography.Paragraph>决定日期：{letter.issuedOn}</Typography.Paragraph>
      {letter.categories.length > 0 && (
        <Typography.Paragraph>
          决定事项：{letter.categories.map((c) => `${categoryText(c.code)}${c.monthlyAmount !== undefined ? ` 每月 ${yuan(c.monthlyAmount)}` : ''}${c.from ? `（自 ${c.from} 起）` : ''}`).join('；')}
        </Typography.Paragraph>
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
              await appeal.mutateAsync(reason);
              message.success('复核申请已提交，将由上一级审核');
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
