import { createBackendModule } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import {
  PavedRoadFactSource,
  pavedRoadFactSourcesExtensionPoint,
  PavedRoadRuleOperator,
  pavedRoadRuleOperatorsExtensionPoint,
} from './extensions';

// Backends start in-process; give them room on a loaded 2-core machine.
jest.setTimeout(60_000);

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

describe('pavedRoadRuleOperatorsExtensionPoint', () => {
  it('lets a backend module add rule operators', async () => {
    const added: PavedRoadRuleOperator[] = [];
    const operator: PavedRoadRuleOperator<number> = {
      name: '$cvssBelow',
      prepare: operand => Number(operand),
      test: (value, operand) => typeof value === 'number' && value < operand,
    };
    await startTestBackend({
      extensionPoints: [
        [
          pavedRoadRuleOperatorsExtensionPoint,
          { addRuleOperator: (...o) => added.push(...o) },
        ],
      ],
      features: [
        createBackendModule({
          pluginId: 'paved-road',
          moduleId: 'cvss',
          register(env) {
            env.registerInit({
              deps: { operators: pavedRoadRuleOperatorsExtensionPoint },
              async init({ operators }) {
                operators.addRuleOperator(operator);
              },
            });
          },
        }),
      ],
    });
    expect(pavedRoadRuleOperatorsExtensionPoint.id).toBe(
      'paved-road.rule-operators',
    );
    expect(added).toEqual([operator]);
  });
});
