import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createWorkspace } from '../__testUtils__/workspace';
import { parseAnswers } from '../upgrade/answers';
import { createAnswersRecordAction } from './answersRecord';

const templateInfo = {
  entityRef: 'template:default/api-service',
  entity: {
    metadata: {
      name: 'api-service',
      annotations: { 'backstage.io/template-version': '2.5.0' },
    },
  },
};

async function record(
  input: { [key: string]: any },
  options: { secrets?: Record<string, string>; info?: any } = {},
) {
  const ws = await createWorkspace();
  const ctx = createMockActionContext({
    workspacePath: ws,
    input,
    secrets: options.secrets,
    templateInfo: options.info === undefined ? templateInfo : options.info,
  });
  await createAnswersRecordAction().handler(ctx as any);
  return { ws, ctx };
}

describe('paved-road:answers:record', () => {
  it('writes the template, its release and the values, and leaves secrets out', async () => {
    const { ws, ctx } = await record(
      {
        values: {
          name: 'cart-api',
          port: 8080,
          needsDatabase: true,
          notes: { pager: 'hunter2', team: 'checkout' },
          token: 'hunter2',
          internal: 'drop me',
        },
        exclude: ['internal'],
      },
      { secrets: { pagerKey: 'hunter2' } },
    );
    const text = await fs.readFile(
      path.join(ws, '.paved-road/answers.yaml'),
      'utf8',
    );
    expect(text).toMatch(/^# The answers this repository was generated with/);
    expect(text).not.toContain('hunter2');
    expect(parseAnswers(text, 'answers')).toEqual({
      template: 'template:default/api-service',
      version: '2.5.0',
      values: {
        name: 'cart-api',
        port: 8080,
        needsDatabase: true,
        notes: { team: 'checkout' },
      },
    });
    expect(ctx.output).toHaveBeenCalledWith('path', '.paved-road/answers.yaml');
    expect(ctx.output).toHaveBeenCalledWith('templateVersion', '2.5.0');
  });

  it('names bad input', async () => {
    await expect(record({ values: {} }, { info: null })).rejects.toThrow(
      'input.templateRef is required when the action does not run inside a template',
    );
    await expect(
      record({ values: {}, templateVersion: 'latest' }),
    ).rejects.toThrow(
      "input.templateVersion must be a semantic version such as 2.3.0, got 'latest'",
    );
    await expect(record({ values: {}, path: '../x.yaml' })).rejects.toThrow(
      "input.path: '../x.yaml' is outside the workspace",
    );
  });
});

describe('parseAnswers', () => {
  it('names what is wrong with a file', () => {
    expect(() => parseAnswers('template: [', 'repo: answers')).toThrow(
      /^repo: answers is not valid YAML/,
    );
    expect(() => parseAnswers('- a', 'f')).toThrow(
      'f must be a mapping with template, version and values',
    );
    expect(() =>
      parseAnswers('template: api-service\nversion: 2.x\nvalues: {}', 'f'),
    ).toThrow("f: version must be a semantic version such as 2.3.0, got '2.x'");
    expect(() =>
      parseAnswers(
        'template: component:default/x\nversion: 2.0.0\nvalues: {}',
        'f',
      ),
    ).toThrow(
      "f: template: 'component:default/x' must be a template entity ref",
    );
    expect(() =>
      parseAnswers('template: api-service\nversion: 2.0.0\nvalues: []', 'f'),
    ).toThrow("f: 'values' must be a mapping");
  });
});
