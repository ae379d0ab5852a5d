import { gunzipSync } from 'node:zlib';

/*
 * Kafka wire encoding (https://kafka.apache.org/protocol#protocol_types) for the fake
 * broker, written independently of the client under test. Every API the broker speaks is
 * at a "flexible" version: compact strings, arrays and bytes (unsigned-varint lengths, plus
 * one) and a tagged-field section closing each structure.
 */

export class Reader {
  private offset = 0;
  constructor(private readonly buf: Buffer) {}

  int8(): number {
    return this.buf.readInt8((this.offset += 1) - 1);
  }
  int16(): number {
    return this.buf.readInt16BE((this.offset += 2) - 2);
  }
  int32(): number {
    return this.buf.readInt32BE((this.offset += 4) - 4);
  }
  int64(): bigint {
    return this.buf.readBigInt64BE((this.offset += 8) - 8);
  }
  bool(): boolean {
    return this.int8() !== 0;
  }
  uuid(): string {
    return this.buf.toString('hex', this.offset, (this.offset += 16));
  }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.buf.readUInt8(this.offset++);
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
  }
  /** Zig-zag signed varint (record fields). */
  varint(): number {
    const n = this.uvarint();
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }
  /** Request header client_id: a classic INT16-length nullable string, even in flexible requests. */
  legacyString(): string | null {
    const length = this.int16();
    return length < 0 ? null : this.buf.toString('utf8', this.offset, (this.offset += length));
  }
  string(): string | null {
    const length = this.uvarint() - 1;
    return length < 0 ? null : this.buf.toString('utf8', this.offset, (this.offset += length));
  }
  bytes(): Buffer | null {
    const length = this.uvarint() - 1;
    return length < 0 ? null : this.buf.subarray(this.offset, (this.offset += length));
  }
  /** Length-prefixed (zig-zag varint) bytes inside a record; -1 is null. */
  varBytes(): Buffer | null {
    const length = this.varint();
    return length < 0 ? null : this.buf.subarray(this.offset, (this.offset += length));
  }
  raw(length: number): Buffer {
    return this.buf.subarray(this.offset, (this.offset += length));
  }
  /** A compact array whose entries each end with a tagged-field section. */
  array<T>(item: (r: Reader) => T): T[] {
    return this.nullableArray(item) ?? [];
  }
  nullableArray<T>(item: (r: Reader) => T): T[] | null {
    const count = this.uvarint() - 1;
    if (count < 0) return null;
    const out: T[] = [];
    for (let i = 0; i < count; i++) {
      out.push(item(this));
      this.taggedFields();
    }
    return out;
  }
  /** A compact array of plain values (INT32 partition indexes...): no tagged fields. */
  values<T>(item: (r: Reader) => T): T[] | null {
    const count = this.uvarint() - 1;
    if (count < 0) return null;
    return Array.from({ length: count }, () => item(this));
  }
  /** Skips a tagged-field section: the broker knows none of the optional tags. */
  taggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) {
      this.uvarint();
      this.raw(this.uvarint());
    }
  }
  get remaining(): number {
    return this.buf.length - this.offset;
  }
}

export class Writer {
  private readonly parts: Buffer[] = [];

  private fixed(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size);
    write(b);
    this.parts.push(b);
    return this;
  }
  int8(v: number): this {
    return this.fixed(1, (b) => b.writeInt8(v));
  }
  int16(v: number): this {
    return this.fixed(2, (b) => b.writeInt16BE(v));
  }
  int32(v: number): this {
    return this.fixed(4, (b) => b.writeInt32BE(v));
  }
  uint32(v: number): this {
    return this.fixed(4, (b) => b.writeUInt32BE(v));
  }
  int64(v: bigint): this {
    return this.fixed(8, (b) => b.writeBigInt64BE(v));
  }
  bool(v: boolean): this {
    return this.int8(v ? 1 : 0);
  }
  uuid(hex: string): this {
    this.parts.push(Buffer.from(hex, 'hex'));
    return this;
  }
  uvarint(v: number): this {
    const bytes: number[] = [];
    do {
      let byte = v % 128;
      v = Math.floor(v / 128);
      if (v > 0) byte |= 0x80;
      bytes.push(byte);
    } while (v > 0);
    this.parts.push(Buffer.from(bytes));
    return this;
  }
  varint(v: number): this {
    return this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }
  string(v: string | null): this {
    if (v === null) return this.uvarint(0);
    const b = Buffer.from(v, 'utf8');
    this.uvarint(b.length + 1);
    return this.raw(b);
  }
  bytes(v: Buffer | null): this {
    if (v === null) return this.uvarint(0);
    this.uvarint(v.length + 1);
    return this.raw(v);
  }
  varBytes(v: Buffer | null): this {
    if (v === null) return this.varint(-1);
    this.varint(v.length);
    return this.raw(v);
  }
  raw(b: Buffer): this {
    this.parts.push(b);
    return this;
  }
  /** A compact array whose entries each end with an (empty) tagged-field section. */
  array<T>(items: T[] | null, item: (w: Writer, v: T) => void): this {
    if (items === null) return this.uvarint(0);
    this.uvarint(items.length + 1);
    for (const v of items) {
      item(this, v);
      this.taggedFields();
    }
    return this;
  }
  /** A compact array of plain values: no tagged fields. */
  values<T>(items: T[], item: (w: Writer, v: T) => void): this {
    this.uvarint(items.length + 1);
    for (const v of items) item(this, v);
    return this;
  }
  taggedFields(): this {
    return this.uvarint(0);
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface StoredMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers: Array<[string, Buffer | null]>;
  timestamp: bigint;
}

