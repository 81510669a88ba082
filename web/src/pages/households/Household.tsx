import { App, Alert, Button, Card, Checkbox, Col, DatePicker, Descriptions, Empty, Form, Input, InputNumber, Result, Row, Select, Space, Statistic, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useSession, type Role } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { LABOR, RELATION, categoryText, dateOnly, dateTime, yuan } from '../../labels.ts';
import { CHANGE_KIND, CHANNEL, ENTITLEMENT_STATUS, ORDER_STATUS, HELP_KIND, HELP_LAYER, HOUSEHOLD_EVENT, LABEL_CODE, REFERRAL_STATUS, REREVIEW_OUTCOME, RISK_TYPE, text } from '../../labels-ops.ts';
import { useApplications } from '../../services/applications.ts';
import { errorText } from '../../services/client.ts';
import { useHelpChain, useHousehold, usePayee, useRefer, useReportChange, useSetPayee, type ChangeBody, type HelpChain, type HouseholdView } from '../../services/households.ts';
import { useItemNames, useProgrammes, type ProgrammeCode } from '../../services/services.ts';

/** Where a case opens for this role: the citizen's own page, or the reviewers' case page. */
export const caseLink = (role: Role | undefined, id: string) => (role === 'citizen' ? `/citizen/applications/${id}` : `/review/cases/${id}`);
export const ledgerLink = (role: Role | undefined, householdId: string) => (role === 'citizen' ? `/citizen/ledger?household=${householdId}` : `/family-ledger?household=${householdId}`);

/** 我的家庭档案: the citizen's own household (the one their applications created or joined). */
export function MyHousehold() {
  const mine = useApplications({});
  const households = [...new Set((mine.data?.items ?? []).map((a) => a.householdId))];
  const [chosen, setChosen] = useState<string>();
  const id = chosen ?? households[0];
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>我的家庭档案</Typography.Title>
      {households.length > 1 && (
        <Select aria-label="家庭" value={id} onChange={setChosen} options={households.map((h) => ({ value: h, label: h }))} style={{ minWidth: 260, marginBottom: 16 }} />
      )}
      <QueryState loading={mine.isLoading} error={mine.error} empty={!id} emptyText="还没有家庭档案（提出申请并获批准后建立）">
        {id && <HouseholdBody id={id} />}
      </QueryState>
    </div>
  );
}

/** 家庭档案: entitlements and their status, the next re-review, labels, history, the chain of help, the payee. */
export default function Household() {
  const { id } = useParams();
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>家庭档案</Typography.Title>
      {id && <HouseholdBody id={id} />}
    </div>
  );
}

function HouseholdBody({ id }: { id: string }) {
  const session = useSession();
  const role = session?.role;
  const q = useHousehold(id);
  const canReport = role === 'citizen' || role === 'village' || role === 'town';
  const canPayee = role === 'city' || role === 'admin';
  return (
    <QueryState loading={q.isLoading} error={q.error} onRetry={() => void q.refetch()}>
      {q.data && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Profile h={q.data} role={role} />
          <Tabs
            items={[
              { key: 'history', label: '变更记录', children: <History h={q.data} role={role} /> },
              { key: 'chain', label: '救助链', children: <ChainTab id={id} role={role} /> },
              ...(canPayee ? [{ key: 'payee', label: '收款账户', children: <PayeeTab id={id} /> }] : []),
              ...(canReport ? [{ key: 'change', label: '报告家庭变化', children: <ChangeTab h={q.data} role={role} /> }] : []),
            ]}
          />
        </Space>
      )}
    </QueryState>
  );
}

type Entitlement = HouseholdView['entitlements'][number] & { applicationId?: string; amounts?: { from: string; monthlyAmount: number; reason: string }[] };
type Member = HouseholdView['members'][number] & { name?: string; deceasedOn?: string };
type Label = { code?: string; riskTypes?: string[]; since?: string };

