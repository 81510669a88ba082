import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { programme } from '../functions/domain/services.ts';

/**
 * seed:demo's services and resource-linking stories (called by scripts/seed-demo.ts), through the
 * public API and the bus only; running it again changes nothing.
 *   - 肥城's 桃仙子 team with a monthly care plan for a dispersed TEKUN man in 孙东村: visits in
 *     two of the last three months, the month between missed → SERVICE_VISIT_MISSED, which the
 *     village's rapid-response team verifies and closes REFERRED with the order;
 *   - 宜川's 邓某 (leukaemia, 6.26万 out of pocket): DIBAO plus five programmes through one window
 *     (医疗救助, 大病保险, “急难重特”资金池, 小天使基金, 慈善救助), each granted back with its referralId:
 *     6 stacked items. The grant amounts are INVENTED (the article gives only the 6.26万).
 */
export interface ServicesSeedInput {
  httpUrl: string;
  awsUrl: string;
  /** Today (Asia/Shanghai) on the local clock. */
  today: string;
  tokens: { admin: string; monitor: string; village: string; town: string };
  feicheng: { householdId: string };
  /** 邓某's raw ID (the departments name the person by it). */
  deng: { applicationId: string; householdId: string; idNumber: string };
  log: (line: string) => void;
}

export interface ServicesSeedResult {
  feicheng: { householdId: string; orderId: string; warningId?: string; missedMonth: string };
  deng: { householdId: string; applicationId: string; referrals: { programme: string; status: string }[] };
}

export const DENG_PROGRAMMES = ['MEDICAL_AID', 'CRITICAL_ILLNESS_INSURANCE', 'EMERGENCY_FUND', 'LITTLE_ANGEL_FUND', 'CHARITY_AID'] as const;
const DENG_GRANTS: Record<string, number> = { MEDICAL_AID: 25000, CRITICAL_ILLNESS_INSURANCE: 12000, EMERGENCY_FUND: 8000, LITTLE_ANGEL_FUND: 10000, CHARITY_AID: 3000 };

const monthBack = (month: string, k: number) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const i = y * 12 + (m - 1) - k;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

