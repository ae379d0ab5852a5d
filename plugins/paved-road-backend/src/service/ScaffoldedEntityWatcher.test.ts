import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { fillingCatalog } from './__testUtils__/fillingCatalog';
import { emptySummary } from './EvaluationPass';
import { ScaffoldedEntityWatcher } from './ScaffoldedEntityWatcher';

const cartApi: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'cart-api', namespace: 'default' },
  spec: { type: 'service', lifecycle: 'production', owner: 'orders' },
};

describe('ScaffoldedEntityWatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function watcherOver(catalog: ReturnType<typeof fillingCatalog>) {
    const evaluateEntity = jest.fn(async (_ref: string) => ({
      ...emptySummary('entity'),
      evaluated: 1,
    }));
    const logger = mockServices.logger.mock();
    const watcher = new ScaffoldedEntityWatcher({
      catalog: catalog.catalog,
      auth: mockServices.auth(),
      logger,
      evaluation: { evaluateEntity },
      pollIntervalMs: 5_000,
      timeoutMs: 60_000,
    });
    return { watcher, evaluateEntity, logger };
  }

  it('evaluates the entity once the catalog has it, one watch per ref', async () => {
    const catalog = fillingCatalog();
    const { watcher, evaluateEntity } = watcherOver(catalog);
    watcher.watch('component:default/cart-api');
    watcher.watch('component:default/cart-api');
    await jest.advanceTimersByTimeAsync(10_000);
    // Asked at once, then every 5 s; not evaluated while missing.
    expect(catalog.calls.getEntityByRef).toBe(3);
    expect(evaluateEntity).not.toHaveBeenCalled();

    catalog.fill([cartApi]);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(evaluateEntity.mock.calls).toEqual([['component:default/cart-api']]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(catalog.calls.getEntityByRef).toBe(4);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('keeps asking through catalog errors and gives up after the timeout, saying what to check', async () => {
    const catalog = fillingCatalog();
    const { watcher, evaluateEntity, logger } = watcherOver(catalog);
    catalog.failing = true;
    watcher.watch('component:default/cart-api');
    await jest.advanceTimersByTimeAsync(5_000);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'could not evaluate the scaffolded entity component:default/cart-api yet, trying again in 5000 ms: catalog unavailable',
      ),
    );
    catalog.failing = false;
    await jest.advanceTimersByTimeAsync(60_000);
    // At once, every 5 s, and at the timeout.
    expect(catalog.calls.getEntityByRef).toBe(13);
    expect(jest.getTimerCount()).toBe(0);
    expect(evaluateEntity).not.toHaveBeenCalled();
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining(
        'component:default/cart-api was not in the catalog within 60 s of its scaffold event (pavedRoad.scaffoldedEntities.timeout)',
      ),
    );

    // A later event for the same ref starts a new watch.
    catalog.fill([cartApi]);
    watcher.watch('component:default/cart-api');
    await jest.advanceTimersByTimeAsync(0);
    expect(evaluateEntity).toHaveBeenCalledTimes(1);
  });

  it('stops every watch when the backend shuts down', async () => {
    const catalog = fillingCatalog();
    const { watcher } = watcherOver(catalog);
    watcher.watch('component:default/cart-api');
    await jest.advanceTimersByTimeAsync(0);
    watcher.stop();
    catalog.fill([cartApi]);
    await jest.advanceTimersByTimeAsync(60_000);
    expect(catalog.calls.getEntityByRef).toBe(1);
    watcher.watch('component:default/cart-api');
    expect(jest.getTimerCount()).toBe(0);
  });
});
