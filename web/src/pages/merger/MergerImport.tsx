import { App, Alert, Button, Card, Descriptions, Table, Tag, Typography, Upload } from 'antd';
import { useState } from 'react';
import { QueryState } from '../../components/States.tsx';
import { categoryText } from '../../labels.ts';
import { errorText } from '../../services/client.ts';
import { useImport, useStartImport } from '../../services/merger.ts';

/**
 * 监测对象导入: a CSV file (UTF-8 or GBK, header row) uploaded as it is; the workflow classifies
 * the accepted rows; the report names every rejected row and field.
 */
export default function MergerImport() {
  const start = useStartImport();
  const [importId, setImportId] = useState<string>();
  const report = useImport(importId);
  const { message } = App.useApp();
  const r = report.data;
  return (
    <div className="page">
      <Typography.Title level={2} style={{ fontSize: 20 }}>导入防止返贫监测对象</Typography.Title>
      <Card size="small">
        <Typography.Paragraph>
          CSV 文件（UTF-8 或 GBK），首行为表头：householdRef, name, idNumber, relation, regionCode, riskTypes, monthlyIncome, deposits, identifiedOn。每次不超过 256 KB（约 3,000 行）。
        </Typography.Paragraph>
        <Upload
          accept=".csv,text/csv"
          showUploadList={false}
          beforeUpload={(file) => {
            start.mutate(file, {
              onSuccess: (res) => {
                setImportId(res.importId);
                message.success(`已受理 ${res.rows} 行：${res.accepted} 行通过校验，${res.rejected} 行有误`);
              },
              onError: (e) => message.error(errorText(e)),
            });
            return false;
          }}
        >
          <Button type="primary" loading={start.isPending}>选择 CSV 文件并导入</Button>
        </Upload>
      </Card>
      {importId && (
        <Card size="small" title={`导入 ${importId}`} style={{ marginTop: 16 }}>
          <QueryState loading={report.isLoading} error={report.error}>
            {r && (
              <>
                <Descriptions size="small" column={{ xs: 1, md: 4 }} data-testid="import-report">
                  <Descriptions.Item label="状态"><Tag color={r.status === 'SUCCEEDED' ? 'success' : r.status === 'FAILED' ? 'error' : 'processing'}>{r.status === 'SUCCEEDED' ? '已完成' : r.status === 'FAILED' ? '失败' : '处理中'}</Tag></Descriptions.Item>
                  <Descriptions.Item label="总行数">{r.rows}</Descriptions.Item>
                  <Descriptions.Item label="通过">{r.accepted}</Descriptions.Item>
                  <Descriptions.Item label="有误">{r.rejected}</Descriptions.Item>
                  {Object.entries(r.classified).map(([k, n]) => (
                    <Descriptions.Item key={k} label={k === 'NONE' ? '不在救助范围' : categoryText(k)}>{n}</Descriptions.Item>
                  ))}
                </Descriptions>
                {r.errors.length > 0 ? (
                  <Table
                    size="small"
                    rowKey={(e) => `${e.row}-${e.path}-${e.message}`}
                    dataSource={r.errors}
                    pagination={{ pageSize: 20 }}
                    data-testid="import-errors"
                    columns={[
                      { title: '行', dataIndex: 'row', width: 80 },
                      { title: '字段', dataIndex: 'path', width: 160 },
                      { title: '问题', dataIndex: 'message' },
                    ]}
                  />
                ) : (
                  <Alert type="success" showIcon title="所有行均通过校验" />
                )}
              </>
            )}
          </QueryState>
        </Card>
      )}
    </div>
  );
}
