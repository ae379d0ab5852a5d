import { UrlReaderService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, NotFoundError, isError } from '@backstage/errors';
import path from 'node:path';
import semver from 'semver';
import yaml from 'yaml';
import { readGitTree, resolveCommit } from './git';
import type { FileTree } from './merge';

/** The config key every template-upgrade setting lives under. */
export const UPGRADES_CONFIG = 'pavedRoad.templateUpgrades';
/** The default release tag: `api-service-v2.4.0`. */
export const DEFAULT_TAG_PATTERN = '{template}-v{version}';

/** One released version of a template, as the release tag holds it. */
export interface TemplateRelease {
  name: string;
  version: string;
  tag: string;
  /** The Template entity, parsed. */
  template: Record<string, any>;
  /** The files below the template file's folder (its relative URLs start there). */
  files: FileTree;
  /** The template's upgrade notes (annotation `paved-road.io/upgrade-notes`), if any. */
  upgradeNotes?: string;
}

/** Where released templates are read from. */
export interface TemplateReleases {
  /** Names the source in messages, e.g. `https://github.com/acme/golden-paths`. */
  readonly where: string;
  /** The release; a `NotFoundError` naming the tag when there is none. */
  read(name: string, version: string): Promise<TemplateRelease>;
}

/** The tag of a release: `pattern` with `{template}` and `{version}` filled in. */
export function releaseTag(pattern: string, name: string, version: string) {
  return pattern
    .replace(/\{template\}/g, name)
    .replace(/\{version\}/g, version);
}

/**
 * The Template named `name` in a release's files (any `.yaml`/`.yml` up to two folders
 * deep), and the files below its folder, re-rooted there.
 */
export function locateTemplate(
  files: FileTree,
  name: string,
  where: string,
): Pick<TemplateRelease, 'template' | 'files' | 'upgradeNotes'> {
  for (const [file, { content }] of [...files].sort(
    ([a], [b]) => a.split('/').length - b.split('/').length || (a < b ? -1 : 1),
  )) {
    if (!/\.ya?ml$/.test(file) || file.split('/').length > 3) continue;
    const text = content.toString('utf8');
    if (!/^kind:\s*Template\s*$/m.test(text)) continue;
    let template: any;
    try {
      template = yaml.parse(text);
    } catch {
      continue;
    }
    if (template?.kind !== 'Template' || template.metadata?.name !== name) {
      continue;
    }
    const dir = path.posix.dirname(file);
    const below = new Map(
      [...files]
        .filter(([p]) => dir === '.' || p.startsWith(`${dir}/`))
        .map(([p, f]) => [dir === '.' ? p : p.slice(dir.length + 1), f]),
    );
    const notesPath =
      template.metadata?.annotations?.['paved-road.io/upgrade-notes'];
    const notes = notesPath
      ? below.get(path.posix.normalize(notesPath))
      : undefined;
    return {
      template,
      files: below,
      upgradeNotes: notes?.content.toString('utf8'),
    };
  }
  throw new NotFoundError(`${where} has no Template named '${name}'`);
}

/**
 * The sections of upgrade notes for the versions after `from` up to and including `to`:
 * every `## <version>` heading in that range with the text below it.
 */
