import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** The CloudCart example repositories (examples/repos/<name>). */
export const exampleRepo = (name: string) =>
  resolvePackagePath(
    '@paved-road/backstage-plugin-scaffolder-backend-module',
    '../../examples/repos',
    name,
  );

/** A fresh temporary workspace, optionally a copy of an example repository. */
export async function createWorkspace(fromExample?: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-ws-'));
  if (fromExample) {
    await fs.cp(exampleRepo(fromExample), dir, { recursive: true });
  }
  return dir;
}
