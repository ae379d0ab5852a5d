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
 */
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------
// The document

/** The subset of JSON Schema (OpenAPI 3.0 dialect) the generators understand. */
export interface JsonSchema {
  $ref?: string;
  type?: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  enum?: readonly unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  properties?: Readonly<Record<string, JsonSchema>>;
  required?: readonly string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  oneOf?: readonly JsonSchema[];
  allOf?: readonly JsonSchema[];
}

/** A parameter, its `$ref` followed. */
export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

/** One path × method of the document. */
export interface Operation {
  operationId: string;
  method: string;
  /** The path as the document writes it, e.g. `/facts/{kind}/{namespace}/{name}`. */
  template: string;
  parameters: Parameter[];
  body?: { required: boolean; schema: JsonSchema };
  /** Whether the operation needs credentials (its `security` is not empty). */
  authenticated: boolean;
}

type Document = {
  paths: Record<string, Record<string, any>>;
  components: Record<string, Record<string, any>>;
  security?: unknown[];
};

/** Follows `$ref`s (and merges `allOf`) until a schema with content. */
export function resolveSchema(doc: Document, schema: JsonSchema): JsonSchema {
  let resolved = schema;
  while (resolved.$ref) {
    const [, , section, name] = resolved.$ref.split('/');
    const { $ref: _ref, ...rest } = resolved;
    resolved = { ...doc.components[section][name], ...rest };
  }
  if (resolved.allOf) {
    const { allOf, ...rest } = resolved;
    return allOf.reduce<JsonSchema>(
      (merged, part) => {
        const r = resolveSchema(doc, part);
        return {
          ...r,
          ...merged,
          properties: { ...r.properties, ...merged.properties },
          required: [...(r.required ?? []), ...(merged.required ?? [])],
        };
      },
      { ...rest },
    );
  }
  return resolved;
}

/** Every path × method of the document. */
export function operationsOf(spec: unknown): Operation[] {
  const doc = spec as Document;
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const parameters: Parameter[] = (op.parameters ?? []).map((p: any) => {
        const param = p.$ref ? resolveSchema(doc, p) : p;
        return {
          name: param.name,
          in: param.in,
          required: Boolean(param.required),
          schema: param.schema ?? { type: 'string' },
        } as Parameter;
      });
      const json = op.requestBody?.content?.['application/json'];
      return {
        operationId: op.operationId,
        method: method.toUpperCase(),
        template,
        parameters,
        body: json
          ? { required: Boolean(op.requestBody.required), schema: json.schema }
          : undefined,
        authenticated: (op.security ?? doc.security ?? []).length > 0,
      };
    }),
  );
}

// ---------------------------------------------------------------------------------------
// JSON text with parts no JavaScript value can hold

/**
 * JSON text kept as it is in a body: numbers such as `1e309` (Infinity once parsed),
 * deep nesting (thousands of levels, written without recursion), duplicate keys.
 */
export class RawJson {
  constructor(readonly text: string, readonly label: string) {}
  [fc.toStringMethod]() {
    return `RawJson(${this.label})`;
  }
  toString() {
    return `<${this.label}>`;
  }
}

/** JSON text of a value that may hold {@link RawJson} parts. */
export function jsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** `depth` levels of `{"a":…}` (or `[…]`) around `leaf`. */
export function deepJson(
  depth: number,
  shape: 'object' | 'array' | 'mixed',
  leaf = '1',
): RawJson {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < depth; i++) {
    const array = shape === 'array' || (shape === 'mixed' && i % 2 === 1);
    open.push(array ? '[' : '{"a":');
    close.push(array ? ']' : '}');
  }
  return new RawJson(
    `${open.join('')}${leaf}${close.reverse().join('')}`,
    `${shape === 'array' ? 'arrays' : 'objects'} nested ${depth} levels deep`,
  );
}

// ---------------------------------------------------------------------------------------
// Hostile values

/** Control characters, NUL first. */
const CONTROL = [
  '\u0000',
  '\u0001',
  '\u0007',
  '\b',
  '\t',
  '\n',
  '\r',
  '\u001b',
  '\u007f',
];

