import { Card, Col, Input, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { yuan } from '../../labels.ts';
import { useApplications } from '../../services/applications.ts';
import { useLedger, type Ledger as LedgerView } from '../../services/ledger.ts';

const EChart = lazy(() => import('../../components/EChart.tsx'));

const MONTHS = Array.from({ length: 12 }, (_, i) => i + 1);

/** 我家的救助（一目了然）: every benefit of a year by type and month, with totals and a chart. */
export default function Ledger() {
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const thisYear = new Date().getFullYear();
  const year = Number(params.get('year') ?? thisYear);
  const mine = useApplications({});
  const households = [...new Set((mine.data?.items ?? []).map((a) => a.householdId))];
  const householdId = params.get('household') ?? (session?.role === 'citizen' ? households[0] : undefined);
  const ledger = useLedger(householdId, year);
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    next.set(k, v);
    setParams(next, { replace: true });
  };

  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>家庭救助台账（一目了然）</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        {session?.role === 'citizen' ? (
          households.length > 1 && (
            <Select aria-label="家庭" value={householdId} onChange={(v) => set('household', v)} options={households.map((h) => ({ value: h, label: h }))} style={{ minWidth: 240 }} />
          )
        ) : (
          <Input.Search aria-label="家庭编号" placeholder="家庭编号 hh_…" defaultValue={householdId} onSearch={(v) => v && set('household', v.trim())} enterButton="查询" style={{ width: 320 }} />
        )}
        <Select
          aria-label="年度"
          value={year}
          onChange={(v) => set('year', String(v))}
          options={Array.from({ length: 6 }, (_, i) => thisYear - i).map((y) => ({ value: y, label: `${y} 年` }))}
          style={{ width: 120 }}
        />
        {householdId && <Link to={`/family/${householdId}`} aria-label={`家庭档案 ${householdId}`}>家庭档案（待遇、复核、救助链）</Link>}
      </Space>
      {!householdId ? (
        <QueryState loading={mine.isLoading} error={mine.error} empty emptyText={session?.role === 'citizen' ? '还没有家庭救助记录（先提出申请）' : '输入家庭编号查询'}>
          {null}
        </QueryState>
      ) : (
        <QueryState loading={ledger.isLoading} error={ledger.error} empty={ledger.data?.entries.length === 0} onRetry={() => void ledger.refetch()} emptyText={`${year} 年没有救助记录`}>
          {ledger.data && <LedgerTables ledger={ledger.data} />}
        </QueryState>
      )}
    </div>
  );
}

function LedgerTables({ ledger }: { ledger: LedgerView }) {
  const { rows, byMonth, types } = useMemo(() => {
    const cells = new Map<string, { label: string; months: number[] }>();
    for (const e of ledger.entries) {
      const month = Number((e.month ?? e.date ?? '').slice(5, 7));
      const row = cells.get(e.type) ?? { label: e.label, months: Array(12).fill(0) as number[] };
      if (month >= 1 && month <= 12) row.months[month - 1] = Math.round((row.months[month - 1]! + e.amount) * 100) / 100;
      cells.set(e.type, row);
    }
    const rows = [...cells].map(([type, r]) => ({ type, label: r.label, months: r.months, total: ledger.totals.byType[type] ?? 0 }));
    const byMonth = MONTHS.map((m) => Math.round(rows.reduce((s, r) => s + r.months[m - 1]!, 0) * 100) / 100);
    return { rows, byMonth, types: rows.map((r) => r.label) };
  }, [ledger]);

  const option = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `¥${v}` },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 48 },
      xAxis: { type: 'category', data: MONTHS.map((m) => `${m}月`) },
      yAxis: { type: 'value', name: '元' },
      series: rows.map((r) => ({ name: r.label, type: 'bar', stack: 'total', data: r.months })),
    }),
    [rows],
  );

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={16}>
        <Col xs={24} sm={8}>
          <Card size="small">
            <Statistic title={`${ledger.year} 年救助合计（元）`} value={ledger.total} precision={2} prefix="¥" styles={{ content: { color: '#b7312c' } }} />
            <span data-testid="ledger-total" hidden>{ledger.total}</span>
          </Card>
        </Col>
        <Col xs={12} sm={8}>
          <Card size="small"><Statistic title="救助项目" value={types.length} suffix="项" /></Card>
        </Col>
        <Col xs={12} sm={8}>
          <Card size="small"><Statistic title="记录条数" value={ledger.entries.length} suffix="条" /></Card>
        </Col>
      </Row>
      <Card size="small" title="按月救助金额">
        <Suspense fallback={null}>
          <EChart option={option} label={`${ledger.year} 年各月救助金额，合计 ${ledger.total} 元`} />
        </Suspense>
      </Card>
      <Card size="small" title="按类型、月份汇总（元）">
        <Table
          size="small"
          pagination={false}
          rowKey="type"
          scroll={{ x: 1320 }}
          dataSource={rows}
          columns={[
            { title: '救助类型', dataIndex: 'label', fixed: 'left', width: 150 },
            ...MONTHS.map((m) => ({ title: `${m}月`, key: `m${m}`, align: 'right' as const, width: 84, className: 'nowrap', render: (_: unknown, r: (typeof rows)[number]) => (r.months[m - 1] ? r.months[m - 1]!.toLocaleString('zh-CN') : '') })),
            { title: '合计', dataIndex: 'total', align: 'right' as const, fixed: 'right', width: 110, render: (v: number) => <b>{yuan(v)}</b> },
          ]}
          summary={() => (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}><b>合计</b></Table.Summary.Cell>
              {byMonth.map((v, i) => <Table.Summary.Cell key={i} index={i + 1} align="right" className="nowrap">{v ? v.toLocaleString('zh-CN') : ''}</Table.Summary.Cell>)}
              <Table.Summary.Cell index={13} align="right"><b>{yuan(ledger.total)}</b></Table.Summary.Cell>
            </Table.Summary.Row>
          )}
        />
      </Card>
      <Card size="small" title="明细">
        <Table
          size="small"
          rowKey={(e, i) => `${e.type}-${e.month ?? e.date}-${i}`}
          dataSource={ledger.entries}
          pagination={{ pageSize: 12 }}
          scroll={{ x: 600 }}
          columns={[
            { title: '日期/月份', render: (_: unknown, e) => e.date ?? e.month },
            { title: '类型', dataIndex: 'label' },
            { title: '金额', dataIndex: 'amount', align: 'right', render: yuan },
            { title: '发放部门', dataIndex: 'department' },
          ]}
        />
      </Card>
    </Space>
  );
}
