/**
 * Values derived from a JSON schema (types, enums, bounds, patterns, formats, required
 * properties), made realistic by hints, or hostile: of the wrong type, out of range, with
 * control characters, very long, deeply nested.
 */
import fc from 'fast-check';
import {
  CONTROL,
  hostileDate,
  hostileDateTime,
  hostileNumberJson,
  hostileNumberText,
  hostileString,
  LONE_SURROGATES,
  UNICODE,
} from './hostileValues';
import { JsonSchema, OpenApiDocument, resolveSchema } from './openApiDocument';
import { deepJson, jsonText, RawJson } from './rawJson';
import { Hint } from './realisticHints';
import { dateTime, day } from './realisticValues';

/** Generates values for a schema, valid or hostile. */
export class SchemaValues {
  constructor(
    private readonly doc: OpenApiDocument,
    private readonly hints: Record<string, Hint>,
  ) {}

  resolve(schema: JsonSchema): JsonSchema {
    return resolveSchema(this.doc, schema);
  }

  hint(
    operationId: string,
    name: string | undefined,
    schema: JsonSchema,
  ): Hint | undefined {
    if (name === undefined) return undefined;
    const hint = this.hints[`${operationId}.${name}`] ?? this.hints[name];
    const type = (t?: string) => (t === 'integer' ? 'number' : t);
    const { type: schemaType } = this.resolve(schema);
    // A hint is for a free value: an enum's values are its own (a campaign goal's
    // `type` is not an entity's `spec.type`).
    if (
      !hint ||
      this.resolve(schema).enum ||
      (schemaType && type(hint.type ?? 'string') !== type(schemaType))
    ) {
      return undefined;
    }
    return hint;
  }

