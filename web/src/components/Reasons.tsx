import { Table, Tag } from 'antd';
import { ruleText, yuan } from '../labels.ts';

export interface ReasonRow {
  rule: string;
  passed: boolean;
  actual: number | null;
  limit: number | null;
  parameter: string | null;
  reference: string;
  member?: string | undefined;
  amount?: number | undefined;
  informational?: true | undefined;
}

const num = (n: number | null, parameter: string | null) => (n === null ? '—' : parameter && /standard|Cap|limit|Income|Subsidy|basicLiving/i.test(parameter) ? yuan(n) : String(n));

/** The rules' recommendation, rule by rule, in words, with the figures and the legal reference. */
export default function Reasons({ reasons }: { reasons: ReasonRow[] }) {
  return (
    <Table
      size="small"
      rowKey={(r, i) => `${r.rule}-${r.member ?? ''}-${i}`}
      pagination={false}
      dataSource={reasons}
      scroll={{ x: 720 }}
      columns={[
        { title: '规则', dataIndex: 'rule', width: 220, render: (r: string, row) => <span>{ruleText(r)}{row.member ? `（${row.member}）` : ''}</span> },
        {
          title: '结果',
          dataIndex: 'passed',
          width: 90,
          render: (p: boolean, row) => (row.informational ? <Tag>参考</Tag> : p ? <Tag color="success">符合</Tag> : <Tag color="error">不符合</Tag>),
        },
        { title: '实际', dataIndex: 'actual', width: 100, render: (v: number | null, row) => num(v, row.parameter) },
        { title: '标准', dataIndex: 'limit', width: 100, render: (v: number | null, row) => num(v, row.parameter) },
        { title: '依据', dataIndex: 'reference', render: (v: string, row) => <span>{v}{row.parameter ? <small style={{ color: '#595959' }}>（参数 {row.parameter}）</small> : null}</span> },
      ]}
    />
  );
}
