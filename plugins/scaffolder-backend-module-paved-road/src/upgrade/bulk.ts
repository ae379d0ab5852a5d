import {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ScaffolderService } from '@backstage/plugin-scaffolder-node';
import { PAVED_ROAD_ANNOTATIONS } from '@paved-road/backstage-plugin-common';
import semver from 'semver';
import { UpgradeOutput, UpgradeResult, outcomeOf } from './outcomes';

/** Which services a bulk upgrade covers: those made from the template, in the scope. */
export interface UpgradeScope {
  /** Owned by this group (an entity ref). */
  owner?: string;
  /** Part of this system (an entity ref). */
  system?: string;
}

/** The services made from `templateRef` in `scope`, with the version each is on. */
export async function servicesInScope(options: {
  catalog: CatalogService;
  credentials: BackstageCredentials;
  templateRef: string;
  scope: UpgradeScope;
}): Promise<Array<{ entityRef: string; version?: string }>> {
  const filter: Record<string, string> = {
    [`metadata.annotations.${PAVED_ROAD_ANNOTATIONS.sourceTemplate}`]:
      options.templateRef,
  };
  if (options.scope.owner) filter['relations.ownedBy'] = options.scope.owner;
  if (options.scope.system) filter['relations.partOf'] = options.scope.system;
  const { items } = await options.catalog.getEntities(
    {
      filter,
      fields: [
        'kind',
        'metadata.namespace',
        'metadata.name',
        'metadata.annotations',
      ],
    },
    { credentials: options.credentials },
  );
  return items
    .map((entity: Entity) => ({
      entityRef: stringifyEntityRef(entity),
      version:
        entity.metadata.annotations?.[PAVED_ROAD_ANNOTATIONS.templateVersion],
    }))
    .sort((a, b) => (a.entityRef < b.entityRef ? -1 : 1));
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Runs the upgrade template once per service as its own scaffolder task (so each has its
 * own log and pull request), `concurrency` at a time, and returns a result per service:
 * `current` without a task for services already on `toVersion`, `failed` with the task's
 * error, otherwise `opened` or `conflicted` from the task's output; each with the id of
 * its task, when one was created.
 */
export async function upgradeEach(options: {
  scaffolder: ScaffolderService;
  credentials: BackstageCredentials;
  logger: LoggerService;
  services: Array<{ entityRef: string; version?: string }>;
  toVersion: string;
  upgradeTemplateRef: string;
  concurrency: number;
  pollMs?: number;
  signal?: AbortSignal;
}): Promise<UpgradeResult[]> {
  const { scaffolder, credentials, logger, toVersion } = options;
  const results = new Map<string, UpgradeResult>();
  const queue = [...options.services];

  async function upgradeOne(service: { entityRef: string; version?: string }) {
    const { entityRef, version } = service;
    if (version && semver.valid(version) && semver.gte(version, toVersion)) {
      results.set(entityRef, {
        entityRef,
        fromVersion: version,
        outcome: 'current',
      });
      return;
    }
    let taskId: string | undefined;
    const fail = (reason: string) => {
      logger.warn(`${entityRef}: ${reason}`);
      results.set(entityRef, {
        entityRef,
        fromVersion: semver.valid(version ?? '') ? version! : '0.0.0',
        outcome: 'failed',
        reason: reason.slice(0, 2000),
        ...(taskId ? { taskId } : {}),
      });
    };
    try {
      ({ taskId } = await scaffolder.scaffold(
        {
          templateRef: options.upgradeTemplateRef,
          values: {
            entity: entityRef,
            targetVersion: toVersion,
            recordRun: false,
          },
        },
        { credentials },
      ));
    } catch (error) {
      fail(
        `the upgrade task could not be created: ${(error as Error).message}`,
      );
      return;
    }
    logger.info(`${entityRef}: upgrade task ${taskId}`);
    for (;;) {
      if (options.signal?.aborted) {
        fail('the bulk upgrade was cancelled before this service finished');
        return;
      }
      const events = await scaffolder.getLogs({ taskId }, { credentials });
      const end = events.find(
        e => e.type === 'completion' || e.type === 'cancelled',
      );
      if (end) {
        const body = end.body as {
          error?: { message?: string };
          output?: Record<string, any>;
        };
        if (end.type === 'cancelled' || body.error) {
          fail(body.error?.message ?? 'the upgrade task was cancelled');
          return;
        }
        const output = body.output ?? {};
        // The child task's page shows this service's upgrade (title, branch, diff).
        const result = outcomeOf(
          entityRef,
          output.upgrade as UpgradeOutput,
          {
            url: output.url || undefined,
            branch: output.branch || undefined,
          },
          taskId,
        );
        logger.info(`${entityRef}: ${result.outcome}`);
        results.set(entityRef, result);
        return;
      }
      await sleep(options.pollMs ?? 500);
    }
  }

  const workers = Array.from(
    { length: Math.max(1, options.concurrency) },
    async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        await upgradeOne(next);
      }
    },
  );
  await Promise.all(workers);
  return options.services.map(s => results.get(s.entityRef)!);
}
