import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Allows asking the backend to re-evaluate scorecards now.
 *
 * @public
 */
export const pavedRoadEvaluatePermission = createPermission({
  name: 'paved-road.scorecards.evaluate',
  attributes: { action: 'update' },
});

/**
 * Allows pushing facts and recording scaffold events.
 *
 * @public
 */
export const pavedRoadFactsWritePermission = createPermission({
  name: 'paved-road.facts.write',
  attributes: { action: 'create' },
});

/**
 * Allows previewing a new or edited scorecard or check against the stored facts of every
 * entity the caller may read (`POST /scorecards/preview`): it runs rules the caller
 * writes, so it is granted on its own.
 *
 * @public
 */
export const pavedRoadScorecardsPreviewPermission = createPermission({
  name: 'paved-road.scorecards.preview',
  attributes: { action: 'read' },
});

/**
 * Allows creating, replacing and deleting campaigns through the API
 * (`POST /campaigns`, `PUT` and `DELETE /campaigns/{id}`). Reading them needs none.
 *
 * @public
 */
export const pavedRoadCampaignsManagePermission = createPermission({
  name: 'paved-road.campaigns.manage',
  attributes: { action: 'update' },
});

/**
 * Allows approving, rejecting and revoking exemptions (`POST /exemptions/{id}/approve`,
 * `/reject`, `/revoke`); nobody may decide on their own request. Requesting one needs
 * ownership of the entity (or this permission); reading them needs none.
 *
 * @public
 */
export const pavedRoadExemptionsApprovePermission = createPermission({
  name: 'paved-road.exemptions.approve',
  attributes: { action: 'update' },
});

/**
 * Every permission the bundle defines, for registration with the permissions registry.
 *
 * @public
 */
export const pavedRoadPermissions = [
  pavedRoadEvaluatePermission,
  pavedRoadFactsWritePermission,
  pavedRoadScorecardsPreviewPermission,
  pavedRoadCampaignsManagePermission,
  pavedRoadExemptionsApprovePermission,
];
