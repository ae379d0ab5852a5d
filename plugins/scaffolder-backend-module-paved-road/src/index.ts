/**
 * The Paved Road scaffolder actions.
 *
 * @packageDocumentation
 */

export { scaffolderModulePavedRoad as default } from './module';
export { createAdoptionRecordAction } from './actions/adoptionRecord';
export { createGuardrailsVerifyAction } from './actions/guardrailsVerify';
export type {
  GuardrailsVerifyInput,
  GuardrailsVerifyOutput,
} from './actions/guardrailsVerify';
export { createProvenanceAnnotateAction } from './actions/provenanceAnnotate';
export { createPublishLocalAction } from './actions/publishLocal';
export { createWrapperTestAction } from './actions/wrapperTest';
export { GUARDRAILS } from './guardrails/types';
export type { GuardrailName, GuardrailViolation } from './guardrails/types';
