// Validates Kubernetes objects against their schemas with the kubernetes-models packages
// (core API and the CRDs the golden paths use: KEDA, prometheus-operator, External Secrets,
// Gateway API). Those packages are ES modules, so the verification tests run this script in a
// child process. Reads a JSON array of objects on stdin; prints a JSON array of problems.

/** API group -> package that models it; the rest are in kubernetes-models. */
const CRD_PACKAGES = {
  'keda.sh': '@kubernetes-models/keda',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'external-secrets.io': '@kubernetes-models/external-secrets',
  'generators.external-secrets.io': '@kubernetes-models/external-secrets',
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
};

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/')
    ? apiVersion.split('/')
    : ['', apiVersion];
  const pkg = CRD_PACKAGES[group] ?? 'kubernetes-models';
  const sub = group ? `${group}/${version}` : version;
  let mod;
  try {
    mod = await import(`${pkg}/${sub}/${kind}`);
  } catch (error) {
    if (
      error.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' ||
      error.code === 'ERR_MODULE_NOT_FOUND'
    )
      return undefined;
    throw error;
  }
  return mod[kind] ?? mod.default?.[kind] ?? mod.default;
}

const input = JSON.parse(
  await new Promise(resolve => {
    let data = '';
    process.stdin.on('data', chunk => (data += chunk));
    process.stdin.on('end', () => resolve(data));
  }),
);

const problems = [];
for (const object of input) {
  const where = `${object?.kind}/${object?.metadata?.name}`;
  if (!object?.apiVersion || !object?.kind) {
    problems.push(`${where}: no apiVersion or kind`);
    continue;
  }
  const Model = await modelFor(object.apiVersion, object.kind);
  if (!Model) {
    problems.push(
      `${where}: no schema for ${object.apiVersion} ${object.kind}`,
    );
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    const details = (error.errors ?? [])
      .map(
        e =>
          `${e.instancePath || '/'} ${e.message}${
            e.params ? ` ${JSON.stringify(e.params)}` : ''
          }`,
      )
      .join('; ');
    problems.push(
      `${where} (${object.apiVersion}): ${details || error.message}`,
    );
  }
}
process.stdout.write(JSON.stringify(problems));
