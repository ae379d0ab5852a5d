import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { Campaign, Exemption } from '@paved-road/backstage-plugin-common';
import { CampaignProgressStore } from '../database/CampaignProgressStore';
import { ExemptionStore } from '../database/ExemptionStore';
import { NotificationLog } from '../database/NotificationLog';
import { goalInWords } from './campaignActions';
import { daysLeft } from './campaignProgress';
import { CampaignSource } from './campaignSource';
import { NotificationsConfig } from './notificationsConfig';

type NotificationPayload = Parameters<
  NotificationService['send']
>[0]['payload'];

const DAY_MS = 86_400_000;
/** How long after its start a campaign's start is announced. */
const START_WINDOW_DAYS = 7;
/** How long after its deadline a campaign is still in digests and told it passed. */
const AFTER_DEADLINE_DAYS = 30;
/** Entities named per campaign in a digest. */
const NAMED = 3;
const TOPIC = 'paved-road';

const dayOf = (date: Date) => date.toISOString().slice(0, 10);
const daysSince = (day: string, now: Date) =>
  Math.floor(
    (Date.parse(`${dayOf(now)}T00:00:00Z`) - Date.parse(`${day}T00:00:00Z`)) /
      DAY_MS,
  );
const shortRef = (ref: string) => parseEntityRef(ref).name;

