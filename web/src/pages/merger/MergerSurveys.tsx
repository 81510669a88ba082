import { App, Button, Card, Checkbox, Col, DatePicker, Descriptions, Form, Input, InputNumber, Radio, Row, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link, useParams } from 'react-router';
import { QueryState } from '../../components/States.tsx';
import { categoryText, dateOnly } from '../../labels.ts';
import { errorText } from '../../services/client.ts';
import { useSubmitSurvey, useSurvey, useSurveys, type SurveyForm } from '../../services/merger.ts';
import { RISK } from './merger-labels.ts';
import './merger-survey.css';

/**
 * 年度排查 (September): the open survey tasks of the jurisdiction, and one survey's short form
 * on one printable A4 page (庄浪: two surveys merged into one). Submitting it updates the household
 * and runs the rules again.
 */
type Survey = { surveyId: string; kind: 'HOUSEHOLD' | 'MONITORING_OBJECT'; target: string; regionCode: string; dueOn: string; status: string; summary: Record<string, unknown>; outcome?: Record<string, unknown> };

export default function MergerSurveys() {
  const { id } = useParams();
  return id ? <SurveySheet id={id} /> : <SurveyList />;
}

function SurveyList() {
  // The survey year is the platform's (its clock), not the browser's.
  const list = useSurveys({ status: 'OPEN', limit: 100 });
  const items = (list.data?.items ?? []) as unknown as Survey[];
  const year = items[0]?.surveyId.slice(3, 7) ?? '';
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>{year} 年度排查（两项政策合并排查）</Typography.Title>
      <Card size="small">
        <QueryState loading={list.isLoading} error={list.error} empty={items.length === 0} onRetry={() => void list.refetch()} emptyText="没有待排查的任务">
          <Table<Survey>
            size="small"
            rowKey="surveyId"
            dataSource={items}
            pagination={false}
            columns={[
              { title: '对象', key: 'who', render: (_: unknown, s) => (s.kind === 'HOUSEHOLD' ? `救助家庭 ${String(s.summary.householdId ?? s.target)}` : `${String(s.summary.name ?? '')} ${String(s.summary.person ?? '')}`) },
              { title: '类型', dataIndex: 'kind', width: 130, render: (k: string) => <Tag color={k === 'HOUSEHOLD' ? 'blue' : 'purple'}>{k === 'HOUSEHOLD' ? '救助家庭' : '监测对象'}</Tag> },
              { title: '区划', dataIndex: 'regionCode', width: 130 },
              { title: '截止', dataIndex: 'dueOn', width: 120, render: dateOnly },
              { title: '', key: 'open', width: 100, render: (_: unknown, s) => <Link to={`/two-policies/surveys/${s.surveyId}`} aria-label={`填写排查表 ${s.surveyId}`}>填写排查表</Link> },
            ]}
          />
        </QueryState>
      </Card>
    </div>
  );
}

type FormValues = { visitedOn: dayjs.Dayjs; surveyors: string[]; members?: { idNumber: string; monthlyIncome: number }[]; deposits?: number; housingSafe?: boolean; drinkingWaterSafe?: boolean; riskTypes?: string[]; notes?: string };

