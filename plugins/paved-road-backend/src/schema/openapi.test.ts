import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { createRouter } from '../service/router';
import { createOpenApiRouter, spec } from './openapi';

// The route createValidatedOpenApiRouter adds to serve the spec itself.
const SPEC_ROUTE = 'GET /openapi.json';

describe('openapi.yaml', () => {
  const yaml = parse(
    fs.readFileSync(path.join(__dirname, 'openapi.yaml'), 'utf8'),
  );

  it('documents every route of the router, and nothing else', async () => {
    const documented = Object.entries<Record<string, unknown>>(yaml.paths)
      .flatMap(([route, methods]) =>
        Object.keys(methods).map(
          method =>
            `${method.toUpperCase()} ${route.replace(/\{(\w+)\}/g, ':$1')}`,
        ),
      )
      .sort();
    const router: any = await createRouter({
      maxPushedFactsBytes: 32_768,
    } as any);
    const registered = router.stack
      .filter((layer: any) => layer.route)
      .flatMap((layer: any) =>
        Object.keys(layer.route.methods).map(
          method => `${method.toUpperCase()} ${layer.route.path}`,
        ),
      )
      .filter((route: string) => route !== SPEC_ROUTE)
      .sort();
    expect(documented).toEqual(registered);
  });

  it('is what the router validates against: the generated files are up to date', () => {
    expect(spec).toEqual(yaml);
    // The generator's own check covers every file it writes, formatted.
    const script = path.resolve(__dirname, '../../scripts/openapi-router.mjs');
    expect(() =>
      execFileSync(process.execPath, [script, '--check'], {
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    ).not.toThrow();
  });

  it('types the handlers from the spec', async () => {
    const router = await createOpenApiRouter();
    router.get('/health', (_req, res) => {
      // @ts-expect-error the spec answers { status: 'ok' }
      res.json({ status: 'fine' });
    });
    router.get('/scaffold-events', (req, res) => {
      // @ts-expect-error limit is an integer in the spec
      const limit: string = req.query.limit;
      // @ts-expect-error the spec answers { items: ScaffoldEvent[] }
      res.json({ events: [], limit });
    });
    router.post('/scaffold-events', (req, res) => {
      // @ts-expect-error hoursSaved is a number in the spec
      const hours: string = req.body.hoursSaved;
      res.status(201).json({
        id: '1',
        templateRef: req.body.templateRef,
        entityRef: req.body.entityRef,
        // @ts-expect-error the spec's hoursSaved is a number
        hoursSaved: hours,
        createdAt: new Date().toISOString(),
      });
    });
    expect(router.stack.length).toBeGreaterThan(0);
  });
});
