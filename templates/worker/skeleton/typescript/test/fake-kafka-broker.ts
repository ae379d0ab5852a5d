import { once } from 'node:events';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';

/**
 * A one-node Kafka broker that speaks just enough of the wire protocol (the v0 requests
 * kafkajs falls back to) for one consumer group member to join, fetch and commit. Tests
 * use it to make kafkajs itself produce its real errors: `down()` drops every connection
 * like a restarting broker, and `failNext()` answers requests with Kafka error codes
 * (NOT_COORDINATOR, REBALANCE_IN_PROGRESS, GROUP_AUTHORIZATION_FAILED...), which kafkajs
 * turns into its own error objects.
 */

export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  ApiVersions: 18,
  InitProducerId: 22,
} as const;

/** Kafka protocol error codes (https://kafka.apache.org/protocol#protocol_error_codes). */
export const ErrorCode = {
  NONE: 0,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_FOR_PARTITION: 6,
  REQUEST_TIMED_OUT: 7,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
} as const;

/** Versions advertised in ApiVersions: kafkajs uses the highest both sides support. */
const SUPPORTED: Array<[number, number, number]> = [
  [ApiKey.Fetch, 0, 0],
  [ApiKey.ListOffsets, 0, 0],
  [ApiKey.Metadata, 1, 1],
  [ApiKey.OffsetCommit, 0, 0],
  [ApiKey.OffsetFetch, 1, 1],
  [ApiKey.FindCoordinator, 0, 0],
  [ApiKey.JoinGroup, 0, 0],
  [ApiKey.Heartbeat, 0, 0],
  [ApiKey.LeaveGroup, 0, 0],
  [ApiKey.SyncGroup, 0, 0],
  [ApiKey.ApiVersions, 0, 2],
  [ApiKey.InitProducerId, 0, 0],
];

class Reader {
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
  string(): string | null {
    const length = this.int16();
    if (length < 0) return null;
    return this.buf.toString('utf8', this.offset, (this.offset += length));
  }
  bytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) return null;
    return this.buf.subarray(this.offset, (this.offset += length));
  }
  array<T>(item: (r: Reader) => T): T[] {
    const count = this.int32();
    const out: T[] = [];
    for (let i = 0; i < count; i++) out.push(item(this));
    return out;
  }
}

class Writer {
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
  int64(v: bigint): this {
    return this.fixed(8, (b) => b.writeBigInt64BE(v));
  }
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const b = Buffer.from(v, 'utf8');
    this.int16(b.length);
    this.parts.push(b);
    return this;
  }
  bytes(v: Buffer | null): this {
    if (v === null) return this.int32(-1);
    this.int32(v.length);
    this.parts.push(v);
    return this;
  }
  array<T>(items: T[], item: (w: Writer, v: T) => void): this {
    this.int32(items.length);
    for (const v of items) item(this, v);
    return this;
  }
  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

interface StoredMessage {
  key: string | null;
  value: string;
}

export interface FakeKafkaBrokerOptions {
  /** Serve TLS with this certificate and key (PEM) instead of plain TCP. */
  tls?: { cert: Buffer; key: Buffer };
}

export class FakeKafkaBroker {
  readonly host = '127.0.0.1';
  port = 0;
  /** Every request received, in order: `Metadata`, `JoinGroup`... */
  readonly requests: string[] = [];
  /** Connections accepted (including those dropped while down). */
  connections = 0;
  /** Offsets committed by the group, by `topic/partition`. */
  readonly committed = new Map<string, bigint>();
  private isDown = false;
  private readonly topics = new Map<string, StoredMessage[]>();
  private readonly faults = new Map<number, number[]>();
  private readonly sockets = new Set<Socket>();
  private readonly waitingFetches = new Set<() => void>();
  private generation = 0;
  private memberSeq = 0;
  private server?: Server;

  static async start(options: FakeKafkaBrokerOptions = {}): Promise<FakeKafkaBroker> {
    const broker = new FakeKafkaBroker();
    const server = options.tls
      ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, (s) => broker.accept(s))
      : createTcpServer((s) => broker.accept(s));
    // TLS handshake failures (a client that does not trust the certificate) are expected.
    server.on('tlsClientError', () => undefined);
    server.listen(0, broker.host);
    await once(server, 'listening');
    broker.server = server;
    broker.port = (server.address() as AddressInfo).port;
    return broker;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  createTopic(topic: string): void {
    if (!this.topics.has(topic)) this.topics.set(topic, []);
  }

  /** Appends a message to partition 0 of `topic` (created if needed). */
  produce(topic: string, value: unknown, key: string | null = null): void {
    this.createTopic(topic);
    this.topics.get(topic)!.push({ key, value: typeof value === 'string' ? value : JSON.stringify(value) });
    for (const wake of this.waitingFetches) wake();
  }

