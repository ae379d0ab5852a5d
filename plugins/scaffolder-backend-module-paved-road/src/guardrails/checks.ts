import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  SchemaValidEntityPolicy,
  apiEntityV1alpha1Validator,
  componentEntityV1alpha1Validator,
  makeValidator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  ciStages,
  isCiWorkflow,
  isDockerfile,
  isPinnedImage,
  isRootUser,
  parseDockerfile,
  parseRepositoryYaml,
} from '@paved-road/backstage-plugin-common';
import { Manifest, checkKubernetes } from './kubernetes';
import { GuardrailViolation, WorkspaceFiles } from './types';

const validator = makeValidator();

// The same policies the catalog applies when it ingests an entity, so a generated
// catalog-info.yaml that the catalog would reject fails here first.
const catalogPolicies = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);
const kindValidators = [
  componentEntityV1alpha1Validator,
  apiEntityV1alpha1Validator,
  resourceEntityV1alpha1Validator,
  systemEntityV1alpha1Validator,
];

async function catalogWouldReject(entity: Entity): Promise<string | undefined> {
  try {
    await catalogPolicies.enforce(structuredClone(entity));
    for (const kindValidator of kindValidators) {
      await kindValidator.check(entity);
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Parses every YAML file; a file that does not parse is itself a violation. */
function parseYamlFiles(files: WorkspaceFiles) {
  const { documents, errors } = parseRepositoryYaml(files);
  const violations: GuardrailViolation[] = errors.map(error => ({
    guardrail: error.file.startsWith('.github/') ? 'ci' : 'catalog-info',
    file: error.file,
    location: `line ${error.line ?? '?'}`,
    message: `is not valid YAML: ${error.message}`,
  }));
  return { documents, violations };
}

function checkDockerfiles(files: WorkspaceFiles): GuardrailViolation[] {
  const violations: GuardrailViolation[] = [];
  for (const [file, text] of files) {
    if (!isDockerfile(file)) continue;
    const { baseImages, finalUser } = parseDockerfile(text);
    for (const { image, line } of baseImages) {
      if (!isPinnedImage(image)) {
        violations.push({
          guardrail: 'pinned-images',
          file,
          location: `line ${line}`,
          message: `base image '${image}' is not pinned to a version tag or digest`,
        });
      }
    }
    if (isRootUser(finalUser?.value)) {
      violations.push({
        guardrail: 'non-root',
        file,
        location: finalUser ? `line ${finalUser.line}` : undefined,
        message: 'the final stage must switch to a non-root USER',
      });
    }
  }
  return violations;
}

function checkCi(documents: Manifest[]): GuardrailViolation[] {
  const workflows = documents.filter(d => isCiWorkflow(d.file));
  if (!workflows.length) {
    return [
      {
        guardrail: 'ci',
        file: '.github/workflows',
        message: 'no CI workflow found',
      },
      {
        guardrail: 'image-scan',
        file: '.github/workflows',
        message: 'no CI workflow, so nothing scans for vulnerabilities',
      },
    ];
  }
  const stages = ciStages(workflows);
  const violations: GuardrailViolation[] = [];
  if (!stages.includes('test')) {
    violations.push({
      guardrail: 'ci',
      file: workflows[0].file,
      location: 'jobs',
      message: 'no job or step runs the tests',
    });
  }
  if (!stages.includes('scan')) {
    violations.push({
      guardrail: 'image-scan',
      file: workflows[0].file,
      location: 'jobs',
      message: 'no job or step scans for vulnerabilities (e.g. Trivy)',
    });
  }
  return violations;
}

async function checkCatalogInfo(
  documents: Manifest[],
  catalogInfoPath: string,
): Promise<GuardrailViolation[]> {
  const entities = documents.filter(d => d.file === catalogInfoPath);
  if (!entities.length) {
    return [
      {
        guardrail: 'catalog-info',
        file: catalogInfoPath,
        message: 'is missing or empty',
      },
    ];
  }
  const violations: GuardrailViolation[] = [];
  for (const { object } of entities) {
    const where = `${object.kind ?? '?'}/${object.metadata?.name ?? '?'}`;
    const push = (location: string, message: string) =>
      violations.push({
        guardrail: 'catalog-info',
        file: catalogInfoPath,
        location: `${where} ${location}`,
        message,
      });
    if (!validator.isValidApiVersion(object.apiVersion))
      push('apiVersion', `'${object.apiVersion}' is not a valid apiVersion`);
    if (!validator.isValidKind(object.kind))
      push('kind', `'${object.kind}' is not a valid kind`);
    if (!validator.isValidEntityName(object.metadata?.name))
      push(
        'metadata.name',
        `'${object.metadata?.name}' is not a valid entity name`,
      );
    if (object.kind !== 'Location' && !object.spec?.owner)
      push('spec.owner', 'has no owner');
    if (object.kind === 'Component') {
      if (!object.spec?.type) push('spec.type', 'has no type');
      if (!object.spec?.lifecycle) push('spec.lifecycle', 'has no lifecycle');
    }
    const rejection = await catalogWouldReject(object as Entity);
    if (rejection)
      push(
        '(catalog policy)',
        `would be rejected by the catalog: ${rejection}`,
      );
  }
  return violations;
}

function checkDocs(
  files: WorkspaceFiles,
  documents: Manifest[],
  catalogInfoPath: string,
): GuardrailViolation[] {
  const violations: GuardrailViolation[] = [];
  if (!files.has('mkdocs.yml') && !files.has('mkdocs.yaml')) {
    violations.push({
      guardrail: 'docs',
      file: 'mkdocs.yml',
      message: 'is missing',
    });
  }
  if (!files.has('docs/index.md')) {
    violations.push({
      guardrail: 'docs',
      file: 'docs/index.md',
      message: 'is missing',
    });
  }
  const entity = documents.find(d => d.file === catalogInfoPath)?.object;
  if (entity && !entity.metadata?.annotations?.['backstage.io/techdocs-ref']) {
    violations.push({
      guardrail: 'docs',
      file: catalogInfoPath,
      location: 'metadata.annotations',
      message: "has no 'backstage.io/techdocs-ref' annotation",
    });
  }
  return violations;
}

/**
 * Checks every guardrail over the workspace's files and returns every violation found,
 * each with the file and place.
 *
 * @public
 */
export async function checkGuardrails(
  files: WorkspaceFiles,
  options: { catalogInfoPath: string },
): Promise<GuardrailViolation[]> {
  const { documents, violations } = parseYamlFiles(files);
  return [
    ...violations,
    ...checkKubernetes(
      documents.filter(
        d =>
          d.object.apiVersion &&
          !String(d.object.apiVersion).startsWith('backstage.io'),
      ),
    ),
    ...checkDockerfiles(files),
    ...checkCi(documents),
    ...(await checkCatalogInfo(documents, options.catalogInfoPath)),
    ...checkDocs(files, documents, options.catalogInfoPath),
  ];
}
