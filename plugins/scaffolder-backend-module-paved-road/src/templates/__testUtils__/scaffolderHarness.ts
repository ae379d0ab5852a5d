import { BackendFeature } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { scaffolderModulePavedRoad } from '../../module';
import { GoldenPath, defaultValues, directoryContents } from './goldenPaths';

/** What a product engineer types into each form; the rest are the form's defaults. */
export const FORM_INPUT: Record<string, Record<string, unknown>> = {
  common: {
    name: 'cart-api',
    description: 'Keeps shopping carts for the checkout flow.',
    owner: 'group:default/checkout',
    system: 'system:default/checkout',
    lifecycle: 'production',
    publishTarget: 'local',
  },
  worker: { topic: 'orders.order-placed.v1', consumerGroup: 'cart-worker' },
  'cron-job': { schedule: '*/15 * * * *' },
  'platform-tool': {
    name: 'otel-starter',
    hoursSavedPerService: 16,
    servicesExpectedToAdopt: 30,
    stepsRemoved: 5,
    errorsPrevented: ['missing trace propagation', 'unsampled error spans'],
    operationalBenefit:
      'Traces across service boundaries and RED metrics dashboards out of the box',
    alternativeConsidered:
      'The raw OpenTelemetry SDK needs 200 lines of setup per service and 6 of 8 teams got it wrong',
    hasQuickstart: true,
    hasFailureModeReference: true,
    hasVersioningPolicy: true,
  },
};

/** Choices that do not change what is generated, or that the tests fix. */
export const FIXED_OPTIONS = [
  'lifecycle',
  'publishTarget',
  'hasQuickstart',
  'hasFailureModeReference',
  'hasVersioningPolicy',
];

export function formValues(
  goldenPath: GoldenPath,
  options: Record<string, unknown> = {},
) {
  return {
    ...defaultValues(goldenPath.template),
    ...FORM_INPUT.common,
    ...FORM_INPUT[goldenPath.name],
    ...options,
  };
}

/**
 * A backend with the scaffolder and the Paved Road module; its catalog holds the
 * Checkout team and system, and `entities`. `paved-road:publish:local` writes to
 * `reposDir` (a fresh temporary folder by default).
 */
export async function startScaffolder(
  options: {
    entities?: Entity[];
    features?: BackendFeature[];
    reposDir?: string;
    /** Replaces the config (which sets only `pavedRoad.publishLocal.directory`). */
    config?: { [key: string]: any };
  } = {},
) {
  const reposDir =
    options.reposDir ??
    (await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-repos-')));
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      scaffolderModulePavedRoad,
      catalogServiceMock.factory({
        entities: [
          ...(options.entities ?? []),
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Group',
            metadata: { name: 'checkout', namespace: 'default' },
            spec: { type: 'team', children: [] },
          },
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'System',
            metadata: { name: 'checkout', namespace: 'default' },
            spec: { owner: 'group:default/checkout' },
          },
        ],
      }),
      mockServices.rootConfig.factory({
        data: options.config ?? {
          pavedRoad: { publishLocal: { directory: reposDir } },
        },
      }),
      ...(options.features ?? []),
    ],
  });
  return server;
}

export async function dryRun(
  server: Awaited<ReturnType<typeof startScaffolder>>,
  goldenPath: GoldenPath,
  values: Record<string, unknown>,
) {
  return request(server)
    .post('/api/scaffolder/v2/dry-run')
    .send({
      template: goldenPath.template,
      values,
      secrets: {},
      directoryContents: await directoryContents(goldenPath.dir),
    });
}
