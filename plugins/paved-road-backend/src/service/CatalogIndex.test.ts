import { mockServices } from '@backstage/backend-test-utils';
import {
  exampleTemplates,
  loadExampleOrganisation,
} from '../scorecards/__testUtils__/exampleOrganisation';
import { fillingCatalog } from './__testUtils__/fillingCatalog';
import { CatalogIndex } from './CatalogIndex';

describe('CatalogIndex lookups', () => {
  afterEach(() => jest.restoreAllMocks());

  /** An index loaded by the start-up pass, before the catalog processed anything. */
  async function loadedEmpty() {
    const filling = fillingCatalog();
    const index = new CatalogIndex({
      catalog: filling.catalog,
      auth: mockServices.auth(),
    });
    await index.refresh();
    filling.fill([...loadExampleOrganisation(), ...exampleTemplates]);
    return { index, filling, calls: filling.calls };
  }

  it('confirms what an index loaded while the catalog was empty misses, once per ref', async () => {
    const { index, calls } = await loadedEmpty();
    expect(await index.lookupOwner('group:default/orders')).toBe(true);
    expect(await index.lookupTemplate('template:default/api-service')).toEqual({
      found: true,
      latestVersion: '2.5.0',
    });
    // An owner that is really missing (orphaned) is confirmed once, however many
    // entities name it, until the next refresh.
    const gone = await Promise.all(
      [1, 2, 3].map(() => index.lookupOwner('group:default/gone')),
    );
    expect(gone).toEqual([false, false, false]);
    expect(await index.lookupOwner('group:default/gone')).toBe(false);
    expect(await index.lookupOwner('group:default/orders')).toBe(true);
    expect(calls).toEqual({ streamEntities: 1, getEntityByRef: 3 });

    await index.refresh();
    expect(await index.lookupOwner('group:default/gone')).toBe(false);
    expect(await index.lookupOwner('group:default/orders')).toBe(true);
    expect(calls).toEqual({ streamEntities: 2, getEntityByRef: 4 });
  });

  it('refreshes an index older than a few seconds once for every lookup that misses it', async () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    const { index, calls } = await loadedEmpty();
    now.mockReturnValue(1_006_000);
    expect(
      await Promise.all([
        index.lookupOwner('group:default/orders'),
        index.lookupTemplate('template:default/api-service'),
        index.lookupOwner('group:default/orders'),
      ]),
    ).toEqual([true, { found: true, latestVersion: '2.5.0' }, true]);
    expect(calls).toEqual({ streamEntities: 2 });
    // The refreshed index now answers the rest of the organisation too.
    expect(index.template('template:default/api-service').found).toBe(true);
  });

  it('rejects when the catalog cannot confirm a miss, and keeps nothing of it', async () => {
    const { index, filling } = await loadedEmpty();
    filling.failing = true;
    await expect(index.lookupOwner('group:default/orders')).rejects.toThrow(
      'catalog unavailable',
    );
    filling.failing = false;
    expect(await index.lookupOwner('group:default/orders')).toBe(true);
  });
});
