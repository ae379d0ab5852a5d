/*
 * The template-upgrade benchmark's figures (templateUpgrade.bench.ts): what the run phase
 * measures besides the clock (CPU time, memory, the machine's load) and how it prints.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';

export const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** The value at percentile `p` of ascending `sorted` (nearest rank). */
export function percentile(sorted: number[], p: number) {
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/**
 * CPU seconds so far: this process (the backend: user and system), and its children
 * that have exited (git, which the upgrade runs for every read and commit; Linux only,
 * from /proc/self/stat's cutime and cstime, in clock ticks of 1/100 s).
 */
function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  let children = NaN;
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    children = (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    // not Linux
  }
  return { user: user / 1e6, system: system / 1e6, children };
}

/**
 * Starts watching the process: peak RSS (sampled every 100 ms), the machine's load
 * average (every 5 s) and CPU time; `stop` returns the figures since `start`.
 */
export function watchProcess() {
  const rssStarted = process.memoryUsage().rss;
  const cpu = cpuSeconds();
  let rssSampled = rssStarted;
  const loads: number[] = [os.loadavg()[0]];
  const rss = setInterval(() => {
    rssSampled = Math.max(rssSampled, process.memoryUsage().rss);
  }, 100);
  const load = setInterval(() => loads.push(os.loadavg()[0]), 5000);
  return () => {
    clearInterval(rss);
    clearInterval(load);
    const end = cpuSeconds();
    return {
      rssStarted,
      rssSampled,
      // getrusage: the process's peak RSS, start-up included (KiB on Linux).
      maxRss: process.resourceUsage().maxRSS * 1024,
      cpuUser: end.user - cpu.user,
      cpuSystem: end.system - cpu.system,
      cpuChildren: end.children - cpu.children,
      loadAverage: loads.reduce((a, b) => a + b, 0) / loads.length,
    };
  };
}

export interface RunFigures
  extends ReturnType<ReturnType<typeof watchProcess>> {
  wallMs: number;
  /** The bulk task's Markdown summary. */
  summary: string;
  /** Its warnings that the run was not recorded. */
  warnings: string[];
  /** Per-service task durations, created to completed, ascending. */
  durations: number[];
  childStatus: Record<string, number>;
  secondResolution: boolean;
}

export function printRun(
  r: RunFigures,
  options: { services: number; concurrency: number; branch: string },
) {
  const { services: n } = options;
  const d = r.durations;
  const counts = r.summary?.match(
    /: (\d+) opened, (\d+) conflicted, (\d+) already current, (\d+) failed\./,
  );
  const cpu = r.cpuUser + r.cpuSystem + (r.cpuChildren || 0);
  const lines = [
    `\nconcurrency ${options.concurrency}`,
    `  ${n} services, one bulk task: wall time ${sec(r.wallMs)}, ${sec(
      r.wallMs / n,
    )} per service (wall time / ${n})`,
    `  per-service upgrade task, created to completed (${d.length} tasks${
      r.secondResolution ? '; SQLite keeps timestamps to the second' : ''
    }): p50 ${sec(percentile(d, 50))}, p95 ${sec(percentile(d, 95))}, max ${sec(
      d[d.length - 1],
    )}; tasks ${JSON.stringify(r.childStatus)}`,
    `  outcomes: ${
      counts
        ? `${counts[1]} opened, ${counts[2]} conflicted, ${counts[3]} already current, ${counts[4]} failed`
        : `(no summary: ${r.summary})`
    }; branch ${options.branch} in all ${n} repositories`,
    `  run recorded with the Paved Road backend: ${
      r.warnings.length ? `no: ${r.warnings[0]}` : 'yes'
    }`,
    `  backend process peak RSS ${mib(r.maxRss)} (${mib(
      r.rssStarted,
    )} once started; sampled peak during the run ${mib(r.rssSampled)})`,
    `  CPU time: backend process ${r.cpuUser.toFixed(
      0,
    )} s user + ${r.cpuSystem.toFixed(0)} s system, git ${
      Number.isNaN(r.cpuChildren) ? 'n/a' : `${r.cpuChildren.toFixed(0)} s`
    }: ${sec(
      (cpu * 1000) / n,
    )} of CPU per service; machine load average during the run ${r.loadAverage.toFixed(
      1,
    )} (${os.cpus().length} cores)`,
  ];
  console.log(lines.join('\n'));
}
