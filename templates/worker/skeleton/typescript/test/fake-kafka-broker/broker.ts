import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { ApiKey, ErrorCode, HANDLERS, VERSIONS, type BrokerState, type Topic } from './apis';
import { Reader, Writer, type StoredMessage } from './protocol';

export { ApiKey, ErrorCode };

/**
 * A one-node Kafka broker that speaks enough of the wire protocol (see ./apis.ts) for one
 * consumer group member to join, fetch and commit, and for a producer to write. Tests use
 * it to make the real Kafka client produce its real errors: `down()` drops every
 * connection like a restarting broker, and `failNext()` answers requests with Kafka error
 * codes (NOT_COORDINATOR, REBALANCE_IN_PROGRESS, GROUP_AUTHORIZATION_FAILED...), which the
 * client turns into its own error objects.
 */

export interface FakeKafkaBrokerOptions {
  /** Serve TLS with this certificate and key (PEM) instead of plain TCP. */
  tls?: { cert: Buffer; key: Buffer };
}

/** A message as tests see it: text key, value and headers. */
export interface TopicMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export class FakeKafkaBroker implements BrokerState {
  readonly host = '127.0.0.1';
  port = 0;
  /** Every request received, in order: `Metadata v12`, `JoinGroup v9`... */
  readonly requests: string[] = [];
  /**
   * Requests the broker could not answer (an API or version it does not speak, a body it
   * could not read); it closes the connection, as a broker does. Tests expect none.
   */
  readonly protocolErrors: string[] = [];
  readonly committed = new Map<string, bigint>();
  readonly topics = new Map<string, Topic>();
  readonly group: { generation: number; memberId?: string } = { generation: 0 };
  private isDown = false;
  private readonly faults = new Map<number, number[]>();
  private readonly sockets = new Set<Socket>();
  private readonly waitingFetches = new Set<() => void>();
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

  createTopic(name: string): void {
    if (!this.topics.has(name)) this.topics.set(name, { id: randomBytes(16).toString('hex'), log: [] });
  }

  /** Appends a message to partition 0 of `topic` (created if needed), as a producer would. */
  produce(topic: string, value: unknown, options: { key?: string; headers?: Record<string, string> } = {}): void {
    const headers = Object.entries(options.headers ?? {}).map(([k, v]) => [k, Buffer.from(v)] as [string, Buffer]);
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    this.createTopic(topic);
    this.append(topic, [
      { key: options.key === undefined ? null : Buffer.from(options.key), value: Buffer.from(text), headers, timestamp: BigInt(Date.now()) },
    ]);
  }

  /** The messages in partition 0 of `topic`, oldest first. */
  messages(topic: string): TopicMessage[] {
    return (this.topics.get(topic)?.log ?? []).map((m) => ({
      key: m.key?.toString() ?? null,
      value: m.value?.toString() ?? null,
      headers: Object.fromEntries(m.headers.map(([k, v]) => [k, v?.toString() ?? ''])),
    }));
  }

  append(topic: string, messages: StoredMessage[]): bigint {
    this.createTopic(topic);
    const log = this.topics.get(topic)!.log;
    const baseOffset = BigInt(log.length);
    log.push(...messages);
    for (const wake of this.waitingFetches) wake();
    return baseOffset;
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

  fault(apiKey: number): number {
    return this.faults.get(apiKey)?.shift() ?? ErrorCode.NONE;
  }

  waitForData(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waitingFetches.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.waitingFetches.add(wake);
    });
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
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        chain = chain.then(async () => {
          if (socket.destroyed) return;
          const response = await this.handle(frame);
          if (response === 'close' || socket.destroyed) {
            socket.destroy();
          } else if (response) {
            socket.write(Buffer.concat([new Writer().int32(response.length).build(), response]));
          }
        });
      }
    });
  }

  /** The response frame, undefined when the request wants none (acks=0), or 'close'. */
  private async handle(frame: Buffer): Promise<Buffer | undefined | 'close'> {
    const r = new Reader(frame);
    const apiKey = r.int16();
    const version = r.int16();
    const correlationId = r.int32();
    const name = Object.entries(ApiKey).find(([, key]) => key === apiKey)?.[0] ?? `api-${apiKey}`;
    this.requests.push(`${name} v${version}`);
    const handler = HANDLERS.get(apiKey);
    if (!handler || VERSIONS.get(apiKey) !== version) {
      this.protocolErrors.push(`${name} v${version} is not supported (ApiVersions offered v${VERSIONS.get(apiKey)})`);
      return 'close';
    }
    try {
      r.legacyString(); // client id
      r.taggedFields(); // request header v2
      // Response header v1: correlation id and tagged fields; ApiVersions keeps header v0.
      const w = new Writer().int32(correlationId);
      if (apiKey !== ApiKey.ApiVersions) w.taggedFields();
      const acks = apiKey === ApiKey.Produce ? peekAcks(frame) : -1;
      await handler(this, r, w);
      return acks === 0 ? undefined : w.taggedFields().build();
    } catch (err) {
      this.protocolErrors.push(`${name} v${version}: ${(err as Error).message}`);
      return 'close';
    }
  }
}

/** Produce's acks field, which follows the header and the transactional id. */
function peekAcks(frame: Buffer): number {
  const r = new Reader(frame);
  r.raw(8);
  r.legacyString();
  r.taggedFields();
  r.string();
  return r.int16();
}