  /** A valid value of `schema`, realistic when a hint names it. */
  valid(
    schema: JsonSchema,
    operationId: string,
    name?: string,
    depth = 0,
  ): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    const hint = this.hint(operationId, name, s);
    const generic = this.validGeneric(s, operationId, depth);
    if (!hint) return generic;
    return fc.oneof(
      { weight: 9, arbitrary: hint.valid },
      { weight: 1, arbitrary: generic },
    );
  }

  private validGeneric(
    s: JsonSchema,
    operationId: string,
    depth: number,
  ): fc.Arbitrary<unknown> {
    if (s.enum) return fc.constantFrom(...s.enum);
    const arb = ((): fc.Arbitrary<unknown> => {
      switch (s.type) {
        case 'string':
          if (s.format === 'date') return day;
          if (s.format === 'date-time') return dateTime;
          if (s.pattern) {
            return fc
              .stringMatching(new RegExp(s.pattern))
              .filter(
                v =>
                  v.length >= (s.minLength ?? 0) &&
                  v.length <= (s.maxLength ?? Infinity),
              );
          }
          return fc.string({
            minLength: s.minLength ?? 0,
            maxLength: Math.min(s.maxLength ?? 24, 24),
          });
        case 'integer':
          return fc.integer({
            min: s.minimum ?? -1000,
            max: s.maximum ?? 100_000,
          });
        case 'number':
          return fc.double({
            min: s.minimum ?? -1e6,
            max: s.maximum ?? 1e6,
            noNaN: true,
            noDefaultInfinity: true,
          });
        case 'boolean':
          return fc.boolean();
        case 'array':
          if (depth > 4) return fc.constant([]);
          // Not empty: an empty list is an edge case, for the hostile values.
          return fc.array(
            this.valid(s.items ?? {}, operationId, undefined, depth + 1),
            {
              minLength: 1,
              maxLength: 3,
            },
          );
        case 'object':
        default:
          return this.validObject(s, operationId, depth);
      }
    })();
    return s.nullable ? fc.option(arb, { nil: null, freq: 8 }) : arb;
  }

  private validObject(
    s: JsonSchema,
    operationId: string,
    depth: number,
  ): fc.Arbitrary<unknown> {
    const branches = s.oneOf?.length
      ? s.oneOf.map(b => this.resolve(b))
      : [{} as JsonSchema];
    return fc.oneof(
      ...branches.map(branch => {
        const required = new Set([
          ...(s.required ?? []),
          ...(branch.required ?? []),
        ]);
        // Exactly one branch: leave out what only the other branches require.
        const others = new Set(
          branches.filter(b => b !== branch).flatMap(b => b.required ?? []),
        );
        const properties = Object.fromEntries(
          Object.entries({ ...s.properties, ...branch.properties }).filter(
            ([n]) => required.has(n) || !others.has(n),
          ),
        );
        const names = Object.keys(properties);
        if (!names.length) {
          if (depth > 4) return fc.constant({});
          const additional =
            typeof s.additionalProperties === 'object'
              ? this.valid(
                  s.additionalProperties,
                  operationId,
                  undefined,
                  depth + 1,
                )
              : fc.jsonValue({ maxDepth: 2 });
          return fc.dictionary(
            fc.string({ minLength: 1, maxLength: 12 }),
            additional,
            {
              maxKeys: 4,
            },
          );
        }
        if (depth > 4) {
          // Deep enough: the required properties only.
          return fc.record(
            Object.fromEntries(
              [...required].map(n => [
                n,
                this.valid(properties[n], operationId, n, depth + 1),
              ]),
            ),
          );
        }
        return fc.record(
          Object.fromEntries(
            names.map(n => [
              n,
              this.valid(properties[n], operationId, n, depth + 1),
            ]),
          ),
          { requiredKeys: [...required].filter(n => names.includes(n)) },
        );
      }),
    );
  }

  /**
   * A hostile value in place of a value of `schema`: of the wrong type, out of range,
   * with control characters, very long, deeply nested, or wrong as only its hint knows.
   */
  hostile(
    schema: JsonSchema,
    operationId: string,
    name?: string,
    where: 'query' | 'body' = 'body',
  ): fc.Arbitrary<unknown> {
    const s = this.resolve(schema);
    const hint = this.hint(operationId, name, s);
    const base = hint
      ? hint.valid.map(v => (typeof v === 'string' ? v : jsonText(v)))
      : fc.string({ maxLength: 12 });
    const options: Array<fc.WeightedArbitrary<unknown>> = [
      {
        weight: 1,
        arbitrary: fc.constantFrom(null, true, 0, -1, '', [], {}, ['a', 'b'], {
          $gt: '',
        }),
      },
    ];
    if (hint?.wrong) options.push({ weight: 4, arbitrary: hint.wrong });
    switch (s.type) {
      case 'string':
        options.push({
          weight: 4,
          arbitrary: hostileString(base as fc.Arbitrary<string>, {
            // A query stays within Node's 16 KiB request head.
            maxLength: where === 'query' ? 3000 : 20_000,
            lone: true,
          }),
        });
        if (s.format === 'date')
          options.push({ weight: 3, arbitrary: hostileDate });
        if (s.format === 'date-time')
          options.push({ weight: 3, arbitrary: hostileDateTime });
        if (s.enum) {
          options.push({
            weight: 2,
            arbitrary: fc.constantFrom(
              ...s.enum.map(e => String(e).toUpperCase()),
              'unknown',
              '',
            ),
          });
        }
        if (s.maxLength !== undefined) {
          options.push({
            weight: 1,
            arbitrary: fc.constant('m'.repeat(s.maxLength + 1)),
          });
        }
        break;
      case 'integer':
      case 'number':
        options.push({
          weight: 4,
          arbitrary:
            where === 'query' ? hostileNumberText(s) : hostileNumberJson(s),
        });
        break;
      case 'boolean':
        options.push({
          weight: 2,
          arbitrary: fc.constantFrom('true', 1, 'yes', null),
        });
        break;
      case 'array':
        options.push(
          {
            weight: 2,
            arbitrary: fc
              .integer({ min: 4000, max: 6000 })
              .map(d => deepJson(d, 'array')),
          },
          { weight: 1, arbitrary: fc.constant([]) },
        );
        break;
      case 'object':
      default:
        options.push(
          {
            weight: 4,
            arbitrary: fc
              .tuple(
                fc.integer({ min: 4000, max: 6000 }),
                fc.constantFrom<'object' | 'array' | 'mixed'>(
                  'object',
                  'object',
                  'mixed',
                  'array',
                ),
              )
              .map(([d, shape]) => deepJson(d, shape)),
          },
          {
            weight: 1,
            arbitrary: fc
              .integer({ min: 40, max: 400 })
              .map(d => deepJson(d, 'object')),
          },
          {
            weight: 1,
            arbitrary: fc
              .integer({ min: 2000, max: 20_000 })
              .map(
                n =>
                  new RawJson(
                    `{${Array.from(
                      { length: n },
                      (_, i) => `"k${i}":${i}`,
                    ).join(',')}}`,
                    `an object with ${n} keys`,
                  ),
              ),
          },
          {
            weight: 2,
            arbitrary: fc
              .tuple(
                fc.constantFrom(
                  ...CONTROL,
                  ...LONE_SURROGATES,
                  ...UNICODE,
                  '__proto__',
                  'constructor',
                  '',
                ),
                fc.oneof(
                  hostileString(fc.constant('value')),
                  fc.constant({ polluted: true }),
                ),
              )
              .map(([k, v]) => Object.fromEntries([[k, v]])),
          },
          {
            weight: 1,
            arbitrary: fc.constant(
              new RawJson(
                '{"a":1,"a":{"b":2},"__proto__":{"polluted":true}}',
                'duplicate keys and __proto__',
              ),
            ),
          },
        );
    }
    return fc.oneof(...options);
  }
}
