import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  GoldenPath,
  loadGoldenPaths,
  optionCombinations,
  writeContents,
} from './goldenPaths';
import {
  FIXED_OPTIONS,
  dryRun,
  formValues,
  startScaffolder,
} from './scaffolderHarness';

/** One template x option combination, rendered through the real scaffolder into `dir`. */
export interface Render {
  goldenPath: GoldenPath;
  options: Record<string, unknown>;
  /** e.g. `api-service {"language":"typescript","needsDatabase":true,...}` */
  label: string;
  dir: string;
  /** Every generated file, relative to `dir`, with `/` separators. */
  files: string[];
}

/**
 * Dry-runs one golden path with the form's values for `options` and writes the output to
 * `dir`. Throws with the scaffolder's answer when the dry-run fails. Returns the files.
 */
export async function renderInto(
  server: Awaited<ReturnType<typeof startScaffolder>>,
  goldenPath: GoldenPath,
  options: Record<string, unknown>,
  dir: string,
): Promise<string[]> {
  const res = await dryRun(server, goldenPath, formValues(goldenPath, options));
  if (res.status !== 200) {
    throw new Error(
      `${goldenPath.name} ${JSON.stringify(options)}: dry-run answered ${
        res.status
      }: ${JSON.stringify(res.body)}`,
    );
  }
  await writeContents(dir, res.body.directoryContents);
  return (res.body.directoryContents as Array<{ path: string }>)
    .map(f => f.path)
    .sort();
}

/**
 * Renders every combination before the suite's tests (`beforeAll`) and removes the output
 * after them. Read `.renders` inside the tests.
 */
export function useEveryCombination(): { renders: Render[] } {
  const state: { renders: Render[]; root?: string } = { renders: [] };
  beforeAll(async () => {
    const { renders, root } = await renderEveryCombination();
    state.renders = renders;
    state.root = root;
  });
  afterAll(async () => {
    if (state.root) await fs.rm(state.root, { recursive: true, force: true });
  });
  return state;
}

/**
 * Renders every golden path with every option combination that changes the output, as a
 * product engineer publishing to GitHub would get it, into folders under one temporary root.
 */
export async function renderEveryCombination(): Promise<{
  renders: Render[];
  root: string;
}> {
  const goldenPaths = await loadGoldenPaths();
  const server = await startScaffolder();
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-renders-'));
  const renders: Render[] = [];
  for (const goldenPath of goldenPaths) {
    const combos = optionCombinations(goldenPath.template, FIXED_OPTIONS);
    for (const [index, options] of combos.entries()) {
      const dir = path.join(root, `${goldenPath.name}-${index}`);
      const files = await renderInto(server, goldenPath, options, dir);
      const label = `${goldenPath.name} ${JSON.stringify(options)}`;
      renders.push({ goldenPath, options, label, dir, files });
    }
  }
  return { renders, root };
}