/** Unicode that trips naive code: astral, combining, bidi, BOM, zero-width, homoglyphs. */
const UNICODE = [
  'ünïcödé',
  'Ωmega',
  '名前',
  '🚀🔥',
  'e\u0301\u0301\u0301',
  '\u202eevil',
  '\ufeffbom',
  'zero\u200bwidth',
  'ＣＯＭＰＯＮＥＮＴ',
  'ǅ',
  'İstanbul',
  '\u2028\u2029',
];

/** Strings with a meaning somewhere: SQL, LIKE and regex wildcards, prototypes, paths. */
const TRICKY = [
  '',
  ' ',
  "' OR '1'='1",
  '"; DROP TABLE paved_road_results; --',
  '%',
  '_',
  '*',
  '\\',
  '.*',
  '$where',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{"$gt":""}',
  '${jndi:ldap://x}',
  '0',
  '-1',
];

/** A lone surrogate: valid in a JSON string escape, not in UTF-8 or PostgreSQL. */
const LONE_SURROGATES = ['\ud800', 'a\udfffb', '\udbff'];

/** `base` with a control character inserted at a random place. */
const withControl = (base: fc.Arbitrary<string>) =>
  fc
    .tuple(
      base,
      // NUL most often: the one PostgreSQL refuses in text.
      fc.oneof(fc.constant('\u0000'), fc.constantFrom(...CONTROL)),
      fc.nat(),
    )
    .map(([s, c, at]) => {
      const i = s.length ? at % (s.length + 1) : 0;
      return `${s.slice(0, i)}${c}${s.slice(i)}`;
    });

/** Very long strings, some of them ReDoS bait (`aaaa…!`). */
const longString = (max: number) =>
  fc.oneof(
    fc
      .tuple(
        fc.integer({ min: 256, max }),
        fc.constantFrom('a', 'x', '9', 'é', '/'),
      )
      .map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
    fc.integer({ min: 32, max }).map(n => `${'a'.repeat(n)}!`),
    fc
      .tuple(
        fc.integer({ min: 64, max }),
        fc.string({ minLength: 1, maxLength: 8 }),
      )
      .map(([n, s]) => s.repeat(Math.ceil(n / s.length)).slice(0, n)),
  );

/** Hostile strings; `base` gives realistic values to corrupt. */
export function hostileString(
  base: fc.Arbitrary<string>,
  options: { maxLength?: number; lone?: boolean } = {},
): fc.Arbitrary<string> {
  const maxLength = options.maxLength ?? 3000;
  return fc.oneof(
    { weight: 4, arbitrary: withControl(base) },
    { weight: 1, arbitrary: fc.constantFrom(...CONTROL) },
    { weight: 2, arbitrary: longString(maxLength) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(base, fc.constantFrom(...UNICODE))
        .map(([s, u]) => `${s}${u}`),
    },
    { weight: 1, arbitrary: fc.constantFrom(...UNICODE) },
    { weight: 2, arbitrary: fc.constantFrom(...TRICKY) },
    { weight: 1, arbitrary: base.map(s => s.toUpperCase()) },
    { weight: 1, arbitrary: base.map(s => ` ${s} `) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: 'binary', maxLength: 40 }),
    },
    ...(options.lone
      ? [{ weight: 1, arbitrary: fc.constantFrom(...LONE_SURROGATES) }]
      : []),
  );
}

/** Numbers (as query text) out of range, not numbers, or in an unusual notation. */
export function hostileNumberText(schema: JsonSchema): fc.Arbitrary<string> {
  const bounds = [
    schema.minimum !== undefined ? String(schema.minimum - 1) : '-1',
    schema.maximum !== undefined ? String(schema.maximum + 1) : '1e21',
  ];
  return fc.constantFrom(
    ...bounds,
    '1e309',
    '-1e309',
    'NaN',
    'Infinity',
    '-Infinity',
    '1.5',
    '0x10',
    '1e3',
    '+5',
    '-0',
    ' 7',
    '7 ',
    '7abc',
    '',
    '9'.repeat(400),
    '0.0000000000000000000001',
    '9007199254740993',
    '١٢',
  );
}

