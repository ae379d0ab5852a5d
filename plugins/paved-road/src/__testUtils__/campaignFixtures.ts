import {
  Campaign,
  CampaignEntity,
  CampaignProgress,
} from '@paved-road/backstage-plugin-common';

/** A configured campaign with a template-version goal, past its deadline. */
export const apiServiceCampaign: Campaign = {
  id: 'api-service-2-5',
  title: 'API services on api-service 2.5',
  description: 'Every API service is on **api-service 2.5** or later.',
  owner: 'group:default/engineering-enablement',
  goal: {
    type: 'template-version',
    template: 'template:default/api-service',
    range: '>=2.5.0',
  },
  scope: {},
  startsOn: '2026-11-01',
  deadline: '2026-11-30',
  source: 'config',
  declaredAt: 'pavedRoad.campaigns[1]',
  createdAt: '2026-12-05T09:00:00.000Z',
  createdBy: 'config',
  updatedAt: '2026-12-05T09:00:00.000Z',
  updatedBy: 'config',
};

/** A campaign created through the API with a checks goal, on track. */
export const probesCampaign: Campaign = {
  ...apiServiceCampaign,
  id: 'startup-probes',
  title: 'Startup probes everywhere',
  description: 'Every production service has a **startup probe**.',
  goal: {
    type: 'checks',
    scorecard: 'production-readiness',
    checks: ['startup-probe'],
  },
  scope: { kind: 'Component', type: 'service', lifecycle: 'production' },
  startsOn: '2026-12-01',
  deadline: '2027-01-31',
  source: 'api',
  declaredAt: undefined,
  createdBy: 'user:default/derek.olsen',
  updatedBy: 'user:default/derek.olsen',
};

/** The api-service campaign's progress: overdue, with two teams and three days. */
export const apiServiceProgress: CampaignProgress = {
  campaignId: 'api-service-2-5',
  computedAt: '2026-12-05T09:00:00.000Z',
  entities: 11,
  done: 1,
  exempt: 1,
  todo: 9,
  complete: 2 / 11,
  daysLeft: -5,
  overdue: 9,
  regressed: 1,
  medianDaysToComplete: 4,
  teams: [
    {
      ref: 'group:default/cloudcart',
      entities: 11,
      done: 1,
      exempt: 1,
      todo: 9,
      direct: { entities: 0, done: 0, exempt: 0, todo: 0 },
    },
    {
      ref: 'group:default/orders',
      parent: 'group:default/cloudcart',
      entities: 3,
      done: 1,
      exempt: 0,
      todo: 2,
      direct: { entities: 3, done: 1, exempt: 0, todo: 2 },
    },
  ],
  days: [
    { day: '2026-12-03', entities: 10, done: 0, exempt: 0, todo: 10 },
    { day: '2026-12-05', entities: 11, done: 1, exempt: 1, todo: 9 },
  ],
};

/** The startup-probes campaign's progress: on track. */
export const probesProgress: CampaignProgress = {
  ...apiServiceProgress,
  campaignId: 'startup-probes',
  entities: 16,
  done: 3,
  exempt: 0,
  todo: 13,
  complete: 3 / 16,
  daysLeft: 57,
  overdue: 0,
};

/** orders-api, still to do and overdue in the api-service campaign. */
export const ordersApiTodo: CampaignEntity = {
  entityRef: 'component:default/orders-api',
  owner: 'group:default/orders',
  state: 'todo',
  joinedAt: '2026-12-03T09:00:00.000Z',
  completedAt: null,
  daysToComplete: null,
  regressions: 0,
  overdue: true,
  todo: [
    {
      title: 'Upgrade to a release of api-service satisfying >=2.5.0',
      remediation: {
        markdown: 'Choose **Upgrade** on its Scorecards card.',
        link: 'https://example.com/upgrade',
      },
    },
  ],
};