function Profile({ h, role }: { h: HouseholdView; role: Role | undefined }) {
  const ents = h.entitlements as Entitlement[];
  const active = ents.filter((e) => e.status !== 'ENDED');
  const monthly = Math.round(active.reduce((s, e) => s + e.monthlyAmount, 0) * 100) / 100;
  const labels = h.labels as Label[];
  const address = (h as { address?: string }).address;
  return (
    <>
      <Card size="small">
        <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
          <Descriptions.Item label="家庭编号">{h.id}</Descriptions.Item>
          <Descriptions.Item label="地址">{address ?? '—'}</Descriptions.Item>
          <Descriptions.Item label="区划代码">{h.regionCode}</Descriptions.Item>
          <Descriptions.Item label="下次复核">
            <span data-testid="next-review">{h.nextReviewDue ?? '暂无安排'}</span>
          </Descriptions.Item>
          <Descriptions.Item label="标签">
            {labels.length === 0
              ? '—'
              : labels.map((l, i) => (
                  <Tag key={i} color="purple">
                    {text(LABEL_CODE, l.code)}
                    {l.riskTypes?.length ? `（${l.riskTypes.map((r) => RISK_TYPE[r] ?? r).join('、')}）` : ''}
                    {l.since ? ` 自 ${l.since}` : ''}
                  </Tag>
                ))}
          </Descriptions.Item>
          <Descriptions.Item label="台账">
            <Space>
              <Link to={ledgerLink(role, h.id)}>救助台账</Link>
              {role !== 'citizen' && <Link to={`/services/orders?householdId=${h.id}`}>服务工单</Link>}
            </Space>
          </Descriptions.Item>
        </Descriptions>
        {h.nextReviewDue && (
          <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
            到期前由村（社区）组织复核：家庭收入、人口、财产有变化的，请及时报告；复核后救助金可能调整。
          </Typography.Paragraph>
        )}
      </Card>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Card size="small"><Statistic title="现享救助（元/月）" value={monthly} precision={2} prefix="¥" /></Card>
        </Col>
        <Col xs={12} md={8}>
          <Card size="small"><Statistic title="享受中 / 渐退期" value={`${ents.filter((e) => e.status === 'ACTIVE').length} / ${ents.filter((e) => e.status === 'GRADUAL_EXIT').length}`} /></Card>
        </Col>
        <Col xs={12} md={8}>
          <Card size="small"><Statistic title="家庭成员" value={h.members.length} suffix="人" /></Card>
        </Col>
      </Row>
      <Card size="small" title="救助待遇">
        {ents.length === 0 ? (
          <Empty description="暂无救助待遇" />
        ) : (
          <Table<Entitlement>
            size="small"
            pagination={false}
            rowKey={(e) => `${e.code}-${e.from}`}
            dataSource={ents}
            scroll={{ x: 760 }}
            data-testid="entitlements"
            columns={[
              { title: '项目', dataIndex: 'code', render: categoryText },
              { title: '状态', dataIndex: 'status', render: (s: string) => <Tag color={ENTITLEMENT_STATUS[s]?.color}>{ENTITLEMENT_STATUS[s]?.text ?? s}</Tag> },
              { title: '月救助金', dataIndex: 'monthlyAmount', align: 'right', render: yuan },
              { title: '起始月份', dataIndex: 'from' },
              {
                title: '截止',
                dataIndex: 'until',
                render: (u: string | undefined, e) => (u ? (e.status === 'GRADUAL_EXIT' ? `渐退至 ${u}，期满停止` : u) : '—'),
              },
              {
                title: '金额变化',
                render: (_, e) =>
                  (e.amounts ?? []).length <= 1 && (e.amounts?.[0]?.reason ?? '批准') === '批准'
                    ? '—'
                    : (e.amounts ?? []).map((a, i) => <div key={i}>{`${a.from} 起 ${yuan(a.monthlyAmount)}：${a.reason}`}</div>),
              },
              { title: '决定', render: (_, e) => (e.applicationId ? <Link to={caseLink(role, e.applicationId)}>查看案件</Link> : '—') },
            ]}
          />
        )}
      </Card>
      <Card size="small" title="家庭成员（身份证号已脱敏）">
        <Table<Member>
          size="small"
          pagination={false}
          rowKey="person"
          dataSource={h.members as Member[]}
          columns={[
            { title: '姓名', dataIndex: 'name', render: (n?: string) => n ?? '—' },
            { title: '身份证号', dataIndex: 'person' },
            { title: '关系', dataIndex: 'relation', render: (r: string) => RELATION[r] ?? r },
            { title: '备注', dataIndex: 'deceasedOn', render: (d?: string) => (d ? `已于 ${d} 去世` : '') },
          ]}
        />
      </Card>
    </>
  );
}

