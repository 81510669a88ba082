import { Card, Col, DatePicker, Input, Row, Space, Statistic, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { categoryText } from '../../labels.ts';
import { useOverview, type Overview as OverviewData, type StatsQuery } from '../../services/stats.ts';

const EChart = lazy(() => import('../../components/EChart.tsx'));

/** 统计概览: applications, recipients, temporary aid, warnings and payments for a region and a period (counters kept as things happen). */
export default function Overview() {
  const session = useSession();
  const [query, setQuery] = useState<StatsQuery>({});
  const q = useOverview(query);
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>统计概览</Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          aria-label="统计区划代码"
          placeholder={session?.regionCode ? `本辖区 ${session.regionCode}` : '全国（或输入区划代码）'}
          allowClear
          style={{ width: 240 }}
          onSearch={(v) => setQuery({ ...query, regionCode: v.trim() || undefined })}
        />
        <DatePicker.RangePicker
          aria-label="统计期间"
          placeholder={['开始日期', '结束日期']}
          onChange={(r: [Dayjs | null, Dayjs | null] | null) =>
            setQuery({ ...query, from: r?.[0] ? r[0].format('YYYY-MM-DD') : undefined, to: r?.[1] ? r[1].format('YYYY-MM-DD') : undefined })
          }
        />
      </Space>
      <QueryState loading={q.isLoading} error={q.error} onRetry={() => void q.refetch()}>
        {q.data && <Dashboard o={q.data} />}
      </QueryState>
    </div>
  );
}

function Dashboard({ o }: { o: OverviewData }) {
  const a = o.applications;
  const byCategory = Object.entries(a.byCategory ?? {});
  const recipients = Object.entries(o.recipients);
  const w = o.warnings;
  const paidTotal = Math.round(o.paid.reduce((s, p) => s + p.amount, 0) * 100) / 100;
  const appsOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 16, bottom: 64 },
      xAxis: { type: 'category', data: byCategory.map(([c]) => categoryText(c)), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value', name: '件' },
      series: [{ type: 'bar', barMaxWidth: 48, data: byCategory.map(([, n]) => n), itemStyle: { color: '#b7312c' }, label: { show: true, position: 'top' } }],
    }),
    [byCategory],
  );
  const recipientsOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 80 },
      xAxis: { type: 'category', data: recipients.map(([c]) => categoryText(c)), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: 'value' },
      series: [
        { name: '户数', type: 'bar', data: recipients.map(([, r]) => r.households ?? 0) },
        { name: '人数', type: 'bar', data: recipients.map(([, r]) => r.people ?? 0) },
      ],
    }),
    [recipients],
  );
  const paidOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis', valueFormatter: (v: number) => `¥${v}` },
      grid: { left: 64, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: o.paid.map((p) => p.month) },
      yAxis: { type: 'value', name: '元' },
      series: [{ type: 'line', data: o.paid.map((p) => p.amount), itemStyle: { color: '#8c1f1b' }, label: { show: o.paid.length <= 12, position: 'top' } }],
    }),
    [o.paid],
  );
  const warningsOption = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 16, top: 16, bottom: 32 },
      xAxis: { type: 'category', data: ['已触发', '已核实', '已办结', '调整待遇'] },
      yAxis: { type: 'value', name: '条' },
      series: [{ type: 'bar', barMaxWidth: 56, data: [w.raised ?? 0, w.verified ?? 0, w.closed ?? 0, w.adjusted ?? 0], itemStyle: { color: '#d4380d' }, label: { show: true, position: 'top' } }],
    }),
    [w],
  );
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Text type="secondary">{`区划 ${o.regionCode ?? '—'} · ${o.from ?? ''} 至 ${o.to ?? ''}（计数随业务实时累计；救助对象为期末在保数）`}</Typography.Text>
      <Row gutter={[16, 16]} data-testid="stats-figures">
        <Col xs={12} md={6}><Card size="small"><Statistic title="受理申请（件）" value={a.received ?? 0} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="审批决定（件）" value={a.decided ?? 0} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="批准（件）" value={a.approved ?? 0} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="不予批准（件）" value={a.rejected ?? 0} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="临时救助（次）" value={o.temporaryAid.grants} /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="临时救助金额（元）" value={o.temporaryAid.amount} precision={2} prefix="¥" /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="期间发放（元）" value={paidTotal} precision={2} prefix="¥" /></Card></Col>
        <Col xs={12} md={6}><Card size="small"><Statistic title="触发预警（条）" value={w.raised ?? 0} /></Card></Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card size="small" title="申请按救助项目（件）">
            {byCategory.length === 0 ? <Typography.Text type="secondary">本期没有申请</Typography.Text> : (
              <Suspense fallback={null}><EChart option={appsOption} height={260} label={`申请按项目：${byCategory.map(([c, n]) => `${categoryText(c)} ${n} 件`).join('，')}`} /></Suspense>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title="在保救助对象（户 / 人）">
            {recipients.length === 0 ? <Typography.Text type="secondary">暂无在保对象</Typography.Text> : (
              <Suspense fallback={null}><EChart option={recipientsOption} height={260} label={`在保对象：${recipients.map(([c, r]) => `${categoryText(c)} ${r.households ?? 0} 户 ${r.people ?? 0} 人`).join('，')}`} /></Suspense>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title="按月发放金额（元）">
            {o.paid.length === 0 ? <Typography.Text type="secondary">本期没有已审核的发放</Typography.Text> : (
              <Suspense fallback={null}><EChart option={paidOption} height={260} label={`按月发放：${o.paid.map((p) => `${p.month} ${p.amount} 元`).join('，')}`} /></Suspense>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card size="small" title="预警闭环（条）">
            <Suspense fallback={null}><EChart option={warningsOption} height={260} label={`预警：触发 ${w.raised ?? 0}，核实 ${w.verified ?? 0}，办结 ${w.closed ?? 0}，调整待遇 ${w.adjusted ?? 0}`} /></Suspense>
          </Card>
        </Col>
      </Row>
      {recipients.length > 0 && (
        <Card size="small" title="在保救助对象明细">
          <Table
            size="small"
            pagination={false}
            rowKey="code"
            data-testid="recipients"
            dataSource={recipients.map(([code, r]) => ({ code, ...r }))}
            columns={[
              { title: '项目', dataIndex: 'code', render: categoryText },
              { title: '户数', dataIndex: 'households', align: 'right' },
              { title: '人数', dataIndex: 'people', align: 'right' },
            ]}
          />
        </Card>
      )}
    </Space>
  );
}
