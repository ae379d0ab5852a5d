import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { promisify } from 'node:util';
import {
  PYTHON,
  renderProjects,
  run as runOrThrow,
} from './__testUtils__/project';

/*
 * Kafka client behaviour checked in our suite beyond the generated projects' own tests.
 *
 * The worker's Kafka tests live in the generated project (typescript/test/kafka-transport.test.ts,
 * python/tests/test_kafka_*.py), so they run in each service's CI as well; projects.test.ts
 * renders, installs and runs them here. What they prove: routine broker errors (connection
 * errors, NOT_COORDINATOR, rebalances, retries exhausted, _TRANSPORT, _ALL_BROKERS_DOWN...)
 * never stop the worker, fatal ones (authorization, authentication, a topic still missing
 * after the grace period) exit it non-zero, /healthz follows the consume loop's heartbeat,
 * and KAFKA_CA_FILE is the CA the client trusts.
 *
 * The api-service queue option's publishers read KAFKA_CA_FILE too; their own test files
 * belong to that template, so their TLS trust is checked here, from outside: a TLS endpoint
 * whose certificate no public CA signed, which a publisher must trust when KAFKA_CA_FILE
 * names that certificate, and only then.
 */

const exec = promisify(execFile);

jest.setTimeout(10 * 60_000);

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A TLS listener on 127.0.0.1 with a self-signed certificate; records each handshake. */
async function tlsEndpoint(dir: string) {
  const ca = path.join(dir, 'ca.crt');
  const key = path.join(dir, 'broker.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=kafka-test-ca',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      ca,
    ],
    { stdio: 'ignore' },
  );
  const handshakes: string[] = [];
  const server = tls.createServer(
    { cert: await fs.readFile(ca), key: await fs.readFile(key) },
    socket => {
      handshakes.push('ok');
      socket.destroy();
    },
  );
  server.on('tlsClientError', err => handshakes.push(`failed: ${err.message}`));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    ca,
    brokers: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    handshakes,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

/** Runs `cmd` with `env` added; returns its output and exit code without throwing. */
async function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
) {
  try {
    const { stdout, stderr } = await exec(cmd, args, {
      cwd,
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error: any) {
    return {
      code: error.code as number,
      output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
    };
  }
}

/** Creates the publisher the way the app does at start-up, then lets it connect for 2 s. */
const PYTHON_PUBLISHER = `
import sys, time
from app.config import Settings
from app.kafka_publisher import create_event_publisher
try:
    publisher = create_event_publisher(Settings.from_env())
except ValueError as exc:
    print(f"start-up error: {exc}")
    sys.exit(3)
time.sleep(2)
`;

const TYPESCRIPT_PUBLISHER = `
import { pino } from 'pino';
import { createEventPublisher } from './src/events';
createEventPublisher(
  { kafkaBrokers: [process.env.KAFKA_BROKERS ?? ''], kafkaTopic: 't', kafkaClientId: 'ca-check', kafkaTls: true },
  pino({ level: 'silent' }),
).catch((err: Error) => {
  console.log('start-up error: ' + err.message);
  process.exit(3);
});
setTimeout(() => process.exit(0), 2_000);
`;

// The broker's certificate is made with openssl (a self-signed CA no public CA signs).
const describeWithOpenssl = hasOpenssl() ? describe : describe.skip;

describeWithOpenssl(
  'api-service queue option: the Kafka publisher and KAFKA_CA_FILE',
  () => {
    let root: string;
    beforeAll(async () => {
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-kafka-ca-'));
    });
    afterAll(async () => {
      await fs.rm(root, { recursive: true, force: true });
    });

    const cases = {
      python: async (dir: string) => (env: Record<string, string>) =>
        run(PYTHON, ['-c', PYTHON_PUBLISHER], dir, env),
      typescript: async (dir: string) => {
        await runOrThrow(
          'npm',
          ['install', '--no-audit', '--no-fund', '--loglevel=error'],
          { cwd: dir },
        );
        await fs.writeFile(path.join(dir, 'ca-check.ts'), TYPESCRIPT_PUBLISHER);
        return (env: Record<string, string>) =>
          run('node', ['--import', 'tsx', 'ca-check.ts'], dir, env);
      },
    };

    it.each(['python', 'typescript'] as const)(
      '%s: trusts the CA in KAFKA_CA_FILE, and fails at start-up naming a missing file',
      async language => {
        const [project] = await renderProjects('api-service', [
          { language, needsQueue: true, needsDatabase: false },
        ]);
        const publish = await cases[language](project.dir);
        const endpoint = await tlsEndpoint(root);
        try {
          const env = { KAFKA_BROKERS: endpoint.brokers, KAFKA_TLS: 'true' };

          const missing = path.join(root, 'missing', 'ca.crt');
          const failed = await publish({ ...env, KAFKA_CA_FILE: missing });
          expect(failed.code).toBe(3);
          expect(failed.output).toContain(
            `start-up error: KAFKA_CA_FILE=${missing} cannot be read`,
          );

          // Without KAFKA_CA_FILE: the system trust store does not know the broker's CA.
          const untrusting = await publish(env);
          expect(untrusting.code).toBe(0);
          expect(endpoint.handshakes.length).toBeGreaterThan(0);
          expect(endpoint.handshakes.filter(h => h === 'ok')).toEqual([]);

          endpoint.handshakes.length = 0;
          const trusting = await publish({
            ...env,
            KAFKA_CA_FILE: endpoint.ca,
          });
          expect(trusting.code).toBe(0);
          expect(endpoint.handshakes).toContain('ok');
        } finally {
          await endpoint.close();
          await project.remove();
        }
      },
    );
  },
);
