/**
 * Requests as sent, and their encoding: percent-encoding (lone surrogates as the invalid
 * UTF-8 a sloppy client would write), form bodies, header values.
 */
import { jsonText } from './rawJson';

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

/** How one query parameter is written. */
export type QueryValue =
  | { kind: 'omit' }
  | { kind: 'value'; value: unknown }
  /** Written as it is, `{name}` standing for the parameter's name. */
  | { kind: 'raw'; raw: string; label: string };

/** The pieces of a request before encoding, each valid or hostile. */
export interface RequestParts {
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

/** A body as a form (`application/x-www-form-urlencoded`) would carry it. */
export function formEncode(value: unknown): string {
  if (value === null || typeof value !== 'object') return encode(String(value));
  return Object.entries(value)
    .map(
      ([k, v]) =>
        `${encode(k)}=${encode(typeof v === 'string' ? v : jsonText(v))}`,
    )
    .join('&');
}

/** `value` with the characters a header may not hold replaced by `?`. */
export function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

/** `raw` percent-decoded, or as it is when it is no valid encoding. */
export function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
