import { Card, Col, Row, Table, Tag, Typography } from 'antd';
import { QueryState } from '../../components/States.tsx';
import { useCatalog, useProgrammes, type Programme } from '../../services/services.ts';

/** 服务目录与部门救助项目: the service items by category, and the other departments' programmes (一门受理). */
export default function Catalog() {
  const catalog = useCatalog();
  const programmes = useProgrammes();
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>服务目录与部门救助项目</Typography.Title>
      <Row gutter={16}>
        <Col xs={24} lg={10}>
          <Card size="small" title="服务类救助目录">
            <QueryState loading={catalog.isLoading} error={catalog.error}>
              {catalog.data && (
                <Table
                  size="small"
                  pagination={false}
                  rowKey="code"
                  data-testid="catalog"
                  dataSource={catalog.data.categories.map((c) => ({ ...c, items: catalog.data!.items.filter((i) => i.categoryCode === c.code) }))}
                  columns={[
                    { title: '类别', dataIndex: 'name', render: (n: string, c) => <span>{n}{c.source === 'assumed' ? <small style={{ color: '#595959' }}>（地方补充）</small> : null}</span> },
                    { title: '服务项目', dataIndex: 'items', render: (xs: { code: string; name: string }[]) => xs.map((x) => <Tag key={x.code}>{x.name}</Tag>) },
                  ]}
                />
              )}
            </QueryState>
          </Card>
        </Col>
        <Col xs={24} lg={14}>
          <Card size="small" title="其他部门救助项目（一门受理，转介办理）">
            <QueryState loading={programmes.isLoading} error={programmes.error}>
              <Table<Programme>
                size="small"
                pagination={false}
                rowKey="code"
                scroll={{ x: 640 }}
                data-testid="programmes"
                dataSource={programmes.data?.items ?? []}
                columns={[
                  { title: '项目', dataIndex: 'name' },
                  { title: '部门', dataIndex: 'department' },
                  { title: '内容', dataIndex: 'gives' },
                  { title: '答复期限', dataIndex: 'dueDays', render: (d: number) => `${d} 日` },
                ]}
              />
            </QueryState>
          </Card>
        </Col>
      </Row>
    </div>
  );
}
