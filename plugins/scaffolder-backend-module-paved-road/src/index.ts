/**
 * The Paved Road scaffolder actions.
 *
 * @packageDocumentation
 */

export { scaffolderModulePavedRoad as default } from './module';
export { createAdoptionRecordAction } from './actions/adoptionRecord';
export { createAnswersRecordAction } from './actions/answersRecord';
export { createGuardrailsVerifyAction } from './actions/guardrailsVerify';
export type {
  GuardrailsVerifyInput,
  GuardrailsVerifyOutput,
} from './actions/guardrailsVerify';
export { createProvenanceAnnotateAction } from './actions/provenanceAnnotate';
export { createPublishLocalAction } from './actions/publishLocal';
export { createPublishLocalBranchAction } from './actions/publishLocalBranch';
export { createTemplateUpgradeAction } from './actions/templateUpgrade';
export { createTemplateUpgradeAllAction } from './actions/templateUpgradeAll';
export { createUpgradeRecordAction } from './actions/upgradeRecord';
export { createWrapperTestAction } from './actions/wrapperTest';
export { GUARDRAILS } from './guardrails/types';
export type { GuardrailName, GuardrailViolation } from './guardrails/types';
