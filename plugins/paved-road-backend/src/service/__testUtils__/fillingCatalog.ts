import { createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';

/**
 * A catalog that holds `initial` (nothing by default) and is filled later, as a fresh
 * install's catalog is after the backend started: `fill` replaces what it holds,
 * `failing` makes every request throw. Counts requests by method in `calls`; `factory`
 * installs it in a test backend.
 */
export function fillingCatalog(initial: Entity[] = []) {
  let current: CatalogService = catalogServiceMock({ entities: initial });
  const calls: Record<string, number> = {};
  const state = { failing: false };
  const catalog = new Proxy({} as CatalogService, {
    get(_, prop) {
      const value = (current as any)[prop];
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls[String(prop)] = (calls[String(prop)] ?? 0) + 1;
        if (state.failing) throw new Error('catalog unavailable');
        return value.apply(current, args);
      };
    },
  });
  return {
    catalog,
    calls,
    factory: createServiceFactory({
      service: catalogServiceRef,
      deps: {},
      factory: () => catalog,
    }),
    fill(entities: Entity[]) {
      current = catalogServiceMock({ entities });
    },
    set failing(on: boolean) {
      state.failing = on;
    },
  };
}
