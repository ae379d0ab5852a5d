/** JSON text with parts no JavaScript value can hold, and short descriptions of values. */
import fc from 'fast-check';

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

/** A short description of a value, for labels. */
export function describe(value: unknown): string {
  const text =
    typeof value === 'string' ? JSON.stringify(value) : jsonText(value);
  return text.length > 60
    ? `${text.slice(0, 40)}… (${text.length} chars)`
    : text;
}
