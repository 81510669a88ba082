import { useQuery } from '@tanstack/react-query';
import { App, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { DEMO_VILLAGES } from '../../auth/demo.ts';
import { QueryState } from '../../components/States.tsx';
import { categoryText, dateTime, yuan } from '../../labels.ts';
import { errorText } from '../../services/client.ts';
import { evaluate, type EvaluateBody } from '../../services/eligibility.ts';
import { usePolicies, usePolicyHistory, usePutPolicy, type ParameterName } from '../../services/policies.ts';

/**
 * 政策参数: a parameter's dated values for a region and the prefixes above it, as a timeline with
 * who set each and its legal reference; a new dated value; and one household evaluated before
 * and after the value takes effect.
 */
const REGIONS = [
  { value: 'CN', label: '全国默认（CN）' },
  { value: '61', label: '陕西省（61）' },
  { value: '6101', label: '西安市（6101）' },
  { value: '610124', label: '周至县（610124）' },
  { value: '620825', label: '庄浪县（620825）' },
  { value: '370983', label: '肥城市（370983）' },
  { value: '610630', label: '宜川县（610630）' },
  ...DEMO_VILLAGES.map((v) => ({ value: v.code, label: `${v.name}（${v.code}）` })),
];

const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** A valid (invented) resident ID for the sample household: GB 11643 check character. */
function sampleId(area: string, birth: string, seq: number): string {
  const body = `${area}${birth}${String(seq).padStart(3, '0')}`;
  const sum = body.split('').reduce((s, d, i) => s + Number(d) * W[i]!, 0);
  return body + '10X98765432'[sum % 11]!;
}

function sampleHousehold(regionCode: string): EvaluateBody['household'] {
  const village = regionCode.length === 12 ? regionCode : (DEMO_VILLAGES.find((v) => v.code.startsWith(regionCode === 'CN' ? '61' : regionCode))?.code ?? DEMO_VILLAGES[0]!.code);
  const area = village.slice(0, 6);
  return {
    regionCode: village,
    hukouType: 'rural',
    members: [
      { name: '样例户主', idNumber: sampleId(area, '19560101', 901), relation: 'self', laborAbility: 'none', monthlyIncome: 200, disability: { category: 'physical', grade: 2 }, seriousIllness: false, inSchool: false },
      { name: '样例配偶', idNumber: sampleId(area, '19580303', 902), relation: 'spouse', laborAbility: 'partial', monthlyIncome: 300, disability: null, seriousIllness: false, inSchool: false },
    ],
    assets: { deposits: 20000, vehicles: [], properties: 1, businessRegistered: false },
  } as EvaluateBody['household'];
}

export default function Policies() {
  const [regionCode, setRegionCode] = useState('620825');
  const inForce = usePolicies(regionCode);
  const names = Object.keys(inForce.data?.parameters ?? {}).sort() as ParameterName[];
  const [chosen, setChosen] = useState<ParameterName>('dibao.standard.rural' as ParameterName);
  const parameter = names.includes(chosen) || names.length === 0 ? chosen : names[0]!;
  const history = usePolicyHistory(regionCode, parameter);
  const items = history.data?.items ?? [];
  const put = usePutPolicy();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ value: number; effectiveFrom: Dayjs; reference?: string }>();
  const latestFuture = [...items].reverse()[0]?.effectiveFrom;
  const [previewDate, setPreviewDate] = useState<string>();
  const compareOn = previewDate ?? latestFuture ?? dayjs().format('YYYY-MM-DD');

  const onFinish = async (v: { value: number; effectiveFrom: Dayjs; reference?: string }) => {
    try {
      await put.mutateAsync({ regionCode, parameter, body: { value: v.value, effectiveFrom: v.effectiveFrom.format('YYYY-MM-DD'), ...(v.reference ? { reference: v.reference } : {}) } });
      message.success('已保存，自生效日起适用');
      setPreviewDate(v.effectiveFrom.format('YYYY-MM-DD'));
      form.resetFields();
    } catch (e) {
      message.error(`保存失败：${errorText(e)}`);
    }
  };

  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>政策参数</Typography.Title>
      <Card size="small" style={{ marginBottom: 16 }}>
        <Space wrap>
          <Select aria-label="区划" value={regionCode} onChange={setRegionCode} options={REGIONS} style={{ width: 320 }} showSearch={{ optionFilterProp: 'label' }} />
          <Select aria-label="参数" value={parameter} onChange={setChosen} options={names.map((n) => ({ value: n, label: n }))} style={{ width: 300 }} showSearch loading={inForce.isLoading} />
          {inForce.data?.parameters[parameter] && (
            <Typography.Text>
              当前值 <b>{inForce.data.parameters[parameter]!.value}</b>（{inForce.data.parameters[parameter]!.regionCode} 自 {inForce.data.parameters[parameter]!.effectiveFrom}）
            </Typography.Text>
          )}
        </Space>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card size="small" title={`时间线：${parameter}`}>
            <QueryState loading={history.isLoading} error={history.error} empty={items.length === 0} onRetry={() => void history.refetch()} emptyText="该参数没有取值">
              <Timeline
                data-testid="policy-timeline"
                items={items.map((v) => ({
                  color: v.regionCode === regionCode ? 'red' : 'gray',
                  content: (
                    <div>
                      <b>{v.effectiveFrom}</b> 起 <Tag>{v.regionCode}</Tag> <b>{v.value}</b>
                      <div style={{ color: '#595959', fontSize: 12 }}>
                        {v.reference ?? '（未注明依据）'} · {v.setBy ?? 'seed'} 于 {dateTime(v.setAt)}
                      </div>
                    </div>
                  ),
                }))}
              />
            </QueryState>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title="新增一个生效值" style={{ marginBottom: 16 }}>
            <Form form={form} layout="vertical" onFinish={(v) => void onFinish(v)}>
              <Row gutter={8}>
                <Col xs={12}>
                  <Form.Item name="value" label="取值" rules={[{ required: true, message: '请填写取值' }]}>
                    <InputNumber style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
                <Col xs={12}>
                  <Form.Item name="effectiveFrom" label="生效日期" rules={[{ required: true, message: '请选择日期' }]}>
                    <DatePicker style={{ width: '100%' }} />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="reference" label="依据（文件名称、文号）">
                <Input maxLength={500} />
              </Form.Item>
              <Button type="primary" htmlType="submit" loading={put.isPending}>保存</Button>
            </Form>
          </Card>
          <Preview regionCode={regionCode} on={compareOn} onDate={setPreviewDate} />
        </Col>
      </Row>
    </div>
  );
}

