import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { Campaign, CampaignInput } from '@paved-road/backstage-plugin-common';
import { keyPath } from '../scorecards/schema';
import { CampaignContext, campaignSchema } from './campaignSchema';

/** Who created and changed a configured campaign. */
const CONFIG = 'config';

/**
 * Reads and validates the campaigns declared under `pavedRoad.campaigns`. Any problem
 * throws an `InputError` with one line per problem, each naming the config key, e.g.
 * `Invalid campaign in app-config at pavedRoad.campaigns[1].deadline: must not be
 * before startsOn (2027-01-01), got 2026-12-01`. Ids are unique among them.
 *
 * @internal
 */
export function readConfiguredCampaigns(
  config: Config,
  context: CampaignContext,
  now: Date = new Date(),
): Campaign[] {
  const key = 'pavedRoad.campaigns';
  const declared = config.getOptional(key);
  if (declared === undefined) return [];
  if (!Array.isArray(declared)) {
    throw new InputError(
      `Invalid campaign in app-config at ${key}: must be a list`,
    );
  }
  const schema = campaignSchema(context, { strict: true });
  const problems: string[] = [];
  const campaigns: Campaign[] = [];
  const seen = new Map<string, string>();
  declared.forEach((value, index) => {
    const prefix = `${key}[${index}]`;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      problems.push(
        ...parsed.error.issues.flatMap(issue =>
          issue.code === 'unrecognized_keys'
            ? issue.keys.map(
                k => `${keyPath(prefix, ...issue.path, k)}: is not allowed`,
              )
            : [`${keyPath(prefix, ...issue.path)}: ${issue.message}`],
        ),
      );
      return;
    }
    const input = parsed.data as CampaignInput;
    const other = seen.get(input.id);
    if (other) {
      problems.push(
        `${prefix}.id: duplicate campaign id '${input.id}', also declared at ${other}`,
      );
      return;
    }
    seen.set(input.id, prefix);
    campaigns.push({
      ...input,
      source: 'config',
      declaredAt: prefix,
      createdAt: now.toISOString(),
      createdBy: CONFIG,
      updatedAt: now.toISOString(),
      updatedBy: CONFIG,
    });
  });
  if (problems.length) {
    throw new InputError(
      problems
        .map(line => `Invalid campaign in app-config at ${line}`)
        .join('\n'),
    );
  }
  return campaigns;
}
