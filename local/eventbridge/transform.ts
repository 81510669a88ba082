/**
 * What a rule's target receives: the event, `Input` (constant JSON), `InputPath` (a JSONPath into
 * the event) or `InputTransformer` (`InputPathsMap` + `InputTemplate`), as EventBridge's "input
 * transformation" page describes. Pure.
 */

export interface InputTransformer {
  InputPathsMap?: Record<string, string>;
  InputTemplate: string;
}

export interface TargetInputConfig {
  Input?: string;
  InputPath?: string;
  InputTransformer?: InputTransformer;
}

export interface TransformContext {
  ruleArn: string;
  ruleName: string;
  ingestionTime: string;
}

const RESERVED = new Set(['aws.events.rule-arn', 'aws.events.rule-name', 'aws.events.event.ingestion-time', 'aws.events.event', 'aws.events.event.json']);
const PATH_RE = /^\$(?:(?:\.[A-Za-z0-9_\-/]+|\.\*|\[\d+\]|\[\*\]|\['[^']*'\]))*$/;

/** Validation as PutTargets does it: returns an error message or undefined. */
export function validateTargetInput(cfg: TargetInputConfig): string | undefined {
  const set = [cfg.Input, cfg.InputPath, cfg.InputTransformer].filter((x) => x !== undefined).length;
  if (set > 1) return 'Only one of Input, InputPath, or InputTransformer must be provided.';
  if (cfg.Input !== undefined) {
    try {
      JSON.parse(cfg.Input);
    } catch {
      return 'Input is not a valid JSON text.';
    }
  }
  if (cfg.InputPath !== undefined && !PATH_RE.test(cfg.InputPath)) return `InputPath is not a valid JSON path: ${cfg.InputPath}`;
  if (cfg.InputTransformer) {
    const { InputPathsMap = {}, InputTemplate } = cfg.InputTransformer;
    if (typeof InputTemplate !== 'string') return 'InputTemplate is required.';
    if (Object.keys(InputPathsMap).length > 100) return 'InputPathsMap has more than 100 entries.';
    for (const [name, path] of Object.entries(InputPathsMap)) {
      if (RESERVED.has(name)) return `InputPathsMap key ${name} is reserved.`;
      if (!/^[A-Za-z0-9_\-.]+$/.test(name)) return `InputPathsMap key ${name} is not valid.`;
      if (typeof path !== 'string' || !PATH_RE.test(path)) return `InputPathsMap value for ${name} is not a valid JSON path.`;
    }
  }
  return undefined;
}

/** A small JSONPath: `$`, `.name`, `['name']`, `[n]`, `.*` / `[*]` (wildcards collect a list). */
export function evalPath(root: unknown, path: string): unknown {
  if (!PATH_RE.test(path)) throw new Error(`unsupported JSON path: ${path}`);
  const tokens = [...path.slice(1).matchAll(/\.([A-Za-z0-9_\-/]+)|\.\*|\[(\d+)\]|\[\*\]|\['([^']*)'\]/g)];
  let current: unknown[] = [root];
  let multi = false;
  for (const t of tokens) {
    const next: unknown[] = [];
    const name = t[1] ?? t[3];
    for (const v of current) {
      if (name !== undefined) {
        if (isObject(v) && name in v) next.push(v[name]);
      } else if (t[2] !== undefined) {
        if (Array.isArray(v) && Number(t[2]) < v.length) next.push(v[Number(t[2])]);
      } else {
        multi = true;
        if (Array.isArray(v)) next.push(...v);
        else if (isObject(v)) next.push(...Object.values(v));
      }
    }
    current = next;
  }
  return multi ? current : current[0];
}

/** The payload (a JSON text, or plain text for non-JSON templates) the target receives. */
export function targetInput(cfg: TargetInputConfig, event: Record<string, unknown>, ctx: TransformContext): string {
  if (cfg.Input !== undefined) return cfg.Input;
  if (cfg.InputPath !== undefined) {
    const v = evalPath(event, cfg.InputPath);
    return JSON.stringify(v === undefined ? null : v);
  }
  if (cfg.InputTransformer) return applyTemplate(cfg.InputTransformer, event, ctx);
  return JSON.stringify(event);
}

function applyTemplate(t: InputTransformer, event: Record<string, unknown>, ctx: TransformContext): string {
  const values = new Map<string, { json: string; text: string; raw?: boolean }>();
  for (const [name, path] of Object.entries(t.InputPathsMap ?? {})) {
    const v = evalPath(event, path);
    values.set(name, v === undefined ? { json: 'null', text: '' } : { json: JSON.stringify(v), text: typeof v === 'string' ? v : JSON.stringify(v) });
  }
  const str = (s: string) => ({ json: JSON.stringify(s), text: s });
  values.set('aws.events.rule-arn', str(ctx.ruleArn));
  values.set('aws.events.rule-name', str(ctx.ruleName));
  values.set('aws.events.event.ingestion-time', str(ctx.ingestionTime));
  const { detail: _detail, ...withoutDetail } = event;
  void _detail;
  values.set('aws.events.event', { json: JSON.stringify(withoutDetail), text: JSON.stringify(withoutDetail), raw: true });
  values.set('aws.events.event.json', { json: JSON.stringify(event), text: JSON.stringify(event), raw: true });

  // Walk the template tracking whether we are inside a JSON string literal: inside quotes a
  // value goes in as escaped text; outside, as its JSON value.
  const tpl = t.InputTemplate;
  let out = '';
  let inString = false;
  for (let i = 0; i < tpl.length; i++) {
    const c = tpl[i]!;
    if (c === '<') {
      const end = tpl.indexOf('>', i + 1);
      const name = end > i ? tpl.slice(i + 1, end) : '';
      const val = values.get(name);
      if (val) {
        if (!inString || val.raw) out += val.json;
        else out += JSON.stringify(val.text).slice(1, -1);
        i = end;
        continue;
      }
    }
    if (inString && c === '\\') {
      out += c + (tpl[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    out += c;
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
