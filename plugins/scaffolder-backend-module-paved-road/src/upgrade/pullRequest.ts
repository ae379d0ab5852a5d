import type { UpgradePlan } from './plan';

/** The pull request's title and Markdown body for an upgrade. */
export function pullRequestText(
  plan: UpgradePlan,
  entityRef: string,
): { title: string; description: string } {
  const title = `Upgrade to ${plan.templateName} ${plan.toVersion}`;
  if (plan.upToDate) {
    return {
      title,
      description: `${entityRef} is already on ${plan.templateName} ${plan.toVersion}.`,
    };
  }
  const lines = [
    `This brings ${entityRef} from the ${plan.templateName} golden path ${plan.fromVersion} to ${plan.toVersion}.`,
    'It was made by rendering both releases with the answers in `.paved-road/answers.yaml` and merging the difference into this repository three ways: your own changes are kept wherever the template did not change the same lines.',
    '',
  ];
  if (plan.conflicts.length) {
    lines.push(
      `### ${plan.conflicts.length} conflict${
        plan.conflicts.length === 1 ? '' : 's'
      } to resolve`,
      '',
      'Files with conflicting lines carry git-style markers (`<<<<<<< repository`, `||||||| ` the old release, `=======`, `>>>>>>> ` the new release).',
      '',
      ...plan.conflicts.map(c => `- \`${c.path}\`: ${c.message}`),
      '',
    );
  }
  lines.push(
    `### ${plan.changes.length} file${
      plan.changes.length === 1 ? '' : 's'
    } changed`,
    '',
    ...plan.changes.map(
      c =>
        `- \`${c.path}\` ${c.change}${c.from ? ` from \`${c.from}\`` : ''}${
          c.conflict ? ' (conflict)' : ''
        }`,
    ),
    '',
  );
  if (plan.upgradeNotes) {
    lines.push(
      '### Upgrade notes',
      '',
      plan.upgradeNotes.replace(/^## /gm, '#### '),
      '',
    );
  }
  return { title, description: lines.join('\n') };
}
