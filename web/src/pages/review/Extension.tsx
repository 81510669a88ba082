import { App, Button, Form, Input, Modal, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSession } from '../../auth/session.ts';
import { dateOnly } from '../../labels.ts';
import type { Application } from '../../services/applications.ts';
import { api, errorText, unwrap } from '../../services/client.ts';
import { keys } from '../../services/keys.ts';

const DECIDED = ['APPROVED', 'REJECTED', 'DECIDED'];

/** 延长办理期限: the town extends the 30 working days to 45, once, with its reason. */
export function ExtendDeadline({ app }: { app: Application }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ reason: string }>();
  const extend = useMutation({
    mutationFn: (reason: string) => unwrap(api.POST('/applications/{id}/extensions', { params: { path: { id: app.id } }, body: { reason } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.application(app.id) }),
  });
  if (session?.role !== 'town' || !app.deadline || app.deadline.extendedTo || DECIDED.includes(app.status)) return null;
  return (
    <>
      <Button size="small" type="link" onClick={() => setOpen(true)}>延长办理期限</Button>
      <Modal
        open={open}
        title="延长办理期限（30 个工作日延至 45 个工作日，仅可延长一次）"
        okText="提交"
        cancelText="取消"
        confirmLoading={extend.isPending}
        onCancel={() => setOpen(false)}
        onOk={() =>
          void form.validateFields().then(async ({ reason }) => {
            try {
              const r = await extend.mutateAsync(reason);
              message.success(`办理期限已延长至 ${dateOnly(r.deadline.extendedTo)}`);
              setOpen(false);
            } catch (e) {
              message.error(`延长失败：${errorText(e)}`);
            }
          })
        }
      >
        <Typography.Paragraph type="secondary">当前期限 {dateOnly(app.deadline.due)}。延长须写明理由，理由记入办理过程并告知申请人。</Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item name="reason" label="延长理由" rules={[{ required: true, message: '请写明理由' }]}>
            <Input.TextArea rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
