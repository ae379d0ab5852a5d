import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModulePavedRoad } from './module';

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
      features: [scaffolderModulePavedRoad],
    });
    expect(ids).toEqual(['paved-road:adoption:record']);
  });
});
