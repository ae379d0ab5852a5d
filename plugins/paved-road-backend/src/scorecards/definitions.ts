import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { ScorecardDefinition } from '@paved-road/backstage-plugin-common';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ScorecardRuleOperator } from './operators';
import { keyPath, parseScorecardDefinition } from './schema';

/**
 * Where the shipped scorecards live: `scorecards/` at the package root, so they are
 * found from the sources and from the built package alike.
 */
const DEFAULTS_DIR = resolvePackagePath(
  '@paved-road/backstage-plugin-backend',
  'scorecards',
);

const shipped = (name: string) => `shipped scorecards/${name}`;

/** @public */
export interface ReadScorecardDefinitionsOptions {
  /** Relative `pavedRoad.scorecardFiles` resolve against this; `process.cwd()` by default. */
  workingDirectory?: string;
  /** Operators contributed by modules, so that their rules validate. */
  operators?: Iterable<ScorecardRuleOperator>;
  /** Overrides the folder of the shipped scorecards (tests). */
  defaultsDirectory?: string;
}

interface Origin {
  /** `app-config`, or the file the definition came from. */
  where: string;
  /** Key path of the definition inside `where`. */
  prefix: string;
  value: unknown;
}

/**
 * Reads and validates every scorecard: the shipped ones (unless
 * `pavedRoad.defaultScorecards` is false), `pavedRoad.scorecards`, and the YAML files
 * listed in `pavedRoad.scorecardFiles`. Any problem throws an `InputError` naming the
 * file (or `app-config`) and key, e.g. `Invalid scorecard in app-config at
 * pavedRoad.scorecards[1].checks[3].rule: unknown operator '$foo'`.
 *
 * @public
 */
export async function readScorecardDefinitions(
  config: Config,
  options: ReadScorecardDefinitionsOptions = {},
): Promise<ScorecardDefinition[]> {
  const origins: Origin[] = [];
  if (config.getOptionalBoolean('pavedRoad.defaultScorecards') !== false) {
    const dir = options.defaultsDirectory ?? DEFAULTS_DIR;
    const names = (await fs.readdir(dir)).filter(n => /\.ya?ml$/.test(n));
    for (const name of names.sort()) {
      origins.push(...(await readFile(path.join(dir, name), shipped(name))));
    }
  }
  const inline = config.getOptional('pavedRoad.scorecards');
  if (inline !== undefined) {
    if (!Array.isArray(inline)) {
      throw invalid('app-config', 'pavedRoad.scorecards', 'must be a list');
    }
    inline.forEach((value, index) =>
      origins.push({
        where: 'app-config',
        prefix: `pavedRoad.scorecards[${index}]`,
        value,
      }),
    );
  }
  const files = config.getOptionalStringArray('pavedRoad.scorecardFiles');
  const cwd = options.workingDirectory ?? process.cwd();
  for (const file of files ?? []) {
    origins.push(...(await readFile(path.resolve(cwd, file), file)));
  }

  const seen = new Map<string, string>();
  return origins.map(({ where, prefix, value }) => {
    let definition: ScorecardDefinition;
    try {
      definition = parseScorecardDefinition(value, prefix, options);
    } catch (error) {
      throw new InputError(
        (error as Error).message
          .split('\n')
          .map(line => `Invalid scorecard in ${where} at ${line}`)
          .join('\n'),
      );
    }
    const other = seen.get(definition.id);
    if (other) {
      throw invalid(
        where,
        keyPath(prefix, 'id'),
        `duplicate scorecard id '${definition.id}', also defined in ${other}${
          other.startsWith(shipped(''))
            ? ' (set pavedRoad.defaultScorecards: false to replace the shipped ones)'
            : ''
        }`,
      );
    }
    seen.set(definition.id, where);
    return definition;
  });
}

function invalid(where: string, key: string, message: string) {
  return new InputError(`Invalid scorecard in ${where} at ${key}: ${message}`);
}

/**
 * Whether a parsed scorecard file is the sectioned form, a mapping of `scorecards`
 * and/or `campaigns` (without an `id` of its own).
 *
 * @internal
 */
export function isSectionedFile(
  value: unknown,
): value is { scorecards?: unknown; campaigns?: unknown } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !('id' in value) &&
    ('scorecards' in value || 'campaigns' in value)
  );
}

/**
 * Reads and parses a YAML file listed in `pavedRoad.scorecardFiles`, with errors naming
 * it as `shown`.
 *
 * @internal
 */
export async function readYamlFile(
  file: string,
  shown: string,
): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `Could not read scorecard file ${shown} (${file}): ${
        (error as Error).message
      }`,
    );
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new InputError(
      `Invalid scorecard in ${shown}: not valid YAML: ${
        (error as Error).message
      }`,
    );
  }
}

/**
 * A file holds one scorecard (a mapping), several (a sequence), or sections: a mapping
 * of `scorecards` (a sequence) and `campaigns` (read by the campaigns).
 */
async function readFile(file: string, shown: string): Promise<Origin[]> {
  const value = await readYamlFile(file, shown);
  if (isSectionedFile(value)) {
    const other = Object.keys(value).find(
      key => key !== 'scorecards' && key !== 'campaigns',
    );
    if (other) {
      throw invalid(
        shown,
        other,
        'is not allowed: a file of sections holds scorecards and campaigns',
      );
    }
    if (value.scorecards === undefined) return [];
    if (!Array.isArray(value.scorecards)) {
      throw invalid(shown, 'scorecards', 'must be a list');
    }
    return value.scorecards.map((item, index) => ({
      where: shown,
      prefix: `scorecards[${index}]`,
      value: item,
    }));
  }
  return originsOf(value, shown);
}

function originsOf(value: unknown, shown: string): Origin[] {
  if (Array.isArray(value)) {
    return value.map((item, index) => ({
      where: shown,
      prefix: `[${index}]`,
      value: item,
    }));
  }
  return [{ where: shown, prefix: '', value }];
}
