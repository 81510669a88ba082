import { App, Alert, Button, Card, Checkbox, Col, Collapse, DatePicker, Descriptions, Form, Input, InputNumber, Radio, Row, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { Link, useNavigate, useParams } from 'react-router';
import { ExtendDeadline } from './Extension.tsx';
import Reasons from '../../components/Reasons.tsx';
import { QueryState } from '../../components/States.tsx';
import { CATEGORY, DECISION, DISABILITY, LABOR, LEVEL, RELATION, STAGE, STATUS, categoryText, dateOnly, dateTime, yuan } from '../../labels.ts';
import { useApplication, type Application } from '../../services/applications.ts';
import { errorText } from '../../services/client.ts';
import { useDecide, useReviewTask, type DecisionBody } from '../../services/review.ts';
import { LetterCard } from '../citizen/ApplicationDetail.tsx';

/**
 * 案件审核: the case as the reviewer needs it — members (IDs masked), the cross-check's
 * discrepancies, the rules' recommendation rule by rule, flags, history — and the decision form
 * of the task's level.
 */
export default function Case() {
  const { taskId, id } = useParams();
  const task = useReviewTask(taskId);
  const app = useApplication(id ?? task.data?.applicationId);
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>
        案件审核{task.data ? ` · ${LEVEL[task.data.level] ?? task.data.level}` : ''}
      </Typography.Title>
      <QueryState loading={(!!taskId && task.isLoading) || app.isLoading} error={task.error ?? app.error} onRetry={() => void app.refetch()}>
        {app.data && (
          <Row gutter={16}>
            <Col xs={24} xl={15}>
              <CaseFacts app={app.data} />
            </Col>
            <Col xs={24} xl={9}>
              {task.data && task.data.status === 'OPEN' ? (
                <DecisionForm
                  taskId={task.data.id}
                  level={task.data.level}
                  kind={task.data.kind}
                  app={app.data}
                  dueAt={task.data.dueAt}
                  overdue={task.data.overdue}
                  spotCheckDrawn={!!(task.data.summary as { spotCheck?: { drawn?: boolean } } | null)?.spotCheck?.drawn}
                />
              ) : task.data ? (
                <Alert type="success" showIcon title="该任务已办结" />
              ) : null}
              {app.data.decision?.letter && <div style={{ marginTop: 16 }}><LetterCard letter={app.data.decision.letter} /></div>}
            </Col>
          </Row>
        )}
      </QueryState>
    </div>
  );
}

type Member = Application['household']['members'][number] & {
  laborAbility?: string;
  monthlyIncome?: number;
  disability?: { category: string; grade: number } | null;
};

