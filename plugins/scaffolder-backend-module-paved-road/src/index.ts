/**
 * The Paved Road scaffolder actions.
 *
 * @packageDocumentation
 */

export { scaffolderModulePavedRoad as default } from './module';
export { createAdoptionRecordAction } from './actions/adoptionRecord';
