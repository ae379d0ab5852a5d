import {
  BATCH_WORKLOAD_KINDS,
  LONG_RUNNING_WORKLOAD_KINDS,
  RepositoryManifest,
  hasResourceLimits,
  hasResourceRequests,
  isDefaultDenyNetworkPolicy,
  isPinnedImage,
  podSpecOf,
} from '@paved-road/backstage-plugin-common';
import { GuardrailViolation } from './types';

type Obj = Record<string, any>;

/** A Kubernetes object found in the workspace, with where it came from. */
export type Manifest = RepositoryManifest;

const LONG_RUNNING = LONG_RUNNING_WORKLOAD_KINDS;
const BATCH = BATCH_WORKLOAD_KINDS;

const hasLimits = (resources: Obj | undefined) =>
  hasResourceRequests(resources) && hasResourceLimits(resources);

/** Checks workloads and network policies among the workspace's Kubernetes objects. */
export function checkKubernetes(manifests: Manifest[]): GuardrailViolation[] {
  const violations: GuardrailViolation[] = [];
  const workloads = manifests.filter(
    m => LONG_RUNNING.has(m.object.kind) || BATCH.has(m.object.kind),
  );

  for (const { file, object } of workloads) {
    const name = `${object.kind}/${object.metadata?.name ?? '(unnamed)'}`;
    const pod = podSpecOf(object);
    const containers: Obj[] = Array.isArray(pod?.spec?.containers)
      ? pod!.spec.containers
      : [];
    if (!containers.length) {
      violations.push({
        guardrail: 'resource-limits',
        file,
        location: `${name} ${pod?.path}.containers`,
        message: 'has no containers',
      });
      continue;
    }
    const podNonRoot = pod?.spec?.securityContext?.runAsNonRoot === true;
    containers.forEach((container, index) => {
      const where = `${name} ${pod!.path}.containers[${index}]`;
      const label = `container '${container.name ?? index}'`;
      if (LONG_RUNNING.has(object.kind)) {
        for (const probe of ['readinessProbe', 'livenessProbe'] as const) {
          if (!container[probe]) {
            violations.push({
              guardrail: 'probes',
              file,
              location: `${where}.${probe}`,
              message: `${label} has no ${probe}`,
            });
          }
        }
        if (!container.startupProbe) {
          violations.push({
            guardrail: 'startup-probe',
            file,
            location: `${where}.startupProbe`,
            message: `${label} has no startupProbe: a slow start (e.g. a migration) will be killed by the liveness probe`,
          });
        }
      }
      if (!hasLimits(container.resources)) {
        violations.push({
          guardrail: 'resource-limits',
          file,
          location: `${where}.resources`,
          message: `${label} must set requests and limits for both cpu and memory`,
        });
      }
      if (
        typeof container.image !== 'string' ||
        !isPinnedImage(container.image)
      ) {
        violations.push({
          guardrail: 'pinned-images',
          file,
          location: `${where}.image`,
          message: `${label} image '${
            container.image ?? ''
          }' is not pinned to a version tag or digest`,
        });
      }
      if (!podNonRoot && container.securityContext?.runAsNonRoot !== true) {
        violations.push({
          guardrail: 'non-root',
          file,
          location: `${where}.securityContext.runAsNonRoot`,
          message: `${label} does not set runAsNonRoot: true (on the container or the pod)`,
        });
      }
    });
  }

  const hasLongRunning = workloads.some(w => LONG_RUNNING.has(w.object.kind));
  if (hasLongRunning) {
    const denyAll = manifests.some(({ object }) =>
      isDefaultDenyNetworkPolicy(object),
    );
    if (!denyAll) {
      violations.push({
        guardrail: 'network-policy',
        file: '.',
        message:
          'no NetworkPolicy with policyTypes [Ingress, Egress]: traffic is not denied by default',
      });
    }
  }
  return violations;
}