/** Numbers (as JSON text) out of range or unrepresentable. */
export function hostileNumberJson(schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(
      ...[
        schema.minimum !== undefined ? schema.minimum - 1e-9 : -1,
        schema.maximum !== undefined ? schema.maximum + 1 : 1e21,
        -1,
        Number.MAX_SAFE_INTEGER + 2,
        1.5,
      ],
    ),
    fc
      .constantFrom(
        '1e309',
        '-1e309',
        '-0',
        '1e-400',
        '1E2',
        '0.1e1',
        `1${'0'.repeat(400)}`,
      )
      .map(t => new RawJson(t, `the number ${t}`)),
    fc.constantFrom('NaN', 'Infinity', '12', '', 'twelve', '1e309'),
  );
}

/** Dates (YYYY-MM-DD) that do not exist or are out of any sensible range. */
export const hostileDate = fc.constantFrom(
  '2026-02-30',
  '2025-02-29',
  '2026-04-31',
  '2026-13-01',
  '2026-00-10',
  '2026-01-00',
  '2026-01-32',
  '0001-01-01',
  '0000-01-01',
  '3026-01-01',
  '9999-12-31',
  '99999-01-01',
  '+002026-01-01',
  '-2026-01-01',
  '2026-1-1',
  '20260101',
  '2026-01-01T00:00:00Z',
  '2026/01/01',
  'yesterday',
  '1970-01-01',
  '2026-01-01\u0000',
);

/** Date-times that do not exist or are out of range. */
export const hostileDateTime = fc.constantFrom(
  '2026-02-30T00:00:00Z',
  '2026-01-01T25:00:00Z',
  '2026-01-01T23:59:60Z',
  '0001-01-01T00:00:00Z',
  '0000-01-01T00:00:00Z',
  '3026-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.001Z',
  '-000001-01-01T00:00:00Z',
  '2026-01-01',
  '2026-01-01T00:00:00',
  '2026-01-01T00:00:00+25:00',
  '1e309',
  'now',
  '',
);

// ---------------------------------------------------------------------------------------
// Realistic values

/** What the generators know about the backend's data, read from it at start-up. */
export interface Realistic {
  /** Every entity ref of the catalog. */
  entityRefs: string[];
  /** Scorecard, level and check ids of the loaded definitions, and their guardrails. */
  scorecardIds: string[];
  levelIds: string[];
  checkIds: string[];
  guardrails: string[];
  /** Fact paths the rules use and the facts have. */
  factPaths: string[];
  /** Paths of the facts that hold strings, and of pushed facts. */
  stringFactPaths: string[];
  pushedFactPaths: string[];
  /** Fact source ids (and pushed sources). */
  sourceIds: string[];
  kinds: string[];
  types: string[];
  lifecycles: string[];
  templateVersions: string[];
  /** ETags the backend answered with. */
  etags: string[];
}

const refKind = (ref: string) => ref.slice(0, ref.indexOf(':'));

/** Ways one entity ref may be written: the kind's case, shorthands. */
function refVariants(ref: string, defaultKind?: string): fc.Arbitrary<string> {
  const kind = refKind(ref);
  const [namespace, name] = ref.slice(kind.length + 1).split('/');
  const variants = [
    ref,
    `${kind[0].toUpperCase()}${kind.slice(1)}:${namespace}/${name}`,
    `${kind}:${name}`,
  ];
  if (defaultKind === kind) variants.push(name, `${namespace}/${name}`);
  return fc.constantFrom(...variants);
}

/** Entity refs of `kinds` (any kind when none), as they may be written. */
function entityRef(
  realistic: Realistic,
  kinds?: string[],
  defaultKind?: string,
): fc.Arbitrary<string> {
  const refs = realistic.entityRefs.filter(
    r => !kinds || kinds.includes(refKind(r)),
  );
  return fc.constantFrom(...refs).chain(ref => refVariants(ref, defaultKind));
}

