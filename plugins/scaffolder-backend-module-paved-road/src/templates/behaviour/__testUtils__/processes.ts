import { ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';

/** One JSON log line of a generated project (pino or the Python JSON formatter). */
export type LogLine = Record<string, unknown> & { message?: string };

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Date.now() when the process exited. */
  at: number;
}

const running = new Set<ChildProcess>();

/** Kills every process started by {@link startProcess} that is still running (afterEach/afterAll). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/**
 * A generated service or job, started as its container starts it. Collects its stdout
 * JSON lines and its stderr; `exited` settles when it ends.
 */
export class ProjectProcess {
  readonly logs: LogLine[] = [];
  readonly output: string[] = [];
  readonly exited: Promise<Exit>;
  exit?: Exit;
  private readonly child: ChildProcess;
  private readonly waiters = new Set<() => void>();

  constructor(
    cmd: string,
    args: string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(cmd, args, {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this.child);
    let partial = '';
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) this.record(line);
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim()) this.record(line);
    });
    this.exited = new Promise(resolve => {
      this.child.on('exit', (code, signal) => {
        running.delete(this.child);
        if (partial) this.record(partial);
        this.exit = { code, signal, at: Date.now() };
        this.notify();
        resolve(this.exit);
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  signal(sig: NodeJS.Signals): number {
    this.child.kill(sig);
    return Date.now();
  }

  /** The first log line whose message matches, waiting for it up to `timeoutMs`. */
  async waitForLog(
    match: string | RegExp | ((line: LogLine) => boolean),
    timeoutMs = 30_000,
  ): Promise<LogLine> {
    const test =
      typeof match === 'function'
        ? match
        : (line: LogLine) =>
            typeof match === 'string'
              ? line.message === match
              : match.test(String(line.message ?? ''));
    return this.waitFor(
      () => this.logs.find(test),
      `a log line ${match}`,
      timeoutMs,
    );
  }

  /** Waits for the process to exit, up to `timeoutMs`; undefined when it is still running. */
  async waitForExit(timeoutMs: number): Promise<Exit | undefined> {
    return this.waitFor(() => this.exit, 'exit', timeoutMs).catch(
      () => undefined,
    );
  }

  /** Everything the process wrote, for assertion messages. */
  transcript(): string {
    return this.output.join('\n');
  }

  private record(line: string) {
    this.output.push(line);
    try {
      const parsed = JSON.parse(line);
      if (parsed && typeof parsed === 'object') this.logs.push(parsed);
    } catch {
      // not JSON: a traceback or a runtime warning; kept in output only
    }
    this.notify();
  }

  private notify() {
    for (const wake of [...this.waiters]) wake();
  }

  private waitFor<T>(
    probe: () => T | undefined,
    what: string,
    timeoutMs: number,
  ): Promise<T> {
    return new Promise((resolve, reject) => {
      const pending: { timer?: NodeJS.Timeout } = {};
      const settle = (check: () => void) => {
        clearTimeout(pending.timer);
        this.waiters.delete(check);
      };
      const check = () => {
        const found = probe();
        if (found !== undefined) {
          settle(check);
          resolve(found);
        } else if (this.exit && what !== 'exit') {
          settle(check);
          reject(
            new Error(
              `process exited (${JSON.stringify(
                this.exit,
              )}) before ${what}:\n${this.transcript()}`,
            ),
          );
        }
      };
      pending.timer = setTimeout(() => {
        settle(check);
        reject(
          new Error(`no ${what} within ${timeoutMs} ms:\n${this.transcript()}`),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }
}

/** A TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** Polls `url` until it answers `status` (default 200), up to `timeoutMs`. */
export async function waitForHttp(
  url: string,
  proc: ProjectProcess,
  timeoutMs = 30_000,
  status = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (proc.exit) {
      throw new Error(
        `process exited (${JSON.stringify(
          proc.exit,
        )}) before ${url} answered:\n${proc.transcript()}`,
      );
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === status) return;
    } catch (error) {
      last = String(error);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(
    `${url} did not answer ${status} within ${timeoutMs} ms (last: ${last}):\n${proc.transcript()}`,
  );
}

export const sleep = (ms: number) =>
  new Promise<void>(resolve => setTimeout(resolve, ms));