type HistoryEntry = HouseholdView['history'][number] & { detail?: Record<string, unknown> };

function History({ h, role }: { h: HouseholdView; role: Role | undefined }) {
  const items = [...(h.history as HistoryEntry[])].reverse();
  if (items.length === 0) return <Empty description="暂无记录" />;
  return (
    <Card size="small">
      <Timeline
        data-testid="household-history"
        items={items.map((e) => {
          const d = (e.detail ?? {}) as Record<string, unknown>;
          const approved = (d.approved as { code: string; monthlyAmount: number; startMonth: string }[] | undefined) ?? [];
          const caseId = (d.applicationId ?? d.reviewId) as string | undefined;
          return {
            color: e.kind === 'REREVIEW_DECIDED' && (d.outcome === 'REDUCTION' || d.outcome === 'TERMINATION') ? 'orange' : 'green',
            content: (
              <div>
                <b>{HOUSEHOLD_EVENT[e.kind] ?? e.kind}</b> · {dateTime(e.at)}
                {approved.length > 0 && <div>{approved.map((a) => `${categoryText(a.code)} 每月 ${yuan(a.monthlyAmount)}（自 ${a.startMonth} 起）`).join('；')}</div>}
                {typeof d.change === 'string' && <div>{`${CHANGE_KIND[d.change] ?? d.change}，变化日期 ${String(d.effectiveOn ?? '—')}；已启动复核（乡镇审核，县市决定）`}</div>}
                {typeof d.outcome === 'string' && <div>结果：{REREVIEW_OUTCOME[d.outcome] ?? d.outcome}</div>}
                {typeof d.letter === 'string' && <div style={{ color: '#595959' }}>决定书 {d.letter}</div>}
                {caseId && (
                  <Link to={caseLink(role, caseId)}>{d.reviewId ? `复核 ${caseId}` : `案件 ${caseId}`}</Link>
                )}
              </div>
            ),
          };
        })}
      />
    </Card>
  );
}

type ChainItem = HelpChain['items'][number] & {
  code?: string;
  name?: string;
  status?: string;
  monthlyAmount?: number;
  from?: string;
  department?: string;
  programme?: string;
  dueBy?: string;
  openedAt?: string;
  grant?: { amount: number; date: string; department: string };
  amount?: number;
  date?: string;
  items?: string[];
  organizationName?: string;
  recurrence?: string;
  id?: string;
};

function ChainTab({ id, role }: { id: string; role: Role | undefined }) {
  // The API's own year unless one is chosen (the stack's "today", not the browser's).
  const [chosen, setChosen] = useState<number>();
  const q = useHelpChain(id, chosen);
  const year = chosen ?? q.data?.year ?? dayjs().year();
  const worker = role === 'village' || role === 'town' || role === 'city';
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Select aria-label="救助链年度" value={year} onChange={setChosen} style={{ width: 120 }} options={Array.from({ length: 5 }, (_, i) => Math.max(year, dayjs().year()) + 1 - i).map((y) => ({ value: y, label: `${y} 年` }))} />
      <QueryState loading={q.isLoading} error={q.error} onRetry={() => void q.refetch()}>
        {q.data && <Chain chain={q.data} />}
      </QueryState>
      {worker && <ReferForm householdId={id} />}
    </Space>
  );
}

