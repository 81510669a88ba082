import { App, Button, Card, DatePicker, Descriptions, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { dateTime } from '../../labels.ts';
import { errorText } from '../../services/client.ts';
import { useRun, useStartRun } from '../../services/monitoring.ts';

const KEY = 'jiuzhu.monitoringRuns';
const STATUS: Record<string, { text: string; color: string }> = { RUNNING: { text: '运行中', color: 'processing' }, SUCCEEDED: { text: '完成', color: 'success' }, FAILED: { text: '失败', color: 'error' } };

/**
 * 监测运行: start a run for a date and follow it. The API has no list of runs: the history shown
 * is the runs started from this browser (GET /monitoring/runs/{id} each).
 */
export default function Runs() {
  const [asOf, setAsOf] = useState<Dayjs>(dayjs());
  const [ids, setIds] = useState<string[]>(() => JSON.parse(localStorage.getItem(KEY) ?? '[]') as string[]);
  const start = useStartRun();
  const { message } = App.useApp();
  const run = async () => {
    try {
      const { runId } = await start.mutateAsync(asOf.format('YYYY-MM-DD'));
      const next = [runId, ...ids].slice(0, 20);
      localStorage.setItem(KEY, JSON.stringify(next));
      setIds(next);
    } catch (e) {
      message.error(errorText(e));
    }
  };
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>监测运行</Typography.Title>
      <Card size="small">
        <Space wrap>
          <DatePicker aria-label="监测日期" value={asOf} onChange={(d) => d && setAsOf(d)} allowClear={false} />
          <Button type="primary" loading={start.isPending} onClick={() => void run()}>运行监测</Button>
          <Typography.Text type="secondary">每日 01:00（北京时间）自动运行；同一日期重复运行不会重复预警。</Typography.Text>
        </Space>
      </Card>
      <Card size="small" title="运行记录" style={{ marginTop: 16 }}>
        {ids.length === 0 ? <Typography.Text type="secondary">本机尚未发起运行</Typography.Text> : ids.map((id) => <RunRow key={id} runId={id} />)}
      </Card>
    </div>
  );
}

function RunRow({ runId }: { runId: string }) {
  const q = useRun(runId);
  const r = q.data;
  if (!r) return <Descriptions size="small" title={runId} />;
  return (
    <Descriptions size="small" bordered column={{ xs: 1, sm: 3 }} style={{ marginBottom: 12 }} title={<span>{r.asOf} <Tag color={STATUS[r.status]?.color}>{STATUS[r.status]?.text}</Tag></span>}>
      <Descriptions.Item label="读取">{r.itemsRead}</Descriptions.Item>
      <Descriptions.Item label="新增预警">{r.warningsRaised}</Descriptions.Item>
      <Descriptions.Item label="开始">{dateTime(r.startedAt)}</Descriptions.Item>
      {r.breakdown && (
        <Descriptions.Item label="按指标" span={3}>
          <Table size="small" pagination={false} rowKey="k" dataSource={Object.entries(r.breakdown).map(([k, v]) => ({ k, v }))} columns={[{ title: '指标', dataIndex: 'k' }, { title: '条数', dataIndex: 'v' }]} />
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}
