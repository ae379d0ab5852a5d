export { PavedRoadDashboard } from './PavedRoadDashboard';
