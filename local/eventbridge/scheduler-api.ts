import { AwsServiceError, type AwsRestService } from '../aws-endpoint.ts';
import type { EventBridgeEngine, SchedulerSchedule } from './engine.ts';
import { InvalidScheduleError } from './schedule.ts';

/**
 * The EventBridge Scheduler API (REST-JSON: GET/POST/PUT/DELETE /schedules/{Name}) on the one
 * local endpoint, so `aws scheduler list-schedules --endpoint-url …` and @aws-sdk/client-scheduler
 * work. The manifest's schedules are listed in the `default` group. Only the default group.
 * https://docs.aws.amazon.com/scheduler/latest/APIReference/API_Operations.html
 */
const NAME_RE = /^[0-9a-zA-Z-_.]{1,64}$/;
const sec = (ms: number) => ms / 1000;

function view(s: SchedulerSchedule) {
  return {
    Arn: s.Arn,
    Name: s.Name,
    GroupName: s.GroupName,
    State: s.State,
    ScheduleExpression: s.ScheduleExpression,
    ScheduleExpressionTimezone: s.ScheduleExpressionTimezone,
    ...(s.Description !== undefined ? { Description: s.Description } : {}),
    Target: s.Target,
    FlexibleTimeWindow: s.FlexibleTimeWindow,
    CreationDate: sec(s.CreationDate),
    LastModificationDate: sec(s.LastModificationDate),
  };
}

function input(name: string, body: Record<string, unknown>, existing?: SchedulerSchedule) {
  const expression = body.ScheduleExpression;
  if (typeof expression !== 'string') throw new AwsServiceError('ValidationException', 'ScheduleExpression is required');
  const target = body.Target as Record<string, unknown> | undefined;
  if (!target || typeof target.Arn !== 'string' || typeof target.RoleArn !== 'string') throw new AwsServiceError('ValidationException', 'Target with Arn and RoleArn is required');
  const ftw = body.FlexibleTimeWindow as { Mode?: unknown } | undefined;
  if (!ftw || (ftw.Mode !== 'OFF' && ftw.Mode !== 'FLEXIBLE')) throw new AwsServiceError('ValidationException', 'FlexibleTimeWindow with Mode OFF or FLEXIBLE is required');
  const state = body.State ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') throw new AwsServiceError('ValidationException', 'State must be ENABLED or DISABLED');
  if (target.Input !== undefined && typeof target.Input !== 'string') throw new AwsServiceError('ValidationException', 'Target.Input must be a string');
  return {
    Name: name,
    GroupName: 'default' as const,
    ScheduleExpression: expression,
    ScheduleExpressionTimezone: typeof body.ScheduleExpressionTimezone === 'string' ? body.ScheduleExpressionTimezone : 'UTC',
    State: state as 'ENABLED' | 'DISABLED',
    ...(typeof body.Description === 'string' ? { Description: body.Description } : {}),
    Target: { Arn: target.Arn, RoleArn: target.RoleArn, ...(typeof target.Input === 'string' ? { Input: target.Input } : {}) },
    FlexibleTimeWindow: { Mode: ftw.Mode as string, ...(typeof (ftw as Record<string, unknown>).MaximumWindowInMinutes === 'number' ? { MaximumWindowInMinutes: (ftw as Record<string, number>).MaximumWindowInMinutes } : {}) },
    ...(existing ? { ManagedBy: existing.ManagedBy } : {}),
  };
}

export function schedulerService(engine: EventBridgeEngine): AwsRestService {
  const find = (name: string, query: URLSearchParams) => {
    const group = query.get('groupName') ?? 'default';
    const s = group === 'default' ? engine.getSchedulerSchedule(name) : undefined;
    if (!s) throw new AwsServiceError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    return s;
  };
  const put = (rec: Parameters<EventBridgeEngine['putSchedulerSchedule']>[0]) => {
    try {
      return engine.putSchedulerSchedule(rec);
    } catch (err) {
      if (err instanceof InvalidScheduleError) throw new AwsServiceError('ValidationException', err.message);
      throw err;
    }
  };
  return {
    pathPrefix: 'schedules',
    async handle(method, path, query, body) {
      if (path.length === 1 && method === 'GET') {
        const prefix = query.get('NamePrefix') ?? '';
        const state = query.get('State');
        const group = query.get('ScheduleGroup') ?? 'default';
        const all = group === 'default' ? engine.listSchedulerSchedules().filter((s) => s.Name.startsWith(prefix) && (!state || s.State === state)) : [];
        const max = Math.min(Math.max(Number(query.get('MaxResults') ?? 100) || 100, 1), 100);
        const start = query.get('NextToken') ? Number(Buffer.from(query.get('NextToken')!, 'base64url').toString()) : 0;
        if (!Number.isInteger(start) || start < 0) throw new AwsServiceError('ValidationException', 'Invalid NextToken');
        const page = all.slice(start, start + max);
        return {
          status: 200,
          body: {
            Schedules: page.map((s) => ({ Arn: s.Arn, Name: s.Name, GroupName: s.GroupName, State: s.State, CreationDate: sec(s.CreationDate), LastModificationDate: sec(s.LastModificationDate), Target: { Arn: s.Target.Arn } })),
            ...(start + max < all.length ? { NextToken: Buffer.from(String(start + max)).toString('base64url') } : {}),
          },
        };
      }
      if (path.length !== 2) throw new AwsServiceError('ValidationException', `no Scheduler operation for ${method} /${path.join('/')}`);
      const name = path[1]!;
      if (!NAME_RE.test(name)) throw new AwsServiceError('ValidationException', `Invalid schedule name: ${name}`);
      if (typeof body.GroupName === 'string' && body.GroupName !== 'default') throw new AwsServiceError('ResourceNotFoundException', `Schedule group ${body.GroupName} does not exist.`, 404);
      switch (method) {
        case 'GET':
          return { status: 200, body: view(find(name, query)) };
        case 'POST': {
          if (engine.getSchedulerSchedule(name)) throw new AwsServiceError('ConflictException', `Schedule ${name} already exists.`, 409);
          return { status: 200, body: { ScheduleArn: put(input(name, body)).Arn } };
        }
        case 'PUT': {
          const existing = find(name, query);
          return { status: 200, body: { ScheduleArn: put(input(name, body, existing)).Arn } };
        }
        case 'DELETE':
          find(name, query);
          engine.deleteSchedulerSchedule(name);
          return { status: 200, body: {} };
        default:
          throw new AwsServiceError('ValidationException', `no Scheduler operation for ${method}`);
      }
    },
  };
}
