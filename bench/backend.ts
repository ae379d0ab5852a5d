/*
 * A real Backstage backend for the benchmarks: `createBackend()` from
 * @backstage/backend-defaults with PostgreSQL (or SQLite), the plugins under test, a
 * static service token for the load generator, and the synthetic catalog served from
 * memory through the CatalogService (see catalog.ts).
 */
import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader, JsonObject } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import knexFactory from 'knex';
import { Agent, fetch as undiciFetch } from 'undici';
import {
  InProcessCatalog,
  inProcessCatalog,
  inProcessCatalogServiceFactory,
} from './catalog';

/**
 * Requests without a time limit: a pass at 100k entities may answer after more than
 * the 5 minutes fetch waits for an answer's headers by default.
 */
const UNLIMITED = new Agent({ headersTimeout: 0, bodyTimeout: 0 });

/** The bearer token the benchmark's clients send (a static external-access token). */
export const BENCH_TOKEN = 'paved-road-bench-token-0123456789abcdef';

export const PG_URL =
  process.env.PAVED_ROAD_BENCH_DATABASE_URL ??
  'postgresql://postgres@127.0.0.1:5432';

function deepMerge(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    out[key] =
      prev &&
      value &&
      typeof prev === 'object' &&
      typeof value === 'object' &&
      !Array.isArray(prev) &&
      !Array.isArray(value)
        ? deepMerge(prev as JsonObject, value as JsonObject)
        : value;
  }
  return out;
}

/**
 * Writes PostgreSQL's dirty buffers to disk now (`CHECKPOINT`), so that what an earlier
 * phase wrote is not flushed while this one is measured.
 */
async function checkpoint() {
  const admin = knexFactory({ client: 'pg', connection: PG_URL });
  try {
    await admin.raw('CHECKPOINT');
  } finally {
    await admin.destroy();
  }
}

/** Drops every PostgreSQL database whose name starts with the prefix. */
export async function dropDatabases(prefix: string) {
  const admin = knexFactory({ client: 'pg', connection: PG_URL });
  try {
    // Escaped: `_` is a LIKE wildcard, and one run's prefix must not match another's.
    const { rows } = await admin.raw(
      "SELECT datname FROM pg_database WHERE datname LIKE ? ESCAPE '\\'",
      [`${prefix.replace(/[\\%_]/g, c => `\\${c}`)}%`],
    );
    for (const { datname } of rows) {
      await admin.raw(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await admin.destroy();
  }
}

export interface BenchBackend {
  baseUrl: string;
  /** The catalog it serves; `update` edits an entity. */
  catalog: InProcessCatalog;
  /** Fetch with the benchmark's service token; throws on a non-2xx answer. */
  request(path: string, init?: RequestInit): Promise<any>;
  stop(): Promise<void>;
}

export async function startBenchBackend(options: {
  port: number;
  entities: Entity[];
  /** Database names start with this; it is dropped before start and on stop. */
  databasePrefix: string;
  db: 'postgres' | 'sqlite';
  config?: JsonObject;
  features: Array<Promise<any> | any>;
}): Promise<BenchBackend> {
  // Only these outlive start-up: the entities are the catalog's (held as text) alone.
  const { port, databasePrefix, db } = options;
  const baseUrl = `http://localhost:${port}`;
  const pg = new URL(PG_URL);
  if (options.db === 'postgres') await dropDatabases(databasePrefix);
  const config = deepMerge(
    {
      app: { baseUrl },
      backend: {
        baseUrl,
        listen: { port },
        database:
          options.db === 'postgres'
            ? {
                client: 'pg',
                prefix: databasePrefix,
                connection: {
                  host: pg.hostname,
                  port: Number(pg.port || 5432),
                  user: decodeURIComponent(pg.username || 'postgres'),
                  password: decodeURIComponent(pg.password),
                },
              }
            : {
                client: 'better-sqlite3',
                connection: ':memory:',
              },
        auth: {
          externalAccess: [
            {
              type: 'static',
              options: { token: BENCH_TOKEN, subject: 'paved-road-bench' },
            },
          ],
        },
      },
      permission: { enabled: false },
    },
    options.config ?? {},
  );
  const backend = createBackend();
  backend.add(
    createServiceFactory({
      service: coreServices.rootConfig,
      deps: {},
      factory: () => new ConfigReader(config),
    }),
  );
  const catalog = inProcessCatalog(options.entities);
  backend.add(inProcessCatalogServiceFactory(catalog));
  for (const feature of options.features) backend.add(feature);
  await backend.start();
  if (options.db === 'postgres') await checkpoint();

  return {
    baseUrl,
    catalog,
    async request(path, init) {
      const response = await undiciFetch(`${baseUrl}${path}`, {
        ...(init as any),
        dispatcher: UNLIMITED,
        headers: {
          authorization: `Bearer ${BENCH_TOKEN}`,
          'content-type': 'application/json',
          ...(init?.headers ?? {}),
        },
      });
      const text = await response.text();
      if (!response.ok) {
        throw new Error(
          `${init?.method ?? 'GET'} ${path}: ${response.status} ${text.slice(
            0,
            500,
          )}`,
        );
      }
      return text && response.headers.get('content-type')?.includes('json')
        ? JSON.parse(text)
        : text;
    },
    async stop() {
      await backend.stop();
      if (db === 'postgres') await dropDatabases(databasePrefix);
    },
  };
}