function Preview({ regionCode, on, onDate }: { regionCode: string; on: string; onDate: (d: string) => void }) {
  const household = useMemo(() => sampleHousehold(regionCode), [regionCode]);
  const before = dayjs(on).subtract(1, 'day').format('YYYY-MM-DD');
  const q = useQuery({
    queryKey: ['policy-preview', regionCode, on],
    queryFn: async () => Promise.all([evaluate({ household, asOf: before }), evaluate({ household, asOf: on })]),
  });
  const rows = q.data
    ? q.data[1].categories.map((after) => {
        const b = q.data[0].categories.find((c) => c.code === after.code);
        return { code: after.code, before: b?.eligible ? b.monthlyAmount : null, after: after.eligible ? after.monthlyAmount : null };
      }).filter((r) => r.before !== null || r.after !== null)
    : [];
  return (
    <Card size="small" title="对一户样例家庭的影响" extra={<DatePicker aria-label="比较日期" size="small" value={dayjs(on)} onChange={(d) => d && onDate(d.format('YYYY-MM-DD'))} allowClear={false} />}>
      <Typography.Paragraph type="secondary">样例家庭 2 人（户主 70 岁肢体二级残疾，月收入合计 500 元，存款 2 万元），区划 {household.regionCode}：{before} 与 {on} 比较。</Typography.Paragraph>
      <QueryState loading={q.isLoading} error={q.error} empty={rows.length === 0} emptyText="两日均不符合任何项目">
        <Table
          size="small"
          pagination={false}
          rowKey="code"
          dataSource={rows}
          columns={[
            { title: '项目', dataIndex: 'code', render: categoryText },
            { title: `调整前（${before}）`, dataIndex: 'before', render: (v: number | null) => (v === null ? '不符合' : yuan(v)) },
            { title: `调整后（${on}）`, dataIndex: 'after', render: (v: number | null, r) => <span style={{ color: v !== r.before ? '#b7312c' : undefined }}>{v === null ? '不符合' : yuan(v)}</span> },
          ]}
        />
      </QueryState>
    </Card>
  );
}
