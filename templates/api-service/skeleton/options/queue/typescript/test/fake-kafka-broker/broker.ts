import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { decodeRecordBatches, Reader, Writer, type RecordBatch } from './protocol';

/**
 * A one-node Kafka broker that takes produce requests, speaking the wire protocol at the
 * versions a Kafka 3.5 broker offers (the oldest Kafka @platformatic/kafka supports), which
 * the client picks from ApiVersions. Tests read what the real client sent: each produce
 * request's acks and record batches (producer id, compression, messages).
 * https://kafka.apache.org/protocol#protocol_messages
 */

const ApiKey = { Produce: 0, Metadata: 3, ApiVersions: 18, InitProducerId: 22 } as const;
const VERSIONS = new Map<number, number>([
  [ApiKey.Produce, 9],
  [ApiKey.Metadata, 12],
  [ApiKey.ApiVersions, 3],
  [ApiKey.InitProducerId, 4],
]);
const UNKNOWN_TOPIC_OR_PARTITION = 3;

export interface ProduceRequest {
  topic: string;
  /** -1: the leader waits for all in-sync replicas. */
  acks: number;
  batches: RecordBatch[];
}

export class FakeKafkaBroker {
  readonly host = '127.0.0.1';
  port = 0;
  readonly produced: ProduceRequest[] = [];
  /** Producer ids handed out by InitProducerId: idempotent producers ask for one. */
  readonly producerIds: bigint[] = [];
  /** Requests the broker could not answer; it closes the connection, as a broker does. */
  readonly protocolErrors: string[] = [];
  private readonly topics = new Map<string, string>(); // name -> topic id (hex)
  private readonly sockets = new Set<Socket>();
  private server?: Server;

  static async start(topics: string[]): Promise<FakeKafkaBroker> {
    const broker = new FakeKafkaBroker();
    topics.forEach((topic, i) => broker.topics.set(topic, (i + 1).toString(16).padStart(32, '0')));
    broker.server = createServer((socket) => broker.accept(socket)).listen(0, broker.host);
    await once(broker.server, 'listening');
    broker.port = (broker.server.address() as AddressInfo).port;
    return broker;
  }

  get address(): string {
    return `${this.host}:${this.port}`;
  }

  /** Client connections still open. */
  get openConnections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        try {
          const response = this.handle(frame);
          if (response) socket.write(Buffer.concat([new Writer().int32(response.length).build(), response]));
        } catch (err) {
          this.protocolErrors.push((err as Error).message);
          socket.destroy();
        }
      }
    });
  }

  /** The response frame; undefined when the request wants none (acks=0). Throws on what it cannot read. */
  private handle(frame: Buffer): Buffer | undefined {
    const r = new Reader(frame);
    const apiKey = r.int16();
    const version = r.int16();
    const w = new Writer().int32(r.int32()); // correlation id
    if (VERSIONS.get(apiKey) !== version) throw new Error(`API ${apiKey} v${version} is not supported`);
    r.legacyString(); // client id
    r.taggedFields(); // request header v2; the response header is v1 but for ApiVersions
    if (apiKey !== ApiKey.ApiVersions) w.taggedFields();
    switch (apiKey) {
      case ApiKey.ApiVersions:
        // error, [api key, min version, max version], throttle time
        w.int16(0).array([...VERSIONS], (w, [key, v]) => w.int16(key).int16(v).int16(v)).int32(0);
        break;
      case ApiKey.Metadata: {
        const requested = r.nullableArray((r) => (r.uuid(), r.string()!)) ?? [...this.topics.keys()];
        // throttle, [brokers], cluster id, controller id, [topics]
        w.int32(0).array([0], (w, id) => w.int32(id).string(this.host).int32(this.port).string(null));
        w.string('fake-cluster').int32(0);
        w.array(requested, (w, name) => {
          const id = this.topics.get(name);
          // error, name, id, internal, [partitions: error, index, leader, epoch, replicas, isr, offline], authorized ops
          w.int16(id ? 0 : UNKNOWN_TOPIC_OR_PARTITION).string(name).uuid(id ?? '0'.repeat(32)).bool(false);
          w.array(id ? [0] : [], (w) =>
            w.int16(0).int32(0).int32(0).int32(0).values([0], (w, n) => w.int32(n)).values([0], (w, n) => w.int32(n)).values([], () => undefined),
          );
          w.int32(-2147483648);
        });
        break;
      }
      case ApiKey.InitProducerId: {
        const producerId = BigInt(1000 + this.producerIds.length);
        this.producerIds.push(producerId);
        w.int32(0).int16(0).int64(producerId).int16(0); // throttle, error, producer id, epoch
        break;
      }
      case ApiKey.Produce: {
        r.string(); // transactional id
        const acks = r.int16();
        r.int32(); // timeout
        const topics = r.array((r) => ({
          name: r.string()!,
          partitions: r.array((r) => ({ index: r.int32(), records: r.bytes() ?? Buffer.alloc(0) })),
        }));
        // [responses: name, [partitions: index, error, base offset, log append time, log start
        // offset, [record errors], error message]], throttle
        w.array(topics, (w, t) =>
          w.string(t.name).array(t.partitions, (w, p) => {
            const error = this.topics.has(t.name) ? 0 : UNKNOWN_TOPIC_OR_PARTITION;
            if (!error) this.produced.push({ topic: t.name, acks, batches: decodeRecordBatches(p.records) });
            w.int32(p.index).int16(error).int64(BigInt(this.produced.length - 1)).int64(-1n).int64(0n);
            w.array([], () => undefined).string(null);
          }),
        );
        w.int32(0);
        if (acks === 0) return undefined;
        break;
      }
    }
    return w.taggedFields().build();
  }
}
