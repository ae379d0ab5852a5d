import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs/promises';
import path from 'node:path';
import { invalidInput, useActionTasks } from '../__testUtils__/actionTask';
import { createWorkspace } from '../__testUtils__/workspace';
import { createProvenanceAnnotateAction } from './provenanceAnnotate';

const catalogInfo = `# The service's catalog entry; keep this comment.
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: cart-api # inline comment
  annotations:
    backstage.io/techdocs-ref: dir:.
spec:
  type: service
  owner: group:default/checkout
  lifecycle: production
`;

const templateInfo = {
  entityRef: 'template:default/api-service',
  entity: {
    metadata: {
      name: 'api-service',
      annotations: { 'backstage.io/template-version': '2.3.0' },
    },
  },
};

async function annotate(ws: string, input: Record<string, unknown> = {}) {
  const ctx = createMockActionContext({
    workspacePath: ws,
    input: { catalogInfoPath: 'catalog-info.yaml', ...input },
    templateInfo,
  });
  await createProvenanceAnnotateAction().handler(ctx as any);
  return ctx;
}

describe('paved-road:provenance:annotate', () => {
  it('stamps provenance, keeps comments, and is idempotent', async () => {
    const ws = await createWorkspace();
    const file = path.join(ws, 'catalog-info.yaml');
    await fs.writeFile(file, catalogInfo);

    const first = await annotate(ws);
    const once = await fs.readFile(file, 'utf8');
    expect(once).toContain("# The service's catalog entry; keep this comment.");
    expect(once).toContain('name: cart-api # inline comment');
    expect(once).toContain(
      'backstage.io/source-template: template:default/api-service',
    );
    expect(once).toContain('backstage.io/template-version: 2.3.0');
    expect(once).toMatch(/paved-road\.io\/scaffolded-at: \S+Z/);
    expect(first.output).toHaveBeenCalledWith('changed', true);

    const second = await annotate(ws);
    expect(await fs.readFile(file, 'utf8')).toBe(once);
    expect(second.output).toHaveBeenCalledWith('changed', false);
  });

  it('names bad input', async () => {
    const ws = await createWorkspace();
    await fs.writeFile(path.join(ws, 'catalog-info.yaml'), catalogInfo);
    await expect(annotate(ws, { templateVersion: 'latest' })).rejects.toThrow(
      "input.templateVersion must be a semantic version such as 2.3.0, got 'latest'",
    );
    await expect(
      annotate(ws, { catalogInfoPath: 'nope.yaml' }),
    ).rejects.toThrow(
      "input.catalogInfoPath: no file 'nope.yaml' in the workspace",
    );
    await expect(
      annotate(ws, { catalogInfoPath: '../../etc/passwd' }),
    ).rejects.toThrow(
      "input.catalogInfoPath: '../../etc/passwd' is outside the workspace",
    );
    await expect(annotate(ws, { templateRef: 'not a ref:::' })).rejects.toThrow(
      "input.templateRef: 'not a ref:::' is not an entity ref",
    );
    await fs.writeFile(path.join(ws, 'bad.yaml'), 'kind: [\n');
    await expect(annotate(ws, { catalogInfoPath: 'bad.yaml' })).rejects.toThrow(
      /bad\.yaml is not valid YAML/,
    );
  });
});

describe('paved-road:provenance:annotate input, as the scaffolder validates it', () => {
  const action = 'paved-road:provenance:annotate';
  const tasks = useActionTasks(action);

  it('names fields of the wrong type, times that are not ISO 8601, and unknown fields', async () => {
    const result = await tasks.run({
      catalogInfoPath: 1,
      templateRef: ['template:default/api-service'],
      templateVersion: 2.3,
      scaffoldedAt: 'March 7, 2024',
      version: '2.3.0',
    });
    expect(result).toEqual(
      invalidInput(action, [
        'instance.catalogInfoPath is not of a type(s) string',
        'instance.templateRef is not of a type(s) string',
        'instance.templateVersion is not of a type(s) string',
        'instance.scaffoldedAt does not conform to the "date-time" format',
        'instance is not allowed to have the additional property "version"',
      ]),
    );
  });

  it('accepts an ISO 8601 time with an offset', async () => {
    // Past the schema: the handler then finds no catalog-info.yaml in the empty workspace.
    expect(
      await tasks.run({ scaffoldedAt: '2024-03-07T10:00:00+01:00' }),
    ).toEqual({
      status: 'failed',
      error:
        "input.catalogInfoPath: no file 'catalog-info.yaml' in the workspace",
    });
  });

  it('names a bad template ref or version, and a path outside the workspace', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [
        { templateRef: 'not a ref:::' },
        "input.templateRef: 'not a ref:::' is not an entity ref",
      ],
      [
        { templateVersion: 'latest' },
        "input.templateVersion must be a semantic version such as 2.3.0, got 'latest'",
      ],
      [
        { catalogInfoPath: '../../etc/passwd' },
        "input.catalogInfoPath: '../../etc/passwd' is outside the workspace",
      ],
    ];
    for (const [input, error] of cases) {
      expect(await tasks.run(input)).toEqual({ status: 'failed', error });
    }
  });

  it('names a catalogInfoPath that is a folder, as given', async () => {
    expect(
      await tasks.run(
        { catalogInfoPath: 'docs' },
        {
          files: {
            'docs/catalog-info.yaml': { kind: 'Component', metadata: {} },
          },
        },
      ),
    ).toEqual({
      status: 'failed',
      error: "input.catalogInfoPath: 'docs' is a folder, not a file",
    });
  });
});