  /** Answers the next `times` requests of `apiKey` with `errorCode`. */
  failNext(apiKey: number, errorCode: number, times = 1): void {
    const queue = this.faults.get(apiKey) ?? [];
    for (let i = 0; i < times; i++) queue.push(errorCode);
    this.faults.set(apiKey, queue);
  }

  /** Injected errors not yet served. */
  pendingFaults(): number {
    return [...this.faults.values()].reduce((n, q) => n + q.length, 0);
  }

  /** A broker restart: drops every connection and closes new ones at once until `up()`. */
  down(): void {
    this.isDown = true;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  up(): void {
    this.isDown = false;
  }

  async close(): Promise<void> {
    this.down();
    for (const wake of this.waitingFetches) wake();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.connections++;
    if (this.isDown) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    // Responses go out in request order, as a broker's do.
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4) {
        const size = pending.readInt32BE(0);
        if (pending.length < 4 + size) break;
        const frame = pending.subarray(4, 4 + size);
        pending = pending.subarray(4 + size);
        chain = chain.then(async () => {
          if (socket.destroyed) return;
          const response = await this.handle(frame).catch(() => undefined);
          if (!response || socket.destroyed) {
            socket.destroy();
            return;
          }
          const size = Buffer.alloc(4);
          size.writeInt32BE(response.length);
          socket.write(Buffer.concat([size, response]));
        });
      }
    });
  }

  private fault(apiKey: number): number {
    const queue = this.faults.get(apiKey);
    return queue?.shift() ?? ErrorCode.NONE;
  }

  private async handle(frame: Buffer): Promise<Buffer | undefined> {
    const r = new Reader(frame);
    const apiKey = r.int16();
    const apiVersion = r.int16();
    const correlationId = r.int32();
    r.string(); // client id
    const name = Object.entries(ApiKey).find(([, key]) => key === apiKey)?.[0] ?? `api-${apiKey}`;
    this.requests.push(name);
    const w = new Writer().int32(correlationId);
    switch (apiKey) {
      case ApiKey.ApiVersions:
        w.int16(ErrorCode.NONE).array(SUPPORTED, (w, [key, min, max]) => w.int16(key).int16(min).int16(max));
        if (apiVersion >= 1) w.int32(0);
        return w.build();
      case ApiKey.Metadata:
        return this.metadata(r, w);
      case ApiKey.FindCoordinator: {
        r.string();
        return w.int16(this.fault(apiKey)).int32(0).string(this.host).int32(this.port).build();
      }
      case ApiKey.JoinGroup:
        return this.joinGroup(r, w);
      case ApiKey.SyncGroup:
        return this.syncGroup(r, w);
      case ApiKey.Heartbeat: {
        r.string();
        const generation = r.int32();
        const error = this.fault(apiKey) || (generation === this.generation ? 0 : ErrorCode.ILLEGAL_GENERATION);
        return w.int16(error).build();
      }
      case ApiKey.LeaveGroup:
        return w.int16(ErrorCode.NONE).build();
      case ApiKey.OffsetFetch: {
        r.string();
        const topics = r.array((r) => ({ topic: r.string()!, partitions: r.array((r) => r.int32()) }));
        return w
          .array(topics, (w, t) =>
            w.string(t.topic).array(t.partitions, (w, p) =>
              w
                .int32(p)
                .int64(this.committed.get(`${t.topic}/${p}`) ?? -1n)
                .string('')
                .int16(ErrorCode.NONE),
            ),
          )
          .build();
      }
      case ApiKey.OffsetCommit: {
        r.string();
        const error = this.fault(apiKey);
        const topics = r.array((r) => ({
          topic: r.string()!,
          partitions: r.array((r) => {
            const partition = r.int32();
            const offset = r.int64();
            r.string();
            return { partition, offset };
          }),
        }));
        return w
          .array(topics, (w, t) =>
            w.string(t.topic).array(t.partitions, (w, p) => {
              if (!error) this.committed.set(`${t.topic}/${p.partition}`, p.offset);
              w.int32(p.partition).int16(error);
            }),
          )
          .build();
      }
      case ApiKey.ListOffsets: {
        r.int32();
        const topics = r.array((r) => ({
          topic: r.string()!,
          partitions: r.array((r) => {
            const partition = r.int32();
            const timestamp = r.int64();
            r.int32();
            return { partition, timestamp };
          }),
        }));
        return w
          .array(topics, (w, t) =>
            w.string(t.topic).array(t.partitions, (w, p) => {
              const end = BigInt(this.topics.get(t.topic)?.length ?? 0);
              w.int32(p.partition).int16(ErrorCode.NONE).array([p.timestamp === -2n ? 0n : end], (w, o) => w.int64(o));
            }),
          )
          .build();
      }
      case ApiKey.Fetch:
        return this.fetch(r, w);
      case ApiKey.InitProducerId:
        // The dead-letter producer is idempotent: it asks for a producer id when it connects.
        return w.int32(0).int16(ErrorCode.NONE).int64(1n).int16(0).build();
      default:
        return undefined; // unsupported: the connection is closed
    }
  }

  /** Metadata v1: a null topic list means all topics. */
  private metadata(r: Reader, w: Writer): Buffer {
    const requested = r.array((r) => r.string()!);
    const error = this.fault(ApiKey.Metadata);
    const names = requested.length > 0 ? requested : [...this.topics.keys()];
    w.array([0], (w) => w.int32(0).string(this.host).int32(this.port).string(null));
    w.int32(0); // controller id
    w.array(names, (w, topic) => {
      const topicError = error || (this.topics.has(topic) ? 0 : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      w.int16(topicError).string(topic).int8(0);
      const partitions = topicError ? [] : [0];
      w.array(partitions, (w, p) =>
        w
          .int16(ErrorCode.NONE)
          .int32(p)
          .int32(0)
          .array([0], (w, n) => w.int32(n))
          .array([0], (w, n) => w.int32(n)),
      );
    });
    return w.build();
  }

  private joinGroup(r: Reader, w: Writer): Buffer {
    r.string();
    r.int32();
    const requestedMemberId = r.string() ?? '';
    r.string();
    const protocols = r.array((r) => ({ name: r.string()!, metadata: r.bytes() ?? Buffer.alloc(0) }));
    const error = this.fault(ApiKey.JoinGroup);
    if (error) {
      return w.int16(error).int32(-1).string('').string('').string(requestedMemberId).array([], () => undefined).build();
    }
    // A single-member group: whoever joins leads it, in a new generation.
    const memberId = requestedMemberId || `member-${++this.memberSeq}`;
    this.generation++;
    const protocol = protocols[0]!;
    return w
      .int16(ErrorCode.NONE)
      .int32(this.generation)
      .string(protocol.name)
      .string(memberId)
      .string(memberId)
      .array([memberId], (w, id) => w.string(id).bytes(protocol.metadata))
      .build();
  }

  private syncGroup(r: Reader, w: Writer): Buffer {
    r.string();
    const generation = r.int32();
    const memberId = r.string();
    const assignments = r.array((r) => ({ memberId: r.string(), assignment: r.bytes() }));
    const error = this.fault(ApiKey.SyncGroup) || (generation === this.generation ? 0 : ErrorCode.ILLEGAL_GENERATION);
    if (error) return w.int16(error).bytes(Buffer.alloc(0)).build();
    const mine = assignments.find((a) => a.memberId === memberId)?.assignment ?? Buffer.alloc(0);
    return w.int16(ErrorCode.NONE).bytes(mine).build();
  }

  private async fetch(r: Reader, w: Writer): Promise<Buffer> {
    r.int32();
    const maxWaitMs = r.int32();
    r.int32();
    const topics = r.array((r) => ({
      topic: r.string()!,
      partitions: r.array((r) => {
        const partition = r.int32();
        const offset = r.int64();
        r.int32();
        return { partition, offset };
      }),
    }));
    const error = this.fault(ApiKey.Fetch);
    const available = () =>
      topics.some((t) => t.partitions.some((p) => BigInt(this.topics.get(t.topic)?.length ?? 0) > p.offset));
    if (!error && !available()) {
      // Long poll, like a broker: until a message arrives or max wait (capped to keep tests quick).
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waitingFetches.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(maxWaitMs, 250));
        this.waitingFetches.add(wake);
      });
    }
    return w
      .array(topics, (w, t) =>
        w.string(t.topic).array(t.partitions, (w, p) => {
          const log = this.topics.get(t.topic) ?? [];
          w.int32(p.partition).int16(error).int64(BigInt(log.length));
          w.bytes(error ? Buffer.alloc(0) : messageSet(log, p.offset));
        }),
      )
      .build();
  }
}

/** MessageSet v0 entries from `from` on: offset, size, then crc, magic 0, attributes, key, value. */
function messageSet(log: StoredMessage[], from: bigint): Buffer {
  const w = new Writer();
  for (let offset = from; offset < BigInt(log.length); offset++) {
    const m = log[Number(offset)]!;
    const message = new Writer()
      .int32(0) // crc: kafkajs does not check it
      .int8(0)
      .int8(0)
      .bytes(m.key === null ? null : Buffer.from(m.key))
      .bytes(Buffer.from(m.value))
      .build();
    w.int64(offset).bytes(message);
  }
  return w.build();
}