export async function seedServices(s: ServicesSeedInput): Promise<ServicesSeedResult> {
  const http = async (method: string, path: string, token: string, body?: unknown) => {
    const res = await fetch(`${s.httpUrl}${path}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    const json = (await res.json().catch(() => undefined)) as any;
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const until = async <T>(what: string, fn: () => Promise<T | undefined>) => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const v = await fn();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  // 1. Organizations
  const orgs = [
    ['taoxianzi', { name: '肥城市“桃仙子”服务队', kind: 'SERVICE_TEAM', regionCode: '370983', members: 140, services: ['HOME_CLEANING', 'LAUNDRY', 'MEDICAL_ROUNDS', 'ESCORT_TO_HOSPITAL', 'MEAL_DELIVERY', 'HOME_BATHING', 'LIFE_PATROL', 'EMERGENCY_RESPONSE', 'COUNSELLING', 'COMPANIONSHIP'] }],
    ['sundong-rrt', { name: '孙东村困难群众急难问题快速响应服务队', kind: 'RAPID_RESPONSE_TEAM', regionCode: '370983108201', services: ['EMERGENCY_RESPONSE', 'LIFE_PATROL', 'PAPERWORK'] }],
    ['sunbo-station', { name: '孙伯镇社会救助服务站', kind: 'SERVICE_STATION', regionCode: '370983108', services: ['PAPERWORK', 'SHOPPING'] }],
    ['qiulin-rrt', { name: '秋林村困难群众急难问题快速响应服务队', kind: 'RAPID_RESPONSE_TEAM', regionCode: '610630101200', services: ['EMERGENCY_RESPONSE', 'PAPERWORK'] }],
    ['yichuan-charity', { name: '宜川县慈善协会', kind: 'CHARITY', regionCode: '610630', services: [] }],
  ] as const;
  for (const [id, body] of orgs) await http('PUT', `/organizations/${id}`, s.tokens.admin, body);

  // 2. The 桃仙子 care plan: three months back, visits in months −3 and −1 (month −2 missed).
  const month = s.today.slice(0, 7);
  const existing = (await http('GET', `/service-orders?householdId=${s.feicheng.householdId}&organizationId=taoxianzi`, s.tokens.village)).items as { id: string }[];
  const orderId =
    existing[0]?.id ??
    (await http('POST', '/service-orders', s.tokens.village, { householdId: s.feicheng.householdId, items: ['MEDICAL_ROUNDS', 'LIFE_PATROL', 'HOME_CLEANING', 'COMPANIONSHIP'], organizationId: 'taoxianzi', recurrence: 'MONTHLY', since: `${monthBack(month, 3)}-01`, notes: '分散特困人员每月上门：医疗巡诊、生活巡护（演示）' })).id;
  for (const k of [3, 1]) {
    await http('POST', `/service-orders/${orderId}/visits`, s.tokens.village, { at: `${monthBack(month, k)}-10T02:00:00Z`, by: ['桃仙子服务队 刘医生', '桃仙子服务队 陈护士'], items: ['MEDICAL_ROUNDS', 'LIFE_PATROL'], notes: '巡诊、量血压、调整用药（演示）' });
  }
  // The daily run of the first of month −1 checks month −2 (the run is idempotent).
  const run = await http('POST', '/monitoring/runs', s.tokens.monitor, { asOf: `${monthBack(month, 1)}-01` });
  await until('the monitoring run', async () => ((await http('GET', `/monitoring/runs/${run.runId}`, s.tokens.monitor)).status === 'SUCCEEDED' ? true : undefined));
  const missedMonth = monthBack(month, 2);
  const warning = ((await http('GET', '/warnings?indicator=SERVICE_VISIT_MISSED&regionCode=370983108201', s.tokens.village)).items as { id: string; householdId: string; status: string; details: { month: string } }[]).find(
    (w) => w.householdId === s.feicheng.householdId && w.details.month === missedMonth,
  );
  if (warning?.status === 'OPEN') await http('POST', `/warnings/${warning.id}/verify`, s.tokens.village, { note: '孙东村快速响应服务队上门核实：桃仙子服务队当月未上门，老人身体状况平稳（演示）' });
  if (warning && warning.status !== 'CLOSED') await http('POST', `/warnings/${warning.id}/close`, s.tokens.village, { outcome: 'REFERRED', note: '已转桃仙子服务队补充上门（演示）', serviceOrderId: orderId });
  s.log(`桃仙子 care plan ${orderId}: visits in ${monthBack(month, 3)} and ${monthBack(month, 1)}; ${missedMonth} missed → ${warning?.id ?? 'no warning'}`);

  // 3. 邓某's referrals answered by the departments (AssistanceGranted with the referralId).
  const app = await http('GET', `/applications/${s.deng.applicationId}`, s.tokens.admin);
  const open = (app.referrals as { id: string; programme: string; status: string }[]).filter((r) => r.status === 'OPEN');
  if (open.length) {
    const events = new EventBridgeClient({ endpoint: s.awsUrl, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const res = await events.send(
      new PutEventsCommand({
        Entries: open.map((r) => {
          const p = programme(r.programme)!;
          const detail = { idNumber: s.deng.idNumber, type: p.ledgerType, amount: DENG_GRANTS[r.programme] ?? 1000, date: s.today, department: p.department, reference: `DEMO-DENG-${r.programme}`, referralId: r.id };
          return { EventBusName: 'jiuzhu', Source: p.source, DetailType: 'AssistanceGranted', Detail: JSON.stringify(detail) };
        }),
      }),
    );
    if (res.FailedEntryCount) throw new Error(`PutEvents: ${JSON.stringify(res.Entries)}`);
    await fetch(s.awsUrl, { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.LocalWaitForDeliveries' }, body: JSON.stringify({ TimeoutMs: 30_000 }) });
  }
  const referrals = ((await http('GET', `/applications/${s.deng.applicationId}`, s.tokens.admin)).referrals as { programme: string; status: string }[]).map((r) => ({ programme: r.programme, status: r.status }));
  s.log(`邓某 (宜川): ${referrals.filter((r) => r.status === 'GRANTED').length} of ${referrals.length} referrals granted, plus DIBAO`);
  return { feicheng: { householdId: s.feicheng.householdId, orderId, ...(warning ? { warningId: warning.id } : {}), missedMonth }, deng: { householdId: s.deng.householdId, applicationId: s.deng.applicationId, referrals } };
}