function CaseFacts({ app }: { app: Application }) {
  const rec = app.recommendation;
  const elig = app.eligibility;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
          <Descriptions.Item label="申请编号">{app.id}</Descriptions.Item>
          <Descriptions.Item label="状态"><Tag color={STATUS[app.status]?.color} data-testid="case-status">{STATUS[app.status]?.text ?? app.status}</Tag></Descriptions.Item>
          <Descriptions.Item label="地址">{app.household.address ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="区划">{app.regionCode}</Descriptions.Item>
          <Descriptions.Item label="家庭档案">{app.householdId ? <Link to={`/family/${app.householdId}`} aria-label={`查看家庭档案 ${app.householdId}`}>{app.householdId}</Link> : '—'}</Descriptions.Item>
          <Descriptions.Item label="申请项目">{app.requested.map(categoryText).join('、')}</Descriptions.Item>
          <Descriptions.Item label="办理时限">
            <span data-testid="case-deadline">{app.deadline ? `${dateOnly(app.deadline.extendedTo ?? app.deadline.due)}${app.deadline.extendedTo ? `（已延长，原 ${dateOnly(app.deadline.due)}）` : ''}` : '—'}</span>
            <ExtendDeadline app={app} />
          </Descriptions.Item>
          <Descriptions.Item label="核对授权">{app.consent?.crossCheckAuthorized ? `已签署（${app.consent.signedAt}）` : '—'}</Descriptions.Item>
          {app.publicNotice && <Descriptions.Item label="公示期">{`${dateOnly(app.publicNotice.from)} 至 ${dateOnly(app.publicNotice.until)}`}</Descriptions.Item>}
        </Descriptions>
      </Card>
      {(app.flags ?? []).length > 0 && (
        <Alert type="warning" showIcon title="需关注" description={<ul style={{ margin: 0 }}>{app.flags!.map((f, i) => <li key={i}>{f.type}：{f.detail}</li>)}</ul>} />
      )}
      <Card size="small" title="家庭成员（身份证号已脱敏）">
        <Table<Member>
          size="small"
          pagination={false}
          rowKey={(m, i) => `${m.idNumber}-${i}`}
          scroll={{ x: 640 }}
          dataSource={app.household.members as Member[]}
          columns={[
            { title: '姓名', dataIndex: 'name' },
            { title: '身份证号', dataIndex: 'idNumber' },
            { title: '关系', dataIndex: 'relation', render: (r: string) => RELATION[r] ?? r },
            { title: '劳动能力', dataIndex: 'laborAbility', render: (r?: string) => (r ? LABOR[r] ?? r : '—') },
            { title: '月收入', dataIndex: 'monthlyIncome', render: (v?: number) => yuan(v) },
            { title: '残疾', dataIndex: 'disability', render: (d?: Member['disability']) => (d ? `${DISABILITY[d.category] ?? d.category}${d.grade}级` : '—') },
          ]}
        />
      </Card>
      <Card size="small" title="经济状况核对差异">
        {(app.discrepancies ?? []).length === 0 ? (
          <Typography.Text type="secondary">核对结果与申报一致</Typography.Text>
        ) : (
          <Table
            size="small"
            pagination={false}
            rowKey={(d, i) => `${d.field}-${i}`}
            dataSource={app.discrepancies}
            columns={[
              { title: '项目', dataIndex: 'field' },
              { title: '成员', dataIndex: 'person', render: (v?: string) => v ?? '—' },
              { title: '申报', dataIndex: 'declared', render: yuan },
              { title: '核对', dataIndex: 'found', render: yuan },
              { title: '来源', dataIndex: 'source' },
            ]}
          />
        )}
      </Card>
      <Card
        size="small"
        title="规则建议（逐条）"
        extra={rec ? <span>建议：{rec.eligible.length ? rec.eligible.map(categoryText).join('、') : '暂不符合'} · {yuan(rec.monthlyAmount)}/月</span> : null}
      >
        {elig ? (
          // The categories the rules found the household eligible for open; the others fold.
          <Collapse
            size="small"
            defaultActiveKey={elig.categories.filter((c) => c.eligible).map((c) => c.code)}
            items={elig.categories
              .filter((c) => c.evaluated)
              .map((c) => ({
                key: c.code,
                label: (
                  <span>
                    {categoryText(c.code)} {c.eligible ? <Tag color="success">符合 {yuan(c.monthlyAmount)}/月</Tag> : <Tag>不符合</Tag>}
                  </span>
                ),
                children: <Reasons reasons={c.reasons} />,
              }))}
          />
        ) : rec ? (
          <Reasons reasons={rec.reasons} />
        ) : (
          <Typography.Text type="secondary">核对完成后显示</Typography.Text>
        )}
      </Card>
      <Card size="small" title="办理过程">
        <Timeline
          items={app.history.map((h) => ({
            color: h.decision === 'reject' ? 'red' : 'green',
            content: (
              <span>
                <b>{STAGE[h.stage] ?? h.stage}</b> · {DECISION[h.decision] ?? h.decision} · {dateTime(h.at)} · {h.by}
                {h.reason ? <div style={{ color: '#595959' }}>{h.reason}</div> : null}
              </span>
            ),
          }))}
        />
      </Card>
    </Space>
  );
}

interface DecisionForm {
  decision: DecisionBody['decision'];
  reason?: string;
  visitedAt?: Dayjs;
  investigators?: string[];
  notes?: string;
  categories?: string[];
  amounts?: Record<string, number>;
  spotVisitedAt?: Dayjs;
  spotInvestigators?: string[];
  spotFindings?: string;
}

