import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import yaml from 'yaml';
import { Render } from '../renders';
import { requireTool, runTool } from '../tools';

const VALIDATE_SCRIPT = path.resolve(
  __dirname,
  '../../../../scripts/validate-kubernetes.mjs',
);

/** A Kubernetes object as YAML gives it. */
export type KubeObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
  };
  [key: string]: unknown;
};

const key = (o: KubeObject) => `${o.kind}/${o.metadata?.name}`;

/** `kubectl kustomize k8s/`: what `kubectl apply -k k8s/` (the CI deploy) sends to the cluster. */
export async function kustomizeBuild(
  render: Render,
): Promise<{ objects: KubeObject[]; problems: string[] }> {
  const run = await runTool(requireTool('kubectl'), ['kustomize', 'k8s'], {
    cwd: render.dir,
  });
  if (run.code !== 0) {
    return {
      objects: [],
      problems: [`kubectl kustomize k8s failed:\n${run.stdout}${run.stderr}`],
    };
  }
  const objects = yaml
    .parseAllDocuments(run.stdout)
    .map(doc => doc.toJSON() as KubeObject)
    .filter(Boolean);
  return { objects, problems: [] };
}

/** Every object against its schema, CRDs included (scripts/validate-kubernetes.mjs). */
export async function schemaProblems(objects: KubeObject[]) {
  return new Promise<string[]>((resolve, reject) => {
    const child = spawn(process.execPath, [VALIDATE_SCRIPT], {
      cwd: path.dirname(VALIDATE_SCRIPT),
    });
    let out = '';
    let err = '';
    child.stdout.on('data', chunk => (out += chunk));
    child.stderr.on('data', chunk => (err += chunk));
    child.on('error', reject);
    child.on('close', code => {
      if (code !== 0) reject(new Error(`validate-kubernetes.mjs: ${err}`));
      else resolve(JSON.parse(out));
    });
    child.stdin.end(JSON.stringify(objects));
  });
}

/**
 * Every Kubernetes object the template generates (any YAML document with an apiVersion and a
 * kind under k8s/ or observability/) is in the Kustomize build, so `kubectl apply -k k8s/`
 * deploys it.
 */
export async function undeployedProblems(
  render: Render,
  built: KubeObject[],
): Promise<string[]> {
  const deployed = new Set(built.map(key));
  const problems: string[] = [];
  const manifests = render.files.filter(
    f =>
      /^(k8s|observability)\/.*\.ya?ml$/.test(f) &&
      path.posix.basename(f) !== 'kustomization.yaml',
  );
  for (const file of manifests) {
    const text = await fs.readFile(path.join(render.dir, file), 'utf8');
    for (const doc of yaml.parseAllDocuments(text)) {
      const object = doc.toJSON() as KubeObject | null;
      if (!object?.apiVersion || !object?.kind) continue;
      if (object.apiVersion.startsWith('kustomize.config.k8s.io/')) continue;
      if (!deployed.has(key(object))) {
        problems.push(
          `${file}: ${key(
            object,
          )} is generated but not in the Kustomize build of k8s/, so CI never deploys it`,
        );
      }
    }
  }
  return problems;
}

type Container = {
  name: string;
  env?: Array<{ name: string; value?: string }>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
};

function podSpecs(object: KubeObject): Array<{ containers?: Container[] }> {
  const spec = object.spec as any;
  if (object.kind === 'CronJob')
    return [spec?.jobTemplate?.spec?.template?.spec];
  if (spec?.template?.spec) return [spec.template.spec];
  return [];
}

/**
 * What the platform needs beyond the schemas: Kafka over TLS trusts the cluster CA (the
 * system store cannot verify in-cluster names), in the app and in KEDA, and KEDA keeps a
 * fallback replica count for when it cannot read the lag.
 */
export function platformProblems(objects: KubeObject[]): string[] {
  const problems: string[] = [];
  for (const object of objects) {
    for (const spec of podSpecs(object)) {
      for (const container of spec?.containers ?? []) {
        const env = new Map((container.env ?? []).map(e => [e.name, e.value]));
        if (!env.has('KAFKA_BROKERS')) continue;
        const caFile = env.get('KAFKA_CA_FILE');
        if (!caFile) {
          problems.push(
            `${key(object)} container ${
              container.name
            }: talks to Kafka over TLS without KAFKA_CA_FILE`,
          );
        } else if (
          !(container.volumeMounts ?? []).some(m =>
            caFile.startsWith(`${m.mountPath.replace(/\/$/, '')}/`),
          )
        ) {
          problems.push(
            `${key(object)} container ${
              container.name
            }: KAFKA_CA_FILE ${caFile} is not on a mounted volume`,
          );
        }
      }
    }
    if (object.kind === 'ScaledObject') {
      const spec = object.spec as any;
      if (!spec?.fallback) {
        problems.push(
          `${key(
            object,
          )}: no spec.fallback, so KEDA freezes the replica count when it cannot read the metric`,
        );
      }
      for (const trigger of spec?.triggers ?? []) {
        if (trigger.metadata?.tls !== 'enable') continue;
        const auth = objects.find(
          o =>
            o.kind === 'TriggerAuthentication' &&
            o.metadata?.name === trigger.authenticationRef?.name,
        );
        const params = ((auth?.spec as any)?.secretTargetRef ?? []).map(
          (r: { parameter: string }) => r.parameter,
        );
        if (!params.includes('ca')) {
          problems.push(
            `${key(object)}: ${
              trigger.type
            } trigger uses TLS but its TriggerAuthentication passes no 'ca'`,
          );
        }
      }
    }
  }
  return problems;
}
