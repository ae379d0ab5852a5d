import { ChildProcess, fork } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';

/** The plugin's base path on the test backend. */
export const BASE_PATH = '/api/paved-road';

/** What the backend answered, or that it did not. */
export type Outcome =
  | {
      kind: 'response';
      status: number;
      headers: http.IncomingHttpHeaders;
      body: string;
      elapsedMs: number;
      /** What the backend logged while answering. */
      log: string[];
    }
  | {
      kind: 'no-response';
      /** `hang`: no answer within the hard timeout; `crash`: the connection broke. */
      reason: 'hang' | 'crash';
      message: string;
      elapsedMs: number;
      log: string[];
    };

/** A request as the fuzzer sends it: everything already encoded. */
export interface RawRequest {
  method: string;
  /** Relative to {@link BASE_PATH}, with the query string. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface BackendProcessOptions {
  database: 'sqlite' | 'postgres';
  /** PostgreSQL only: the server, and the prefix that makes the database's name unique. */
  pgConnection?: string;
  pgPrefix?: string;
  /** How long the backend may take to start. */
  startTimeoutMs?: number;
}

const MAX_LOG_LINES = 2000;

/**
 * The paved-road backend (`fuzzBackend.ts`) in a child process: requests that block its
 * event loop time out here instead of blocking the test, and the test restarts it.
 */
export class BackendProcess {
  private child?: ChildProcess;
  private port = 0;
  private readonly logLines: string[] = [];
  private logCount = 0;
  private agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  /** How many times the backend was (re)started. */
  starts = 0;

  constructor(private readonly options: BackendProcessOptions) {}

  get alive() {
    return Boolean(this.child && this.child.exitCode === null && this.port);
  }

  /** Starts the backend; resolves once it listens. */
  async start(): Promise<void> {
    const script = path.join(__dirname, 'fuzzBackend.ts');
    const child = fork(script, [], {
      execArgv: [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      env: {
        ...process.env,
        FUZZ_DATABASE: this.options.database,
        FUZZ_PG_CONNECTION: this.options.pgConnection ?? '',
        FUZZ_PG_PREFIX: this.options.pgPrefix ?? '',
        NODE_ENV: 'test',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child = child;
    this.starts += 1;
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        this.logLines.push(line);
        this.logCount += 1;
        if (this.logLines.length > MAX_LOG_LINES) this.logLines.shift();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `The fuzzed backend did not start:\n${this.logLines
                .slice(-40)
                .join('\n')}`,
            ),
          ),
        this.options.startTimeoutMs ?? 60_000,
      );
      child.on('message', (message: any) => {
        if (message?.type === 'ready') {
          clearTimeout(timer);
          resolve(message.port);
        }
      });
      child.on('exit', code => {
        clearTimeout(timer);
        reject(
          new Error(
            `The fuzzed backend exited (${code}) while starting:\n${this.logLines
              .slice(-40)
              .join('\n')}`,
          ),
        );
      });
    });
  }

  /** Kills the backend (it may be stuck) and waits for it to exit. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.port = 0;
    this.agent.destroy();
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the backend gracefully (closing its database connections), or kills it. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.child = undefined;
      return;
    }
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = undefined;
    this.port = 0;
    this.agent.destroy();
  }

  /** Log lines from `from` (a {@link logMark}) on. */
  logSince(from: number): string[] {
    const missed = this.logCount - this.logLines.length;
    return this.logLines.slice(Math.max(0, from - missed));
  }

  logMark(): number {
    return this.logCount;
  }

  /** Sends a request; `timeoutMs` is how long to wait before calling it a hang. */
  send(request: RawRequest, timeoutMs: number): Promise<Outcome> {
    const mark = this.logMark();
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    return new Promise<Outcome>(resolve => {
      let done = false;
      // Set once the request is under way; cleared by whichever end comes first.
      const hangTimer: { id?: ReturnType<typeof setTimeout> } = {};
      const finish = (outcome: Outcome) => {
        if (done) return;
        done = true;
        clearTimeout(hangTimer.id);
        resolve(outcome);
      };
      const body =
        request.body !== undefined
          ? Buffer.from(request.body, 'utf8')
          : undefined;
      let req: http.ClientRequest;
      try {
        req = http.request({
          host: '127.0.0.1',
          port: this.port,
          method: request.method,
          path: `${BASE_PATH}${request.path}`,
          headers: {
            ...request.headers,
            ...(body ? { 'Content-Length': String(body.length) } : {}),
          },
          agent: this.agent,
        });
      } catch (error) {
        throw new Error(
          `The fuzzer built a request Node refuses to send: ${
            (error as Error).message
          }`,
        );
      }
      hangTimer.id = setTimeout(() => {
        req.destroy();
        finish({
          kind: 'no-response',
          reason: 'hang',
          message: `no answer within ${timeoutMs} ms`,
          elapsedMs: elapsed(),
          log: this.logSince(mark),
        });
      }, timeoutMs);
      req.on('response', res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('error', error =>
          finish({
            kind: 'no-response',
            reason: 'crash',
            message: `the response broke off: ${error.message}`,
            elapsedMs: elapsed(),
            log: this.logSince(mark),
          }),
        );
        res.on('end', () => {
          let raw = Buffer.concat(chunks);
          const encoding = String(res.headers['content-encoding'] ?? '');
          try {
            if (encoding === 'gzip') raw = zlib.gunzipSync(raw);
            else if (encoding === 'br') raw = zlib.brotliDecompressSync(raw);
            else if (encoding === 'deflate') raw = zlib.inflateSync(raw);
          } catch {
            // Keep the raw bytes; the body checks will complain.
          }
          const status = res.statusCode ?? 0;
          const elapsedMs = elapsed();
          const answer = () =>
            finish({
              kind: 'response',
              status,
              headers: res.headers,
              body: raw.toString('utf8'),
              elapsedMs,
              log: this.logSince(mark),
            });
          // A server error's log line may reach us just after the answer.
          if (status >= 500) setTimeout(answer, 100);
          else answer();
        });
      });
      req.on('error', error =>
        finish({
          kind: 'no-response',
          reason: 'crash',
          message: `the connection broke: ${error.message}`,
          elapsedMs: elapsed(),
          log: this.logSince(mark),
        }),
      );
      req.end(body);
    });
  }
}