/** Entity refs that are malformed, or whose kind does not fit (`kinds`). */
function wrongEntityRef(
  realistic: Realistic,
  kinds?: string[],
): fc.Arbitrary<string> {
  const others = realistic.entityRefs.filter(
    r => kinds && !kinds.includes(refKind(r)),
  );
  return fc.oneof(
    ...(others.length
      ? [{ weight: 3, arbitrary: fc.constantFrom(...others) }]
      : []),
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        'a:b:c/d',
        ':/',
        'component:',
        'component:default/',
        '/orders-api',
        ':default/orders-api',
        'component:default/orders-api/extra',
        'component:default/orders api',
        `component:default/${'n'.repeat(64)}`,
        `component:${'n'.repeat(64)}/x`,
        `${'k'.repeat(300)}:default/x`,
        'component:default/-leading',
        'component:default/trailing.',
        'component:default/a..b',
        'component:default/%00',
        'component:default/..',
        'template:default/../../x',
        'org',
        'ORG',
        'group:org',
        'component:default/payments-api\u0000',
        'component:default/ghost-entity',
      ),
    },
    {
      weight: 2,
      arbitrary: hostileString(entityRef(realistic, kinds)),
    },
  );
}

/** An ISO date (YYYY-MM-DD) within the history the backend may hold. */
const day = fc
  .date({
    min: new Date('2024-01-01T00:00:00Z'),
    max: new Date('2027-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map(d => d.toISOString().slice(0, 10));

const dateTime = fc
  .date({
    min: new Date('2020-01-01T00:00:00Z'),
    max: new Date('2027-12-31T00:00:00Z'),
    noInvalidDate: true,
  })
  .map(d => d.toISOString());

/** Patterns that backtrack catastrophically over a long run of `a`s that does not match. */
const CATASTROPHIC_REGEXES = [
  '^(a+)+$',
  '(a|aa)+$',
  '^(a|a?)+$',
  '^(\\w+\\s?)*$',
  '(x+x+)+y',
  '(.*a){25}',
];

/** Invalid patterns, ones RE2 refuses, and ordinary ones. */
const OTHER_REGEXES = [
  '^main$',
  '^release/.*',
  '^([a-z]+)*!$',
  '.*',
  '',
  '(',
  '[',
  '\\1',
  '(?<=a)b',
  '(?=a)',
  'a{1000}{1000}',
  `${'a|'.repeat(400)}a`,
  'x'.repeat(1001),
  '\\p{Lu}',
  '\u0000',
];

const OPERATORS = [
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$exists',
  '$contains',
  '$hasPrefix',
  '$semverGt',
  '$semverGte',
  '$semverLt',
  '$semverLte',
  '$semverSatisfies',
  '$unknownOperator',
];

/**
 * Rules (and `appliesTo` filters) in the scorecards' filter-predicate language, over
 * the fact paths the backend's facts have; patterns mostly over string facts (pushed
 * ones among them, which may be long).
 */
function ruleArbitrary(realistic: Realistic): fc.Arbitrary<unknown> {
  const path = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...realistic.factPaths) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        ' ',
        '.',
        'a..b',
        '__proto__.x',
        'entity.__proto__',
        '$all',
        'x'.repeat(2000),
      ),
    },
  );
  const stringPath = fc.oneof(
    { weight: 1, arbitrary: fc.constantFrom(...realistic.pushedFactPaths) },
    { weight: 1, arbitrary: fc.constantFrom(...realistic.stringFactPaths) },
  );
  const operand = (operator: string): fc.Arbitrary<unknown> => {
    switch (operator) {
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        return fc.oneof(
          fc.double(),
          fc.constantFrom('5', null),
          fc.constant(new RawJson('1e309', 'the number 1e309')),
        );
      case '$in':
        return fc.array(
          fc.oneof(
            fc.constantFrom(...realistic.types, ...realistic.kinds),
            fc.integer(),
          ),
          {
            maxLength: 5,
          },
        );
      case '$exists':
        return fc.oneof(fc.boolean(), fc.constant('yes'));
      case '$semverSatisfies':
        return fc.constantFrom(
          '^2.0.0',
          '>=1.2.3 <2',
          '~1.4',
          'not a range',
          '*',
          '',
        );
      default:
        return fc.oneof(
          fc.constantFrom(...realistic.templateVersions, ...realistic.types),
          fc.integer(),
          fc.constant({}),
        );
    }
  };
  const pattern = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...CATASTROPHIC_REGEXES) },
    { weight: 1, arbitrary: fc.constantFrom(...OTHER_REGEXES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );
  const leaf = fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(stringPath, pattern)
        .map(([p, re]) => Object.fromEntries([[p, { $matches: re }]])),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(path, fc.constantFrom(...OPERATORS))
        .chain(([p, op]) =>
          operand(op).map(v => Object.fromEntries([[p, { [op]: v }]])),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          path,
          fc.oneof(
            fc.boolean(),
            fc.constantFrom(...realistic.types, ...realistic.kinds),
            fc.integer(),
          ),
        )
        .map(([p, v]) => Object.fromEntries([[p, v]])),
    },
  );
  const { rule } = fc.letrec<{ rule: unknown }>(tie => ({
    rule: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      { weight: 4, arbitrary: leaf },
      {
        weight: 1,
        arbitrary: fc
          .array(tie('rule'), { minLength: 1, maxLength: 3 })
          .map(all => ({ $all: all })),
      },
      {
        weight: 1,
        arbitrary: fc
          .array(tie('rule'), { minLength: 1, maxLength: 3 })
          .map(any => ({ $any: any })),
      },
      { weight: 1, arbitrary: tie('rule').map(not => ({ $not: not })) },
    ),
  }));
  return rule;
}

