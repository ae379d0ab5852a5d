import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadGoldenPaths, writeContents } from './__testUtils__/goldenPaths';
import { projects, runOwnTests } from './__testUtils__/projectTests';
import {
  dryRun,
  formValues,
  startScaffolder,
} from './__testUtils__/scaffolderHarness';

jest.setTimeout(15 * 60_000);

describe('projects generated from the golden paths', () => {
  it('install, build and pass their own tests in every language', async () => {
    const goldenPaths = await loadGoldenPaths();
    const server = await startScaffolder();
    const built: string[] = [];
    for (const { goldenPath, options } of projects(goldenPaths)) {
      const label = `${goldenPath.name} ${JSON.stringify(options)}`;
      const res = await dryRun(
        server,
        goldenPath,
        formValues(goldenPath, options),
      );
      expect({ label, status: res.status }).toEqual({ label, status: 200 });
      const dir = await fs.mkdtemp(
        path.join(os.tmpdir(), `paved-road-build-${goldenPath.name}-`),
      );
      await writeContents(dir, res.body.directoryContents);
      await runOwnTests(
        dir,
        res.body.directoryContents.map((f: { path: string }) => f.path),
        label,
      );
      built.push(label);
      await fs.rm(dir, { recursive: true, force: true });
    }
    expect(built.length).toBeGreaterThanOrEqual(7);
  });
});
