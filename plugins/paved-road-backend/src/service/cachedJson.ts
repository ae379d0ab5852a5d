import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import express from 'express';

const gzip = promisify(gzipCallback);

type Body = {
  version: string;
  etag: string;
  json: Buffer;
  gzip: Promise<Buffer>;
};

/**
 * A JSON response body that changes rarely and is read often (the stored aggregates):
 * serialised and compressed once per version instead of once per request, answered with
 * `304 Not Modified` when the client already has it. The version is read from the
 * database on every request, so every replica serves what the last pass stored.
 *
 * @internal
 */
export class CachedJsonBody {
  #body?: Body;
  #building?: Promise<Body>;

  async send(
    req: express.Request,
    res: express.Response,
    version: string,
    build: () => Promise<string>,
  ): Promise<void> {
    const body = await this.#get(version, build);
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('ETag', body.etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('Vary', 'Accept-Encoding');
    const match = req.headers['if-none-match'];
    if (match && match.split(',').some(tag => tag.trim() === body.etag)) {
      res.status(304).end();
      return;
    }
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      // Already encoded, so the router's compression middleware leaves it alone.
      res.setHeader('Content-Encoding', 'gzip');
      res.end(await body.gzip);
      return;
    }
    res.end(body.json);
  }

  async #get(version: string, build: () => Promise<string>): Promise<Body> {
    if (this.#body?.version === version) return this.#body;
    if (!this.#building) {
      this.#building = (async () => {
        const json = Buffer.from(await build());
        const hash = createHash('sha256').update(json).digest('base64url');
        const body: Body = {
          version,
          etag: `"${hash.slice(0, 27)}"`,
          json,
          gzip: gzip(json),
        };
        // A failed compression is retried with the next version; the JSON still works.
        body.gzip.catch(() => {});
        this.#body = body;
        return body;
      })().finally(() => {
        this.#building = undefined;
      });
    }
    const body = await this.#building;
    // A concurrent request may have built an older version: build ours.
    return body.version === version ? body : this.#get(version, build);
  }
}
