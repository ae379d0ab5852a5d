/**
 * The parts of a request, each valid or hostile: path parameters (`%00`, dot segments,
 * encoded slashes), query and header parameters, the body and its content type,
 * Authorization, an unknown query parameter.
 */
import fc from 'fast-check';
import { hostileBody } from './hostileBody';
import { hostileString } from './hostileValues';
import { Operation } from './openApiDocument';
import { Realistic, refKind } from './realisticValues';
import { encode, QueryValue } from './requestEncoding';
import { SchemaValues } from './schemaValues';

/** Path segments no client should send: `%00`, dot segments, encoded slashes, bad escapes. */
const HOSTILE_SEGMENTS = [
  '%00',
  'orders-api%00',
  '..',
  '.',
  '%2e%2e',
  '%2E%2E%2Fetc%2Fpasswd',
  '..%2F..%2F..',
  '%2F',
  'a%2Fb',
  '%5C',
  '%',
  '%zz',
  '%C0%AE%C0%AE',
  '%ED%A0%80',
  '%FF%FE',
  '%20',
  '~',
  '__proto__',
  'constructor',
  'null',
  '*',
  'a;b=c',
  '%3Bjsessionid=1',
];

/**
 * Realistic path parameters for an operation whose path addresses an entity
 * (`{kind}/{namespace}/{name}`): an entity of the catalog, split.
 */
function entityPathParams(
  realistic: Realistic,
): fc.Arbitrary<Record<string, string>> {
  return fc
    .tuple(fc.constantFrom(...realistic.entityRefs), fc.nat(3))
    .map(([ref, variant]) => {
      const kind = refKind(ref);
      const [namespace, name] = ref.slice(kind.length + 1).split('/');
      const k = [
        kind,
        kind.toUpperCase(),
        `${kind[0].toUpperCase()}${kind.slice(1)}`,
        kind,
      ][variant];
      return {
        kind: k,
        namespace: variant === 3 ? namespace.toUpperCase() : namespace,
        name,
      };
    });
}

/** One part of a request: a valid and a hostile value, and what to call it when hostile. */
export type Part<T> = {
  valid: fc.Arbitrary<T>;
  hostile: fc.Arbitrary<T>;
  label: string;
};

/** Valid path parameters for `op`: an entity of the catalog, split, when the path addresses one. */
export function validPathParams(
  op: Operation,
  values: SchemaValues,
  realistic: Realistic,
): fc.Arbitrary<Record<string, string>> {
  const pathParams = op.parameters.filter(p => p.in === 'path');
  const addressesEntity = ['kind', 'namespace', 'name'].every(n =>
    pathParams.some(p => p.name === n),
  );
  return addressesEntity
    ? fc.oneof(
        { weight: 6, arbitrary: entityPathParams(realistic) },
        {
          weight: 1,
          arbitrary: fc.record(
            Object.fromEntries(
              pathParams.map(p => [
                p.name,
                fc.stringMatching(/^[a-z0-9-]{1,20}$/),
              ]),
            ),
          ),
        },
      )
    : fc.record(
        Object.fromEntries(
          pathParams.map(p => [
            p.name,
            values.valid(p.schema, op.operationId, p.name).map(String),
          ]),
        ),
      );
}

/**
 * The parts of a request to `op`, in the order `requestArbitrary` reads them: each
 * path parameter, each query or header parameter, the body and its content type (when
 * the operation takes a body), Authorization (when it needs credentials), an unknown
 * query parameter.
 */
