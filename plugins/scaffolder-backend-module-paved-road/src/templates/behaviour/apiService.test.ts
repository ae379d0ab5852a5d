/*
 * Behaviour of the generated API service (api-service golden path, PostgreSQL and Kafka
 * options on), run as its container runs it against a real PostgreSQL:
 * - start-up migrations are not cut by the request statement timeout, and a second
 *   instance waits for the migration lock instead of failing or migrating twice;
 * - the service rides out the database dropping its connections (a failover);
 * - SIGTERM drains: the request in flight is answered with `Connection: close`, idle
 *   keep-alive connections are closed, the database and the event publisher are closed,
 *   traces are flushed, and the process exits 0 well within the pod's grace period.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { idleKeepAliveConnection, startRequest } from './__testUtils__/http';
import { otelEnv, startOtlpReceiver } from './__testUtils__/otlp';
import {
  createDatabase,
  psql,
  sessions,
  terminateSessions,
} from './__testUtils__/postgres';
import {
  killAll,
  ProjectProcess,
  sleep,
  waitForHttp,
} from './__testUtils__/processes';
import {
  installAndBuild,
  Project,
  pythonHasOpenTelemetry,
  renderProjects,
  startCommand,
  startProject,
} from './__testUtils__/project';
import { requestQueryArgs, writeHarness } from './__testUtils__/harness';

jest.setTimeout(3 * 60_000);

/** k8s/deployment.yaml: terminationGracePeriodSeconds 30, of which the preStop sleep takes 5. */
const GRACE_AFTER_SIGTERM_MS = 25_000;
const SERVICE = 'cart-api';
const LANGUAGES = ['typescript', 'python'] as const;
const projects = new Map<string, Project>();
let pythonTracing = false;

beforeAll(async () => {
  const rendered = await renderProjects(
    'api-service',
    LANGUAGES.map(language => ({
      language,
      needsDatabase: true,
      needsQueue: true,
    })),
  );
  rendered.forEach(p => projects.set(p.language, p));
  await installAndBuild(projects.get('typescript')!);
  await writeHarness(projects.get('python')!, 'slow-route');
  pythonTracing = await pythonHasOpenTelemetry();
}, 8 * 60_000);

afterEach(killAll);

afterAll(async () => {
  await Promise.all([...projects.values()].map(p => p.remove()));
});

const appliedBy = (proc: ProjectProcess) =>
  proc.logs.find(l => l.message === 'migrations complete')?.applied;

