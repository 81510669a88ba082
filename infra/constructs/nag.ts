import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * cdk-nag v3 acknowledgements, always on one construct (never stack-wide) and always with a
 * reason. Every acknowledgement made through here is counted so the app can report them.
 */
const made: { scope: IConstruct; path: string; id: string; reason: string }[] = [];

export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`acknowledgement of ${id} on ${scope.node.path} needs a specific reason`);
  Validations.of(scope).acknowledge({ id, reason });
  made.push({ scope, path: scope.node.path, id, reason });
}

/** Acknowledgements made so far under `root` (defaults to all). */
export function acknowledgements(root?: IConstruct): readonly { path: string; id: string; reason: string }[] {
  const all = made.map(({ path, id, reason, scope }) => ({ path, id, reason, scope }));
  return (root ? all.filter((a) => a.scope.node.scopes.includes(root)) : all).map(({ path, id, reason }) => ({ path, id, reason }));
}

/** cdk-nag's token rendering of a resource attribute in findings, e.g. `<RegionsTable1234.Arn>`. */
export function nagRef(resource: CfnElement, attribute: string): string {
  return `<${Stack.of(resource).getLogicalId(resource)}.${attribute}>`;
}
