import { parseAllDocuments } from 'yaml';
import { RepositoryFacts } from './scorecards';

/**
 * A parsed YAML document, such as a Kubernetes manifest, read without a schema.
 *
 * @public
 */
export type ManifestObject = Record<string, any>;

/**
 * A repository's text files by repository-relative path with forward slashes.
 *
 * @public
 */
export type RepositoryFiles = ReadonlyMap<string, string>;

/**
 * A YAML document found in a repository, with the file it came from.
 *
 * @public
 */
export interface RepositoryManifest {
  /** The file's repository-relative path. */
  file: string;
  /** The parsed document. */
  object: ManifestObject;
}

/** Workloads that run continuously and so need probes. @public */
export const LONG_RUNNING_WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  'Deployment',
  'StatefulSet',
  'DaemonSet',
]);

/** Workloads that run to completion. @public */
export const BATCH_WORKLOAD_KINDS: ReadonlySet<string> = new Set([
  'CronJob',
  'Job',
]);

/**
 * The pod spec of a workload manifest and its path, or undefined for other kinds.
 *
 * @public
 */
export function podSpecOf(
  manifest: ManifestObject,
): { spec: ManifestObject | undefined; path: string } | undefined {
  switch (manifest?.kind) {
    case 'CronJob':
      return {
        spec: manifest.spec?.jobTemplate?.spec?.template?.spec,
        path: 'spec.jobTemplate.spec.template.spec',
      };
    case 'Job':
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
      return {
        spec: manifest.spec?.template?.spec,
        path: 'spec.template.spec',
      };
    default:
      return undefined;
  }
}

/**
 * An image reference is pinned when it has a digest or a tag other than `latest`.
 *
 * @public
 */
export function isPinnedImage(image: string): boolean {
  if (image.includes('@sha256:')) return true;
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return false;
  const tag = lastSegment.slice(colon + 1);
  return tag.length > 0 && tag !== 'latest';
}

/** Whether a container sets CPU and memory requests. @public */
export function hasResourceRequests(
  resources: ManifestObject | undefined,
): boolean {
  return Boolean(resources?.requests?.cpu && resources?.requests?.memory);
}

/** Whether a container sets CPU and memory limits. @public */
export function hasResourceLimits(
  resources: ManifestObject | undefined,
): boolean {
  return Boolean(resources?.limits?.cpu && resources?.limits?.memory);
}

/**
 * Whether a NetworkPolicy denies ingress and egress by default (both policy types).
 *
 * @public
 */
export function isDefaultDenyNetworkPolicy(object: ManifestObject): boolean {
  if (object?.kind !== 'NetworkPolicy') return false;
  const types: unknown = object.spec?.policyTypes;
  return (
    Array.isArray(types) &&
    types.includes('Ingress') &&
    types.includes('Egress')
  );
}

/**
 * Parses every YAML file into documents; files that do not parse are returned as
 * errors with their first line number, not thrown.
 *
 * @public
 */
export function parseRepositoryYaml(files: RepositoryFiles): {
  documents: RepositoryManifest[];
  errors: Array<{ file: string; line?: number; message: string }>;
} {
  const documents: RepositoryManifest[] = [];
  const errors: Array<{ file: string; line?: number; message: string }> = [];
  for (const [file, text] of files) {
    if (!/\.ya?ml$/i.test(file)) continue;
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length) {
        const [error] = doc.errors;
        errors.push({
          file,
          line: error.linePos?.[0].line,
          message: error.message.split('\n')[0],
        });
        continue;
      }
      const object = doc.toJS();
      if (object && typeof object === 'object')
        documents.push({ file, object });
    }
  }
  return { documents, errors };
}

/** Whether a path is a Dockerfile (`Dockerfile`, `Dockerfile.prod`, ...). @public */
export const isDockerfile = (file: string) =>
  /(^|\/)Dockerfile[^/]*$/.test(file);

/**
 * What a Dockerfile declares: its base images (build args resolved with their
 * defaults, earlier stages and `scratch` left out) and the final stage's `USER`.
 *
 * @public
 */
