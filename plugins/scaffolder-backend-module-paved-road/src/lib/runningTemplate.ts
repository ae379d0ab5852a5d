import { InputError } from '@backstage/errors';
import {
  PAVED_ROAD_ANNOTATIONS,
  parseVersion,
} from '@paved-road/backstage-plugin-common';
import { parseEntityRefInput } from './inputs';

/**
 * The template ref and version an action stamps: `input.templateRef` and
 * `input.templateVersion` when given, else the running template's ref and its
 * `backstage.io/template-version`. Errors name the input.
 */
export function runningTemplate(
  input: { templateRef?: string; templateVersion?: string },
  templateInfo?: {
    entityRef?: string;
    entity?: { metadata: { annotations?: Record<string, string> } };
  },
): { templateRef: string; templateVersion: string } {
  const rawRef = input.templateRef ?? templateInfo?.entityRef;
  if (!rawRef) {
    throw new InputError(
      'input.templateRef is required when the action does not run inside a template',
    );
  }
  const templateRef = parseEntityRefInput(rawRef, 'input.templateRef', {
    defaultKind: 'template',
  });
  const rawVersion =
    input.templateVersion ??
    templateInfo?.entity?.metadata.annotations?.[
      PAVED_ROAD_ANNOTATIONS.templateVersion
    ];
  if (!rawVersion) {
    throw new InputError(
      `input.templateVersion is required: the template has no '${PAVED_ROAD_ANNOTATIONS.templateVersion}' annotation`,
    );
  }
  return {
    templateRef,
    templateVersion: parseVersion(rawVersion, 'input.templateVersion').version,
  };
}
