import { InputError, isError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import semver from 'semver';
import {
  ANSWERS_PATH,
  TemplateAnswers,
  parseAnswers,
  stringifyAnswers,
} from './answers';
import {
  FileChange,
  FileTree,
  MergeConflict,
  mergeTrees,
  unifiedDiff,
} from './merge';
import {
  TemplateRelease,
  TemplateReleases,
  upgradeNotesBetween,
} from './releases';
import { resolveValues } from './render';

/** What an upgrade of one repository from one release to another comes to. */
export interface UpgradePlan {
  templateRef: string;
  templateName: string;
  fromVersion: string;
  toVersion: string;
  /** The repository is already on the target version: nothing to do. */
  upToDate: boolean;
  /** The complete upgraded repository. */
  files: FileTree;
  changes: FileChange[];
  conflicts: MergeConflict[];
  /** Paths the upgrade deletes from the repository. */
  removedFiles: string[];
  /** A git-style diff from the repository to the upgraded repository. */
  diff: string;
  /** The upgrade notes of the versions after `fromVersion` up to `toVersion`. */
  upgradeNotes: string;
  /** The values the target version was rendered with. */
  values: Record<string, unknown>;
}

/** Renders a release with values (the scaffolder's dry-run in the action). */
export type RenderFn = (
  release: TemplateRelease,
  values: Record<string, unknown>,
) => Promise<FileTree>;

/** Lockfiles: their diff is machine-made noise, so it is summarised. */
const LOCKFILES =
  /(^|\/)(package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|uv\.lock)$/;
/** The most diff text an upgrade outputs; the pull request holds the whole change. */
const MAX_DIFF_CHARS = 200_000;

/**
 * The diff as a reviewer reads it: a lockfile's section is replaced by a line counting its
 * changed lines, and the whole is cut at {@link MAX_DIFF_CHARS} with a note saying so.
 */
export function readableDiff(diff: string): string {
  const sections = diff.split(/^(?=diff --git )/m).map(section => {
    const file = section.match(/^diff --git a\/(\S+)/)?.[1];
    if (!file || !LOCKFILES.test(file)) return section;
    const lines = section.split('\n');
    const firstHunk = lines.findIndex(l => l.startsWith('@@'));
    if (firstHunk < 0) return section;
    const added = lines.filter(
      l => l.startsWith('+') && !l.startsWith('+++'),
    ).length;
    const removed = lines.filter(
      l => l.startsWith('-') && !l.startsWith('---'),
    ).length;
    const header = lines.slice(0, firstHunk).join('\n');
    return `${header}\n# lockfile: ${added} lines added, ${removed} removed (not shown)\n`;
  });
  const text = sections.join('');
  return text.length > MAX_DIFF_CHARS
    ? `${text.slice(
        0,
        MAX_DIFF_CHARS,
      )}\n# ... cut at ${MAX_DIFF_CHARS} characters: see the branch for the whole change\n`
    : text;
}

/** The annotation whose value differs in every render: taken from the repository. */
const VOLATILE_LINES = [/^\s*paved-road\.io\/scaffolded-at:.*$/m];

/** Puts the repository's own line for each volatile annotation into a render. */
function keepVolatileLines(render: FileTree, ours: FileTree) {
  const mine = ours.get('catalog-info.yaml')?.content.toString('utf8');
  const theirs = render.get('catalog-info.yaml');
  if (!mine || !theirs) return;
  let text = theirs.content.toString('utf8');
  for (const pattern of VOLATILE_LINES) {
    const line = mine.match(pattern)?.[0];
    if (line) text = text.replace(pattern, () => line);
  }
  render.set('catalog-info.yaml', { ...theirs, content: Buffer.from(text) });
}

/** The repository's answers file, checked against the entity's provenance. */
export function readAnswers(
  repository: FileTree,
  where: string,
  provenance: { templateRef?: string; version?: string; entityRef: string },
): TemplateAnswers {
  const file = repository.get(ANSWERS_PATH);
  if (!provenance.templateRef || !provenance.version) {
    throw new InputError(
      `${provenance.entityRef} has no golden-path provenance (backstage.io/source-template and backstage.io/template-version): it was not made from a template Paved Road can upgrade`,
    );
  }
  if (!file) {
    throw new InputError(
      `${where.charAt(0).toUpperCase()}${where.slice(
        1,
      )} has no ${ANSWERS_PATH}: the answers ${
        provenance.entityRef
      } was generated with are unknown, so the template cannot be rendered again (add the file, see the template's upgrade notes)`,
    );
  }
  const answers = parseAnswers(
    file.content.toString('utf8'),
    `${where}: ${ANSWERS_PATH}`,
  );
  if (answers.template !== provenance.templateRef) {
    throw new InputError(
      `${ANSWERS_PATH} names ${answers.template} but ${provenance.entityRef} says it came from ${provenance.templateRef}`,
    );
  }
  if (answers.version !== provenance.version) {
    throw new InputError(
      `${ANSWERS_PATH} records version ${answers.version} but ${provenance.entityRef} says ${provenance.version}`,
    );
  }
  return answers;
}

/**
 * Plans the upgrade of `repository` (generated with `answers`) to `toVersion`: renders
 * both releases with the answers, merges the difference into the repository three ways
 * and writes the target version's answers file.
 */
export async function planUpgrade(options: {
  repository: FileTree;
  answers: TemplateAnswers;
  toVersion: string;
  values?: Record<string, unknown>;
  releases: TemplateReleases;
  render: RenderFn;
}): Promise<UpgradePlan> {
  const { repository, answers, toVersion } = options;
  const templateName = parseEntityRef(answers.template).name;
  const fromVersion = answers.version;
  const base = {
    templateRef: answers.template,
    templateName,
    fromVersion,
    toVersion,
  };
  if (semver.lt(toVersion, fromVersion)) {
    throw new InputError(
      `input.targetVersion: ${toVersion} is older than ${fromVersion}, the version the repository is on; upgrades only go forward`,
    );
  }
  if (semver.eq(toVersion, fromVersion)) {
    return {
      ...base,
      upToDate: true,
      files: repository,
      changes: [],
      conflicts: [],
      removedFiles: [],
      diff: '',
      upgradeNotes: '',
      values: answers.values,
    };
  }
  const read = async (version: string, field: string) => {
    try {
      return await options.releases.read(templateName, version);
    } catch (error) {
      if (isError(error) && error.name === 'NotFoundError') {
        throw new InputError(`${field}: ${error.message}`);
      }
      throw error;
    }
  };
  const oldRelease = await read(fromVersion, `${ANSWERS_PATH} version`);
  const newRelease = await read(toVersion, 'input.targetVersion');
  const values = resolveValues(newRelease, answers.values, options.values);
  const [oldRender, newRender] = await Promise.all([
    options.render(oldRelease, answers.values),
    options.render(newRelease, values),
  ]);
  for (const render of [oldRender, newRender]) {
    keepVolatileLines(render, repository);
  }

  // The answers file is not merged: it is the target version's, as a fresh scaffold
  // writes it (or, if the template does not write one, the answers with the new version).
  const answersFile = newRender.get(ANSWERS_PATH) ?? {
    content: Buffer.from(
      stringifyAnswers({
        template: answers.template,
        version: toVersion,
        values,
      }),
    ),
  };
  const withoutAnswers = (tree: FileTree) =>
    new Map([...tree].filter(([p]) => p !== ANSWERS_PATH));
  const merged = mergeTrees({
    base: withoutAnswers(oldRender),
    ours: withoutAnswers(repository),
    theirs: withoutAnswers(newRender),
    labels: {
      ours: 'repository',
      base: `${templateName} ${fromVersion}`,
      theirs: `${templateName} ${toVersion}`,
    },
  });
  const files = new Map(merged.files);
  files.set(ANSWERS_PATH, answersFile);
  const changes = [...merged.changes];
  const previous = repository.get(ANSWERS_PATH);
  if (!previous?.content.equals(answersFile.content)) {
    changes.push({
      path: ANSWERS_PATH,
      change: previous ? 'modified' : 'added',
      conflict: false,
    });
    changes.sort((a, b) => (a.path < b.path ? -1 : 1));
  }
  const removedFiles = [...repository.keys()].filter(p => !files.has(p)).sort();
  return {
    ...base,
    upToDate: false,
    files,
    changes,
    conflicts: merged.conflicts,
    removedFiles,
    diff: readableDiff(unifiedDiff(repository, files, changes)),
    upgradeNotes: upgradeNotesBetween(
      newRelease.upgradeNotes,
      fromVersion,
      toVersion,
    ),
    values,
  };
}
