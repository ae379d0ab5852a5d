/**
 * Shared types, annotations, permissions and the API client of the Paved Road bundle.
 *
 * @packageDocumentation
 */

export * from './annotations';
export type {
  CampaignEntityPage,
  PavedRoadCampaignsApi,
} from './campaignClient';
export * from './campaignProgress';
export * from './campaigns';
export * from './client';
export * from './duration';
export * from './exemptions';
export * from './permissions';
export * from './provenance';
export * from './repositoryFacts';
export * from './results';
export * from './scorecards';
export * from './types';
export * from './versions';
export * from './wrapperTest';