export function requestParts(
  op: Operation,
  values: SchemaValues,
): Array<Part<any>> {
  const pathParams = op.parameters.filter(p => p.in === 'path');
  const others = op.parameters.filter(p => p.in !== 'path');
  const parts: Array<Part<any>> = [];
  for (const p of pathParams) {
    parts.push({
      label: `path parameter ${p.name}`,
      valid: fc.constant(undefined),
      hostile: fc.oneof(
        {
          weight: 3,
          arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS).map(raw => ({ raw })),
        },
        {
          weight: 3,
          arbitrary: hostileString(
            fc.constantFrom(
              'orders-api',
              'default',
              'component',
              'payments-api',
            ),
            {
              maxLength: 3000,
              lone: true,
            },
          ).map(value => ({ value })),
        },
      ),
    });
  }

  for (const p of others) {
    const valid: fc.Arbitrary<QueryValue> = values
      .valid(p.schema, op.operationId, p.name)
      .map(value => ({ kind: 'value', value }));
    parts.push({
      label: `${p.in} parameter ${p.name}`,
      valid: p.required
        ? valid
        : fc.oneof(
            { weight: 2, arbitrary: fc.constant<QueryValue>({ kind: 'omit' }) },
            { weight: 3, arbitrary: valid },
          ),
      hostile:
        p.in === 'header'
          ? fc.oneof(
              hostileString(fc.constant('"etag"'), { maxLength: 4000 }).map(
                v => ({
                  kind: 'value' as const,
                  value: v.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?'),
                }),
              ),
            )
          : fc.oneof(
              {
                weight: 6,
                arbitrary: values
                  .hostile(p.schema, op.operationId, p.name, 'query')
                  .map(value => ({ kind: 'value' as const, value })),
              },
              {
                weight: 1,
                arbitrary: fc.constant<QueryValue>({ kind: 'omit' }),
              },
              {
                weight: 2,
                arbitrary: fc
                  .constantFrom(
                    ['%00', 'NUL as %00'],
                    ['%', 'a bare %'],
                    ['%E0%A4%A', 'truncated UTF-8'],
                    ['%ED%A0%80', 'a lone surrogate in UTF-8'],
                    ['%FF', 'invalid UTF-8'],
                    ['a%26b%3Dc', 'an encoded & and ='],
                    ['+', 'a plus'],
                  )
                  .map(([raw, label]) => ({
                    kind: 'raw' as const,
                    raw: `{name}=${raw}`,
                    label,
                  })),
              },
              {
                weight: 2,
                arbitrary: fc
                  .tuple(
                    values.valid(p.schema, op.operationId, p.name),
                    values.valid(p.schema, op.operationId, p.name),
                  )
                  .map(([a, b]) => ({
                    kind: 'raw' as const,
                    raw: `{name}=${encode(String(a))}&{name}=${encode(
                      String(b),
                    )}`,
                    label: 'given twice (an array)',
                  })),
              },
              {
                weight: 1,
                arbitrary: values
                  .valid(p.schema, op.operationId, p.name)
                  .map(v => ({
                    kind: 'raw' as const,
                    raw: `{name}[$gt]=${encode(String(v))}`,
                    label: 'as an object (name[$gt]=…)',
                  })),
              },
            ),
    });
  }

  if (op.body) {
    const schema = op.body.schema;
    const validBody = values.valid(schema, op.operationId);
    parts.push({
      label: 'request body',
      valid: op.body.required
        ? validBody.map(value => ({ kind: 'json', value }))
        : fc.oneof(
            { weight: 1, arbitrary: fc.constant({ kind: 'none' }) },
            {
              weight: 4,
              arbitrary: validBody.map(value => ({ kind: 'json', value })),
            },
          ),
      hostile: hostileBody(schema, values, op.operationId, validBody),
    });
    parts.push({
      label: 'content type',
      valid: fc.constant('application/json'),
      hostile: fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/xml',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'application/vnd.api+json',
        'APPLICATION/JSON',
        '',
        'none',
      ),
    });
  }

  if (op.authenticated) {
    parts.push({
      label: 'Authorization',
      valid: fc.constant('caller'),
      hostile: fc.oneof(
        fc.constant('none' as const),
        fc
          .constantFrom(
            'Bearer',
            'Bearer ',
            'Bearer garbage',
            'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ1c2VyOmRlZmF1bHQvZ3Vlc3QifQ.',
            'Basic YWRtaW46YWRtaW4=',
            'bearer mock-user-token',
            `Bearer ${'x'.repeat(4000)}`,
          )
          .map(header => ({ header })),
      ),
    });
  }
  parts.push({
    label: 'an unknown query parameter',
    valid: fc.constant(undefined),
    hostile: fc
      .tuple(
        fc.constantFrom(
          'unknown',
          '__proto__',
          'constructor',
          'filter',
          'limit',
          'scope',
          '$where',
          '',
        ),
        fc.oneof(fc.string({ maxLength: 8 }), fc.constant('%00')),
      )
      .map(([k, v]) => [k, v] as [string, string]),
  });
  return parts;
}
