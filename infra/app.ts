import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { acknowledgements } from './constructs/nag.ts';
import { JiuzhuStack } from './stack.ts';

/**
 * The CDK app (cdk.json: `npx tsx infra/app.ts`). Environment-agnostic (no lookups): synth
 * works offline; `cdk deploy` takes the account and region from the caller's credentials.
 * cdk-nag's AwsSolutions pack runs as a policy-validation plugin: any unacknowledged finding
 * fails the synth.
 */
const app = new App();
const stackName = app.node.tryGetContext('jiuzhu:stackName') ?? 'Jiuzhu';
const retainData = app.node.tryGetContext('jiuzhu:retainData') !== 'false';
new JiuzhuStack(app, stackName, { retainData });
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
app.synth();
if (process.env.JIUZHU_SYNTH_VERBOSE) {
  console.error(`cdk-nag acknowledgements: ${acknowledgements().length}`);
}
