import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { CfnElement } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { AccessMode } from '../manifest-types.ts';
import type { JiuzhuFunction } from './function.ts';
import { acknowledge, nagRef } from './nag.ts';
import type { JiuzhuWorkflow } from './workflow.ts';

/**
 * `bind*`: give a function one resource — the env var through which the code finds it and the
 * least-privilege grant that lets it use it — in one call, so neither can be forgotten.
 */

/** RO → grantReadData (Get/Query/Scan/BatchGet/DescribeTable…); RW → grantReadWriteData. */
export function bindTable(fn: JiuzhuFunction, table: Table, envVar: string, mode: AccessMode, hasIndexes: boolean): void {
  fn.addEnvironment(envVar, table.tableName);
  if (mode === 'RO') table.grantReadData(fn);
  else if (mode === 'RW') table.grantReadWriteData(fn);
  else throw new Error(`unknown access mode ${String(mode)}`);
  if (mode === 'RW' && table.encryptionKey) {
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      acknowledge(
        fn.role,
        `AwsSolutions-IAM5[Action::${action}]`,
        `grantReadWriteData on a table with a customer-managed key adds CDK's key-write actions; ${action} names the variants of one KMS operation and applies only to this table's own key.`,
      );
    }
  }
  if (hasIndexes) {
    acknowledge(
      fn.role,
      `AwsSolutions-IAM5[Resource::${nagRef(table.node.defaultChild as CfnElement, 'Arn')}/index/*]`,
      `The function was granted ${mode} on this table by the manifest; index/* covers only this table's own GSIs, which it queries.`,
    );
  }
}

/** START → states:StartExecution; CALLBACK → states:SendTask{Success,Failure,Heartbeat}. */
export function bindWorkflow(
  fn: JiuzhuFunction,
  workflow: JiuzhuWorkflow,
  envVar: string,
  mode: 'START' | 'CALLBACK' | 'START_AND_CALLBACK',
): void {
  // The ARN is formatted from the state machine's fixed name, not referenced, so a function
  // that a workflow invokes may also start or answer that workflow without a dependency cycle.
  fn.addEnvironment(envVar, workflow.arn);
  if (mode === 'START' || mode === 'START_AND_CALLBACK') {
    Grant.addToPrincipal({ grantee: fn, actions: ['states:StartExecution'], resourceArns: [workflow.arn] });
  }
  if (mode === 'CALLBACK' || mode === 'START_AND_CALLBACK') {
    Grant.addToPrincipal({
      grantee: fn,
      actions: ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'],
      resourceArns: [workflow.arn],
    });
  }
}

/** events:PutEvents on this bus only. */
export function bindBus(fn: JiuzhuFunction, bus: IEventBus, envVar: string): void {
  fn.addEnvironment(envVar, bus.eventBusName);
  bus.grantPutEventsTo(fn);
}

/** lambda:InvokeFunction on exactly this function (no `:*` qualifier wildcard). */
export function grantInvokeExact(fn: JiuzhuFunction, grantee: IGrantable): void {
  Grant.addToPrincipal({ grantee, actions: ['lambda:InvokeFunction'], resourceArns: [fn.functionArn] });
}
