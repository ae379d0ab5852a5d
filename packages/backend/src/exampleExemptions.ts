/*
 * Dev instance only: gives the example organisation a few exemptions, so the entity
 * pages and the campaigns show them from the first minute: one approved (fulfillment-sync
 * has no TechDocs until its docs move), one pending a decision (auth-gateway, for the
 * platform team to approve or reject on the Campaigns tab), and one that lapsed
 * (catalog-importer), each with its audit log. Written once, when the plugin's tables
 * exist and hold no exemption yet; dated relative to today. Not part of the bundle.
 */

import {
  coreServices,
  createBackendModule,
  DatabaseService,
} from '@backstage/backend-plugin-api';
import { untilDone } from './untilDone';
import { randomUUID } from 'node:crypto';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const DAY_MS = 86_400_000;

interface Example {
  entityRef: string;
  reason: string;
  link: string;
  requestedBy: string;
  /** Days from today: when requested, decided, and its last day. */
  requested: number;
  decided?: number;
  expires: number;
  status: 'approved' | 'pending' | 'lapsed';
  decidedBy?: string;
  note?: string;
}

const EXAMPLES: Example[] = [
  {
    entityRef: 'component:default/fulfillment-sync',
    reason:
      'Its docs move with the warehouse integration to the new portal in January; writing them twice is wasted work (ORD-318)',
    link: 'https://tickets.cloudcart.example/ORD-318',
    requestedBy: 'user:default/priya.raman',
    requested: -10,
    decided: -9,
    expires: 30,
    status: 'approved',
    decidedBy: 'user:default/elena.popescu',
    note: 'Fine until the portal move; no longer than that',
  },
  {
    entityRef: 'component:default/auth-gateway',
    reason:
      'The gateway is replaced by the identity platform in Q1; its docs would describe a service about to go (ACC-77)',
    link: 'https://tickets.cloudcart.example/ACC-77',
    requestedBy: 'user:default/benjamin.lee',
    requested: -2,
    expires: 45,
    status: 'pending',
  },
  {
    entityRef: 'component:default/catalog-importer',
    reason: 'Docs wait for the importer rewrite (CAT-140)',
    link: 'https://tickets.cloudcart.example/CAT-140',
    requestedBy: 'user:default/ethan.walker',
    requested: -60,
    decided: -59,
    expires: -5,
    status: 'lapsed',
    decidedBy: 'user:default/jamal.carter',
    note: 'Until the rewrite ships',
  },
];

async function seed(db: Knex, now: number): Promise<boolean> {
  if (!(await db.schema.hasTable('paved_road_exemption_events'))) return false;
  if (await db('paved_road_exemptions').first()) return true;
  const at = (days: number) => new Date(now + days * DAY_MS);
  const day = (days: number) => at(days).toISOString().slice(0, 10);
  await db.transaction(async tx => {
    for (const example of EXAMPLES) {
      const id = randomUUID();
      await tx('paved_road_exemptions').insert({
        id,
        entity_ref: example.entityRef,
        target_type: 'check',
        scorecard_id: 'production-readiness',
        check_id: 'techdocs',
        reason: example.reason,
        link: example.link,
        expires_on: day(example.expires),
        status: example.status,
        requested_by: example.requestedBy,
        requested_at: at(example.requested),
        decided_by: example.decidedBy ?? null,
        decided_at: example.decided !== undefined ? at(example.decided) : null,
        decision_note: example.note ?? null,
      });
      const events = [
        {
          action: 'requested',
          at: at(example.requested),
          by: example.requestedBy,
          note: example.reason,
        },
        ...(example.decided !== undefined
          ? [
              {
                action: 'approved',
                at: at(example.decided),
                by: example.decidedBy!,
                note: example.note ?? null,
              },
            ]
          : []),
        ...(example.status === 'lapsed'
          ? [
              {
                action: 'lapsed',
                at: at(example.expires + 1),
                by: 'paved-road',
                note: `expired after ${day(example.expires)}`,
              },
            ]
          : []),
      ];
      await tx('paved_road_exemption_events').insert(
        events.map(e => ({
          ...e,
          exemption_id: id,
          entity_ref: example.entityRef,
        })),
      );
      // Evaluated again at the next pass, with the approved exemption in force.
      await tx('paved_road_entities')
        .where('entity_ref', example.entityRef)
        .update({ etag: null });
    }
  });
  return true;
}

export default createBackendModule({
  pluginId: 'paved-road',
  moduleId: 'example-exemptions',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        logger: coreServices.logger,
        lifecycle: coreServices.rootLifecycle,
      },
      async init({ database, logger, lifecycle }) {
        untilDone(
          'Example exemptions',
          async () => seed(await database.getClient(), Date.now()),
          { logger, lifecycle },
        );
      },
    });
  },
});
