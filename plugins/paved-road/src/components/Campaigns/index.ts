export { CampaignsList } from './CampaignsList';
export { CampaignPage, CampaignRoute } from './CampaignPage';
export { EntityCampaigns } from './EntityCampaigns';
export { EntityCampaignsSummary } from './EntityCampaignsSummary';
