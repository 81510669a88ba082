import { Card, Col, Input, Row, Statistic, Typography } from 'antd';
import { lazy, Suspense, useMemo, useState } from 'react';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { useCoverage } from '../../services/merger.ts';
import { pct } from './merger-labels.ts';

const EChart = lazy(() => import('../../components/EChart.tsx'));

type Point = { date: string; coverageNow: number | null; coverageAtImport: number | null };

/** 覆盖率: monitoring objects covered by social assistance, at import and now, and over time. */
export default function MergerCoverage() {
  const session = useSession();
  const [region, setRegion] = useState<string | undefined>(session?.regionCode);
  // The series up to the platform's today (the API's default `to`).
  const cov = useCoverage(region, '2020-01-01');
  const c = cov.data as (typeof cov.data & { series?: Point[] }) | undefined;
  const bars = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 16, top: 24, bottom: 32 },
      xAxis: { type: 'category', data: ['导入时', '研判后'] },
      yAxis: { type: 'value', min: 0, max: 100, name: '%' },
      series: [{ type: 'bar', barMaxWidth: 64, data: c ? [Math.round((c.coverageAtImport ?? 0) * 10000) / 100, Math.round((c.coverageNow ?? 0) * 10000) / 100] : [], itemStyle: { color: '#1f6f43' }, label: { show: true, position: 'top', formatter: '{c}%' } }],
    }),
    [c],
  );
  const line = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 56, right: 16, top: 24, bottom: 32 },
      xAxis: { type: 'category', data: (c?.series ?? []).map((p) => p.date) },
      yAxis: { type: 'value', min: 0, max: 100, name: '%' },
      series: [{ type: 'line', data: (c?.series ?? []).map((p) => Math.round((p.coverageNow ?? 0) * 10000) / 100), itemStyle: { color: '#b7312c' } }],
    }),
    [c],
  );
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>两项政策衔接：覆盖率</Typography.Title>
      <Input.Search aria-label="区划代码" placeholder="区划代码（如 370983）" allowClear defaultValue={region} style={{ width: 260, marginBottom: 16 }} onSearch={(v) => setRegion(v.trim() || session?.regionCode)} />
      <QueryState loading={cov.isLoading} error={cov.error}>
        {c && (
          <>
            <Row gutter={[16, 16]} data-testid="coverage-figures">
              <Col xs={12} md={4}><Card size="small"><Statistic title="监测对象" value={c.total} /></Card></Col>
              <Col xs={12} md={4}><Card size="small"><Statistic title="导入时已覆盖" value={c.coveredAtImport} /></Card></Col>
              <Col xs={12} md={4}><Card size="small"><Statistic title="研判纳入" value={c.included} /></Card></Col>
              <Col xs={12} md={4}><Card size="small"><Statistic title="研判退出" value={c.exited} /></Card></Col>
              <Col xs={12} md={4}><Card size="small"><Statistic title="导入时覆盖率" value={pct(c.coverageAtImport)} data-testid="coverage-before" /></Card></Col>
              <Col xs={12} md={4}><Card size="small"><Statistic title="当前覆盖率" value={pct(c.coverageNow)} data-testid="coverage-after" /></Card></Col>
            </Row>
            <Row gutter={16} style={{ marginTop: 16 }}>
              <Col xs={24} md={10}>
                <Card size="small" title="覆盖率：导入时与研判后">
                  <Suspense fallback={null}>
                    <EChart option={bars} height={260} label={`覆盖率：导入时 ${pct(c.coverageAtImport)}，研判后 ${pct(c.coverageNow)}`} />
                  </Suspense>
                </Card>
              </Col>
              <Col xs={24} md={14}>
                <Card size="small" title="覆盖率（按日）">
                  <Suspense fallback={null}>
                    <EChart option={line} height={260} label="覆盖率按日变化" />
                  </Suspense>
                </Card>
              </Col>
            </Row>
          </>
        )}
      </QueryState>
    </div>
  );
}
