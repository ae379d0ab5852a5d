/**
 * Hostile request bodies: a field hostile, an extra or a missing field, JSON that is not
 * an object or not JSON, deep nesting, very large bodies.
 */
import fc from 'fast-check';
import { JsonSchema } from './openApiDocument';
import { deepJson, describe, jsonText, RawJson } from './rawJson';
import { RequestParts } from './requestEncoding';
import { SchemaValues } from './schemaValues';

/** Hostile request bodies for a body schema. */
export function hostileBody(
  schema: JsonSchema,
  values: SchemaValues,
  operationId: string,
  validBody: fc.Arbitrary<unknown>,
): fc.Arbitrary<RequestParts['body']> {
  const s = values.resolve(schema);
  const properties = Object.keys(s.properties ?? {});
  const json = (label: string, value: fc.Arbitrary<unknown>) =>
    value.map(v => ({
      kind: 'raw' as const,
      text: jsonText(v),
      contentType: 'application/json',
      label,
    }));
  const options: Array<fc.WeightedArbitrary<RequestParts['body']>> = [
    {
      // One field hostile, the others valid.
      weight: 8,
      arbitrary: properties.length
        ? fc
            .tuple(validBody, fc.constantFrom(...properties))
            .chain(([body, field]) =>
              values
                .hostile(s.properties![field], operationId, field)
                .map(v => ({
                  kind: 'raw' as const,
                  text: jsonText({ ...(body as object), [field]: v }),
                  contentType: 'application/json',
                  label: `body field ${field} hostile (${
                    v instanceof RawJson ? v.label : describe(v)
                  })`,
                })),
            )
        : json('hostile body', values.hostile(s, operationId)),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          validBody,
          fc.constantFrom(
            'extra',
            '__proto__',
            'constructor',
            'id',
            'evaluatedAt',
            '\u0000',
          ),
          fc.jsonValue({ maxDepth: 1 }),
        )
        .map(([body, k, v]) => ({
          kind: 'raw' as const,
          text: jsonText(
            Object.fromEntries([...Object.entries(body as object), [k, v]]),
          ),
          contentType: 'application/json',
          label: `an extra field ${JSON.stringify(k)}`,
        })),
    },
    {
      weight: 2,
      arbitrary: properties.length
        ? fc
            .tuple(validBody, fc.constantFrom(...properties))
            .map(([body, field]) => ({
              kind: 'raw' as const,
              text: jsonText(
                Object.fromEntries(
                  Object.entries(body as object).filter(([k]) => k !== field),
                ),
              ),
              contentType: 'application/json',
              label: `without ${field}`,
            }))
        : json('empty object', fc.constant({})),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          ['null', 'null'],
          ['[]', 'an array'],
          ['"text"', 'a string'],
          ['1e309', 'the number 1e309'],
          ['true', 'true'],
          ['{', 'truncated JSON'],
          ['{"a":}', 'invalid JSON'],
          ["{'a':1}", 'single-quoted JSON'],
          ['\ufeff{}', 'a byte-order mark'],
          ['{}\u0000', 'a trailing NUL'],
          ['', 'an empty body'],
          ['{"a":"\\ud800"}', 'a lone surrogate escape'],
          ['{"a":"\\u0000"}', 'a NUL escape'],
        )
        .map(([text, label]) => ({
          kind: 'raw' as const,
          text,
          contentType: 'application/json',
          label: `body: ${label}`,
        })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 4000, max: 6000 }),
          fc.constantFrom<'object' | 'array'>('object', 'array'),
        )
        .map(([d, shape]) => {
          const deep = deepJson(d, shape);
          return {
            kind: 'raw' as const,
            text: deep.text,
            contentType: 'application/json',
            label: `body: ${deep.label}`,
          };
        }),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 70_000, max: 200_000 }).map(n => ({
        kind: 'raw' as const,
        text: JSON.stringify({ padding: 'p'.repeat(n) }),
        contentType: 'application/json',
        label: `a body of ${n} bytes`,
      })),
    },
  ];
  return fc.oneof(...options);
}