/** Facts as a CI pipeline pushes them. */
function factsArbitrary(): fc.Arbitrary<unknown> {
  return fc.dictionary(
    fc.constantFrom(
      'branch',
      'coverage',
      'passed',
      'tags',
      'scan',
      'version',
      'notes',
    ),
    fc.oneof(
      fc.constantFrom(
        'main',
        'release/2.3',
        '2.3.0',
        'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!',
      ),
      fc.integer({ min: 0, max: 100 }),
      fc.boolean(),
      fc.array(fc.string({ maxLength: 10 }), { maxLength: 4 }),
      fc.dictionary(
        fc.string({ maxLength: 8 }),
        fc.jsonValue({ maxDepth: 2 }),
        { maxKeys: 4 },
      ),
    ),
    { minKeys: 1, maxKeys: 5 },
  );
}

/** Short text as people write it in titles and descriptions. */
const prose = fc.stringMatching(/^[A-Z][a-z]{2,12}( [a-z]{1,10}){0,4}\.?$/);

/** A hint: realistic values for a parameter or property, and what "wrong" looks like for it. */
export interface Hint {
  /** The schema type the hint is for (`string` unless said): a body property named like a query parameter may be another thing. */
  type?: JsonSchema['type'];
  valid: fc.Arbitrary<unknown>;
  /** Values that are wrong in a way only this field can be (a ref of the wrong kind). */
  wrong?: fc.Arbitrary<unknown>;
}

/**
 * Realistic values by parameter or property name. Keys are `name` or
 * `operationId.name` (the latter wins).
 */