describe.each(LANGUAGES)('api-service in %s, with PostgreSQL', language => {
  it('runs a migration longer than the statement timeout; a second instance waits for the lock and does not re-run it', async () => {
    const project = projects.get(language)!;
    const db = await createDatabase();
    const migrations = await fs.mkdtemp(
      path.join(os.tmpdir(), 'paved-road-migrations-'),
    );
    try {
      // A 1 s statement and lock timeout on the database (as a DBA might set), and 1 s for
      // the service's own request queries; the second migration takes 8 s.
      await psql(
        db.url,
        `ALTER DATABASE ${db.name} SET statement_timeout = '1s'`,
      );
      await psql(db.url, `ALTER DATABASE ${db.name} SET lock_timeout = '1s'`);
      await fs.copyFile(
        path.join(project.dir, 'migrations', '0001_init.sql'),
        path.join(migrations, '0001_init.sql'),
      );
      await fs.writeFile(
        path.join(migrations, '0002_slow.sql'),
        `SELECT pg_sleep(8);
CREATE TABLE behaviour_migration_session AS
  SELECT current_setting('statement_timeout') AS statement_timeout,
         current_setting('lock_timeout') AS lock_timeout;
`,
      );
      const env = {
        DATABASE_URL: db.url,
        MIGRATIONS_DIR: migrations,
        DATABASE_STATEMENT_TIMEOUT_MS: '1000',
      };

      const first = await startProject(project, env);
      const migrating = async () =>
        (await sessions(db)).some(
          s => s.state === 'active' && s.query.includes('pg_sleep(8)'),
        );
      for (let i = 0; i < 300 && !(await migrating()) && !first.proc.exit; i++)
        await sleep(100);

      const second = await startProject(project, env);
      let secondBlockedOnLock = false;
      let secondListeningWhileBlocked = false;
      for (
        let i = 0;
        i < 100 && !second.proc.exit && (await migrating());
        i++
      ) {
        const blocked = (await sessions(db)).some(
          s => s.waitEventType === 'Lock' && s.waitEvent === 'advisory',
        );
        if (blocked && !secondBlockedOnLock) {
          secondBlockedOnLock = true;
          secondListeningWhileBlocked = await fetch(
            `${second.url}/healthz`,
          ).then(
            () => true,
            () => false,
          );
        }
        await sleep(100);
      }
      const ready = (svc: { proc: ProjectProcess; url: string }) =>
        waitForHttp(`${svc.url}/readyz`, svc.proc, 30_000).then(
          () => true,
          (error: Error) => error.message.split('\n').slice(0, 3).join(' | '),
        );
      const firstReady = await ready(first);
      const secondReady = await ready(second);

      const recorded = await psql(
        db.url,
        'SELECT version FROM schema_migrations ORDER BY version',
      ).catch((e: Error) => [[e.message]]);
      const session = await psql(
        db.url,
        'SELECT statement_timeout, lock_timeout FROM behaviour_migration_session',
      ).catch((e: Error) => [[e.message]]);
      expect({
        firstReady,
        secondBlockedOnLock,
        secondListeningWhileBlocked,
        secondLoggedTheWait: second.proc.logs.some(
          l => l.message === 'waiting for the migration lock',
        ),
        secondReady,
        appliedByFirst: appliedBy(first.proc),
        appliedBySecond: appliedBy(second.proc),
        recorded: recorded.map(r => r[0]),
        migrationSession: session[0],
      }).toEqual({
        firstReady: true,
        secondBlockedOnLock: true,
        secondListeningWhileBlocked: false,
        secondLoggedTheWait: true,
        secondReady: true,
        appliedByFirst: ['0001_init.sql', '0002_slow.sql'],
        appliedBySecond: [],
        recorded: ['0001_init.sql', '0002_slow.sql'],
        // The migration session runs without the request timeouts.
        migrationSession: ['0', '0'],
      });
    } finally {
      killAll();
      await fs.rm(migrations, { recursive: true, force: true });
      await db.drop();
    }
  });

  it('keeps DATABASE_STATEMENT_TIMEOUT_MS on request queries', async () => {
    const project = projects.get(language)!;
    const db = await createDatabase();
    try {
      const { cmd } = await startCommand(project);
      const proc = new ProjectProcess(
        cmd,
        requestQueryArgs(project.language),
        project.dir,
        { DATABASE_URL: db.url, DATABASE_STATEMENT_TIMEOUT_MS: '500' },
      );
      await proc.waitForExit(20_000);
      expect(proc.transcript()).toContain(
        'canceling statement due to statement timeout',
      );
    } finally {
      await db.drop();
    }
  });

  it('drains on SIGTERM: Connection: close in flight, idle keep-alive closed, dependencies closed, traces flushed, exit 0', async () => {
    const project = projects.get(language)!;
    const tracing = language === 'typescript' || pythonTracing;
    const db = await createDatabase();
    const receiver = await startOtlpReceiver();
    try {
      const { proc, url } = await startProject(
        project,
        {
          DATABASE_URL: db.url,
          ...(tracing ? otelEnv(receiver.endpoint) : {}),
        },
        { preload: language === 'python' ? 'behaviour_serve.py' : undefined },
      );
      await waitForHttp(`${url}/readyz`, proc, 60_000);
      // The database drops the service's connections (a failover, say): it must ride it out.
      await terminateSessions(db, SERVICE);
      await waitForHttp(`${url}/readyz`, proc, 10_000);

      const idle = await idleKeepAliveConnection(`${url}/v1/greetings/Ada`);
      // In flight at SIGTERM: a slow upload to the greeting route (TypeScript reads the JSON
      // body first), or a slow handler (Python: a route added by the test's entry point).
      const slow =
        language === 'typescript'
          ? startRequest(`${url}/v1/greetings/Grace`, {
              body: '{"note":"slow upload"}',
              holdBody: true,
            })
          : startRequest(`${url}/behaviour/slow?seconds=2`);
      if (language === 'python') await proc.waitForLog('slow request started');
      else await sleep(500); // the server has had the request's head for a while
      const sigterm = proc.signal('SIGTERM');

      const idleClosed = await Promise.race([
        idle.closed,
        sleep(3_000).then(() => undefined),
      ]);
      const refused = await fetch(`${url}/healthz`, {
        signal: AbortSignal.timeout(2_000),
      }).then(
        () => false,
        () => true,
      );
      slow.finish();
      const answer = await slow.answer;
      const answerSocketClosed = await Promise.race([
        answer.socketClosed,
        sleep(3_000).then(() => undefined),
      ]);
      const exit = await proc.waitForExit(GRACE_AFTER_SIGTERM_MS + 5_000);
      slow.close();
      idle.close();
      const appSessions = (await sessions(db)).filter(
        s => s.applicationName === SERVICE,
      );
      const closed = proc.logs
        .filter(l => l.message === 'closed')
        .map(l => String(l.dependency))
        .sort();

      expect({
        idleClosedByServer: idleClosed !== undefined && idleClosed < answer.at,
        newConnectionsRefused: refused,
        inFlight: {
          status: answer.status,
          connection: answer.headers.connection,
        },
        inFlightConnectionClosedAfterAnswer: answerSocketClosed !== undefined,
        exitCode: exit?.code,
        exitedWellWithinGrace: exit !== undefined && exit.at - sigterm < 10_000,
        closed,
        stoppedLogged: proc.logs.some(l => l.message === 'stopped'),
        appSessionsAfterExit: appSessions.length,
        tracesFlushedAtShutdown: tracing
          ? receiver.traces(
              sigterm,
              exit?.at ?? 0,
              language === 'typescript' ? 'greetings' : 'behaviour/slow',
            ).length > 0
          : 'OpenTelemetry is not installed for this python',
      }).toEqual({
        idleClosedByServer: true,
        newConnectionsRefused: true,
        inFlight: { status: 200, connection: 'close' },
        inFlightConnectionClosedAfterAnswer: true,
        exitCode: 0,
        exitedWellWithinGrace: true,
        closed: ['database', 'events'],
        stoppedLogged: true,
        appSessionsAfterExit: 0,
        tracesFlushedAtShutdown: tracing
          ? true
          : 'OpenTelemetry is not installed for this python',
      });
    } finally {
      killAll();
      await receiver.close();
      await db.drop();
    }
  });
});
