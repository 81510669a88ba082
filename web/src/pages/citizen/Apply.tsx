import { App, Alert, Button, Card, Checkbox, Col, Collapse, Divider, Form, Input, InputNumber, Row, Select, Space, Switch, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { DEMO_VILLAGES } from '../../auth/demo.ts';
import Reasons from '../../components/Reasons.tsx';
import { CATEGORY, DISABILITY, LABOR, RELATION, categoryText, yuan } from '../../labels.ts';
import { useSubmitApplication, type ApplyBody, type Household } from '../../services/applications.ts';
import { errorText } from '../../services/client.ts';
import { useEligibility } from '../../services/eligibility.ts';

/**
 * 申请救助（一门受理）: one application for several kinds of help. While the form is filled in,
 * the rules' preview (POST /eligibility/evaluate) explains each rule; people still decide.
 */
interface MemberForm {
  name?: string;
  idNumber?: string;
  relation?: string;
  laborAbility?: 'full' | 'partial' | 'none';
  monthlyIncome?: number;
  disabilityCategory?: string;
  disabilityGrade?: number;
  seriousIllness?: boolean;
  inSchool?: boolean;
  orphaned?: boolean;
}

interface ApplyForm {
  regionCode?: string;
  address?: string;
  hukouType?: 'rural' | 'urban';
  members?: MemberForm[];
  deposits?: number;
  vehicleValue?: number;
  properties?: number;
  businessRegistered?: boolean;
  housingSafe?: boolean;
  drinkingWaterSafe?: boolean;
  medical?: number;
  education?: number;
  rehabilitation?: number;
  requested?: string[];
  consent?: boolean;
}

const REQUESTABLE = ['DIBAO', 'TEKUN', 'DIBAO_EDGE', 'RIGID_EXPENDITURE', 'ORPHAN', 'DISABILITY_LIVING_SUBSIDY', 'DISABILITY_CARE_SUBSIDY'] as const;

function householdOf(v: ApplyForm): Household | undefined {
  const members = (v.members ?? []).filter((m) => m?.name && m.idNumber && m.idNumber.trim().length === 18 && m.relation && m.laborAbility);
  if (!v.regionCode || !v.hukouType || members.length === 0 || members.length !== (v.members ?? []).length) return undefined;
  return {
    regionCode: v.regionCode,
    ...(v.address ? { address: v.address } : {}),
    hukouType: v.hukouType,
    members: members.map((m) => ({
      name: m.name!,
      idNumber: m.idNumber!.trim(),
      relation: m.relation as Household['members'][number]['relation'],
      laborAbility: m.laborAbility!,
      monthlyIncome: m.monthlyIncome ?? 0,
      disability: m.disabilityCategory && m.disabilityGrade ? { category: m.disabilityCategory as 'physical', grade: m.disabilityGrade } : null,
      seriousIllness: !!m.seriousIllness,
      inSchool: !!m.inSchool,
      orphaned: !!m.orphaned,
    })),
    assets: {
      deposits: v.deposits ?? 0,
      vehicles: v.vehicleValue ? [{ value: v.vehicleValue, forDisabilityMobility: false }] : [],
      properties: v.properties ?? 1,
      businessRegistered: !!v.businessRegistered,
    },
    livingConditions: { housingSafe: v.housingSafe ?? true, drinkingWaterSafe: v.drinkingWaterSafe ?? true },
    rigidExpenditure12m: { medical: v.medical ?? 0, education: v.education ?? 0, rehabilitation: v.rehabilitation ?? 0 },
    supporters: [],
  } as Household;
}

export default function Apply() {
  const [form] = Form.useForm<ApplyForm>();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const submit = useSubmitApplication();
  const values = Form.useWatch([], form) as ApplyForm | undefined;
  const [debounced, setDebounced] = useState<Household>();
  const idempotencyKey = useMemo(() => `web-${crypto.randomUUID()}`, []);
  useEffect(() => {
    const t = setTimeout(() => setDebounced(values ? householdOf(values) : undefined), 500);
    return () => clearTimeout(t);
  }, [values]);
  const preview = useEligibility(debounced ? { household: debounced } : undefined);
  const categories = preview.data?.categories ?? [];

  const onFinish = async (v: ApplyForm) => {
    const household = householdOf(v);
    if (!household) return void message.error('请完整填写家庭成员信息（身份证号 18 位）');
    const body: ApplyBody = {
      household,
      requested: (v.requested ?? []) as ApplyBody['requested'],
      consent: { crossCheckAuthorized: true, signedAt: dayjs().format('YYYY-MM-DD') },
    };
    try {
      const app = await submit.mutateAsync({ body, idempotencyKey });
      message.success('申请已提交');
      navigate(`/citizen/applications/${app.id}`);
    } catch (e) {
      message.error(`提交失败：${errorText(e)}`);
    }
  };

  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>申请救助（一门受理）</Typography.Title>
      <Typography.Paragraph type="secondary">一次申请即可同时申请多项救助。右侧的测算结果只是规则的参考意见，是否给予救助由村、镇、县市逐级审核决定。</Typography.Paragraph>
      <Row gutter={16}>
        <Col xs={24} lg={14}>
          <Form
            form={form}
            layout="vertical"
            onFinish={(v) => void onFinish(v)}
            initialValues={{ hukouType: 'rural', properties: 1, housingSafe: true, drinkingWaterSafe: true, members: [{ relation: 'self', laborAbility: 'none', monthlyIncome: 0 }], requested: ['DIBAO'] }}
          >
            <Card title="家庭基本情况" size="small" style={{ marginBottom: 16 }}>
              <Form.Item name="regionCode" label="户籍所在村（社区）" rules={[{ required: true, message: '请选择村（社区）' }]}>
                <Select placeholder="选择村（社区）" options={DEMO_VILLAGES.map((v) => ({ value: v.code, label: `${v.name}（${v.code}）` }))} />
              </Form.Item>
              <Form.Item name="address" label="居住地址">
                <Input placeholder="如：周至县白杨林村3组" />
              </Form.Item>
              <Form.Item name="hukouType" label="户口性质" rules={[{ required: true }]}>
                <Select options={[{ value: 'rural', label: '农村' }, { value: 'urban', label: '城镇' }]} />
              </Form.Item>
            </Card>
            <Card title="共同生活家庭成员" size="small" style={{ marginBottom: 16 }}>
              <Form.List name="members">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((f, i) => (
                      <div key={f.key} style={{ borderBottom: '1px dashed #d9d9d9', marginBottom: 12 }}>
                        <Row gutter={8}>
                          <Col xs={12} sm={6}>
                            <Form.Item name={[f.name, 'name']} label="姓名" rules={[{ required: true, message: '必填' }]}>
                              <Input />
                            </Form.Item>
                          </Col>
                          <Col xs={12} sm={10}>
                            <Form.Item name={[f.name, 'idNumber']} label="身份证号" rules={[{ required: true, len: 18, message: '18 位身份证号' }]}>
                              <Input maxLength={18} autoComplete="off" />
                            </Form.Item>
                          </Col>
                          <Col xs={12} sm={8}>
                            <Form.Item name={[f.name, 'relation']} label="与申请人关系" rules={[{ required: true }]}>
                              <Select options={Object.entries(RELATION).map(([value, label]) => ({ value, label }))} />
                            </Form.Item>
                          </Col>
                          <Col xs={12} sm={8}>
                            <Form.Item name={[f.name, 'laborAbility']} label="劳动能力" rules={[{ required: true }]}>
                              <Select options={Object.entries(LABOR).map(([value, label]) => ({ value, label }))} />
                            </Form.Item>
                          </Col>
                          <Col xs={12} sm={8}>
                            <Form.Item name={[f.name, 'monthlyIncome']} label="月收入（元）">
                              <InputNumber min={0} max={100000000} precision={2} style={{ width: '100%' }} />
                            </Form.Item>
                          </Col>
                          <Col xs={12} sm={8}>
                            <Form.Item name={[f.name, 'disabilityCategory']} label="残疾类别">
                              <Select allowClear placeholder="无" options={Object.entries(DISABILITY).map(([value, label]) => ({ value, label }))} />
                            </Form.Item>
                          </Col>
                          <Col xs={12} sm={6}>
                            <Form.Item name={[f.name, 'disabilityGrade']} label="残疾等级">
                              <Select allowClear placeholder="无" options={[1, 2, 3, 4].map((g) => ({ value: g, label: `${g} 级` }))} />
                            </Form.Item>
                          </Col>
                          <Col xs={24} sm={18}>
                            <Space wrap style={{ marginBottom: 12 }}>
                              <Form.Item name={[f.name, 'seriousIllness']} valuePropName="checked" noStyle>
                                <Checkbox>患重病</Checkbox>
                              </Form.Item>
                              <Form.Item name={[f.name, 'inSchool']} valuePropName="checked" noStyle>
                                <Checkbox>在校学生</Checkbox>
                              </Form.Item>
                              <Form.Item name={[f.name, 'orphaned']} valuePropName="checked" noStyle>
                                <Checkbox>父母双亡或下落不明</Checkbox>
                              </Form.Item>
                              {i > 0 && (
                                <Button size="small" danger onClick={() => remove(f.name)}>
                                  删除此成员
                                </Button>
                              )}
                            </Space>
                          </Col>
                        </Row>
                      </div>
                    ))}
                    <Button onClick={() => add({ relation: 'spouse', laborAbility: 'partial', monthlyIncome: 0 })}>添加家庭成员</Button>
                  </>
                )}
              </Form.List>
            </Card>
            <Card title="家庭财产与支出" size="small" style={{ marginBottom: 16 }}>
              <Row gutter={8}>
                <Col xs={12} sm={8}>
                  <Form.Item name="deposits" label="存款合计（元）">
                    <InputNumber min={0} precision={2} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item name="vehicleValue" label="机动车价值（元）">
                    <InputNumber min={0} precision={2} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item name="properties" label="住房（套）">
                    <InputNumber min={0} max={1000} precision={0} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item name="medical" label="近12个月自付医疗费（元）">
                    <InputNumber min={0} precision={2} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item name="education" label="近12个月教育支出（元）">
                    <InputNumber min={0} precision={2} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item name="rehabilitation" label="近12个月康复支出（元）">
                    <InputNumber min={0} precision={2} style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item name="businessRegistered" label="登记有经营主体" valuePropName="checked">
                    <Switch />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item name="housingSafe" label="住房安全" valuePropName="checked">
                    <Switch />
                  </Form.Item>
                </Col>
                <Col xs={12} sm={8}>
                  <Form.Item name="drinkingWaterSafe" label="饮水安全" valuePropName="checked">
                    <Switch />
                  </Form.Item>
                </Col>
              </Row>
            </Card>
            <Card title="申请事项与授权" size="small" style={{ marginBottom: 16 }}>
              <Form.Item name="requested" label="申请救助项目（可多选）" rules={[{ validator: (_r, v?: string[]) => (v?.length ? Promise.resolve() : Promise.reject(new Error('至少选择一项'))) }]}>
                <Checkbox.Group options={REQUESTABLE.map((c) => ({ value: c, label: CATEGORY[c] }))} />
              </Form.Item>
              <Form.Item
                name="consent"
                valuePropName="checked"
                rules={[{ validator: (_r, v) => (v ? Promise.resolve() : Promise.reject(new Error('须签署核对授权书'))) }]}
              >
                <Checkbox>
                  本人及共同生活的家庭成员授权民政部门核对户籍、税务、社保、不动产、市场主体登记、车辆、存款等家庭经济状况信息（核对授权书）
                </Checkbox>
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={submit.isPending} size="large">
                提交申请
              </Button>
            </Card>
          </Form>
        </Col>
        <Col xs={24} lg={10}>
          <Card title="规则测算（仅供参考）" size="small" style={{ position: 'sticky', top: 16 }} aria-live="polite">
            {!debounced ? (
              <Typography.Text type="secondary">填写村（社区）和家庭成员后，这里会逐条说明各项救助的条件是否符合。</Typography.Text>
            ) : preview.isError ? (
              <Alert type="warning" showIcon title="暂时无法测算" description={errorText(preview.error)} />
            ) : !preview.data ? (
              <Typography.Text type="secondary">测算中…</Typography.Text>
            ) : (
              <>
                <Typography.Paragraph>
                  家庭月人均收入 <b>{yuan(preview.data.perCapitaMonthlyIncome)}</b>（{preview.data.asOf}）
                </Typography.Paragraph>
                <Space wrap style={{ marginBottom: 8 }}>
                  {categories.filter((c) => c.eligible).map((c) => (
                    <Tag key={c.code} color="success">
                      {categoryText(c.code)} {c.monthlyAmount ? `${yuan(c.monthlyAmount)}/月` : ''}
                    </Tag>
                  ))}
                  {categories.every((c) => !c.eligible) && <Tag>暂未符合各项条件（仍将入户调查）</Tag>}
                </Space>
                <Divider style={{ margin: '8px 0' }} />
                <Collapse
                  size="small"
                  items={categories.map((c) => ({
                    key: c.code,
                    label: (
                      <span>
                        {categoryText(c.code)} {c.eligible ? <Tag color="success">符合</Tag> : c.evaluated ? <Tag>不符合</Tag> : <Tag>人工评估</Tag>}
                      </span>
                    ),
                    children: (
                      <>
                        {c.note && <Typography.Paragraph type="secondary">{c.note}</Typography.Paragraph>}
                        <Reasons reasons={c.reasons} />
                      </>
                    ),
                  }))}
                />
              </>
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