function Chain({ chain }: { chain: HelpChain }) {
  const items = chain.items as ChainItem[];
  const itemName = useItemNames();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Row gutter={16}>
        <Col xs={12} md={8}><Card size="small"><Statistic title="叠加救助项目" value={chain.stacked} suffix="项" /></Card></Col>
        <Col xs={12} md={8}><Card size="small"><Statistic title={`${chain.year} 年台账合计（元）`} value={chain.ledgerTotal} precision={2} prefix="¥" /></Card></Col>
        <Col xs={24} md={8}><Card size="small"><Statistic title="相关预警" value={chain.warnings.length} suffix="条" /></Card></Col>
      </Row>
      <Card size="small" title="救助链（基本生活 → 专项 → 慈善 → 服务）">
        {items.length === 0 ? (
          <Empty description="暂无救助" />
        ) : (
          <Table<ChainItem>
            size="small"
            pagination={false}
            rowKey={(r, i) => `${r.kind}-${r.id ?? r.code ?? i}`}
            dataSource={items}
            scroll={{ x: 820 }}
            data-testid="help-chain"
            columns={[
              { title: '层次', dataIndex: 'layer', render: (l: string) => HELP_LAYER[l] ?? l },
              { title: '类型', dataIndex: 'kind', render: (k: string) => HELP_KIND[k] ?? k },
              { title: '项目', render: (_, r) => r.name ?? (r.code ? categoryText(r.code) : r.items?.map(itemName).join('、') ?? '—') },
              { title: '部门 / 机构', render: (_, r) => r.department ?? r.organizationName ?? (r.kind === 'ENTITLEMENT' ? '民政部门' : '—') },
              {
                title: '状态',
                render: (_, r) =>
                  r.kind === 'REFERRAL' ? <Tag color={REFERRAL_STATUS[r.status ?? '']?.color}>{REFERRAL_STATUS[r.status ?? '']?.text ?? r.status}</Tag> : r.kind === 'SERVICE_ORDER' && r.status ? <Tag color={ORDER_STATUS[r.status]?.color}>{ORDER_STATUS[r.status]?.text ?? r.status}</Tag> : r.status ? <Tag color={ENTITLEMENT_STATUS[r.status]?.color}>{ENTITLEMENT_STATUS[r.status]?.text ?? r.status}</Tag> : '—',
              },
              {
                title: '金额',
                align: 'right',
                render: (_, r) => (r.monthlyAmount !== undefined ? `${yuan(r.monthlyAmount)}/月` : r.grant ? yuan(r.grant.amount) : r.amount !== undefined ? yuan(r.amount) : '—'),
              },
              {
                title: '日期',
                render: (_, r) => (r.grant ? r.grant.date : r.kind === 'REFERRAL' && r.dueBy ? `应于 ${r.dueBy} 前答复` : r.from ? `自 ${r.from}` : r.date ?? '—'),
              },
            ]}
          />
        )}
      </Card>
    </Space>
  );
}

function ReferForm({ householdId }: { householdId: string }) {
  const programmes = useProgrammes();
  const refer = useRefer();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ programmes: ProgrammeCode[] }>();
  return (
    <Card size="small" title="转介到其他部门（一门受理）">
      <Form
        form={form}
        layout="vertical"
        onFinish={(v) =>
          void refer.mutateAsync({ householdId, programmes: v.programmes }).then(
            (r) => {
              message.success(`已转介 ${r.items.length} 项，部门答复期限见救助链`);
              form.resetFields();
            },
            (e: unknown) => message.error(`转介失败：${errorText(e)}`),
          )
        }
      >
        {/* A validator, not `required`: aria-required is not allowed on a checkbox group (axe-core). */}
        <Form.Item name="programmes" label="转介项目" rules={[{ validator: (_r, v?: string[]) => (v?.length ? Promise.resolve() : Promise.reject(new Error('请选择至少一项'))) }]}>
          <Checkbox.Group
            options={(programmes.data?.items ?? []).map((p) => ({ value: p.code, label: `${p.name}（${p.department}，${p.dueDays} 日内答复）${p.gives ? `：${p.gives}` : ''}` }))}
            style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={refer.isPending}>提交转介</Button>
      </Form>
    </Card>
  );
}

interface PayeeForm {
  name: string;
  idNumber: string;
  bank: string;
  accountNumber: string;
  channel: 'BANK' | 'SOCIAL_SECURITY_CARD';
}

