import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { scaffolderModulePavedRoad } from './module';

// Backends start in-process; give them room on a loaded 2-core machine.
jest.setTimeout(60_000);

describe('scaffolderModulePavedRoad', () => {
  it('registers the Paved Road actions with the scaffolder', async () => {
    const ids: string[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          scaffolderActionsExtensionPoint,
          {
            addActions: (...actions: { id: string }[]) =>
              ids.push(...actions.map(a => a.id)),
          },
        ],
      ],
      features: [scaffolderModulePavedRoad, catalogServiceMock.factory()],
    });
    expect(ids.sort()).toEqual([
      'paved-road:adoption:record',
      'paved-road:answers:record',
      'paved-road:guardrails:verify',
      'paved-road:provenance:annotate',
      'paved-road:publish:local',
      'paved-road:publish:local-branch',
      'paved-road:template:upgrade',
      'paved-road:template:upgrade-all',
      'paved-road:upgrade:record',
      'paved-road:wrapper-test',
    ]);
  });
});
