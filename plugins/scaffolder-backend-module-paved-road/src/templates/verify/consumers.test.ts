import fs from 'node:fs/promises';
import path from 'node:path';
import { Render, useEveryCombination } from '../__testUtils__/renders';
import { dockerfileProblems } from '../__testUtils__/consumers/docker';
import {
  KubeObject,
  kustomizeBuild,
  platformProblems,
  schemaProblems as kubeSchemaProblems,
  undeployedProblems,
} from '../__testUtils__/consumers/kubernetes';
import {
  shellcheckProblems,
  yamllintProblems,
} from '../__testUtils__/consumers/lint';
import {
  configurationProblems,
  fmtProblems,
  referenceProblems,
  terraformModules,
} from '../__testUtils__/consumers/terraform';
import {
  actionlintProblems,
  pathProblems,
  publishProblems,
  schemaProblems,
  workflowFiles,
  workflowSteps,
} from '../__testUtils__/consumers/workflows';

jest.setTimeout(10 * 60_000);

/**
 * Every golden path x option combination, rendered through the real scaffolder, checked by
 * the tools that will consume it: GitHub's workflow schema and actionlint, kustomize and the
 * Kubernetes schemas (CRDs included), terraform, shellcheck and yamllint. Each check collects
 * every problem of every render, so one run shows them all.
 */
describe('generated projects, checked by the tools that consume them', () => {
  const rendered = useEveryCombination();

  async function each(check: (render: Render) => Promise<string[]>) {
    const found: Array<{ label: string; problems: string[] }> = [];
    for (const render of rendered.renders) {
      const problems = await check(render);
      if (problems.length > 0) found.push({ label: render.label, problems });
    }
    return found;
  }

  /** Renders that generate the same file share one result, to spare slow tools. */
  function onceByContent(
    files: (render: Render) => string[],
    check: (render: Render) => Promise<string[]>,
  ) {
    const seen = new Map<string, Promise<string[]>>();
    return async (render: Render) => {
      const contents = await Promise.all(
        files(render).map(f => fs.readFile(path.join(render.dir, f), 'utf8')),
      );
      const id = contents.join('\0');
      if (!seen.has(id)) seen.set(id, check(render));
      return seen.get(id)!;
    };
  }

  it('renders every combination', () => {
    expect(rendered.renders.length).toBe(18);
    expect(
      rendered.renders.filter(r => workflowFiles(r).length > 0),
    ).toHaveLength(18);
  });

  it('GitHub workflows: valid against the workflow schema (action-validator)', async () => {
    expect(await each(schemaProblems)).toEqual([]);
  });

  it('GitHub workflows: actionlint finds nothing (jobs, expressions, action inputs)', async () => {
    expect(
      await each(onceByContent(workflowFiles, actionlintProblems)),
    ).toEqual([]);
  });

  it('GitHub workflows and Dependabot: every file a step reads is generated', async () => {
    expect(await each(pathProblems)).toEqual([]);
  });

  it('publishing: npm provenance only from a public repository', async () => {
    expect(await each(publishProblems)).toEqual([]);
  });

  it('Dockerfile: every file it copies is in the build context, every build-arg declared', async () => {
    const found = await each(async render => {
      const args = (await workflowSteps(render)).flatMap(({ step }) =>
        String(step.with?.['build-args'] ?? '')
          .split('\n')
          .map(line => line.split('=')[0].trim())
          .filter(Boolean),
      );
      return dockerfileProblems(render, args);
    });
    expect(found).toEqual([]);
  });

  it('shell: shellcheck finds nothing in scripts and workflow run blocks', async () => {
    expect(
      await each(onceByContent(workflowFiles, shellcheckProblems)),
    ).toEqual([]);
  });

  it('YAML: yamllint finds nothing', async () => {
    expect(await each(yamllintProblems)).toEqual([]);
  });

  describe('Kubernetes', () => {
    const builds = new Map<Render, KubeObject[]>();

    it('kustomize builds k8s/ in every render that has one', async () => {
      const found = await each(async render => {
        if (!render.files.includes('k8s/kustomization.yaml')) return [];
        const { objects, problems } = await kustomizeBuild(render);
        builds.set(render, objects);
        return problems;
      });
      expect(found).toEqual([]);
      expect(builds.size).toBe(16);
    });

    it('every object is valid against its schema, CRDs included', async () => {
      const found = await each(async render =>
        builds.has(render) ? kubeSchemaProblems(builds.get(render)!) : [],
      );
      expect(found).toEqual([]);
    });

    it('Kafka clients and KEDA trust the cluster CA; KEDA has a fallback', async () => {
      const found = await each(async render =>
        builds.has(render) ? platformProblems(builds.get(render)!) : [],
      );
      expect(found).toEqual([]);
    });

    it('the build deploys every object the template generates', async () => {
      const found = await each(async render =>
        builds.has(render)
          ? undeployedProblems(render, builds.get(render)!)
          : [],
      );
      expect(found).toEqual([]);
    });
  });

  describe('Terraform', () => {
    const modules = (render: Render) => terraformModules(render);
    const tfFiles = (render: Render) =>
      render.files.filter(f => f.endsWith('.tf'));

    it('terraform fmt -check', async () => {
      const found = await each(
        onceByContent(tfFiles, async render =>
          (
            await Promise.all(modules(render).map(m => fmtProblems(render, m)))
          ).flat(),
        ),
      );
      expect(found).toEqual([]);
    });

    it('terraform loads the configuration (validate before init, stopped only by the missing providers)', async () => {
      const found = await each(
        onceByContent(tfFiles, async render =>
          (
            await Promise.all(
              modules(render).map(m => configurationProblems(render, m)),
            )
          ).flat(),
        ),
      );
      expect(found).toEqual([]);
    });

    it('one required_providers per module, every provider declared, every reference declared (hcl2json)', async () => {
      const found = await each(async render =>
        (
          await Promise.all(
            modules(render).map(m => referenceProblems(render, m)),
          )
        ).flat(),
      );
      expect(found).toEqual([]);
    });
  });
});
