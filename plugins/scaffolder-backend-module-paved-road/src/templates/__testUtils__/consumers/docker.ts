import fs from 'node:fs/promises';
import path from 'node:path';
import { Render } from '../renders';

/** .dockerignore patterns as a predicate (exact paths, folders, `*` within a segment). */
function ignored(patterns: string[]) {
  const regexes = patterns.map(
    p =>
      new RegExp(
        `^${p
          .replace(/^\//, '')
          .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')}(/|$)`,
      ),
  );
  return (file: string) => regexes.some(r => r.test(file));
}

/**
 * What `docker build .` reads from the build context: every `COPY`/`ADD` source (not
 * `--from` a stage, not a URL) exists in the generated repository and is not excluded by
 * .dockerignore, and each build argument CI passes is declared with `ARG`.
 */
export async function dockerfileProblems(
  render: Render,
  buildArgs: string[] = [],
): Promise<string[]> {
  if (!render.files.includes('Dockerfile')) return [];
  const problems: string[] = [];
  const dockerfile = await fs.readFile(
    path.join(render.dir, 'Dockerfile'),
    'utf8',
  );
  const ignore = render.files.includes('.dockerignore')
    ? ignored(
        (await fs.readFile(path.join(render.dir, '.dockerignore'), 'utf8'))
          .split('\n')
          .map(l => l.trim())
          .filter(l => l && !l.startsWith('#')),
      )
    : () => false;
  for (const [, instruction, rest] of dockerfile.matchAll(
    /^(COPY|ADD)\s+(.+)$/gm,
  )) {
    const words = rest.split(/\s+/).filter(w => !w.startsWith('--'));
    if (/--from=/.test(rest)) continue;
    for (const source of words.slice(0, -1)) {
      if (/^https?:\/\//.test(source)) continue;
      const clean = source.replace(/^\.\//, '').replace(/\/$/, '');
      const inContext = render.files.filter(
        f => f === clean || f.startsWith(`${clean}/`),
      );
      if (inContext.length === 0)
        problems.push(
          `Dockerfile: ${instruction} ${source}: not in the repository`,
        );
      else if (inContext.every(ignore))
        problems.push(
          `Dockerfile: ${instruction} ${source}: excluded by .dockerignore`,
        );
    }
  }
  for (const arg of buildArgs) {
    if (!new RegExp(`^ARG\\s+${arg}\\b`, 'm').test(dockerfile))
      problems.push(
        `Dockerfile: CI passes build-arg ${arg}, which no ARG declares`,
      );
  }
  return problems;
}