function DecisionForm({ taskId, level, kind, app, dueAt, overdue, spotCheckDrawn }: { taskId: string; level: string; kind: string; app: Application; dueAt: string; overdue: boolean; spotCheckDrawn: boolean }) {
  const [form] = Form.useForm<DecisionForm>();
  const decide = useDecide(taskId);
  const { message } = App.useApp();
  const navigate = useNavigate();
  const decision = Form.useWatch('decision', form);
  const chosen = (Form.useWatch('categories', form) ?? []) as string[];
  const eligible = app.recommendation?.eligible ?? [];
  const against = chosen.filter((c) => c !== 'TEMPORARY' && !eligible.includes(c));
  const appeal = kind === 'APPEAL';
  const suggested = (app.recommendation?.eligible ?? []).length ? app.recommendation!.eligible : app.requested;
  const onFinish = async (v: DecisionForm) => {
    const body: DecisionBody = {
      decision: v.decision,
      ...(v.reason ? { reason: v.reason } : {}),
      ...(level === 'town' && v.visitedAt ? { investigation: { visitedAt: v.visitedAt.format('YYYY-MM-DD'), investigators: v.investigators ?? [], ...(v.notes ? { notes: v.notes } : {}) } } : {}),
      ...(level === 'city' && v.decision === 'approve' && v.categories?.length ? { categories: v.categories as NonNullable<DecisionBody['categories']> } : {}),
      ...(level === 'city' && v.decision === 'approve' && against.length ? { monthlyAmounts: Object.fromEntries(against.map((c) => [c, v.amounts?.[c] ?? 0])) as DecisionBody['monthlyAmounts'] } : {}),
      ...(level === 'city' && spotCheckDrawn && v.spotVisitedAt
        ? { spotCheck: { visitedAt: v.spotVisitedAt.format('YYYY-MM-DD'), investigators: v.spotInvestigators ?? [], ...(v.spotFindings ? { findings: v.spotFindings } : {}) } }
        : {}),
    };
    try {
      const res = await decide.mutateAsync(body);
      message.success(`已提交，案件进入：${STATUS[res.status ?? '']?.text ?? res.status ?? ''}`);
      navigate('/review/tasks');
    } catch (e) {
      message.error(`提交失败：${errorText(e)}`);
    }
  };
  const options = appeal
    ? [{ value: 'uphold', label: '维持原决定' }, { value: 'overturn', label: '撤销原决定、重新审核' }]
    : level === 'village'
      ? [{ value: 'approve', label: '同意（支持申请）' }, { value: 'reject', label: '不同意' }]
      : level === 'town'
        ? [{ value: 'approve', label: '同意，进入公示' }, { value: 'reject', label: '不同意，报县市决定' }]
        : [{ value: 'approve', label: '批准' }, { value: 'reject', label: '不予批准' }];
  return (
    <Card size="small" title={appeal ? '复核决定' : level === 'village' ? '村级意见' : level === 'town' ? '乡镇审核意见' : '审批决定'} extra={overdue ? <Tag color="red">逾期</Tag> : <span>期限 {dateOnly(dueAt)}</span>}>
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) => void onFinish(v)}
        initialValues={{ decision: appeal ? 'uphold' : 'approve', visitedAt: dayjs(), investigators: [], categories: suggested, spotVisitedAt: dayjs() }}
      >
        <Form.Item name="decision" label="意见" rules={[{ required: true }]}>
          <Radio.Group options={options} optionType="button" />
        </Form.Item>
        {level === 'town' && !appeal && (
          <>
            <Typography.Text strong>入户调查（不少于 2 名调查人员）</Typography.Text>
            <Form.Item name="visitedAt" label="入户日期" rules={[{ required: decision === 'approve', message: '请填写入户日期' }]}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item
              name="investigators"
              label="调查人员（输入姓名后回车）"
              rules={[{ validator: (_r, v: string[] = []) => (decision !== 'approve' || new Set(v).size >= 2 ? Promise.resolve() : Promise.reject(new Error('至少 2 名不同的调查人员'))) }]}
            >
              <Select mode="tags" open={false} aria-label="调查人员" tokenSeparators={[',', '，', ' ']} />
            </Form.Item>
            <Form.Item name="notes" label="调查情况">
              <Input.TextArea rows={3} maxLength={5000} />
            </Form.Item>
          </>
        )}
        {level === 'city' && !appeal && decision === 'approve' && (
          <>
            <Form.Item name="categories" label="批准项目（可批准规则认定符合的其他项目）">
              <Checkbox.Group options={Object.keys(CATEGORY).filter((c) => c !== 'OTHER_HARDSHIP').map((c) => ({ value: c, label: CATEGORY[c] }))} />
            </Form.Item>
            {against.map((c) => (
              <Form.Item key={c} name={['amounts', c]} label={`${CATEGORY[c]}月救助金（规则未测算，须核定）`} rules={[{ required: true, message: '请核定金额' }]}>
                <InputNumber min={0} precision={2} style={{ width: '100%' }} />
              </Form.Item>
            ))}
          </>
        )}
        {level === 'city' && !appeal && spotCheckDrawn && (
          <>
            <Typography.Text strong>特困人员抽查（本案已抽中，入户核查）</Typography.Text>
            <Form.Item name="spotVisitedAt" label="抽查日期" rules={[{ required: decision === 'approve', message: '请填写抽查日期' }]}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
            <Form.Item name="spotInvestigators" label="抽查人员（输入姓名后回车）" rules={[{ required: decision === 'approve', message: '请填写抽查人员' }]}>
              <Select mode="tags" open={false} aria-label="抽查人员" tokenSeparators={[',', '，', ' ']} />
            </Form.Item>
            <Form.Item name="spotFindings" label="抽查结论">
              <Input.TextArea rows={2} maxLength={5000} />
            </Form.Item>
          </>
        )}
        <Form.Item
          name="reason"
          label="理由"
          rules={[{ required: decision === 'reject' || decision === 'uphold', message: '请写明理由' }]}
        >
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={decide.isPending} block>
          提交
        </Button>
      </Form>
    </Card>
  );
}
