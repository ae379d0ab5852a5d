/**
 * Hostile primitive values: strings (control characters, very long strings, unicode,
 * text with a meaning somewhere), numbers out of range or unrepresentable, and dates
 * that do not exist.
 */
import fc from 'fast-check';
import { JsonSchema } from './openApiDocument';
import { RawJson } from './rawJson';

/** Control characters, NUL first. */
export const CONTROL = [
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
export const UNICODE = [
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
export const LONE_SURROGATES = ['\ud800', 'a\udfffb', '\udbff'];

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