export function realisticHints(realistic: Realistic): Record<string, Hint> {
  const ref = (kinds?: string[], defaultKind?: string): Hint => ({
    valid: entityRef(realistic, kinds, defaultKind),
    wrong: wrongEntityRef(realistic, kinds),
  });
  const rule: Hint = {
    type: 'object',
    valid: ruleArbitrary(realistic),
    wrong: fc.constantFrom(
      [],
      'rule',
      1,
      null,
      { $all: 'x' },
      { $not: [] },
      { $foo: 1 },
    ),
  };
  const scorecardId: Hint = {
    valid: fc.constantFrom(...realistic.scorecardIds),
    wrong: fc.constantFrom('unknown-scorecard', 'Golden-Path-Adoption', ''),
  };
  return {
    entityRef: ref(),
    templateRef: ref(['template'], 'template'),
    initiatedBy: ref(['user'], 'user'),
    owner: ref(['group', 'user'], 'group'),
    system: ref(['system'], 'system'),
    'GetHistory.ref': {
      valid: fc.oneof(
        { weight: 2, arbitrary: fc.constant('org') },
        { weight: 5, arbitrary: entityRef(realistic) },
      ),
      wrong: wrongEntityRef(realistic, [
        'component',
        'group',
        'system',
        'domain',
      ]),
    },
    scorecard: scorecardId,
    scorecardId,
    level: {
      valid: fc.constantFrom(...realistic.levelIds, 'none'),
      wrong: fc.constantFrom('platinum', 'NONE', ''),
    },
    kind: {
      valid: fc
        .constantFrom(...realistic.kinds)
        .chain(k => fc.constantFrom(k, k.toLowerCase(), k.toUpperCase())),
    },
    type: { valid: fc.constantFrom(...realistic.types) },
    lifecycle: { valid: fc.constantFrom(...realistic.lifecycles) },
    source: {
      valid: fc.constantFrom(...realistic.sourceIds),
      wrong: fc.constantFrom(
        'CI',
        'ci_pipeline',
        '-ci',
        'ci-',
        'a'.repeat(64),
        'pushed',
        'entity',
      ),
    },
    templateVersion: {
      valid: fc.constantFrom(...realistic.templateVersions),
      wrong: fc.constantFrom(
        '2.3',
        'latest',
        'v',
        '01.2.3',
        '2.3.0.1',
        '2.3.0-',
      ),
    },
    hoursSaved: {
      type: 'number',
      valid: fc.oneof(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
      ),
    },
    createdAt: { valid: dateTime },
    from: { valid: day },
    to: { valid: day },
    facts: { type: 'object', valid: factsArbitrary() },
    rule,
    appliesTo: rule,
    // A scorecard or check posted for a preview: ids, levels and links as definitions have them.
    'PreviewScorecard.id': {
      valid: fc.oneof(
        fc.constantFrom(...realistic.scorecardIds, ...realistic.checkIds),
        fc
          .stringMatching(/^[a-z0-9]+(-[a-z0-9]+)*$/)
          .filter(s => s.length <= 40),
      ),
      wrong: fc.constantFrom('Not An Id', '', '-x', 'a'.repeat(300)),
    },
    'PreviewScorecard.level': { valid: fc.constantFrom(...realistic.levelIds) },
    'PreviewScorecard.levels': {
      type: 'array',
      valid: fc
        .oneof(
          { weight: 3, arbitrary: fc.constant(realistic.levelIds) },
          {
            weight: 1,
            arbitrary: fc.subarray(realistic.levelIds, { minLength: 1 }),
          },
        )
        .map(ids =>
          ids.map(id => ({ id, title: id[0].toUpperCase() + id.slice(1) })),
        ),
      wrong: fc.constantFrom(
        [],
        [
          { id: 'gold', title: 'Gold' },
          { id: 'gold', title: 'Again' },
        ],
      ),
    },
    'PreviewScorecard.link': {
      valid: fc.constantFrom(
        'https://backstage.io/docs',
        '/create',
        '/docs/default/component/orders-api',
      ),
      wrong: fc.constantFrom(
        ['javascript', 'alert(1)'].join(':'),
        'ftp://x',
        '//evil.example',
        'data:text/html,x',
      ),
    },
    'PreviewScorecard.exemptionGuardrail': {
      valid: fc.constantFrom(...realistic.guardrails, 'no-such-guardrail'),
    },
    'PreviewScorecard.title': { valid: prose },
    'PreviewScorecard.description': { valid: prose },
    'PreviewScorecard.markdown': { valid: prose },
    'If-None-Match': {
      valid: fc.constantFrom(...realistic.etags, '*', '"0"', 'W/"weak"'),
    },
  };
}

