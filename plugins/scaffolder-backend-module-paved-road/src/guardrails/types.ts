/**
 * The guardrails `paved-road:guardrails:verify` enforces, by name. The names are what an
 * escape hatch refers to.
 *
 * @public
 */
export const GUARDRAILS = {
  probes: 'Long-running workloads have readiness and liveness probes',
  'startup-probe':
    'Long-running workloads have a startup probe, so slow start-ups (migrations) are not killed by the liveness probe',
  'resource-limits': 'Every container sets CPU and memory requests and limits',
  'pinned-images':
    "Images and Dockerfile base images are pinned (a version tag or digest, never 'latest')",
  'non-root':
    'Containers run as a non-root user (Dockerfile USER and securityContext.runAsNonRoot)',
  'network-policy':
    'Long-running workloads have a NetworkPolicy that denies ingress and egress by default',
  ci: 'A CI workflow builds and runs the tests',
  'image-scan': 'CI scans for vulnerabilities',
  'catalog-info': 'catalog-info.yaml is a valid entity with an owner',
  docs: 'TechDocs are present (mkdocs.yml, docs/index.md and the backstage.io/techdocs-ref annotation)',
} as const;

/** A guardrail name. @public */
export type GuardrailName = keyof typeof GUARDRAILS;

/** One place where a guardrail is not met. @public */
export interface GuardrailViolation {
  /** The guardrail that is not met. */
  guardrail: GuardrailName;
  /** The workspace-relative file, or '.' when something is missing altogether. */
  file: string;
  /** Where in the file, e.g. `Deployment/orders-api spec.template.spec.containers[0]`. */
  location?: string;
  /** What is wrong; the report prints it after the file and location. */
  message: string;
}

/** A workspace file as text, by workspace-relative path with forward slashes. */
export type WorkspaceFiles = Map<string, string>;
