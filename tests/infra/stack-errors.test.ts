import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { JiuzhuStack } from '../../infra/stack.ts';
import type { Manifest } from '../../infra/manifest-types.ts';
import { taskUses } from '../../infra/constructs/workflow.ts';
import { fixtureManifest } from './fixtures/manifest.ts';
import { synth } from './support.ts';

/** A copy of the fixture manifest with one change. */
const variant = (change: (m: Manifest) => void): Manifest => {
  const m = structuredClone(fixtureManifest);
  change(m);
  return m;
};

describe('a manifest the stack cannot honour fails the synth with a clear message', () => {
  it('a route naming an unknown function', () => {
    const m = variant((x) => x.routes.push({ method: 'GET', path: '/nope', function: 'ghost', auth: 'jwt' }));
    expect(() => synth({ manifest: m, bundle: false })).toThrow(/GET \/nope names unknown function ghost/);
  });

  it('the same route declared twice', () => {
    const m = variant((x) => x.routes.push({ ...x.routes[0]! }));
    expect(() => synth({ manifest: m, bundle: false })).toThrow(/declared twice/);
  });

  it('a function granted an unknown table', () => {
    const m = variant((x) => (x.functions.ledgerReader!.tables = { Missing: 'RO' }));
    expect(() => synth({ manifest: m, bundle: false })).toThrow(/ledgerReader names unknown table Missing/);
  });

  it('a function overriding a reserved environment variable', () => {
    const m = variant((x) => (x.functions.ledgerReader!.environment = { POWERTOOLS_SERVICE_NAME: 'x' }));
    expect(() => synth({ manifest: m, bundle: false })).toThrow(/POWERTOOLS_SERVICE_NAME is reserved/);
  });

  it('a rule targeting an unknown workflow', () => {
    const m = variant((x) => (x.rules.incomeChanged!.targets = [{ workflow: 'ghost' }]));
    expect(() => synth({ manifest: m, bundle: false })).toThrow(/targets unknown workflow ghost/);
  });

  it('a schedule asking for an event path', () => {
    const m = variant((x) => (x.schedules.dailyRun!.target = { function: 'ledgerReader', inputPath: '$.detail' }));
    expect(() => synth({ manifest: m, bundle: false })).toThrow(/constant input/);
  });

  it('a workflow substituting an unknown table', () => {
    const m = variant((x) => (x.workflows.review!.substitutions!.LedgerTableName = { table: 'Missing' }));
    expect(() => synth({ manifest: m, bundle: false })).toThrow(/LedgerTableName names unknown table Missing/);
  });

  it('a workflow calling an integration whose grant the stack cannot infer', () => {
    const m = variant((x) => {
      x.workflows.review = {
        definition: 'tests/infra/fixtures/unsupported.asl.json',
        description: 'sqs',
        substitutions: { Queue: { literal: 'https://sqs.example/q' } },
      };
    });
    expect(() => synth({ manifest: m, bundle: false })).toThrow(/state Notify: the integration arn:aws:states:::sqs:sendMessage/);
  });
});

describe('taskUses', () => {
  it('finds Task states inside Parallel branches and Map processors, with their substitutions', () => {
    // Prepare
    const asl = {
      StartAt: 'P',
      States: {
        P: {
          Type: 'Parallel',
          Branches: [{ StartAt: 'A', States: { A: { Type: 'Task', Resource: '${Direct}', End: true } } }],
          Next: 'M',
        },
        M: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'B',
            States: {
              B: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:dynamodb:query', Arguments: { TableName: '${T}', X: '${L}' }, End: true },
            },
          },
          End: true,
        },
      },
    };
    // Act
    const uses = taskUses(asl);
    // Assess
    expect(uses).toEqual([
      { state: 'A', resource: '${Direct}', refs: ['Direct'] },
      { state: 'B', resource: 'arn:aws:states:::aws-sdk:dynamodb:query', refs: ['T', 'L'] },
    ]);
  });
});

describe('cdk-nag as the app registers it', () => {
  const build = (extra: (stack: JiuzhuStack) => void) => {
    const outdir = mkdtempSync(join(tmpdir(), 'jiuzhu-cdk-'));
    const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
    const stack = new JiuzhuStack(app, 'Nag', { manifest: fixtureManifest });
    extra(stack);
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    return { app, outdir };
  };

  it('lets the clean stack synthesize', () => {
    const { app, outdir } = build(() => undefined);
    try {
      expect(() => app.synth()).not.toThrow();
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  it('fails the synth on an unacknowledged finding', () => {
    // Prepare: a wildcard grant slipped into a function role.
    const { app, outdir } = build((stack) =>
      stack.functions.ledgerReader!.role.addToPolicy(new PolicyStatement({ actions: ['s3:*'], resources: ['*'] })),
    );
    try {
      // Act / Assess
      expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