export function upgradeNotesBetween(
  notes: string | undefined,
  from: string,
  to: string,
): string {
  if (!notes) return '';
  const sections = notes.split(/^(?=## )/m);
  return sections
    .filter(section => {
      const version = semver.valid(
        section.match(/^## v?(\S+)/)?.[1]?.trim() ?? '',
      );
      return version && semver.gt(version, from) && semver.lte(version, to);
    })
    .join('')
    .trim();
}

const MAX_CACHED_TREES = 8;

/** Releases kept as tags of a git repository on this machine (offline instances, tests). */
export class GitRepositoryReleases implements TemplateReleases {
  readonly where: string;
  /**
   * Trees already read, by commit: a bulk upgrade renders the same two releases for every
   * service. Keyed by commit (the tag is resolved on every read), so a moved tag is seen.
   */
  readonly #trees = new Map<string, Promise<FileTree>>();
  constructor(
    private readonly options: {
      /** The repository (bare, or a working copy's `.git`). */
      gitDir: string;
      /** The folder inside the repository the templates live in; the root by default. */
      path?: string;
      tagPattern?: string;
    },
  ) {
    this.where = `the template repository ${options.gitDir}`;
  }

  async read(name: string, version: string): Promise<TemplateRelease> {
    const tag = releaseTag(
      this.options.tagPattern ?? DEFAULT_TAG_PATTERN,
      name,
      version,
    );
    const commit = await resolveCommit(this.options.gitDir, `refs/tags/${tag}`);
    if (!commit) {
      throw new NotFoundError(
        `${name} ${version} is not released: ${this.where} has no tag '${tag}'`,
      );
    }
    let tree = this.#trees.get(commit);
    if (!tree) {
      tree = readGitTree(this.options.gitDir, commit, this.options.path);
      tree.catch(() => this.#trees.delete(commit));
      this.#trees.set(commit, tree);
      // A handful of releases are in play at a time; keep the newest few.
      if (this.#trees.size > MAX_CACHED_TREES) {
        this.#trees.delete(this.#trees.keys().next().value!);
      }
    }
    const files = await tree;
    const where = `${this.where} at tag '${tag}'`;
    return { name, version, tag, ...locateTemplate(files, name, where) };
  }
}

/**
 * Releases read through Backstage's integrations (the scaffolder's credentials): `url`
 * is a tree URL with `{tag}` in place of the ref, e.g.
 * `https://github.com/acme/golden-paths/tree/{tag}/templates`.
 */
export class UrlReaderReleases implements TemplateReleases {
  readonly where: string;
  constructor(
    private readonly options: {
      reader: UrlReaderService;
      url: string;
      tagPattern?: string;
    },
  ) {
    // The repository, without the ref part: .../tree/{tag}/..., .../-/tree/{tag}, .../src/{tag}.
    this.where = options.url
      .replace(/\/(?:-\/)?(?:tree|src|blob)\/[^/]*\{tag\}.*$/, '')
      .replace(/\/?[^/]*\{tag\}.*$/, '');
  }

  async read(name: string, version: string): Promise<TemplateRelease> {
    const tag = releaseTag(
      this.options.tagPattern ?? DEFAULT_TAG_PATTERN,
      name,
      version,
    );
    const url = this.options.url.replace(/\{tag\}/g, tag);
    let response;
    try {
      response = await this.options.reader.readTree(url);
    } catch (error) {
      if (isError(error) && error.name === 'NotFoundError') {
        throw new NotFoundError(
          `${name} ${version} is not released: ${url} does not exist (no tag '${tag}')`,
        );
      }
      throw new Error(
        `Could not read ${name} ${version} from ${url}: ${
          isError(error) ? error.message : String(error)
        }`,
      );
    }
    const files: FileTree = new Map();
    for (const file of await response.files()) {
      files.set(file.path, { content: await file.content() });
    }
    return {
      name,
      version,
      tag,
      ...locateTemplate(files, name, `${url}`),
    };
  }
}

/**
 * The release source `pavedRoad.templateUpgrades.releases` configures: `gitRepository`
 * (a local repository) or `url` (read through the integrations). Undefined when neither
 * is set.
 */
export function releasesFromConfig(
  config: Config,
  reader: UrlReaderService,
): TemplateReleases | undefined {
  const upgrades = config.getOptionalConfig(UPGRADES_CONFIG);
  const releases = upgrades?.getOptionalConfig('releases');
  if (!releases) return undefined;
  const tagPattern =
    upgrades?.getOptionalString('tagPattern') ?? DEFAULT_TAG_PATTERN;
  if (!tagPattern.includes('{template}') || !tagPattern.includes('{version}')) {
    throw new InputError(
      `${UPGRADES_CONFIG}.tagPattern must contain {template} and {version}, got '${tagPattern}'`,
    );
  }
  const gitRepository = releases.getOptionalString('gitRepository');
  const url = releases.getOptionalString('url');
  if (gitRepository && url) {
    throw new InputError(
      `${UPGRADES_CONFIG}.releases: set either gitRepository or url, not both`,
    );
  }
  if (gitRepository) {
    return new GitRepositoryReleases({
      gitDir: path.resolve(gitRepository),
      path: releases.getOptionalString('path'),
      tagPattern,
    });
  }
  if (url) {
    if (!url.includes('{tag}')) {
      throw new InputError(
        `${UPGRADES_CONFIG}.releases.url must contain {tag} where the release tag goes, got '${url}'`,
      );
    }
    return new UrlReaderReleases({ reader, url, tagPattern });
  }
  throw new InputError(
    `${UPGRADES_CONFIG}.releases needs gitRepository (a local git repository) or url (a tree URL with {tag})`,
  );
}
