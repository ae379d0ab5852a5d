/**
 * The backend under fuzz, run in a child process of the fuzz test (see
 * `backendProcess.ts`), so that a request that blocks the event loop (a catastrophic
 * regular expression, an endless loop) shows as a request that does not answer, and the
 * test can kill the backend and go on rather than hang with it.
 *
 * Started with the Backstage CLI's node transform; reads its settings from the
 * environment (FUZZ_DATABASE: `sqlite` or `postgres`; FUZZ_PG_CONNECTION and
 * FUZZ_PG_PREFIX for PostgreSQL) and reports `{ type: 'ready', port }` over IPC.
 */
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { pavedRoadPlugin } from '../../plugin';
import { exampleCatalog } from '../../scorecards/__testUtils__/exampleOrganisation';
import { partialVisibility } from '../../service/__testUtils__/partialVisibility';
import { splitCatalog } from './fuzzCatalog';

async function main() {
  const entities = exampleCatalog();
  const { readable } = splitCatalog(entities);
  const database =
    process.env.FUZZ_DATABASE === 'postgres'
      ? {
          client: 'pg',
          connection: process.env.FUZZ_PG_CONNECTION,
          prefix: process.env.FUZZ_PG_PREFIX,
        }
      : { client: 'better-sqlite3', connection: ':memory:' };
  const backend = await startTestBackend({
    features: [
      pavedRoadPlugin,
      ...partialVisibility({ entities, readable }).features,
      mockServices.rootLogger.factory({ level: 'error' }),
      // A request without credentials is unauthenticated, as in production (the test
      // backend's default treats it as a user who may read everything).
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: { database },
          // No catch-up passes during the run: the start-up pass, then the ones the
          // fuzzer asks for (POST /evaluate).
          pavedRoad: {
            startup: { retryAfter: { hours: 1 } },
            // A configured campaign: read-only through the API.
            campaigns: [
              {
                id: 'startup-probes',
                title: 'Startup probes everywhere',
                description: 'Every production service has a startup probe.',
                owner: 'group:default/orders',
                goal: {
                  type: 'checks',
                  scorecard: 'production-readiness',
                  checks: ['startup-probe'],
                },
                scope: { lifecycle: 'production' },
                startsOn: '2026-12-01',
                deadline: '2027-01-31',
              },
            ],
          },
        },
      }),
    ],
  });
  const address = backend.server.address();
  if (!address || typeof address === 'string') {
    throw new Error(`Unexpected server address ${address}`);
  }
  process.send?.({ type: 'ready', port: address.port });
  const stop = async () => {
    await backend.stop().catch(() => {});
    process.exit(0);
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error('The fuzzed backend did not start', error);
  process.exit(1);
});
