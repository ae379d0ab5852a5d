import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  parseVersion,
  pavedRoadFactsWritePermission,
} from '@paved-road/backstage-plugin-common';
import { PavedRoadFactSource } from '@paved-road/backstage-plugin-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { DatabaseScaffoldEventStore } from '../database/DatabaseScaffoldEventStore';
import { collectFacts } from './factSources';
import { addScorecardRoutes, ScorecardRoutesOptions } from './scorecardRoutes';
import { entityRefSchema, parseInput } from './validation';

const entityRef = (kind?: string) =>
  entityRefSchema(kind, kind ? [kind] : undefined);

const scaffoldEventBody = z.strictObject({
  templateRef: entityRef('template'),
  templateVersion: z
    .string()
    .refine(v => {
      try {
        parseVersion(v);
        return true;
      } catch {
        return false;
      }
    }, 'must be a semantic version such as 2.3.0')
    .optional(),
  entityRef: entityRef(),
  hoursSaved: z.number().min(0).max(10_000),
  initiatedBy: entityRef('user').optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
});

const listQuery = z.strictObject({
  templateRef: entityRef('template').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Options of {@link createRouter}. @internal */
export interface RouterOptions
  extends Omit<ScorecardRoutesOptions, 'httpAuth' | 'permissions' | 'catalog'> {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  store: DatabaseScaffoldEventStore;
  factSources: PavedRoadFactSource[];
}

/** The plugin's HTTP API, mounted at `/api/paved-road`. @internal */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, store, factSources } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.post('/scaffold-events', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const [decision] = await permissions.authorize(
      [{ permission: pavedRoadFactsWritePermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed: ${pavedRoadFactsWritePermission.name} is required to record scaffold events`,
      );
    }
    const body = parseInput(scaffoldEventBody, req.body, 'request body');
    res.status(201).json(await store.add(body));
  });

  router.get('/scaffold-events', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const query = parseInput(listQuery, req.query, 'query parameters');
    res.json({ items: await store.list(query) });
  });

  router.get('/templates/adoption', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({ items: await store.adoptionByTemplate() });
  });

  router.get('/fact-sources', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json({
      items: factSources.map(({ id, description }) => ({ id, description })),
    });
  });

  router.get('/facts/:kind/:namespace/:name', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const { kind, namespace, name } = req.params;
    // Read with the caller's credentials, so facts are shown only to those who may read the entity.
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) {
      throw new NotFoundError(
        `No entity ${kind}:${namespace}/${name} in the catalog`,
      );
    }
    res.json(await collectFacts(factSources, entity));
  });

  addScorecardRoutes(router, options);

  return router;
}