/** CRC-32C (Castagnoli), which record batches carry over everything after the crc field. */
const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

export function crc32c(buf: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buf) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** A record batch (magic 2) holding `messages`, the first of them at `baseOffset`. */
export function encodeRecordBatch(baseOffset: bigint, messages: StoredMessage[]): Buffer {
  const first = messages[0]?.timestamp ?? BigInt(Date.now());
  const records = messages.map((m, i) => {
    const body = new Writer()
      .int8(0) // attributes
      .varint(Number(m.timestamp - first))
      .varint(i)
      .varBytes(m.key)
      .varBytes(m.value)
      .varint(m.headers.length);
    for (const [key, value] of m.headers) body.varBytes(Buffer.from(key)).varBytes(value);
    const encoded = body.build();
    return new Writer().varint(encoded.length).raw(encoded).build();
  });
  const afterCrc = new Writer()
    .int16(0) // attributes: no compression, not transactional
    .int32(messages.length - 1) // last offset delta
    .int64(first)
    .int64(messages.reduce((max, m) => (m.timestamp > max ? m.timestamp : max), first))
    .int64(-1n) // producer id
    .int16(-1) // producer epoch
    .int32(-1) // base sequence
    .int32(messages.length)
    .raw(Buffer.concat(records))
    .build();
  const batch = new Writer().int32(0).int8(2).uint32(crc32c(afterCrc)).raw(afterCrc).build();
  return new Writer().int64(baseOffset).int32(batch.length).raw(batch).build();
}

export interface RecordBatch {
  /** The idempotent producer's id; -1 for a producer that is not idempotent. */
  producerId: bigint;
  /** 0: none, 1: gzip. */
  compression: number;
  messages: StoredMessage[];
}

/** The record batches a producer sent; throws on a bad CRC, as a broker rejects them. */
export function decodeRecordBatches(buf: Buffer): RecordBatch[] {
  const r = new Reader(buf);
  const batches: RecordBatch[] = [];
  while (r.remaining > 0) {
    r.int64(); // base offset: the broker assigns offsets
    const batch = new Reader(r.raw(r.int32()));
    batch.int32(); // partition leader epoch
    if (batch.int8() !== 2) throw new Error('only record batch v2 (magic 2) is supported');
    const crc = batch.int32() >>> 0;
    const rest = batch.raw(batch.remaining);
    if (crc32c(rest) !== crc) throw new Error('record batch CRC mismatch');
    const body = new Reader(rest);
    const attributes = body.int16();
    body.int32(); // last offset delta
    const firstTimestamp = body.int64();
    body.int64(); // max timestamp
    const producerId = body.int64();
    body.raw(2 + 4); // producer epoch, base sequence
    const count = body.int32();
    const compression = attributes & 0x7;
    if (compression > 1) throw new Error(`compression codec ${compression} is not supported`);
    const records = new Reader(compression === 1 ? gunzipSync(body.raw(body.remaining)) : body.raw(body.remaining));
    const messages: StoredMessage[] = [];
    for (let i = 0; i < count; i++) {
      const record = new Reader(records.raw(records.varint()));
      record.int8(); // attributes
      const timestamp = firstTimestamp + BigInt(record.varint());
      record.varint(); // offset delta
      const key = record.varBytes();
      const value = record.varBytes();
      const headers = Array.from({ length: record.varint() }, () => {
        const name = record.varBytes()?.toString('utf8') ?? '';
        return [name, record.varBytes()] as [string, Buffer | null];
      });
      messages.push({ key, value, headers, timestamp });
    }
    batches.push({ producerId, compression, messages });
  }
  return batches;
}
