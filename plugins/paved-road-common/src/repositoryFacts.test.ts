import { stringify } from 'yaml';
import {
  ciStages,
  isPinnedImage,
  parseDockerfile,
  repositoryFactsFromFiles,
} from './repositoryFacts';

const deployment = (container: Record<string, unknown>, pod = {}) =>
  stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'api' },
    spec: {
      template: {
        spec: { ...pod, containers: [{ name: 'api', ...container }] },
      },
    },
  });

describe('repositoryFactsFromFiles', () => {
  it('derives every flag from a complete repository', () => {
    const files = new Map([
      [
        'Dockerfile',
        'ARG BASE=node:22.11-alpine\nFROM ${BASE} AS build\nRUN npm ci\nFROM gcr.io/distroless/nodejs22@sha256:abc\nUSER 10001\n',
      ],
      [
        'k8s/deployment.yaml',
        deployment(
          {
            image: 'registry/api:1.2.3',
            livenessProbe: {},
            readinessProbe: {},
            startupProbe: {},
            resources: {
              requests: { cpu: '1', memory: '1Gi' },
              limits: { cpu: '1', memory: '1Gi' },
            },
          },
          { securityContext: { runAsNonRoot: true } },
        ),
      ],
      [
        'k8s/networkpolicy.yaml',
        'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nspec:\n  policyTypes: [Ingress, Egress]\n',
      ],
      [
        '.github/workflows/ci.yaml',
        'jobs:\n  build: { steps: [{ run: npm run build }] }\n  test: { steps: [{ run: npm test }] }\n  scan: { steps: [{ uses: aquasecurity/trivy-action@0.28.0 }] }\n',
      ],
      ['mkdocs.yml', 'site_name: api\n'],
      ['docs/index.md', '# api'],
      ['docs/quickstart.md', '# quickstart'],
      ['observability/alerts.yaml', 'groups: []\n'],
    ]);
    expect(repositoryFactsFromFiles(files)).toEqual({
      dockerfile: { present: true, nonRoot: true, pinnedBase: true },
      kubernetes: {
        probes: { liveness: true, readiness: true, startup: true },
        resources: { requests: true, limits: true },
        networkPolicy: true,
        pinnedImage: true,
        runAsNonRoot: true,
      },
      ci: { present: true, stages: ['build', 'test', 'scan'] },
      docs: { mkdocs: true, quickstart: true, failureModes: false },
      alerts: { present: true },
    });
  });

  it('is false everywhere for an empty repository, and honours the alerts path', () => {
    const facts = repositoryFactsFromFiles(
      new Map([['ops/alerts.yml', 'groups: []']]),
      { alertsPath: './ops/alerts.yml' },
    );
    expect(facts.dockerfile).toEqual({
      present: false,
      nonRoot: false,
      pinnedBase: false,
    });
    expect(facts.kubernetes.probes.liveness).toBe(false);
    expect(facts.ci).toEqual({ present: false, stages: [] });
    expect(facts.alerts.present).toBe(true);
  });

  it('fails a flag when any container misses it', () => {
    const facts = repositoryFactsFromFiles(
      new Map([
        [
          'k8s/a.yaml',
          deployment({ image: 'x:latest', livenessProbe: {}, resources: {} }),
        ],
      ]),
    );
    expect(facts.kubernetes).toMatchObject({
      probes: { liveness: true, readiness: false, startup: false },
      resources: { requests: false, limits: false },
      pinnedImage: false,
      runAsNonRoot: false,
      networkPolicy: false,
    });
  });
});

describe('repository helpers', () => {
  it('recognises pinned images, Dockerfile users and CI stages', () => {
    expect(isPinnedImage('a/b:1.2')).toBe(true);
    expect(isPinnedImage('a/b@sha256:1')).toBe(true);
    expect(isPinnedImage('registry:5000/b')).toBe(false);
    expect(isPinnedImage('b:latest')).toBe(false);
    expect(parseDockerfile('FROM a:1\nUSER app\nFROM b:2\n')).toEqual({
      baseImages: [
        { image: 'a:1', line: 1 },
        { image: 'b:2', line: 3 },
      ],
      finalUser: undefined,
    });
    expect(
      ciStages([
        {
          file: '.github/workflows/ci.yaml',
          object: {
            jobs: {
              release: {
                steps: [{ run: 'docker build .' }, { run: 'kubectl apply' }],
              },
            },
          },
        },
      ]),
    ).toEqual(['build', 'image', 'deploy']);
  });
});
