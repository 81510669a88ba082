import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { Manifest } from '../../infra/manifest-types.ts';
import { acknowledgements } from '../../infra/constructs/nag.ts';
import { JiuzhuStack } from '../../infra/stack.ts';

export interface Synthesized {
  app: App;
  stack: JiuzhuStack;
  template: Template;
  json: { Resources: Record<string, Resource> };
  /** cdk-nag AwsSolutions findings that no acknowledgement covers. */
  violations: { ruleName: string; severity: string; paths: string[] }[];
  acknowledgements: readonly { path: string; id: string; reason: string }[];
}

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
}

/**
 * Synthesizes a JiuzhuStack once. `bundle: false` sets CDK's own `aws:cdk:bundling-stacks`
 * context to none, so NodejsFunction skips esbuild (same construct, same template shape, a
 * placeholder asset): the agreement tests stay fast. One suite keeps real bundling.
 */
export function synth(opts: { manifest?: Manifest; bundle: boolean; id?: string; context?: Record<string, unknown> }): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'jiuzhu-cdk-'));
  const app = new App({ outdir, context: { ...(opts.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }), ...opts.context } });
  let stack: JiuzhuStack;
  let template: Template;
  try {
    stack = new JiuzhuStack(app, opts.id ?? 'Test', opts.manifest ? { manifest: opts.manifest } : {});
    template = Template.fromStack(stack);
  } catch (e) {
    rmSync(outdir, { recursive: true, force: true });
    throw e;
  }
  const report = new AwsSolutionsChecks(app, { verbose: true }).validateScope(app);
  return {
    app,
    stack,
    template,
    json: template.toJSON() as Synthesized['json'],
    violations: report.violations.map((v) => ({
      ruleName: v.ruleName,
      severity: String(v.severity),
      paths: v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId ?? ''),
    })),
    acknowledgements: acknowledgements(stack),
  };
}

export const logicalId = (c: IConstruct): string => Stack.of(c).getLogicalId((c.node.defaultChild ?? c) as CfnElement);

export const ofType = (s: Synthesized, type: string): [string, Resource][] =>
  Object.entries(s.json.Resources).filter(([, r]) => r.Type === type);

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Every IAM statement that applies to a role: its inline policies and attached AWS::IAM::Policy. */
export function statementsOfRole(s: Synthesized, roleLogicalId: string): Statement[] {
  const out: Statement[] = [];
  const role = s.json.Resources[roleLogicalId];
  for (const p of (role?.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[] | undefined) ?? []) {
    out.push(...p.PolicyDocument.Statement);
  }
  for (const [, r] of ofType(s, 'AWS::IAM::Policy')) {
    const roles = (r.Properties?.Roles as unknown[]) ?? [];
    if (roles.some((x) => JSON.stringify(x) === JSON.stringify({ Ref: roleLogicalId }))) {
      out.push(...(r.Properties!.PolicyDocument as { Statement: Statement[] }).Statement);
    }
  }
  return out;
}

export const actionsOf = (st: Statement): string[] => (Array.isArray(st.Action) ? st.Action : [st.Action]);

/** Statements whose resources mention the given logical id (Ref or GetAtt). */
export const mentioning = (sts: Statement[], id: string): Statement[] =>
  sts.filter((st) => JSON.stringify(st.Resource).includes(`"${id}"`));

export const DYNAMO_WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

/** Removes the temporary cloud assembly of a synth. */
export function dispose(s: Synthesized | undefined): void {
  if (s) rmSync(s.app.outdir, { recursive: true, force: true });
}
