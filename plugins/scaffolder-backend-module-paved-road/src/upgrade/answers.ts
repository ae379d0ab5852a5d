import { InputError } from '@backstage/errors';
import { parseVersion } from '@paved-road/backstage-plugin-common';
import yaml from 'yaml';
import { parseEntityRefInput } from '../lib/inputs';

/** Where a golden-path repository keeps the answers it was generated with. */
export const ANSWERS_PATH = '.paved-road/answers.yaml';

/**
 * The inputs a repository was generated with: which template, which release of it, and
 * the form's values (never secrets). Template upgrades render both releases from these.
 */
export interface TemplateAnswers {
  /** The template's entity ref, e.g. `template:default/api-service`. */
  template: string;
  /** The template release, a semantic version such as `2.4.0`. */
  version: string;
  /** The template's parameters as the form submitted them. */
  values: Record<string, unknown>;
}

const HEADER = `# The answers this repository was generated with: the golden-path template, its
# release and the form's values (secrets are never written here). Paved Road's template
# upgrade (paved-road:template:upgrade) renders the golden path again from them, so keep
# this file in the repository; upgrades keep it current.
`;

/** The answers file's text: a header comment, then `template`, `version` and `values`. */
export function stringifyAnswers(answers: TemplateAnswers): string {
  const body = yaml.stringify(
    {
      template: answers.template,
      version: answers.version,
      values: answers.values,
    },
    { lineWidth: 0 },
  );
  return `${HEADER}${body}`;
}

/**
 * Reads an answers file; `where` names it in errors (e.g. `cloudcart/orders-api:
 * .paved-road/answers.yaml`). Fails with an `InputError` naming the field that is wrong.
 */
export function parseAnswers(text: string, where: string): TemplateAnswers {
  let data: unknown;
  try {
    data = yaml.parse(text);
  } catch (error) {
    throw new InputError(
      `${where} is not valid YAML: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError(
      `${where} must be a mapping with template, version and values`,
    );
  }
  const { template, version, values } = data as Record<string, unknown>;
  if (typeof template !== 'string') {
    throw new InputError(
      `${where}: 'template' must be the template's entity ref`,
    );
  }
  if (typeof version !== 'string') {
    throw new InputError(
      `${where}: 'version' must be the template release, such as '2.4.0'`,
    );
  }
  if (!values || typeof values !== 'object' || Array.isArray(values)) {
    throw new InputError(`${where}: 'values' must be a mapping`);
  }
  return {
    template: parseEntityRefInput(template, `${where}: template`, {
      defaultKind: 'template',
      kind: 'template',
    }),
    version: parseVersion(version, `${where}: version`).version,
    values: values as Record<string, unknown>,
  };
}

/**
 * `values` without anything secret: keys in `exclude`, and any string equal to one of the
 * task's secrets (wherever it sits), so a secret typed into an ordinary field stays out.
 */
export function withoutSecrets(
  values: Record<string, unknown>,
  secrets: Record<string, string>,
  exclude: string[] = [],
): Record<string, unknown> {
  const secretValues = new Set(
    Object.values(secrets).filter(s => typeof s === 'string' && s !== ''),
  );
  const clean = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return secretValues.has(value) ? undefined : value;
    }
    if (Array.isArray(value)) {
      return value.map(clean).filter(v => v !== undefined);
    }
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) {
        const cleaned = clean(inner);
        if (cleaned !== undefined) out[key] = cleaned;
      }
      return out;
    }
    return value;
  };
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    if (exclude.includes(key)) continue;
    const cleaned = clean(value);
    if (cleaned !== undefined) result[key] = cleaned;
  }
  return result;
}
