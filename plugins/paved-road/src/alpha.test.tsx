import {
  ApiBlueprint,
  coreExtensionData,
} from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import plugin from './alpha';

describe('the new-frontend-system plugin', () => {
  it('is the paved-road plugin with an API and a page', () => {
    expect(plugin.id).toBe('paved-road');
    const api = createExtensionTester(plugin.getExtension('api:paved-road'));
    expect(api.get(ApiBlueprint.dataRefs.factory).api.id).toBe(
      'plugin.paved-road.api',
    );
  });

  it('mounts the page at /paved-road', () => {
    const tester = createExtensionTester(
      plugin.getExtension('page:paved-road'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/paved-road');
  });
});
