import { App, Button, Form, Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { dateOnly } from '../../labels.ts';
import { useObjection } from '../../services/applications.ts';
import { errorText } from '../../services/client.ts';

/** 登记异议: a villager's objection to a case on the notice board, recorded by the worker who took it. */
export function ObjectionButton({ id, name, until }: { id: string; name: string; until?: string }) {
  const [open, setOpen] = useState(false);
  const object = useObjection(id);
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} aria-label={`登记异议 ${name}`}>登记异议</Button>
      <Modal
        open={open}
        title={`对 ${name} 的公示提出异议`}
        okText="提交"
        cancelText="取消"
        confirmLoading={object.isPending}
        onCancel={() => setOpen(false)}
        onOk={() =>
          void form.validateFields().then(async ({ reason }) => {
            try {
              await object.mutateAsync(reason);
              message.success('异议已登记，案件退回乡镇重新核查，核查后重新公示');
              setOpen(false);
              form.resetFields();
            } catch (e) {
              message.error(`登记失败：${errorText(e)}`);
            }
          })
        }
      >
        <Typography.Paragraph type="secondary">公示截止 {dateOnly(until)}。异议人的身份只有审核人员可见。</Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label="异议内容" rules={[{ required: true, message: '请写明异议内容' }]}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
