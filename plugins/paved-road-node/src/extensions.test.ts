import { createBackendModule } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import {
  PavedRoadFactSource,
  pavedRoadFactSourcesExtensionPoint,
} from './extensions';

describe('pavedRoadFactSourcesExtensionPoint', () => {
  it('lets a backend module add fact sources to the paved-road plugin', async () => {
    const added: PavedRoadFactSource[] = [];
    const source: PavedRoadFactSource = {
      id: 'sonarqube',
      description: 'Code quality gates from SonarQube',
      collect: async ({ entity }) => ({
        qualityGate: `${entity.metadata.name}: passed`,
      }),
    };
    await startTestBackend({
      extensionPoints: [
        [
          pavedRoadFactSourcesExtensionPoint,
          { addFactSource: (...s) => added.push(...s) },
        ],
      ],
      features: [
        createBackendModule({
          pluginId: 'paved-road',
          moduleId: 'sonarqube',
          register(env) {
            env.registerInit({
              deps: { sources: pavedRoadFactSourcesExtensionPoint },
              async init({ sources }) {
                sources.addFactSource(source);
              },
            });
          },
        }),
      ],
    });
    expect(pavedRoadFactSourcesExtensionPoint.id).toBe(
      'paved-road.fact-sources',
    );
    expect(added).toEqual([source]);
  });
});
