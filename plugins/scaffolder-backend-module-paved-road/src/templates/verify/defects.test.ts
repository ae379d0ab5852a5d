import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import {
  kustomizeBuild,
  platformProblems,
  undeployedProblems,
} from '../__testUtils__/consumers/kubernetes';
import {
  configurationProblems,
  referenceProblems,
} from '../__testUtils__/consumers/terraform';
import {
  pathProblems,
  publishProblems,
} from '../__testUtils__/consumers/workflows';
import { Render, useEveryCombination } from '../__testUtils__/renders';

jest.setTimeout(5 * 60_000);

/**
 * The consumer checks catch the defects the golden-path review found, when they are put
 * back into a rendered project: a check that cannot fail proves nothing.
 */
describe('the consumer checks catch the defects the review found', () => {
  const rendered = useEveryCombination();

  /** A copy of the render that matches, to break. */
  async function copyOf(
    name: string,
    options: Record<string, unknown>,
  ): Promise<Render> {
    const render = rendered.renders.find(
      r =>
        r.goldenPath.name === name &&
        Object.entries(options).every(([k, v]) => r.options[k] === v),
    )!;
    const dir = `${render.dir}-broken-${Math.random().toString(36).slice(2)}`;
    await fs.cp(render.dir, dir, { recursive: true });
    return { ...render, dir, files: [...render.files] };
  }

  async function edit(
    render: Render,
    file: string,
    change: (text: string) => string,
  ) {
    const full = path.join(render.dir, file);
    await fs.writeFile(full, change(await fs.readFile(full, 'utf8')));
  }

  it('no .nvmrc for setup-node', async () => {
    const render = await copyOf('worker', { language: 'typescript' });
    await fs.rm(path.join(render.dir, '.nvmrc'));
    render.files = render.files.filter(f => f !== '.nvmrc');
    expect(await pathProblems(render)).toContainEqual(
      expect.stringContaining("node-version-file '.nvmrc' does not exist"),
    );
  });

  it('required_providers in database.tf and kafka.tf', async () => {
    const render = await copyOf('api-service', {
      language: 'python',
      needsDatabase: true,
      needsQueue: true,
    });
    const versions = await fs.readFile(
      path.join(render.dir, 'terraform/versions.tf'),
      'utf8',
    );
    const block = versions.slice(versions.indexOf('terraform {'));
    await edit(render, 'terraform/database.tf', text => `${block}\n${text}`);
    expect(await referenceProblems(render, 'terraform')).toContainEqual(
      expect.stringContaining('terraform allows one per module'),
    );
    expect((await configurationProblems(render, 'terraform')).join()).toContain(
      'Duplicate required providers configuration',
    );
  });

  it('alerts and dashboard left out of the Kustomize build', async () => {
    const render = await copyOf('cron-job', { language: 'python' });
    await edit(render, 'k8s/kustomization.yaml', text =>
      text.replace('  - ../observability\n', ''),
    );
    const { objects } = await kustomizeBuild(render);
    expect(await undeployedProblems(render, objects)).toContainEqual(
      expect.stringContaining('PrometheusRule'),
    );
  });

  it('Kafka over TLS without the CA, and KEDA without a fallback', async () => {
    const render = await copyOf('worker', { language: 'python' });
    const { objects } = await kustomizeBuild(render);
    const broken = yaml.parse(JSON.stringify(objects)) as typeof objects;
    for (const object of broken) {
      const spec = object.spec as any;
      if (object.kind === 'ScaledObject') delete spec.fallback;
      if (object.kind === 'TriggerAuthentication')
        spec.secretTargetRef = spec.secretTargetRef.filter(
          (r: { parameter: string }) => r.parameter !== 'ca',
        );
      for (const c of spec?.template?.spec?.containers ?? [])
        c.env = c.env.filter(
          (e: { name: string }) => e.name !== 'KAFKA_CA_FILE',
        );
    }
    const problems = platformProblems(broken).join('\n');
    expect(problems).toContain('without KAFKA_CA_FILE');
    expect(problems).toContain('no spec.fallback');
    expect(problems).toContain("passes no 'ca'");
    expect(platformProblems(objects)).toEqual([]);
  });

  it('npm provenance from an internal repository', async () => {
    const render = await copyOf('platform-tool', { kind: 'library' });
    await edit(render, 'package.json', text => {
      const pkg = JSON.parse(text);
      pkg.publishConfig.provenance = true;
      return JSON.stringify(pkg);
    });
    await edit(render, '.github/workflows/ci.yaml', text =>
      text.replace(/run: npm publish$/m, 'run: npm publish --provenance'),
    );
    const problems = (await publishProblems(render)).join('\n');
    expect(problems).toContain(
      "'npm publish --provenance' from a repository created internal",
    );
    expect(problems).toContain('publishConfig.provenance');
  });
});
