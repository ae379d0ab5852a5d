import { Entity } from '@backstage/catalog-model';
import { templateEntityV1beta3Validator } from '@backstage/plugin-scaffolder-common';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yaml from 'yaml';
import { checkGuardrails } from '../guardrails/checks';
import { readWorkspace } from '../guardrails/workspace';
import {
  GoldenPath,
  loadGoldenPaths,
  optionCombinations,
  writeContents,
} from './__testUtils__/goldenPaths';
import {
  FIXED_OPTIONS,
  dryRun,
  formValues,
  startScaffolder,
} from './__testUtils__/scaffolderHarness';

jest.setTimeout(120_000);

describe('golden-path templates', () => {
  let goldenPaths: GoldenPath[];
  let server: Awaited<ReturnType<typeof startScaffolder>>;

  beforeAll(async () => {
    goldenPaths = await loadGoldenPaths();
    server = await startScaffolder();
  });

  it('are the four golden paths', () => {
    expect(goldenPaths.map(g => g.name)).toEqual([
      'api-service',
      'cron-job',
      'platform-tool',
      'worker',
    ]);
  });

  it('are valid v1beta3 templates with the golden-path metadata', async () => {
    for (const { name, template } of goldenPaths) {
      expect({
        name,
        valid: await templateEntityV1beta3Validator.check(template as Entity),
      }).toEqual({
        name,
        valid: true,
      });
      expect(template.metadata.tags).toContain('golden-path');
      expect(template.spec.owner).toBe('group:default/platform');
      expect(
        template.metadata.annotations['backstage.io/template-version'],
      ).toMatch(/^\d+\.\d+\.\d+$/);
      expect(template.metadata.annotations['backstage.io/time-saved']).toMatch(
        /^P/,
      );
      // When the current version was released: a past date (the dashboard counts from it).
      const releasedAt =
        template.metadata.annotations['paved-road.io/released-at'];
      expect({ name, releasedAt }).toEqual({
        name,
        releasedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      });
      expect(Date.parse(releasedAt)).toBeLessThanOrEqual(Date.now());
      // templates/<name>.yaml; its TechDocs are in templates/<name>/.
      expect(template.metadata.annotations['backstage.io/techdocs-ref']).toBe(
        `dir:./${name}`,
      );
    }
  });

  it('dry-run every option combination through the real scaffolder, and the output passes the guardrails', async () => {
    const runs: string[] = [];
    for (const goldenPath of goldenPaths) {
      for (const options of optionCombinations(
        goldenPath.template,
        FIXED_OPTIONS,
      )) {
        const label = `${goldenPath.name} ${JSON.stringify(options)}`;
        const res = await dryRun(
          server,
          goldenPath,
          formValues(goldenPath, options),
        );
        expect({
          label,
          status: res.status,
          body: res.status === 200 ? 'ok' : res.body,
        }).toEqual({
          label,
          status: 200,
          body: 'ok',
        });
        const dir = await fs.mkdtemp(
          path.join(os.tmpdir(), `paved-road-${goldenPath.name}-`),
        );
        await writeContents(dir, res.body.directoryContents);
        const violations = await checkGuardrails(await readWorkspace(dir), {
          catalogInfoPath: 'catalog-info.yaml',
        });
        expect({ label, violations }).toEqual({ label, violations: [] });

        const entity = yaml.parse(
          await fs.readFile(path.join(dir, 'catalog-info.yaml'), 'utf8'),
        );
        expect(entity.metadata.annotations).toMatchObject({
          'backstage.io/template-version':
            goldenPath.template.metadata.annotations[
              'backstage.io/template-version'
            ],
          'paved-road.io/scaffolded-at': expect.any(String),
        });
        runs.push(label);
      }
    }
    expect(runs.length).toBeGreaterThanOrEqual(12);
  });

  it('names the field when the form input is invalid', async () => {
    const apiService = goldenPaths.find(g => g.name === 'api-service')!;
    const res = await dryRun(
      server,
      apiService,
      formValues(apiService, { name: 'Cart_API!' }),
    );
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toContain('name');
  });

  it('refuses an owner that is not in the catalog, naming the field', async () => {
    const apiService = goldenPaths.find(g => g.name === 'api-service')!;
    const res = await dryRun(
      server,
      apiService,
      formValues(apiService, { owner: 'group:default/checkuot' }),
    );
    expect(JSON.stringify(res.body)).toContain(
      "[catalog-info] catalog-info.yaml (Component/cart-api spec.owner): 'group:default/checkuot' is not an entity in the catalog",
    );
  });

  it('fails a platform-tool proposal that does not clear the wrapper test, with the verdict', async () => {
    const platformTool = goldenPaths.find(g => g.name === 'platform-tool')!;
    const res = await dryRun(
      server,
      platformTool,
      formValues(platformTool, {
        name: 'k8s-yaml-helpers',
        hoursSavedPerService: 1,
        servicesExpectedToAdopt: 3,
        stepsRemoved: 1,
        errorsPrevented: [],
        operationalBenefit: 'Nicer YAML',
        alternativeConsidered: 'Use YAML anchors',
      }),
    );
    expect(JSON.stringify(res.body)).toContain(
      "Wrapper test verdict for 'k8s-yaml-helpers': REJECT",
    );
  });
});
