import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { invalidInput, useActionTasks } from '../__testUtils__/actionTask';
import { createWorkspace } from '../__testUtils__/workspace';
import { createGuardrailsVerifyAction } from './guardrailsVerify';

async function run(workspacePath: string, input: Record<string, unknown> = {}) {
  const ctx = createMockActionContext({
    workspacePath,
    input: {
      path: '.',
      catalogInfoPath: 'catalog-info.yaml',
      escapeHatches: [],
      ...input,
    },
  });
  const outputs: Record<string, any> = {};
  (ctx.output as jest.Mock).mockImplementation((k: string, v: unknown) => {
    outputs[k] = v;
  });
  let error: Error | undefined;
  await createGuardrailsVerifyAction()
    .handler(ctx as any)
    .catch(e => {
      error = e;
    });
  return { outputs, error };
}

describe('paved-road:guardrails:verify', () => {
  it('passes the golden-path example orders-api', async () => {
    const { outputs, error } = await run(await createWorkspace('orders-api'));
    expect(error).toBeUndefined();
    expect(outputs.passed).toBe(true);
    expect(outputs.violations).toEqual([]);
  });

  it('reports every violation of the hand-rolled payments-ledger, with where it is', async () => {
    const { outputs, error } = await run(
      await createWorkspace('payments-ledger'),
    );
    expect(outputs.passed).toBe(false);
    const found = new Set(outputs.violations.map((v: any) => v.guardrail));
    expect([...found].sort()).toEqual(
      expect.arrayContaining([
        'ci',
        'docs',
        'image-scan',
        'network-policy',
        'resource-limits',
        'startup-probe',
      ]),
    );
    expect(outputs.violations).toContainEqual(
      expect.objectContaining({
        guardrail: 'startup-probe',
        file: 'k8s/deployment.yaml',
        location: expect.stringMatching(
          /^Deployment\/payments-ledger spec\.template\.spec\.containers\[0\]\.startupProbe$/,
        ),
      }),
    );
    expect(error?.message).toMatch(/breaks \d+ guardrail check\(s\)/);
    expect(error?.message).toContain('[startup-probe] k8s/deployment.yaml');
  });

  it('flags latest tags, root users and missing scans in legacy-checkout', async () => {
    const { outputs } = await run(await createWorkspace('legacy-checkout'));
    const guardrails = outputs.violations.map((v: any) => v.guardrail);
    expect(guardrails).toEqual(
      expect.arrayContaining(['pinned-images', 'non-root', 'image-scan']),
    );
  });

  it('names a malformed manifest and its line', async () => {
    const ws = await createWorkspace('orders-api');
    await fs.writeFile(
      path.join(ws, 'k8s/broken.yaml'),
      'kind: Deployment\n  metadata: [\n',
    );
    const { outputs } = await run(ws);
    expect(outputs.violations).toContainEqual(
      expect.objectContaining({
        file: 'k8s/broken.yaml',
        location: expect.stringMatching(/^line \d+$/),
      }),
    );
  });

  it('records an explicit escape hatch on the entity and exempts that guardrail', async () => {
    const ws = await createWorkspace('orders-api');
    await fs.rm(path.join(ws, 'k8s/networkpolicy.yaml'));
    const reason = 'Partner webhook needs egress to arbitrary IPs (PAY-231)';
    const { outputs, error } = await run(ws, {
      escapeHatches: [{ guardrail: 'network-policy', reason }],
    });
    expect(error).toBeUndefined();
    expect(outputs.passed).toBe(true);
    expect(outputs.exempted).toEqual([
      expect.stringContaining('[network-policy]'),
    ]);
    const entity = yaml.parse(
      await fs.readFile(path.join(ws, 'catalog-info.yaml'), 'utf8'),
    );
    expect(
      JSON.parse(entity.metadata.annotations['paved-road.io/escape-hatches']),
    ).toEqual([{ guardrail: 'network-policy', reason }]);
  });

  it('refuses a catalog-info.yaml the catalog would reject', async () => {
    const ws = await createWorkspace('orders-api');
    const file = path.join(ws, 'catalog-info.yaml');
    const entity = yaml.parse(await fs.readFile(file, 'utf8'));
    entity.metadata.links = [{ title: 'Docs', url: './docs/index.md' }];
    await fs.writeFile(file, yaml.stringify(entity));
    const { outputs } = await run(ws);
    expect(outputs.violations).toContainEqual(
      expect.objectContaining({
        guardrail: 'catalog-info',
        location: 'Component/orders-api (catalog policy)',
        message: expect.stringContaining('links.0.url'),
      }),
    );
  });

  it('refuses paths outside the workspace, naming the input', async () => {
    const ws = await createWorkspace('orders-api');
    expect((await run(ws, { path: '../..' })).error?.message).toBe(
      "input.path: '../..' is outside the workspace",
    );
  });
});

describe('paved-road:guardrails:verify input, as the scaffolder validates it', () => {
  const action = 'paved-road:guardrails:verify';
  const tasks = useActionTasks(action);

  it('names fields of the wrong type and unknown fields', async () => {
    const result = await tasks.run({
      path: 1,
      catalogInfoPath: ['catalog-info.yaml'],
      escapeHatches: { guardrail: 'network-policy' },
      escapeHatch: [],
    });
    expect(result).toEqual(
      invalidInput(action, [
        'instance.path is not of a type(s) string',
        'instance.catalogInfoPath is not of a type(s) string',
        'instance.escapeHatches is not of a type(s) array',
        'instance is not allowed to have the additional property "escapeHatch"',
      ]),
    );
  });

  it('names each bad escape hatch, blank reasons included', async () => {
    const result = await tasks.run({
      escapeHatches: [
        { guardrail: 'network-policy', reason: 'PAY-231: partner webhook' },
        { guardrail: 'probe', reason: 'too short' },
        { guardrail: 'docs', reason: '            ' },
        { guardrail: 'ci', reason: '  PAY-1    ' },
        { reason: 'PAY-231: no guardrail', ticket: 'PAY-231' },
      ],
    });
    expect(result).toEqual(
      invalidInput(action, [
        'instance.escapeHatches[1].guardrail is not one of enum values',
        'instance.escapeHatches[1].reason does not match pattern',
        'instance.escapeHatches[2].reason does not match pattern',
        'instance.escapeHatches[3].reason does not match pattern',
        'instance.escapeHatches[4] requires property "guardrail"',
        'instance.escapeHatches[4] is not allowed to have the additional property "ticket"',
      ]),
    );
    expect(result.error).not.toContain('instance.escapeHatches[0]');
  });

  it('names a path outside the workspace', async () => {
    expect(await tasks.run({ path: '../..' })).toEqual({
      status: 'failed',
      error: "input.path: '../..' is outside the workspace",
    });
  });

  it('names a path that does not exist, as given, without the server’s path', async () => {
    expect(await tasks.run({ path: 'nope' })).toEqual({
      status: 'failed',
      error: "input.path: 'nope' does not exist in the workspace",
    });
  });

  it('names a path that is a file, as given, without the server’s path', async () => {
    expect(
      await tasks.run(
        { path: './catalog-info.yaml' },
        { files: { 'catalog-info.yaml': { kind: 'Component', metadata: {} } } },
      ),
    ).toEqual({
      status: 'failed',
      error: "input.path: './catalog-info.yaml' is not a folder",
    });
  });
});
