export { EntityScorecardsCard } from './EntityScorecardsCard';