// ---------------------------------------------------------------------------------------
// Values from schemas

/** Generates values for a schema, valid or hostile. */
export class SchemaValues {
  constructor(
    private readonly doc: Document,
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
    if (
      !hint ||
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

// ---------------------------------------------------------------------------------------
// Requests

/** A request as sent: everything already encoded. */
export interface FuzzRequest {
  operationId: string;
  method: string;
  /** Relative to the plugin's base URL, with the query string. */
  path: string;
  headers: Record<string, string>;
  /** The body as sent, if any. */
  body?: string;
  /** Whether the caller's own Authorization header goes with the request. */
  auth: 'caller' | 'none' | { header: string };
  /** What is hostile about the request, for people reading a counterexample. */
  hostile: string[];
  /** Path parameters and query values as meant (decoded), and the body's value. */
  input: { params: Record<string, unknown>; body?: unknown };
}

const QUERY_SAFE = /[!'()*]/g;
/** Percent-encodes all but the unreserved characters; lone surrogates as invalid UTF-8. */
export function encode(value: string): string {
  try {
    return encodeURIComponent(value).replace(
      QUERY_SAFE,
      c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
    );
  } catch {
    // A lone surrogate: write it as the (invalid) UTF-8 a sloppy client would.
    return Array.from(value)
      .map(ch => {
        const code = ch.charCodeAt(0);
        if (ch.length === 1 && code >= 0xd800 && code <= 0xdfff) {
          return `%${(0xe0 | (code >> 12)).toString(16).toUpperCase()}%${(
            0x80 |
            ((code >> 6) & 0x3f)
          )
            .toString(16)
            .toUpperCase()}%${(0x80 | (code & 0x3f))
            .toString(16)
            .toUpperCase()}`;
        }
        return encodeURIComponent(ch);
      })
      .join('');
  }
}

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

/** How one query parameter is written. */
type QueryValue =
  | { kind: 'omit' }
  | { kind: 'value'; value: unknown }
  /** Written as it is, `{name}` standing for the parameter's name. */
  | { kind: 'raw'; raw: string; label: string };

/** The pieces of a request before encoding, each valid or hostile. */
interface RequestParts {
  params: Array<QueryValue>;
  body:
    | { kind: 'none' }
    | { kind: 'json'; value: unknown }
    | { kind: 'raw'; text: string; contentType?: string; label: string };
  contentType?: string;
  auth: FuzzRequest['auth'];
  extraQuery?: [string, string];
  acceptEncoding?: string;
  hostile: string[];
}

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
  const addressesEntity = ['kind', 'namespace', 'name'].every(n =>
    pathParams.some(p => p.name === n),
  );

  // Each part: [valid, hostile, label].
  type Part<T> = {
    valid: fc.Arbitrary<T>;
    hostile: fc.Arbitrary<T>;
    label: string;
  };
  const parts: Array<Part<any>> = [];

  const validPath: fc.Arbitrary<Record<string, string>> = addressesEntity
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

  // Related parameters written the wrong way round: a reversed range.
  const ranges = [
    ['from', 'to'],
    ['min', 'max'],
    ['offset', 'limit'],
  ].filter(
    ([a, b]) =>
      others.some(p => p.name === a) && others.some(p => p.name === b),
  );

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

/** Hostile request bodies for a body schema. */
function hostileBody(
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

function formEncode(value: unknown): string {
  if (value === null || typeof value !== 'object') return encode(String(value));
  return Object.entries(value)
    .map(
      ([k, v]) =>
        `${encode(k)}=${encode(typeof v === 'string' ? v : jsonText(v))}`,
    )
    .join('&');
}

function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

/** A short description of a value, for labels. */
export function describe(value: unknown): string {
  const text =
    typeof value === 'string' ? JSON.stringify(value) : jsonText(value);
  return text.length > 60
    ? `${text.slice(0, 40)}… (${text.length} chars)`
    : text;
}

export function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