export function parseDockerfile(text: string): {
  baseImages: Array<{ image: string; line: number }>;
  finalUser?: { value: string; line: number };
} {
  const stages = new Set<string>();
  const args = new Map<string, string>();
  const baseImages: Array<{ image: string; line: number }> = [];
  let finalUser: { value: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    const arg = /^ARG\s+([A-Za-z_]\w*)=(\S+)/i.exec(line);
    if (arg) args.set(arg[1], arg[2].replace(/^["']|["']$/g, ''));
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(
      line,
    );
    if (from) {
      const [, rawImage, alias] = from;
      // Base images are often build args with a pinned default.
      const image = rawImage.replace(
        /\$\{?([A-Za-z_]\w*)\}?/g,
        (whole, name) => args.get(name) ?? whole,
      );
      if (!stages.has(image.toLowerCase()) && image !== 'scratch') {
        baseImages.push({ image, line: index + 1 });
      }
      if (alias) stages.add(alias.toLowerCase());
      finalUser = undefined; // USER applies per stage; only the final stage's counts
    }
    const user = /^USER\s+(\S+)/i.exec(line);
    if (user) finalUser = { value: user[1], line: index + 1 };
  });
  return { baseImages, finalUser };
}

/** Whether a Dockerfile `USER` value is root. @public */
export const isRootUser = (user: string | undefined) =>
  !user || /^(root|0)(:|$)/.test(user);

/** Whether a path is a GitHub Actions workflow. @public */
export const isCiWorkflow = (file: string) =>
  /^\.github\/workflows\/[^/]+\.ya?ml$/.test(file);

const STAGE_PATTERNS: Array<[string, RegExp]> = [
  ['build', /\bbuild|\bcompile|\bpackage\b/i],
  ['test', /\btest/i],
  ['scan', /trivy|grype|snyk|osv-scanner|anchore|\bscan/i],
  ['image', /\bimage\b|docker (build|push)|buildx|\bkaniko/i],
  ['deploy', /\bdeploy|kubectl|helm (upgrade|install)|argocd/i],
];

/**
 * The stages CI workflows run (`build`, `test`, `scan`, `image`, `deploy`), recognised
 * from job ids, job names and each step's name, `run` and `uses`.
 *
 * @public
 */
export function ciStages(workflows: RepositoryManifest[]): string[] {
  const jobs = workflows.flatMap(w =>
    Object.entries<any>(w.object?.jobs ?? {}),
  );
  const texts = jobs.flatMap(([id, job]) => [
    id,
    String(job?.name ?? ''),
    String(job?.uses ?? ''),
    ...(Array.isArray(job?.steps)
      ? job.steps.map(
          (step: any) =>
            `${step?.name ?? ''} ${step?.run ?? ''} ${step?.uses ?? ''}`,
        )
      : []),
  ]);
  return STAGE_PATTERNS.filter(([, pattern]) =>
    texts.some(text => pattern.test(text)),
  ).map(([stage]) => stage);
}

/**
 * Turns a repository's files into the `repository` facts scorecards check. Only
 * Kubernetes objects (YAML documents whose apiVersion is not Backstage's) count as
 * manifests; every container of every workload must comply for a flag to be true.
 *
 * @public
 */
export function repositoryFactsFromFiles(
  files: RepositoryFiles,
  options: { alertsPath?: string } = {},
): RepositoryFacts {
  const { documents } = parseRepositoryYaml(files);
  const manifests = documents.filter(
    d =>
      !isCiWorkflow(d.file) &&
      d.object.apiVersion &&
      d.object.kind &&
      !String(d.object.apiVersion).startsWith('backstage.io') &&
      !String(d.object.apiVersion).startsWith('scaffolder.backstage.io'),
  );
  const workloads = manifests.filter(
    m =>
      LONG_RUNNING_WORKLOAD_KINDS.has(m.object.kind) ||
      BATCH_WORKLOAD_KINDS.has(m.object.kind),
  );
  const containers = workloads.flatMap(({ object }) => {
    const pod = podSpecOf(object)?.spec;
    const list: ManifestObject[] = Array.isArray(pod?.containers)
      ? pod!.containers
      : [];
    return list.map(container => ({
      container,
      longRunning: LONG_RUNNING_WORKLOAD_KINDS.has(object.kind),
      podNonRoot: pod?.securityContext?.runAsNonRoot === true,
    }));
  });
  const longRunning = containers.filter(c => c.longRunning);
  const all = <T>(items: T[], test: (item: T) => boolean) =>
    items.length > 0 && items.every(test);

  const dockerfiles = [...files].filter(([file]) => isDockerfile(file));
  const parsed = dockerfiles.map(([, text]) => parseDockerfile(text));

  const workflows = documents.filter(d => isCiWorkflow(d.file));
  const has = (file: string) => files.has(file);
  const alertsPath = options.alertsPath?.replace(/^\.?\//, '');

  return {
    dockerfile: {
      present: dockerfiles.length > 0,
      nonRoot: all(parsed, p => !isRootUser(p.finalUser?.value)),
      pinnedBase: all(parsed, p =>
        p.baseImages.every(({ image }) => isPinnedImage(image)),
      ),
    },
    kubernetes: {
      probes: {
        liveness: all(longRunning, c => Boolean(c.container.livenessProbe)),
        readiness: all(longRunning, c => Boolean(c.container.readinessProbe)),
        startup: all(longRunning, c => Boolean(c.container.startupProbe)),
      },
      resources: {
        requests: all(containers, c =>
          hasResourceRequests(c.container.resources),
        ),
        limits: all(containers, c => hasResourceLimits(c.container.resources)),
      },
      networkPolicy: manifests.some(m => isDefaultDenyNetworkPolicy(m.object)),
      pinnedImage: all(
        containers,
        c =>
          typeof c.container.image === 'string' &&
          isPinnedImage(c.container.image),
      ),
      runAsNonRoot: all(
        containers,
        c => c.podNonRoot || c.container.securityContext?.runAsNonRoot === true,
      ),
    },
    ci: { present: workflows.length > 0, stages: ciStages(workflows) },
    docs: {
      mkdocs: (has('mkdocs.yml') || has('mkdocs.yaml')) && has('docs/index.md'),
      quickstart: has('docs/quickstart.md'),
      failureModes: has('docs/failure-modes.md'),
    },
    alerts: {
      present: alertsPath
        ? has(alertsPath)
        : has('observability/alerts.yaml') || has('observability/alerts.yml'),
    },
  };
}
