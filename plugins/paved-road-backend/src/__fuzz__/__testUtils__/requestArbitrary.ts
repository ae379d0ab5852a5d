/**
 * fast-check arbitraries for requests to every operation of an OpenAPI 3.0 document:
 * valid values derived from each parameter's and body's schema (types, enums, bounds,
 * patterns, formats, required properties), made realistic by a table of hints keyed by
 * parameter and property name (entity refs of the catalog, scorecard ids, fact paths),
 * and hostile values (control characters, very long strings, unicode, deep nesting,
 * numbers out of range, dates that do not exist, reversed ranges, wrong types, extra
 * fields, entity refs of the wrong kind, path segments such as `%00` and `..`, bodies of
 * the wrong content type).
 *
 * Nothing here is written per route: each operation's request is derived from the
 * document; the hints only make values realistic.
 *
 * This file puts a request together; its parts come from `requestParts.ts`, values from
 * `schemaValues.ts`, `realisticHints.ts` and `hostileValues.ts`.
 */
import fc from 'fast-check';
import { Operation } from './openApiDocument';
import { jsonText } from './rawJson';
import { Realistic } from './realisticValues';
import {
  encode,
  formEncode,
  FuzzRequest,
  headerSafe,
  QueryValue,
  RequestParts,
  safeDecode,
} from './requestEncoding';
import { requestParts, validPathParams } from './requestParts';
import { SchemaValues } from './schemaValues';

/** Weights of a request being wholly valid, or having one or several hostile parts. */
const HOSTILITY = fc.oneof(
  { weight: 3, arbitrary: fc.constant(0) },
  { weight: 5, arbitrary: fc.constant(1) },
  { weight: 2, arbitrary: fc.integer({ min: 2, max: 3 }) },
);

/** Requests to `op`: valid, or with one or more hostile parts. */
export function requestArbitrary(
  op: Operation,
  values: SchemaValues,
  realistic: Realistic,
): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter(p => p.in === 'path');
  const others = op.parameters.filter(p => p.in !== 'path');
  const validPath = validPathParams(op, values, realistic);
  const parts = requestParts(op, values);

  // Related parameters written the wrong way round: a reversed range.
  const ranges = [
    ['from', 'to'],
    ['min', 'max'],
    ['offset', 'limit'],
  ].filter(
    ([a, b]) =>
      others.some(p => p.name === a) && others.some(p => p.name === b),
  );

  return fc
    .record({
      path: validPath,
      valid: fc.tuple(...parts.map(p => p.valid)),
      hostile: fc.tuple(...parts.map(p => p.hostile)),
      hostility: HOSTILITY,
      picks: fc.array(fc.nat(parts.length - 1), { minLength: 3, maxLength: 3 }),
      reverse: ranges.length ? fc.boolean() : fc.constant(false),
      acceptEncoding: fc.constantFrom(
        undefined,
        undefined,
        'gzip',
        'br, gzip',
        'identity;q=0',
      ),
    })
    .map(
      ({ path, valid, hostile, hostility, picks, reverse, acceptEncoding }) => {
        const chosen = new Set(picks.slice(0, hostility));
        const labels: string[] = [];
        const at = (i: number) => {
          if (chosen.has(i)) {
            labels.push(parts[i].label);
            return hostile[i];
          }
          return valid[i];
        };
        let index = 0;

        // Path.
        const segments: Record<string, string> = {};
        const inputParams: Record<string, unknown> = {};
        for (const p of pathParams) {
          const h = at(index++) as { raw?: string; value?: string } | undefined;
          if (h?.raw !== undefined) {
            segments[p.name] = h.raw;
            inputParams[p.name] = safeDecode(h.raw);
          } else {
            const value = h?.value ?? path[p.name];
            segments[p.name] = encode(value);
            inputParams[p.name] = value;
          }
        }
        const urlPath = op.template.replace(
          /\{(\w+)\}/g,
          (_, n) => segments[n],
        );

        // Query and headers.
        const query: string[] = [];
        const headers: Record<string, string> = {};
        const queryValues = new Map<string, QueryValue>();
        for (const p of others)
          queryValues.set(p.name, at(index++) as QueryValue);
        if (reverse) {
          for (const [a, b] of ranges) {
            const va = queryValues.get(a);
            const vb = queryValues.get(b);
            if (va?.kind === 'value' && vb?.kind === 'value') {
              const [lo, hi] = [String(va.value), String(vb.value)].sort();
              queryValues.set(a, { kind: 'value', value: hi });
              queryValues.set(b, { kind: 'value', value: lo });
              if (lo !== hi) labels.push(`${a} after ${b}`);
            }
          }
        }
        for (const p of others) {
          const v = queryValues.get(p.name)!;
          if (v.kind === 'omit') continue;
          if (p.in === 'header') {
            if (v.kind === 'value')
              headers[p.name] = headerSafe(String(v.value));
            continue;
          }
          if (v.kind === 'raw') {
            query.push(v.raw.split('{name}').join(encode(p.name)));
            inputParams[p.name] = safeDecode(v.raw);
            labels.push(`${p.name} ${v.label}`);
          } else {
            const text =
              typeof v.value === 'string' ? v.value : jsonText(v.value);
            query.push(`${encode(p.name)}=${encode(text)}`);
            inputParams[p.name] = text;
          }
        }

        // Body.
        let body: string | undefined;
        let bodyValue: unknown;
        if (op.body) {
          const b = at(index++) as RequestParts['body'];
          const contentType = at(index++) as string;
          if (b.kind === 'json') {
            body = jsonText(b.value);
            bodyValue = b.value;
            headers['Content-Type'] = 'application/json';
          } else if (b.kind === 'raw') {
            body = b.text;
            bodyValue = b.text;
            if (b.contentType) headers['Content-Type'] = b.contentType;
            labels.push(b.label);
          }
          if (body !== undefined && chosen.has(index - 1)) {
            if (contentType === 'none') delete headers['Content-Type'];
            else headers['Content-Type'] = contentType;
            if (
              contentType === 'application/x-www-form-urlencoded' &&
              b.kind === 'json'
            ) {
              body = formEncode(b.value);
            }
          }
        }

        let auth: FuzzRequest['auth'] = 'caller';
        if (op.authenticated) auth = at(index++) as FuzzRequest['auth'];
        const extra = at(index++) as [string, string] | undefined;
        if (extra)
          query.push(
            `${encode(extra[0])}=${
              extra[1] === '%00' ? '%00' : encode(extra[1])
            }`,
          );
        if (acceptEncoding) headers['Accept-Encoding'] = acceptEncoding;

        return {
          operationId: op.operationId,
          method: op.method,
          path: query.length ? `${urlPath}?${query.join('&')}` : urlPath,
          headers,
          body,
          auth,
          hostile: labels,
          input: { params: inputParams, body: bodyValue },
        };
      },
    );
}
