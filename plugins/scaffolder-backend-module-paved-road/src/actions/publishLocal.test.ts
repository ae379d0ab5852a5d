import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { NotFoundError } from '@backstage/errors';
import { locationSpecToMetadataName } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { invalidInput, useActionTasks } from '../__testUtils__/actionTask';
import { createWorkspace } from '../__testUtils__/workspace';
import { createPublishLocalAction } from './publishLocal';

describe('paved-road:publish:local', () => {
  let reposDir: string;
  let catalog: ReturnType<typeof catalogServiceMock>;

  beforeEach(async () => {
    reposDir = await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-repos-'));
    const locationName = locationSpecToMetadataName({
      type: 'file',
      target: path.join(reposDir, '*', 'catalog-info.yaml'),
    });
    catalog = catalogServiceMock({
      entities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Location',
          metadata: { name: locationName, namespace: 'default' },
          spec: {
            type: 'file',
            target: path.join(reposDir, '*', 'catalog-info.yaml'),
          },
        },
      ],
    });
    jest.spyOn(catalog, 'refreshEntity');
  });

  const action = (directory: string | undefined = reposDir) =>
    createPublishLocalAction({
      config: new ConfigReader(
        directory ? { pavedRoad: { publishLocal: { directory } } } : {},
      ),
      catalog,
      auth: mockServices.auth(),
    });

  const run = async (input: Record<string, unknown>, directory?: string) => {
    const ctx = createMockActionContext({
      workspacePath: await createWorkspace('orders-api'),
      input: { sourcePath: '.', defaultBranch: 'main', ...input },
    });
    await action(directory).handler(ctx as any);
    return ctx;
  };

  it('writes a git repository, refreshes its catalog location and outputs the entity', async () => {
    const ctx = await run({ repoName: 'orders-api' });
    const repo = path.join(reposDir, 'orders-api');
    expect(
      execFileSync('git', ['log', '--format=%s'], {
        cwd: repo,
        encoding: 'utf8',
      }).trim(),
    ).toBe('Initial commit from a Paved Road golden path');
    expect(
      execFileSync('git', ['status', '--porcelain'], {
        cwd: repo,
        encoding: 'utf8',
      }),
    ).toBe('');
    expect(ctx.output).toHaveBeenCalledWith(
      'entityRef',
      'component:default/orders-api',
    );
    expect(ctx.output).toHaveBeenCalledWith('remoteUrl', `file://${repo}`);
    expect(catalog.refreshEntity).toHaveBeenCalledWith(
      expect.stringMatching(/^location:default\/generated-/),
      expect.anything(),
    );
  });

  it('refuses to overwrite an existing repository, and bad names', async () => {
    await run({ repoName: 'orders-api' });
    await expect(run({ repoName: 'orders-api' })).rejects.toThrow(
      "input.repoName: a repository 'orders-api' already exists",
    );
    await expect(run({ repoName: '../escape' })).rejects.toThrow(
      /input\.repoName/,
    );
    await expect(
      run({ repoName: 'x', sourcePath: '../../..' }),
    ).rejects.toThrow("input.sourcePath: '../../..' is outside the workspace");
  });

  it('says which config key is missing, and which catalog location', async () => {
    await expect(
      createPublishLocalAction({
        config: new ConfigReader({}),
        catalog,
        auth: mockServices.auth(),
      }).handler(
        createMockActionContext({
          input: { repoName: 'x', sourcePath: '.' },
        }) as any,
      ),
    ).rejects.toThrow(
      "needs the config key 'pavedRoad.publishLocal.directory'",
    );

    // The real catalog answers a refresh of an unknown entity with NotFoundError.
    catalog.refreshEntity = jest.fn(async (ref: string) => {
      throw new NotFoundError(`Failed to schedule ${ref} for refresh`);
    });
    await expect(run({ repoName: 'orders-api' })).rejects.toThrow(
      /The catalog has no location for .*catalog-info\.yaml; add it under catalog\.locations/,
    );
    // Nothing was written.
    expect(await fs.readdir(reposDir)).toEqual([]);
  });
});

describe('paved-road:publish:local input, as the scaffolder validates it', () => {
  const action = 'paved-road:publish:local';
  const tasks = useActionTasks(action);

  it('names a missing repoName, fields of the wrong type and unknown fields', async () => {
    const result = await tasks.run({
      sourcePath: 1,
      defaultBranch: true,
      repoUrl: 'github.com?repo=x',
    });
    expect(result).toEqual(
      invalidInput(action, [
        'instance requires property "repoName"',
        'instance.sourcePath is not of a type(s) string',
        'instance.defaultBranch is not of a type(s) string',
        'instance is not allowed to have the additional property "repoUrl"',
      ]),
    );
  });

  it('names a branch name git would refuse, before anything is written', async () => {
    for (const defaultBranch of [
      'a b',
      '-main',
      'main..x',
      'main.lock',
      'x/',
    ]) {
      expect(await tasks.run({ repoName: 'cart-api', defaultBranch })).toEqual(
        invalidInput(action, ['instance.defaultBranch does not match pattern']),
      );
    }
    expect(await fs.readdir(tasks.reposDir())).toEqual([]);
    // Branch names git takes pass (the empty workspace then stops the handler).
    for (const defaultBranch of ['main', 'release/2.x', 'feature_cart-v2']) {
      expect(await tasks.run({ repoName: 'cart-api', defaultBranch })).toEqual({
        status: 'failed',
        error: "input.sourcePath: '.' has no catalog-info.yaml",
      });
    }
  });

  it('names a bad repoName and a source outside the workspace', async () => {
    expect(await tasks.run({ repoName: '../escape' })).toEqual({
      status: 'failed',
      error:
        "input.repoName: '../escape' must be lowercase letters, digits, '.', '_' or '-'",
    });
    expect(
      await tasks.run({ repoName: 'cart-api', sourcePath: '../..' }),
    ).toEqual({
      status: 'failed',
      error: "input.sourcePath: '../..' is outside the workspace",
    });
  });

  it('names an existing repository without the server’s folder', async () => {
    const files = {
      'catalog-info.yaml': {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'ledger-api' },
        spec: { type: 'service', owner: 'checkout', lifecycle: 'production' },
      },
    };
    expect(await tasks.run({ repoName: 'ledger-api' }, { files })).toEqual({
      status: 'completed',
      output: expect.objectContaining({
        entityRef: 'component:default/ledger-api',
      }),
    });
    const again = await tasks.run({ repoName: 'ledger-api' }, { files });
    expect(again).toEqual({
      status: 'failed',
      error:
        "input.repoName: a repository 'ledger-api' already exists in the folder repositories are published to",
    });
    expect(again.error).not.toContain(tasks.reposDir());
  });
});

describe('paved-road:publish:local with a configured folder it cannot use', () => {
  // A file where the folder should be.
  const notAFolder = path.join(
    os.tmpdir(),
    `paved-road-not-a-folder-${process.pid}`,
  );
  beforeAll(() => fs.writeFile(notAFolder, 'not a folder'));
  afterAll(() => fs.rm(notAFolder, { force: true }));
  const tasks = useActionTasks('paved-road:publish:local', {
    publishDirectory: notAFolder,
  });

  it('names the config key, not the server’s path', async () => {
    const result = await tasks.run({ repoName: 'cart-api' });
    expect(result).toEqual({
      status: 'failed',
      error:
        "paved-road:publish:local cannot create the folder configured as 'pavedRoad.publishLocal.directory' (EEXIST: file already exists)",
    });
  });
});
