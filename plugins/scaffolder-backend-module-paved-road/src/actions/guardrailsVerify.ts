import { InputError } from '@backstage/errors';
import {
  createTemplateAction,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import {
  EscapeHatch,
  PAVED_ROAD_ANNOTATIONS,
  parseEscapeHatches,
} from '@paved-road/backstage-plugin-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { checkCatalogReferences } from '../guardrails/catalogRefs';
import { checkGuardrails } from '../guardrails/checks';
import {
  GUARDRAILS,
  GuardrailName,
  GuardrailViolation,
} from '../guardrails/types';
import { readWorkspace } from '../guardrails/workspace';
import { setCatalogAnnotations } from '../lib/catalogInfo';
import { resolveInputPath, workspaceFsError } from '../lib/inputs';
import { examples } from './guardrailsVerify.examples';

const names = Object.keys(GUARDRAILS) as [GuardrailName, ...GuardrailName[]];

function formatViolation(v: GuardrailViolation) {
  return `- [${v.guardrail}] ${v.file}${
    v.location ? ` (${v.location})` : ''
  }: ${v.message}`;
}

/**
 * The input of `paved-road:guardrails:verify` (named, so its declared shape is what
 * callers and the API report see).
 *
 * @public
 */
export type GuardrailsVerifyInput = {
  /** Folder of the workspace to verify (default `.`). */
  path: string;
  /** The entity file, relative to `path` (default `catalog-info.yaml`). */
  catalogInfoPath: string;
  /** Guardrails knowingly skipped, each with a reason recorded on the entity. */
  escapeHatches: Array<{ guardrail: GuardrailName; reason: string }>;
};

/**
 * The output of `paved-road:guardrails:verify`.
 *
 * @public
 */
export type GuardrailsVerifyOutput = {
  /** Whether every guardrail holds or is exempted. */
  passed: boolean;
  /** Violations that are not covered by an escape hatch. */
  violations: Array<{
    guardrail: string;
    file: string;
    location?: string;
    message: string;
  }>;
  /** Violations covered by an escape hatch. */
  exempted: string[];
  /** A Markdown report of the verification. */
  report: string;
};

/**
 * `paved-road:guardrails:verify`: checks what a template generated against the golden
 * path's guardrails and fails the step with every violation and where it is. Escape
 * hatches are explicit (a named guardrail and a reason) and are recorded on the entity's
 * catalog-info.yaml as `paved-road.io/escape-hatches`.
 *
 * @public
 */
export function createGuardrailsVerifyAction(
  options: {
    /** When given, the entity's owner and system must exist in the catalog. */
    catalog?: CatalogService;
  } = {},
): TemplateAction<GuardrailsVerifyInput, GuardrailsVerifyOutput, 'v2'> {
  return createTemplateAction({
    id: 'paved-road:guardrails:verify',
    description:
      'Verifies the generated workspace against the golden-path guardrails (probes incl. startup, limits, pinned images, non-root, network policy, CI with tests and scans, catalog-info, docs)',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        path: z =>
          z.string().default('.').describe('Folder of the workspace to verify'),
        catalogInfoPath: z =>
          z
            .string()
            .default('catalog-info.yaml')
            .describe('The entity file, relative to path'),
        escapeHatches: z =>
          z
            .array(
              z.object({
                guardrail: z.enum(names).describe('The guardrail to skip'),
                // At least 10 characters besides surrounding whitespace. As a pattern,
                // not `.trim().min(10)`: the JSON schema the scaffolder validates with
                // has no trim, so blank padding would pass and break the annotation.
                reason: z
                  .string()
                  .regex(/^\s*\S[\s\S]{8,}\S\s*$/)
                  .describe(
                    'Why, with a ticket reference; recorded on the entity',
                  ),
              }),
            )
            .default([])
            .describe('Guardrails knowingly skipped, each with a reason'),
      },
      output: {
        passed: z =>
          z.boolean().describe('Whether every guardrail holds or is exempted'),
        violations: z =>
          z
            .array(
              z.object({
                guardrail: z.string(),
                file: z.string(),
                location: z.string().optional(),
                message: z.string(),
              }),
            )
            .describe('Violations that are not covered by an escape hatch'),
        exempted: z =>
          z.array(z.string()).describe('Violations covered by an escape hatch'),
        report: z =>
          z.string().describe('A Markdown report of the verification'),
      },
    },
    async handler(ctx) {
      // The scaffolder validates input against the JSON Schema made from the zod schema
      // but hands over the raw input, so defaults are applied here.
      const {
        path = '.',
        catalogInfoPath = 'catalog-info.yaml',
        escapeHatches = [],
      } = ctx.input;
      // A missing or unreadable folder is named as the input and the path it was
      // given as, not as Node reports it (with the server's absolute path).
      const files = await readWorkspace(
        resolveInputPath(ctx.workspacePath, path, 'input.path'),
      ).catch(error => {
        throw workspaceFsError(error, {
          field: 'input.path',
          value: path,
          workspacePath: ctx.workspacePath,
        });
      });
      if (!files.size) {
        throw new InputError(`input.path: '${path}' has no files to verify`);
      }
      const all = [
        ...(await checkGuardrails(files, { catalogInfoPath })),
        ...(options.catalog
          ? await checkCatalogReferences(
              files,
              catalogInfoPath,
              options.catalog,
              await ctx.getInitiatorCredentials(),
            )
          : []),
      ];
      const hatched = new Set(escapeHatches.map(h => h.guardrail));
      const violations = all.filter(v => !hatched.has(v.guardrail));
      const exempted = all
        .filter(v => hatched.has(v.guardrail))
        .map(formatViolation);

      const lines = [
        `Guardrails: ${
          Object.keys(GUARDRAILS).length -
          new Set(all.map(v => v.guardrail)).size
        } of ${Object.keys(GUARDRAILS).length} hold.`,
        ...(violations.length
          ? ['', 'Violations:', ...violations.map(formatViolation)]
          : []),
        ...(escapeHatches.length
          ? [
              '',
              'Escape hatches (recorded on the entity):',
              ...escapeHatches.map(h => `- [${h.guardrail}] ${h.reason}`),
            ]
          : []),
      ];
      const report = lines.join('\n');
      ctx.output('passed', violations.length === 0);
      ctx.output('violations', violations);
      ctx.output('exempted', exempted);
      ctx.output('report', report);

      if (violations.length) {
        throw new Error(
          `The generated project breaks ${
            violations.length
          } guardrail check(s):\n${violations.map(formatViolation).join('\n')}`,
        );
      }
      if (escapeHatches.length) {
        await setCatalogAnnotations(
          ctx.workspacePath,
          `${path}/${catalogInfoPath}`,
          current => {
            const key = PAVED_ROAD_ANNOTATIONS.escapeHatches;
            const existing: EscapeHatch[] = current[key]
              ? parseEscapeHatches(
                  current[key],
                  `${catalogInfoPath}: annotation '${key}'`,
                )
              : [];
            const merged = new Map(existing.map(h => [h.guardrail, h]));
            for (const h of escapeHatches) merged.set(h.guardrail, h);
            return { [key]: JSON.stringify([...merged.values()]) };
          },
        );
      }
      ctx.logger.info(report);
    },
  });
}
