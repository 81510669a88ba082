import { App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { LEVEL, categoryText, dateOnly } from '../../labels.ts';
import { errorText } from '../../services/client.ts';
import { useAssessments, useDecide, type Assessment } from '../../services/merger.ts';
import { LABEL_TEXT, LAYERS, RISK } from './merger-labels.ts';

/**
 * 市镇村三级研判: the open assessments of the reviewer's own level inside their jurisdiction;
 * include (with a category, the rules' layer proposed) or exit (with its reason). The village and
 * the town give an opinion and pass it up; the city's decision is final.
 */
export default function MergerAssessments() {
  const session = useSession();
  const level = session?.role as 'village' | 'town' | 'city';
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors.at(-1);
  const list = useAssessments({ level, limit: 50, ...(cursor ? { cursor } : {}) });
  const items = list.data?.items ?? [];
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>三级研判（{LEVEL[level] ?? level}）</Typography.Title>
      <Typography.Paragraph type="secondary">
        导入的防止返贫监测对象逐级研判：村、镇提出意见，县市决定纳入（并确定类别）或退出监测。管辖范围：{session?.regionCode}
      </Typography.Paragraph>
      <Card size="small">
        <QueryState loading={list.isLoading} error={list.error} empty={items.length === 0} onRetry={() => void list.refetch()} emptyText="没有待研判的对象">
          <Table<Assessment>
            size="small"
            rowKey="id"
            dataSource={items}
            pagination={false}
            scroll={{ x: 1100 }}
            data-testid="assessment-queue"
            columns={[
              { title: '姓名', dataIndex: 'name', width: 110 },
              { title: '身份证号（脱敏）', dataIndex: 'person', width: 180 },
              { title: '区划', dataIndex: 'regionCode', width: 120 },
              { title: '户编号', dataIndex: 'householdRef', width: 100 },
              { title: '风险类型', dataIndex: 'riskTypes', width: 140, render: (r: string[]) => r.map((x) => <Tag key={x}>{RISK[x] ?? x}</Tag>) },
              { title: '标识', dataIndex: 'label', width: 150, render: (l: Assessment['label']) => <Tag color="purple">{LABEL_TEXT[l.code] ?? l.code}</Tag> },
              { title: '规则建议', key: 'rec', width: 150, render: (_: unknown, a) => (a.recommendation.layer ? <Tag color="blue">{categoryText(a.recommendation.layer)}</Tag> : <Tag>不在救助范围</Tag>) },
              {
                title: '下级意见',
                key: 'opinions',
                width: 200,
                render: (_: unknown, a) =>
                  Object.entries(a.opinions).map(([lv, o]) => (
                    <div key={lv}>
                      {LEVEL[lv]}：{o!.decision === 'include' ? `纳入${o!.category ? `（${categoryText(o!.category)}）` : ''}` : '退出'} · {o!.reason}
                    </div>
                  )),
              },
              { title: '识别日期', dataIndex: 'identifiedOn', width: 110, render: dateOnly },
              { title: '研判', key: 'act', width: 150, fixed: 'right', render: (_: unknown, a) => <Decide assessment={a} final={level === 'city'} /> },
            ]}
          />
          <Space style={{ marginTop: 12 }}>
            <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>上一页</Button>
            <Button disabled={!list.data?.nextCursor} onClick={() => setCursors([...cursors, list.data!.nextCursor!])}>下一页</Button>
          </Space>
        </QueryState>
      </Card>
    </div>
  );
}

function Decide({ assessment, final }: { assessment: Assessment; final: boolean }) {
  const [mode, setMode] = useState<'include' | 'exit'>();
  const decide = useDecide();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ category?: string; reason: string }>();
  const submit = () =>
    void form.validateFields().then(async (v) => {
      try {
        await decide.mutateAsync({ id: assessment.id, body: mode === 'include' ? { decision: 'include', category: v.category as never, reason: v.reason } : { decision: 'exit', reason: v.reason } });
        message.success(final ? (mode === 'include' ? '已纳入救助' : '已退出监测') : '意见已提交上级');
        setMode(undefined);
        form.resetFields();
      } catch (e) {
        message.error(errorText(e));
      }
    });
  return (
    <>
      <Space>
        <Button size="small" type="primary" aria-label={`纳入 ${assessment.name}`} onClick={() => setMode('include')}>纳入</Button>
        <Button size="small" aria-label={`退出 ${assessment.name}`} onClick={() => setMode('exit')}>退出</Button>
      </Space>
      <Modal
        open={!!mode}
        title={`${mode === 'include' ? '纳入' : '退出'}：${assessment.name}（${assessment.person}）`}
        okText="提交"
        cancelText="取消"
        onOk={submit}
        onCancel={() => setMode(undefined)}
        confirmLoading={decide.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ category: assessment.recommendation.layer ?? 'OTHER_HARDSHIP' }}>
          {mode === 'include' && (
            <Form.Item name="category" label="纳入类别" rules={[{ required: true, message: '请选择类别' }]}>
              <Select options={LAYERS.map((c) => ({ value: c, label: categoryText(c) }))} />
            </Form.Item>
          )}
          <Form.Item name="reason" label={mode === 'include' ? '研判理由' : '退出理由'} rules={[{ required: true, message: '请填写理由' }]}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
