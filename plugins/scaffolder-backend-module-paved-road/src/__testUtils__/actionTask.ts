import { mockCredentials } from '@backstage/backend-test-utils';
import { BackendFeature } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { startScaffolder } from '../templates/__testUtils__/scaffolderHarness';

/**
 * Runs Paved Road actions the way the scaffolder runs them: as the one step of a real
 * scaffolder task, so the step's input is validated against the action's JSON schema
 * (`Invalid input passed to action <id>, instance.<field> ...`) before the handler runs.
 */

const ACTIONS = [
  'paved-road:guardrails:verify',
  'paved-road:provenance:annotate',
  'paved-road:wrapper-test',
  'paved-road:adoption:record',
  'paved-road:publish:local',
];

const templateName = (action: string) => action.replace(/:/g, '-');

/**
 * A template that runs `action` with the task's `input` value as its input, after
 * writing the task's `files` into the workspace (none by default).
 */
function actionTemplate(
  action: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    kind: 'Template',
    metadata: {
      name: templateName(action),
      namespace: 'default',
      annotations: {
        'backstage.io/template-version': '2.3.0',
        'backstage.io/time-saved': 'PT40H',
        ...annotations,
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/platform',
      parameters: [
        {
          type: 'object',
          properties: {
            input: { type: 'object' },
            files: { type: 'object' },
          },
        },
      ],
      steps: [
        {
          id: 'files',
          name: 'Write files',
          action: 'catalog:write',
          each: '${{ parameters.files }}',
          input: { filePath: '${{ each.key }}', entity: '${{ each.value }}' },
        },
        {
          id: 'run',
          name: action,
          action,
          // One expression: rendered to the object itself, types kept.
          input: '${{ parameters.input }}',
        },
      ],
      output: { result: '${{ steps.run.output }}' },
    },
  };
}

/** What a task that ran one action ended with. */
export interface ActionTaskResult {
  status: 'completed' | 'failed';
  /** The step's outputs when the task completed. */
  output?: Record<string, unknown>;
  /** The task's error message when it failed. */
  error?: string;
}

/** What the workspace holds before the action runs. */
export interface ActionTaskOptions {
  /**
   * Files by path in the workspace, each an object written as YAML by the scaffolder's
   * `catalog:write` (so each needs a `metadata` object).
   */
  files?: Record<string, Record<string, unknown>>;
}

/**
 * Runs the catalog's template `templateRef` with `values` as a real scaffolder task, as the
 * mock user, and resolves with how it ended: the task's output, or its error message.
 */
export async function runTemplateTask(
  server: Awaited<ReturnType<typeof startScaffolder>>,
  templateRef: string,
  values: Record<string, unknown>,
): Promise<{ status: 'completed' | 'failed'; output?: any; error?: string }> {
  const created = await request(server)
    .post('/api/scaffolder/v2/tasks')
    .set('Authorization', mockCredentials.user.header())
    .send({ templateRef, values });
  if (created.status !== 201) {
    throw new Error(`Task not created: ${JSON.stringify(created.body)}`);
  }
  for (;;) {
    const events = await request(server)
      .get(`/api/scaffolder/v2/tasks/${created.body.id}/events`)
      .set('Authorization', mockCredentials.user.header());
    const completion = events.body.find(
      (e: { type: string }) => e.type === 'completion',
    );
    if (completion) {
      const { error, output } = completion.body;
      return error
        ? { status: 'failed', error: error.message }
        : { status: 'completed', output };
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

async function runTask(
  server: Awaited<ReturnType<typeof startScaffolder>>,
  action: string,
  input: Record<string, unknown>,
  options: ActionTaskOptions = {},
): Promise<ActionTaskResult> {
  const result = await runTemplateTask(
    server,
    `template:default/${templateName(action)}`,
    { input, files: options.files ?? {} },
  );
  return result.status === 'failed'
    ? { status: 'failed', error: result.error }
    : { status: 'completed', output: result.output.result };
}

/**
 * For the tests of a `describe` block: starts (before all of them) a backend with the
 * scaffolder, the Paved Road module and `features`, whose catalog holds a one-step
 * template per Paved Road action, and returns `run`, which runs `action` with an input
 * through a real scaffolder task, and the folder `paved-road:publish:local` writes to.
 * `annotations` are added to those of `action`'s template; `publishDirectory` replaces
 * the (fresh, temporary) folder configured for `paved-road:publish:local`.
 */
export function useActionTasks(
  action: string,
  options: {
    features?: BackendFeature[];
    annotations?: Record<string, string>;
    publishDirectory?: string;
  } = {},
) {
  jest.setTimeout(60_000);
  let server: Awaited<ReturnType<typeof startScaffolder>>;
  let reposDir = '';
  beforeAll(async () => {
    reposDir =
      options.publishDirectory ??
      (await fs.mkdtemp(path.join(os.tmpdir(), 'paved-road-repos-')));
    server = await startScaffolder({
      entities: ACTIONS.map(a =>
        actionTemplate(a, a === action ? options.annotations : undefined),
      ),
      features: options.features,
      reposDir,
    });
  });
  return {
    run: (input: Record<string, unknown>, runOptions?: ActionTaskOptions) =>
      runTask(server, action, input, runOptions),
    reposDir: () => reposDir,
  };
}

const escapeRegExp = (text: string) =>
  text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * What a task that failed on the scaffolder's validation of the action's input against
 * its schema ended with, its error naming each of `problems`: for `toEqual`.
 */
export function invalidInput(action: string, problems: string[]) {
  const prefix = escapeRegExp(`Invalid input passed to action ${action}, `);
  const each = problems.map(p => `(?=[\\s\\S]*${escapeRegExp(p)})`).join('');
  return {
    status: 'failed',
    error: expect.stringMatching(new RegExp(`^${prefix}${each}`)),
  };
}