function SurveySheet({ id }: { id: string }) {
  const survey = useSurvey(id);
  const submit = useSubmitSurvey();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const s = survey.data as unknown as Survey | undefined;
  const onFinish = async (v: FormValues) => {
    const body: SurveyForm = {
      visitedOn: v.visitedOn.format('YYYY-MM-DD'),
      surveyors: v.surveyors,
      ...(v.members?.length ? { members: v.members } : {}),
      ...(v.deposits !== undefined && v.deposits !== null ? { deposits: v.deposits } : {}),
      ...(v.housingSafe !== undefined ? { housingSafe: v.housingSafe } : {}),
      ...(v.drinkingWaterSafe !== undefined ? { drinkingWaterSafe: v.drinkingWaterSafe } : {}),
      ...(v.riskTypes ? { riskTypes: v.riskTypes as SurveyForm['riskTypes'] } : {}),
      ...(v.notes ? { notes: v.notes } : {}),
    };
    try {
      await submit.mutateAsync({ id, body });
      message.success('排查表已提交');
      void survey.refetch();
    } catch (e) {
      message.error(errorText(e));
    }
  };
  return (
    <div className="page">
      <QueryState loading={survey.isLoading} error={survey.error}>
        {s && (
          <>
            <Space className="survey-no-print" style={{ marginBottom: 12 }}>
              <Link to="/two-policies/surveys">返回排查任务</Link>
              <Button onClick={() => window.print()}>打印（A4）</Button>
            </Space>
            <div className="survey-a4" data-testid="survey-a4">
              <h1>{id.slice(3, 7)} 年度困难群众排查表</h1>
              <Descriptions size="small" column={2} bordered>
                <Descriptions.Item label="对象">{s.kind === 'HOUSEHOLD' ? '救助家庭' : '监测对象'} {s.kind === 'HOUSEHOLD' ? String(s.summary.householdId) : `${String(s.summary.name ?? '')} ${String(s.summary.person ?? '')}`}</Descriptions.Item>
                <Descriptions.Item label="区划">{s.regionCode}</Descriptions.Item>
                <Descriptions.Item label="现有类别">{((s.summary.categories as string[] | undefined) ?? (s.summary.layer ? [String(s.summary.layer)] : [])).map(categoryText).join('、') || '—'}</Descriptions.Item>
                <Descriptions.Item label="截止日期">{dateOnly(s.dueOn)}</Descriptions.Item>
              </Descriptions>
              {s.status !== 'OPEN' ? (
                <Typography.Paragraph style={{ marginTop: 12 }} data-testid="survey-submitted">
                  已提交。{s.outcome ? `规则复核结果：${JSON.stringify(s.outcome).slice(0, 300)}` : ''}
                </Typography.Paragraph>
              ) : (
                <Form form={form} layout="vertical" style={{ marginTop: 12 }} onFinish={(v) => void onFinish(v)} initialValues={{ visitedOn: dayjs(), surveyors: [], riskTypes: (s.summary.riskTypes as string[] | undefined) ?? [] }}>
                  <Row gutter={12}>
                    <Col span={8}>
                      <Form.Item name="visitedOn" label="入户日期" rules={[{ required: true, message: '请选择日期' }]}>
                        <DatePicker style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                    <Col span={16}>
                      <Form.Item name="surveyors" label="排查人员" rules={[{ required: true, message: '请填写排查人员' }]}>
                        <Select mode="tags" open={false} tokenSeparators={[',', '，']} />
                      </Form.Item>
                    </Col>
                  </Row>
                  <Form.List name="members">
                    {(fields, { add, remove }) => (
                      <>
                        {fields.map((f) => (
                          <Row gutter={12} key={f.key}>
                            <Col span={12}>
                              <Form.Item name={[f.name, 'idNumber']} label="成员身份证号" rules={[{ required: true, len: 18, message: '18 位身份证号' }]}>
                                <Input maxLength={18} />
                              </Form.Item>
                            </Col>
                            <Col span={8}>
                              <Form.Item name={[f.name, 'monthlyIncome']} label="月收入（元）" rules={[{ required: true, message: '请填写' }]}>
                                <InputNumber min={0} style={{ width: '100%' }} />
                              </Form.Item>
                            </Col>
                            <Col span={4} style={{ paddingTop: 30 }}>
                              <Button className="survey-no-print" onClick={() => remove(f.name)}>删除</Button>
                            </Col>
                          </Row>
                        ))}
                        <Button className="survey-no-print" onClick={() => add()} style={{ marginBottom: 8 }}>添加成员收入</Button>
                      </>
                    )}
                  </Form.List>
                  <Row gutter={12}>
                    <Col span={8}>
                      <Form.Item name="deposits" label="家庭存款（元）">
                        <InputNumber min={0} style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                    <Col span={8}>
                      <Form.Item name="housingSafe" label="住房安全">
                        <Radio.Group options={[{ value: true, label: '安全' }, { value: false, label: '不安全' }]} />
                      </Form.Item>
                    </Col>
                    <Col span={8}>
                      <Form.Item name="drinkingWaterSafe" label="饮水安全">
                        <Radio.Group options={[{ value: true, label: '安全' }, { value: false, label: '不安全' }]} />
                      </Form.Item>
                    </Col>
                  </Row>
                  <Form.Item name="riskTypes" label="风险类型">
                    <Checkbox.Group options={Object.entries(RISK).map(([value, label]) => ({ value, label }))} />
                  </Form.Item>
                  <Form.Item name="notes" label="排查情况">
                    <Input.TextArea rows={3} maxLength={2000} />
                  </Form.Item>
                  <Button type="primary" htmlType="submit" loading={submit.isPending} className="survey-no-print">提交排查表</Button>
                </Form>
              )}
            </div>
          </>
        )}
      </QueryState>
    </div>
  );
}
