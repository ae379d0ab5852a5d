import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { Campaign, CampaignInput } from '@paved-road/backstage-plugin-common';
import path from 'node:path';
import { isSectionedFile, readYamlFile } from '../scorecards/definitions';
import { keyPath } from '../scorecards/schema';
import { CampaignContext, campaignSchema } from './campaignSchema';

/** Who created and changed a configured campaign. */
const CONFIG = 'config';

/**
 * Validates campaigns declared at `key` of `where` (`app-config`, or a scorecard file).
 * Problems are collected, one line each naming where and the key.
 */
function parseDeclared(
  declared: unknown,
  where: { in?: string; key: string },
  context: CampaignContext,
  now: Date,
  problems: string[],
): Campaign[] {
  const place = where.in ?? 'app-config';
  if (!Array.isArray(declared)) {
    problems.push(`${place} at ${where.key}: must be a list`);
    return [];
  }
  const schema = campaignSchema(context, { strict: true });
  const campaigns: Campaign[] = [];
  declared.forEach((value, index) => {
    const prefix = `${where.key}[${index}]`;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.flatMap(issue =>
          issue.code === 'unrecognized_keys'
            ? issue.keys.map(
                k =>
                  `${place} at ${keyPath(
                    prefix,
                    ...issue.path,
                    k,
                  )}: is not allowed`,
              )
            : [
                `${place} at ${keyPath(prefix, ...issue.path)}: ${
                  issue.message
                }`,
              ],
        ),
      );
      return;
    }
    campaigns.push({
      ...(parsed.data as CampaignInput),
      source: 'config',
      declaredAt: prefix,
      ...(where.in ? { declaredIn: where.in } : {}),
      createdAt: now.toISOString(),
      createdBy: CONFIG,
      updatedAt: now.toISOString(),
      updatedBy: CONFIG,
    });
  });
  return campaigns;
}

/** Where a declared campaign is, e.g. `app-config at pavedRoad.campaigns[0]`. @internal */
export const declaredWhere = (campaign: Campaign) =>
  `${campaign.declaredIn ?? 'app-config'} at ${campaign.declaredAt}`;

/**
 * Reads and validates the campaigns declared under `pavedRoad.campaigns` and in the
 * `campaigns` section of the files of `pavedRoad.scorecardFiles` (relative to
 * `workingDirectory`). Any problem throws an `InputError` with one line per problem,
 * each naming where and the key, e.g. `Invalid campaign in app-config at
 * pavedRoad.campaigns[1].deadline: must not be before startsOn (2027-01-01), got
 * 2026-12-01`. Ids are unique among them all.
 *
 * @internal
 */
export async function readConfiguredCampaigns(
  config: Config,
  context: CampaignContext,
  options: { workingDirectory?: string; now?: Date } = {},
): Promise<Campaign[]> {
  const now = options.now ?? new Date();
  const problems: string[] = [];
  const campaigns: Campaign[] = [];
  const key = 'pavedRoad.campaigns';
  const declared = config.getOptional(key);
  if (declared !== undefined) {
    campaigns.push(...parseDeclared(declared, { key }, context, now, problems));
  }
  const cwd = options.workingDirectory ?? process.cwd();
  for (const file of config.getOptionalStringArray(
    'pavedRoad.scorecardFiles',
  ) ?? []) {
    const value = await readYamlFile(path.resolve(cwd, file), file);
    if (isSectionedFile(value) && value.campaigns !== undefined) {
      campaigns.push(
        ...parseDeclared(
          value.campaigns,
          { in: file, key: 'campaigns' },
          context,
          now,
          problems,
        ),
      );
    }
  }
  const seen = new Map<string, Campaign>();
  for (const campaign of campaigns) {
    const other = seen.get(campaign.id);
    if (other) {
      problems.push(
        `${campaign.declaredIn ?? 'app-config'} at ${
          campaign.declaredAt
        }.id: duplicate campaign id '${
          campaign.id
        }', also declared in ${declaredWhere(other)}`,
      );
    }
    seen.set(campaign.id, other ?? campaign);
  }
  if (problems.length) {
    throw new InputError(
      problems.map(line => `Invalid campaign in ${line}`).join('\n'),
    );
  }
  return campaigns;
}