function PayeeTab({ id }: { id: string }) {
  const q = usePayee(id);
  const save = useSetPayee(id);
  const { message } = App.useApp();
  const [form] = Form.useForm<PayeeForm>();
  const p = q.data;
  return (
    <Row gutter={16}>
      <Col xs={24} md={12}>
        <Card size="small" title="收款账户（账号已脱敏）">
          <QueryState loading={q.isLoading} error={q.error} empty={p === null} emptyText="尚未登记收款账户：该户救助金将暂缓发放，登记后在下一期名册补发">
            {p && (
              <Space orientation="vertical" style={{ width: '100%' }}>
                {p.blocked && <Alert type="error" showIcon title="该账户被银行退回，发放已暂停，请核实并更正账户" />}
                <Descriptions size="small" column={1} data-testid="payee">
                  <Descriptions.Item label="收款人">{p.name}</Descriptions.Item>
                  <Descriptions.Item label="身份证号">{p.person}</Descriptions.Item>
                  <Descriptions.Item label="开户行">{p.bank}</Descriptions.Item>
                  <Descriptions.Item label="方式">{CHANNEL[p.channel] ?? p.channel}</Descriptions.Item>
                  <Descriptions.Item label="账号"><span data-testid="payee-account">{p.account}</span></Descriptions.Item>
                  <Descriptions.Item label="更新">{`${dateTime(p.updatedAt)} · ${p.updatedBy} · 第 ${p.version} 版`}</Descriptions.Item>
                </Descriptions>
                {p.returns.length > 0 && (
                  <Table
                    size="small"
                    pagination={false}
                    rowKey="lineId"
                    dataSource={p.returns}
                    columns={[
                      { title: '退回时间', dataIndex: 'at', render: dateTime },
                      { title: '名册', dataIndex: 'rosterId' },
                      { title: '退回原因', dataIndex: 'reason' },
                    ]}
                  />
                )}
              </Space>
            )}
          </QueryState>
        </Card>
      </Col>
      <Col xs={24} md={12}>
        <Card size="small" title={p ? '更正收款账户' : '登记收款账户'}>
          <Form
            form={form}
            layout="vertical"
            initialValues={{ channel: 'BANK' }}
            onFinish={(v) =>
              void save.mutateAsync(v).then(
                () => {
                  message.success('收款账户已保存（账号加密存储，仅显示脱敏号码）');
                  form.resetFields();
                },
                (e: unknown) => message.error(`保存失败：${errorText(e)}`),
              )
            }
          >
            <Form.Item name="name" label="收款人姓名" rules={[{ required: true, message: '必填' }]}><Input maxLength={50} /></Form.Item>
            <Form.Item name="idNumber" label="收款人身份证号" rules={[{ required: true, len: 18, message: '18 位身份证号' }]}><Input maxLength={18} autoComplete="off" /></Form.Item>
            <Form.Item name="channel" label="发放方式"><Select options={Object.entries(CHANNEL).map(([value, label]) => ({ value, label }))} /></Form.Item>
            <Form.Item name="bank" label="开户银行" rules={[{ required: true, message: '必填' }]}><Input maxLength={100} /></Form.Item>
            <Form.Item name="accountNumber" label="银行账号（社保卡号）" rules={[{ required: true, message: '必填' }]}><Input maxLength={40} autoComplete="off" /></Form.Item>
            <Button type="primary" htmlType="submit" loading={save.isPending}>保存账户</Button>
          </Form>
        </Card>
      </Col>
    </Row>
  );
}

interface ChangeMember {
  name?: string;
  idNumber?: string;
  relation?: string;
  laborAbility?: 'full' | 'partial' | 'none';
  monthlyIncome?: number;
}

interface ChangeForm {
  kind: ChangeBody['kind'];
  effectiveOn: Dayjs;
  address?: string;
  hukouType: 'rural' | 'urban';
  members: ChangeMember[];
  deposits?: number;
}

