import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition, DefinitionError } from '../../../local/stepfunctions/definition.ts';
import { renderWorkflow } from '../../../local/stepfunctions/plugin.ts';

const jsonata = (states: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ QueryLanguage: 'JSONata', StartAt: Object.keys(states)[0], States: states, ...extra });

describe('checkDefinition: asl-validator first, then what the engine supports', () => {
  it('accepts every supported state type with JSONata fields', () => {
    const def = jsonata({
      P: { Type: 'Pass', Assign: { a: 1 }, Output: '{% $states.input %}', Next: 'C' },
      C: { Type: 'Choice', Choices: [{ Condition: '{% $a = 1 %}', Next: 'T' }], Default: 'F' },
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Arguments: { FunctionName: 'f', Payload: { t: '{% $states.context.Task.Token %}' } },
        TimeoutSeconds: 60,
        HeartbeatSeconds: 10,
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2, MaxDelaySeconds: 5, JitterStrategy: 'FULL' }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F', Output: '{% $states.errorOutput %}' }],
        Next: 'W',
      },
      W: { Type: 'Wait', Seconds: '{% 5 %}', Next: 'Par' },
      Par: { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Pass', End: true } } }], Next: 'M' },
      M: { Type: 'Map', Items: '{% [1] %}', ItemSelector: { v: '{% $states.context.Map.Item.Value %}' }, MaxConcurrency: 2, ItemProcessor: { StartAt: 'Y', States: { Y: { Type: 'Pass', End: true } } }, Next: 'S' },
      S: { Type: 'Succeed' },
      F: { Type: 'Fail', Error: 'E', Cause: 'c' },
    });
    expect(checkDefinition(def).StartAt).toBe('P');
  });

  it.each([
    ['JSONPath (no QueryLanguage)', JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }), '/QueryLanguage'],
    ['a JSONPath-only field', jsonata({ P: { Type: 'Pass', InputPath: '$.a', End: true } }), '/States/P/InputPath'],
    ['Parameters on a Task', jsonata({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: {}, End: true } }), '/States/T/Parameters'],
    ['an unsupported integration', jsonata({ T: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } }), '/States/T/Resource'],
    ['a Distributed Map', jsonata({ M: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Y', States: { Y: { Type: 'Pass', End: true } } }, End: true } }), 'ProcessorConfig/Mode'],
    ['Credentials on a Task', jsonata({ T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Credentials: { RoleArn: 'x' }, End: true } }), '/States/T/Credentials'],
    ['a nested unsupported field', jsonata({ M: { Type: 'Map', ItemProcessor: { StartAt: 'Y', States: { Y: { Type: 'Pass', Result: 1, End: true } } }, End: true } }), '/States/M/ItemProcessor/States/Y/Result'],
  ])('refuses %s, naming the field', (_label, def, field) => {
    expect(() => checkDefinition(def)).toThrow(DefinitionError);
    expect(() => checkDefinition(def)).toThrow(field);
  });

  it('refuses what asl-validator refuses (an unknown StartAt)', () => {
    expect(() => checkDefinition(JSON.stringify({ QueryLanguage: 'JSONata', StartAt: 'Nope', States: { P: { Type: 'Pass', End: true } } }))).toThrow(/Invalid State Machine Definition/);
  });
});

describe('renderWorkflow: the manifest’s substitutions, as CDK applies them', () => {
  it('replaces ${Name} by a function ARN, a table name, a literal or the bus name, and adds TimeoutSeconds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfn-wf-'));
    const file = join(dir, 'wf.asl.json');
    writeFileSync(file, jsonata({ T: { Type: 'Task', Resource: '${Fn}', Arguments: { t: '${Table}', l: '${Lit}', b: '${Bus}' }, End: true } }));
    const out = JSON.parse(
      renderWorkflow({ definition: file, description: 'x', substitutions: { Fn: { function: 'intake' }, Table: { table: 'Cases' }, Lit: { literal: 'v' }, Bus: { bus: true } }, timeoutSeconds: 99 }),
    );
    expect(out.States.T.Resource).toBe('arn:aws:lambda:us-east-1:000000000000:function:jiuzhu-intake');
    expect(out.States.T.Arguments).toEqual({ t: 'jiuzhu-Cases', l: 'v', b: 'jiuzhu' });
    expect(out.TimeoutSeconds).toBe(99);
  });
});

describe('asl-validator verdicts are remembered (it compiles its schema on every call)', () => {
  it('remembers a definition that passed, under the hash of the validator version and the text; never a refused one', async () => {
    const { existsSync, rmSync } = await import('node:fs');
    const { schemaCacheFile } = await import('../../../local/stepfunctions/definition.ts');
    const unique = `cache-probe-${process.pid}-${Date.now()}`;
    const ok = jsonata({ P: { Type: 'Pass', Output: { probe: unique }, End: true } });
    const bad = jsonata({ P: { Type: 'Pass', Output: { probe: unique }, Next: 'Nowhere' } });
    rmSync(schemaCacheFile(ok), { force: true });
    checkDefinition(ok);
    expect(existsSync(schemaCacheFile(ok))).toBe(true);
    // Still the same verdict, and the engine's own checks still run on a remembered text.
    expect(checkDefinition(ok).StartAt).toBe('P');
    expect(() => checkDefinition(bad)).toThrow(DefinitionError);
    expect(existsSync(schemaCacheFile(bad))).toBe(false);
    rmSync(schemaCacheFile(ok), { force: true });
  });
});
