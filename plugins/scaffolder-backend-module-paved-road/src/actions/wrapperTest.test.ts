import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { invalidInput, useActionTasks } from '../__testUtils__/actionTask';
import { createWrapperTestAction } from './wrapperTest';

const strong = {
  toolName: 'otel-starter',
  hoursSavedPerService: 16,
  servicesExpectedToAdopt: 30,
  stepsRemoved: 5,
  errorsPrevented: ['missing trace propagation', 'unsampled error spans'],
  operationalBenefit:
    'Traces across service boundaries, RED metrics dashboards and retries with backoff',
  alternativeConsidered:
    'The raw SDK needs 200 lines of setup per service and 6 of 8 teams got it wrong',
  docs: {
    quickstart: true,
    failureModeReference: true,
    versioningPolicy: true,
  },
  failOnReject: true,
};

async function run(input: Record<string, any>) {
  const ctx = createMockActionContext({ input });
  const outputs: Record<string, any> = {};
  (ctx.output as jest.Mock).mockImplementation((k: string, v: unknown) => {
    outputs[k] = v;
  });
  let error: Error | undefined;
  await createWrapperTestAction()
    .handler(ctx as any)
    .catch(e => {
      error = e;
    });
  return { outputs, error };
}

describe('paved-road:wrapper-test', () => {
  it('passes a tool that clears all three questions with docs ready', async () => {
    const { outputs, error } = await run(strong);
    expect(error).toBeUndefined();
    expect(outputs.verdict).toBe('pass');
    expect(outputs.questions.map((q: any) => [q.id, q.passed])).toEqual([
      ['implementation-time', true],
      ['developer-experience', true],
      ['operational-benefit', true],
    ]);
    expect(JSON.parse(outputs.summary)).toMatchObject({
      verdict: 'pass',
      hoursSavedPerService: 16,
    });
  });

  it('asks for a revision when docs are not ready', async () => {
    const { outputs, error } = await run({
      ...strong,
      docs: {
        quickstart: true,
        failureModeReference: false,
        versioningPolicy: true,
      },
    });
    expect(outputs.verdict).toBe('revise');
    expect(error?.message).toContain(
      "Wrapper test verdict for 'otel-starter': REVISE",
    );
    expect(error?.message).toContain('missing a failure-mode reference');
  });

  it('rejects a thin wrapper, with a reason per failed question, and is deterministic', async () => {
    const weak = {
      ...strong,
      toolName: 'k8s-yaml-helpers',
      hoursSavedPerService: 1,
      servicesExpectedToAdopt: 3,
      stepsRemoved: 1,
      errorsPrevented: [],
      operationalBenefit: 'Nicer YAML',
      alternativeConsidered: '',
    };
    const first = await run(weak);
    const second = await run(weak);
    expect(first.outputs).toEqual(second.outputs);
    expect(first.outputs.verdict).toBe('reject');
    expect(first.outputs.reasons).toEqual([
      expect.stringContaining(
        'Lower implementation time: saves under 4 hours per service',
      ),
      expect.stringContaining('Better developer experience'),
      expect.stringContaining("don't wrap wrappers"),
    ]);
    expect(first.error?.message).toContain('REJECT');
  });

  it('reports without failing when failOnReject is false', async () => {
    const { outputs, error } = await run({
      ...strong,
      stepsRemoved: 0,
      errorsPrevented: [],
      failOnReject: false,
    });
    expect(error).toBeUndefined();
    expect(outputs.verdict).toBe('reject');
  });
});

describe('paved-road:wrapper-test input, as the scaffolder validates it', () => {
  const action = 'paved-road:wrapper-test';
  const tasks = useActionTasks(action);

  it('runs a valid proposal', async () => {
    expect(await tasks.run(strong)).toMatchObject({
      status: 'completed',
      output: { verdict: 'pass' },
    });
  });

  it('names every missing field', async () => {
    expect(await tasks.run({})).toEqual(
      invalidInput(action, [
        'instance requires property "toolName"',
        'instance requires property "hoursSavedPerService"',
        'instance requires property "servicesExpectedToAdopt"',
        'instance requires property "stepsRemoved"',
      ]),
    );
  });

  it('names every field of the wrong type or out of range', async () => {
    const result = await tasks.run({
      ...strong,
      toolName: '',
      hoursSavedPerService: '16',
      servicesExpectedToAdopt: 2.5,
      stepsRemoved: -1,
      errorsPrevented: 'missing trace propagation',
      operationalBenefit: ['tracing'],
      alternativeConsidered: 42,
      failOnReject: 'no',
    });
    expect(result).toEqual(
      invalidInput(action, [
        'instance.toolName does not meet minimum length of 1',
        'instance.hoursSavedPerService is not of a type(s) number',
        'instance.servicesExpectedToAdopt is not of a type(s) integer',
        'instance.stepsRemoved must be greater than or equal to 0',
        'instance.errorsPrevented is not of a type(s) array',
        'instance.operationalBenefit is not of a type(s) string',
        'instance.alternativeConsidered is not of a type(s) string',
        'instance.failOnReject is not of a type(s) boolean',
      ]),
    );
  });

  it('names bad list items, docs flags, upper bounds and unknown fields', async () => {
    const result = await tasks.run({
      ...strong,
      hoursSavedPerService: 20_000,
      servicesExpectedToAdopt: 1_000_000,
      stepsRemoved: 5_000,
      errorsPrevented: ['missing trace propagation', 3],
      docs: { quickstart: 'yes', changelog: true },
      failOnRejects: false,
    });
    expect(result).toEqual(
      invalidInput(action, [
        'instance.hoursSavedPerService must be less than or equal to 10000',
        'instance.servicesExpectedToAdopt must be less than or equal to 100000',
        'instance.stepsRemoved must be less than or equal to 1000',
        'instance.errorsPrevented[1] is not of a type(s) string',
        'instance.docs.quickstart is not of a type(s) boolean',
        'instance.docs is not allowed to have the additional property "changelog"',
        'instance is not allowed to have the additional property "failOnRejects"',
      ]),
    );
  });
});