/** The Scorecards tab of an entity's page. */
export function scorecardsTab(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${namespace}/${kind.toLocaleLowerCase(
    'en-US',
  )}/${name}/scorecards`;
}

const campaignPage = (id: string) => `/paved-road/campaigns/${id}`;

function targetInWords(exemption: Exemption): string {
  const { target } = exemption;
  switch (target.type) {
    case 'check':
      return `check ${target.check} of ${target.scorecard}`;
    case 'scorecard':
      return `scorecard ${target.scorecard}`;
    case 'campaign':
      return `campaign ${target.campaign}`;
    default:
      return `guardrail ${target.guardrail}`;
  }
}

/**
 * Sends Paved Road's notifications through Backstage's notifications service, each at
 * most once ({@link NotificationLog}): when a campaign starts, a weekly digest per
 * owner, reminders before a deadline, when a deadline passes, exemption requests and
 * decisions, and warnings before an exemption lapses. Every notification links to the
 * campaign page or the entity's Scorecards tab. Owners are the entities' owners as the
 * last pass stored them; the notifications backend resolves groups to their members.
 *
 * @internal
 */
export class CampaignNotifier {
  constructor(
    private readonly options: {
      notifications: NotificationService;
      log: NotificationLog;
      campaigns: CampaignSource;
      progress: CampaignProgressStore;
      exemptions: ExemptionStore;
      config: NotificationsConfig;
      logger: LoggerService;
    },
  ) {}

  /** Claims `key` and sends; false when it was sent before. */
  private async send(
    key: string,
    kind: string,
    recipients: string[],
    payload: NotificationPayload,
    now: Date,
  ): Promise<boolean> {
    if (!recipients.length) return false;
    const { log, notifications, logger } = this.options;
    if (!(await log.claim(key, kind, recipients, now))) return false;
    try {
      await notifications.send({
        recipients: { type: 'entity', entityRef: recipients },
        payload: { topic: TOPIC, scope: key, ...payload },
      });
    } catch (error) {
      logger.warn(
        `Paved Road: notification ${key} was not sent (it is not retried): ${error}`,
      );
    }
    return true;
  }

  /** The scheduled run: campaigns' notices and digests, and lapse warnings. */
  async run(now = new Date()): Promise<number> {
    const { config } = this.options;
    let sent = 0;
    const open = new Map<
      string,
      Array<{ campaign: Campaign; refs: string[] }>
    >();
    for (const campaign of await this.options.campaigns.all()) {
      const started = daysSince(campaign.startsOn, now);
      const left = daysLeft(campaign, now);
      if (started < 0 || left < -AFTER_DEADLINE_DAYS) continue;
      const byOwner = await this.todoByOwner(campaign.id);
      for (const [owner, refs] of byOwner) {
        open.set(owner, [...(open.get(owner) ?? []), { campaign, refs }]);
        sent += await this.campaignNotices(campaign, owner, refs, now);
      }
    }
    if (
      config.weeklyDigest &&
      ((now.getUTCDay() + 6) % 7) + 1 === config.digestWeekday
    ) {
      for (const [owner, items] of open) {
        const total = items.reduce((n, i) => n + i.refs.length, 0);
        const lines = items.map(
          ({ campaign, refs }) =>
            `${campaign.title}: ${refs.length} to do by ${
              campaign.deadline
            } (${refs.slice(0, NAMED).map(shortRef).join(', ')}${
              refs.length > NAMED ? ', …' : ''
            })`,
        );
        if (
          await this.send(
            `digest:${owner}:${dayOf(now)}`,
            'weekly-digest',
            [owner],
            {
              title: `Paved Road: ${total} open item${
                total === 1 ? '' : 's'
              } in ${items.length} campaign${items.length === 1 ? '' : 's'}`,
              description: lines.join('\n'),
              link: '/paved-road/campaigns',
            },
            now,
          )
        ) {
          sent += 1;
        }
      }
    }
    if (config.exemptionLapsing) sent += await this.lapseWarnings(now);
    return sent;
  }

  /** The start, reminder and deadline notices of one campaign to one owner. */
  private async campaignNotices(
    campaign: Campaign,
    owner: string,
    refs: string[],
    now: Date,
  ): Promise<number> {
    const { config } = this.options;
    const left = daysLeft(campaign, now);
    const what = `${refs.length} of your entit${
      refs.length === 1 ? 'y does' : 'ies do'
    } not meet its goal yet (${goalInWords(campaign.goal)})`;
    const base = { link: campaignPage(campaign.id) };
    let sent = 0;
    if (
      config.campaignStarted &&
      daysSince(campaign.startsOn, now) < START_WINDOW_DAYS &&
      left >= 0 &&
      (await this.send(
        `campaign-started:${campaign.id}:${owner}`,
        'campaign-started',
        [owner],
        {
          ...base,
          title: `Campaign started: ${campaign.title}`,
          description: `${what}; the deadline is ${campaign.deadline}.`,
        },
        now,
      ))
    ) {
      sent += 1;
    }
    const due = config.reminderDays.filter(d => left >= 0 && left <= d);
    const reminder = due[due.length - 1];
    if (
      config.reminders &&
      reminder !== undefined &&
      (await this.send(
        `reminder:${campaign.id}:${reminder}:${owner}`,
        'reminder',
        [owner],
        {
          ...base,
          title: `${campaign.title}: ${left} day${left === 1 ? '' : 's'} left`,
          description: `${what}; the deadline is ${campaign.deadline}.`,
          severity: left <= 3 ? 'high' : 'normal',
        },
        now,
      ))
    ) {
      sent += 1;
    }
    if (
      config.deadlinePassed &&
      left < 0 &&
      (await this.send(
        `deadline-passed:${campaign.id}:${owner}`,
        'deadline-passed',
        [owner],
        {
          ...base,
          title: `${campaign.title}: the deadline has passed`,
          description: `${refs.length} of your entit${
            refs.length === 1 ? 'y is' : 'ies are'
          } overdue since ${campaign.deadline} (${goalInWords(
            campaign.goal,
          )}).`,
          severity: 'high',
        },
        now,
      ))
    ) {
      sent += 1;
    }
    return sent;
  }

  /** The campaign's entities to do, by owner (entities without one are left out). */
  private async todoByOwner(campaignId: string) {
    const { items } = await this.options.progress.entities(campaignId, {
      state: 'todo',
    });
    const byOwner = new Map<string, string[]>();
    for (const { owner, entityRef } of items) {
      if (owner) byOwner.set(owner, [...(byOwner.get(owner) ?? []), entityRef]);
    }
    return byOwner;
  }

  /** To the owners and requester of each exemption lapsing within the warning days. */
  private async lapseWarnings(now: Date): Promise<number> {
    const { exemptions, config } = this.options;
    let sent = 0;
    for (const exemption of await exemptions.list({ statuses: ['approved'] })) {
      const left = -daysSince(exemption.expiresOn, now);
      if (left < 0 || left > config.lapseWarningDays) continue;
      const owner = await exemptions.ownerOf(exemption.entityRef);
      if (
        await this.send(
          `exemption-lapsing:${exemption.id}`,
          'exemption-lapsing',
          [
            ...new Set([owner, exemption.requestedBy].filter(Boolean)),
          ] as string[],
          {
            title: `Exemption ends on ${exemption.expiresOn}: ${shortRef(
              exemption.entityRef,
            )}`,
            description: `The exemption of ${
              exemption.entityRef
            } from ${targetInWords(exemption)} ends after ${
              exemption.expiresOn
            } (${
              exemption.reason
            }). Meet the check by then, or request a new exemption.`,
            link: scorecardsTab(exemption.entityRef),
          },
          now,
        )
      ) {
        sent += 1;
      }
    }
    return sent;
  }

  /** Tells the approvers of a new request, and the requester of a decision. */
  async exemptionChanged(
    exemption: Exemption,
    now = new Date(),
  ): Promise<void> {
    const { config } = this.options;
    if (!config.exemptionDecisions) return;
    const link = scorecardsTab(exemption.entityRef);
    const what = `${exemption.entityRef} from ${targetInWords(exemption)}`;
    if (exemption.status === 'pending') {
      await this.send(
        `exemption-requested:${exemption.id}`,
        'exemption-requested',
        config.approvers,
        {
          title: `Exemption requested: ${shortRef(exemption.entityRef)}`,
          description: `${exemption.requestedBy} asks to exempt ${what} until ${exemption.expiresOn}: ${exemption.reason}`,
          link,
        },
        now,
      );
      return;
    }
    await this.send(
      `exemption-${exemption.status}:${exemption.id}`,
      `exemption-${exemption.status}`,
      [exemption.requestedBy],
      {
        title: `Exemption ${exemption.status}: ${shortRef(
          exemption.entityRef,
        )}`,
        description: `${exemption.decidedBy} ${
          exemption.status
        } the exemption of ${what}${
          exemption.status === 'approved' ? ` until ${exemption.expiresOn}` : ''
        }${exemption.decisionNote ? `: ${exemption.decisionNote}` : '.'}`,
        link,
        severity: exemption.status === 'approved' ? 'normal' : 'high',
      },
      now,
    );
  }
}
