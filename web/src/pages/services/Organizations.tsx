import { App, Button, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography, Card } from 'antd';
import { useState } from 'react';
import { useSession } from '../../auth/session.ts';
import { QueryState } from '../../components/States.tsx';
import { dateTime } from '../../labels.ts';
import { ORG_KIND } from '../../labels-ops.ts';
import { errorText } from '../../services/client.ts';
import { useCatalog, useOrganizations, usePutOrganization, type Organization, type OrganizationBody, type OrganizationQuery, useItemNames } from '../../services/services.ts';

/** 服务机构: social organizations, service teams, rapid-response teams, stations, charities; the city and the administrator keep them. */
export default function Organizations() {
  const session = useSession();
  const [filter, setFilter] = useState<OrganizationQuery>(session?.role === 'admin' || session?.role === 'monitor' ? { regionCode: '61' } : {});
  const q = useOrganizations(filter);
  const itemName = useItemNames();
  const editor = session?.role === 'city' || session?.role === 'admin';
  const [editing, setEditing] = useState<Organization | 'new'>();
  const items = q.data?.items ?? [];
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>服务类救助 · 服务机构</Typography.Title>
      <Card
        size="small"
        title="社会组织与服务队伍"
        extra={
          <Space wrap>
            <Input.Search aria-label="按区划代码筛选" placeholder="区划代码" allowClear defaultValue={filter.regionCode} style={{ width: 180 }} onSearch={(v) => setFilter({ ...filter, regionCode: v.trim() || undefined })} />
            <Select aria-label="按机构类型筛选" allowClear placeholder="类型" style={{ width: 200 }} value={filter.kind} onChange={(kind) => setFilter({ ...filter, kind })} options={Object.entries(ORG_KIND).map(([value, label]) => ({ value, label }))} />
            {editor && <Button type="primary" onClick={() => setEditing('new')}>新增机构</Button>}
          </Space>
        }
      >
        <QueryState loading={q.isLoading} error={q.error} empty={items.length === 0} onRetry={() => void q.refetch()} emptyText="没有服务机构">
          <Table<Organization>
            size="small"
            rowKey="id"
            dataSource={items}
            scroll={{ x: 1000 }}
            data-testid="organizations"
            columns={[
              { title: '名称', dataIndex: 'name' },
              { title: '类型', dataIndex: 'kind', render: (k: string) => <Tag>{ORG_KIND[k] ?? k}</Tag> },
              { title: '区划', dataIndex: 'regionCode' },
              { title: '服务项目', dataIndex: 'services', render: (xs: string[]) => xs.map(itemName).join('、') },
              { title: '人数', dataIndex: 'members', render: (n?: number) => n ?? '—' },
              { title: '联系方式', dataIndex: 'contact', render: (c?: string) => c ?? '—' },
              { title: '更新', dataIndex: 'updatedAt', render: dateTime },
              ...(editor ? [{ title: '操作', render: (_: unknown, o: Organization) => <Button size="small" onClick={() => setEditing(o)} aria-label={`编辑 ${o.name}`}>编辑</Button> }] : []),
            ]}
          />
        </QueryState>
      </Card>
      {editing && <OrgModal org={editing === 'new' ? undefined : editing} defaultRegion={session?.regionCode} onClose={() => setEditing(undefined)} />}
    </div>
  );
}

interface OrgForm extends OrganizationBody {
  id: string;
}

function OrgModal({ org, defaultRegion, onClose }: { org: Organization | undefined; defaultRegion: string | undefined; onClose: () => void }) {
  const [form] = Form.useForm<OrgForm>();
  const put = usePutOrganization();
  const catalog = useCatalog();
  const { message } = App.useApp();
  return (
    <Modal
      open
      title={org ? `编辑：${org.name}` : '新增服务机构'}
      okText="保存"
      cancelText="取消"
      confirmLoading={put.isPending}
      onCancel={onClose}
      onOk={() =>
        void form.validateFields().then(async ({ id, ...body }) => {
          try {
            await put.mutateAsync({ id, body: { ...body, ...(body.contact ? {} : { contact: undefined }) } as OrganizationBody });
            message.success('服务机构已保存');
            onClose();
          } catch (e) {
            message.error(`保存失败：${errorText(e)}`);
          }
        })
      }
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={org ? { id: org.id, name: org.name, kind: org.kind, regionCode: org.regionCode, services: org.services, members: org.members, contact: org.contact } : { regionCode: defaultRegion, kind: 'SOCIAL_ORGANIZATION', services: [] }}
      >
        <Form.Item name="id" label="机构编号（小写字母、数字、- 或 _）" rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9_-]{2,63}$/, message: '3–64 位小写字母、数字、- 或 _' }]}>
          <Input disabled={!!org} maxLength={64} />
        </Form.Item>
        <Form.Item name="name" label="机构名称" rules={[{ required: true, message: '必填' }]}><Input maxLength={100} /></Form.Item>
        <Form.Item name="kind" label="机构类型" rules={[{ required: true }]}><Select options={Object.entries(ORG_KIND).map(([value, label]) => ({ value, label }))} /></Form.Item>
        <Form.Item name="regionCode" label="服务区域（区划代码）" rules={[{ required: true, pattern: /^(\d{2}|\d{4}|\d{6}|\d{9}|\d{12})$/, message: '2、4、6、9 或 12 位区划代码' }]}><Input maxLength={12} /></Form.Item>
        <Form.Item name="services" label="提供的服务项目">
          <Select mode="multiple" optionFilterProp="label" options={(catalog.data?.items ?? []).map((i) => ({ value: i.code, label: `${i.category}·${i.name}` }))} />
        </Form.Item>
        <Form.Item name="members" label="人数"><InputNumber min={0} precision={0} style={{ width: '100%' }} /></Form.Item>
        <Form.Item name="contact" label="联系方式"><Input maxLength={100} /></Form.Item>
      </Form>
    </Modal>
  );
}