function ChangeTab({ h, role }: { h: HouseholdView; role: Role | undefined }) {
  const report = useReportChange(h.id);
  const { message } = App.useApp();
  const [form] = Form.useForm<ChangeForm>();
  const [done, setDone] = useState<{ changeId: string; reviewId: string }>();
  if (done)
    return (
      <Result
        status="success"
        title="变化已报告，已启动复核"
        subTitle={
          <span data-testid="change-accepted">
            复核编号 {done.reviewId}（报告编号 {done.changeId}）。接下来：规则重新测算 → 乡镇审核 → 县市决定。救助金增加的，自变化当月起调整；减少或停止的，须书面告知，自决定次月起执行。
          </span>
        }
        extra={[
          <Link key="review" to={caseLink(role, done.reviewId)}>查看复核进度</Link>,
          <Button key="again" onClick={() => setDone(undefined)}>再报告一项</Button>,
        ]}
      />
    );
  const members = (h.members as Member[]).map((m) => ({ name: m.name, relation: m.relation, laborAbility: 'full' as const, monthlyIncome: 0 }));
  const onFinish = async (v: ChangeForm) => {
    const body: ChangeBody = {
      kind: v.kind,
      effectiveOn: v.effectiveOn.format('YYYY-MM-DD'),
      household: {
        regionCode: h.regionCode,
        ...(v.address ? { address: v.address } : {}),
        hukouType: v.hukouType,
        members: v.members.map((m) => ({
          name: m.name!,
          idNumber: m.idNumber!.trim(),
          relation: m.relation as ChangeBody['household']['members'][number]['relation'],
          laborAbility: m.laborAbility ?? 'full',
          monthlyIncome: m.monthlyIncome ?? 0,
        })),
        assets: { deposits: v.deposits ?? 0 },
      },
    };
    try {
      setDone(await report.mutateAsync(body));
      message.success('已提交');
    } catch (e) {
      message.error(`提交失败：${errorText(e)}`);
    }
  };
  return (
    <Card size="small" title="报告家庭变化（收入、人口、财产、住址）">
      <Typography.Paragraph type="secondary">
        请按变化后的情况填写全家现状。身份证号须完整填写（提交后仅显示脱敏号码）。报告后规则重新测算，由乡镇审核、县市决定。
      </Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(v) => void onFinish(v)} initialValues={{ kind: 'INCOME', effectiveOn: dayjs(), hukouType: 'rural', members, address: (h as { address?: string }).address }}>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name="kind" label="变化类型" rules={[{ required: true }]}>
              <Select options={Object.entries(CHANGE_KIND).map(([value, label]) => ({ value, label }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="effectiveOn" label="变化日期" rules={[{ required: true, message: '请选择日期' }]}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="hukouType" label="户口性质" rules={[{ required: true }]}>
              <Select options={[{ value: 'rural', label: '农村' }, { value: 'urban', label: '城镇' }]} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="address" label="居住地址"><Input maxLength={200} /></Form.Item>
        <Form.List name="members">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <Card key={f.key} size="small" type="inner" title={`成员 ${i + 1}`} style={{ marginBottom: 8 }} extra={fields.length > 1 ? <Button size="small" onClick={() => remove(f.name)}>移除</Button> : null}>
                  <Row gutter={8}>
                    <Col xs={24} md={4}><Form.Item name={[f.name, 'name']} label="姓名" rules={[{ required: true, message: '必填' }]}><Input maxLength={50} /></Form.Item></Col>
                    <Col xs={24} md={6}><Form.Item name={[f.name, 'idNumber']} label={`成员 ${i + 1} 身份证号`} rules={[{ required: true, len: 18, message: '18 位身份证号' }]}><Input maxLength={18} autoComplete="off" /></Form.Item></Col>
                    <Col xs={12} md={4}><Form.Item name={[f.name, 'relation']} label="关系" rules={[{ required: true }]}><Select options={Object.entries(RELATION).map(([value, label]) => ({ value, label }))} /></Form.Item></Col>
                    <Col xs={12} md={5}><Form.Item name={[f.name, 'laborAbility']} label="劳动能力" rules={[{ required: true }]}><Select options={Object.entries(LABOR).map(([value, label]) => ({ value, label }))} /></Form.Item></Col>
                    <Col xs={24} md={5}><Form.Item name={[f.name, 'monthlyIncome']} label={`成员 ${i + 1} 月收入（元）`}><InputNumber min={0} max={100000000} precision={2} style={{ width: '100%' }} /></Form.Item></Col>
                  </Row>
                </Card>
              ))}
              <Button onClick={() => add({ laborAbility: 'full', monthlyIncome: 0 })} style={{ marginBottom: 16 }}>增加成员</Button>
            </>
          )}
        </Form.List>
        <Form.Item name="deposits" label="家庭存款合计（元）"><InputNumber min={0} max={100000000} precision={2} style={{ width: '100%' }} /></Form.Item>
        <Button type="primary" htmlType="submit" loading={report.isPending}>提交变化报告</Button>
      </Form>
    </Card>
  );
}
