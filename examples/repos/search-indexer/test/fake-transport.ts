import type { Heartbeat, IncomingMessage, MessageCallback, OutgoingMessage, Transport } from '../src/transport';

/**
 * In-process stand-in for Kafka with the same contract as KafkaTransport: messages are
 * delivered one at a time, and an offset is "committed" only after the callback resolves.
 * A rejected callback leaves the message uncommitted (Kafka would deliver it again).
 */
export class FakeTransport implements Transport {
  readonly sent: Array<{ topic: string; message: OutgoingMessage }> = [];
  readonly committed: IncomingMessage[] = [];
  readonly uncommitted: IncomingMessage[] = [];
  heartbeats = 0;
  /** Make the next N sends fail, like a broker that is down. */
  failSends = 0;
  private onMessage?: MessageCallback;
  private started = false;

  async start(onMessage: MessageCallback): Promise<void> {
    this.onMessage = onMessage;
    this.started = true;
  }

  /** Delivers messages in order, as a partition would. */
  async deliver(...messages: IncomingMessage[]): Promise<void> {
    if (!this.onMessage) throw new Error('FakeTransport: start() was not called');
    const heartbeat: Heartbeat = async () => {
      this.heartbeats++;
    };
    for (const message of messages) {
      try {
        await this.onMessage(message, heartbeat);
        this.committed.push(message);
      } catch {
        this.uncommitted.push(message);
      }
    }
  }

  async send(topic: string, message: OutgoingMessage): Promise<void> {
    if (this.failSends > 0) {
      this.failSends--;
      throw new Error('broker unavailable');
    }
    this.sent.push({ topic, message });
  }

  isReady(): boolean {
    return this.started;
  }

  async stop(): Promise<void> {
    this.started = false;
  }
}

let nextOffset = 0;

export function message(overrides: Partial<IncomingMessage> & { body?: unknown } = {}): IncomingMessage {
  const { body, ...rest } = overrides;
  return {
    topic: 'catalog.item-changed',
    partition: 0,
    offset: String(nextOffset++),
    key: 'key-1',
    value: JSON.stringify(body ?? { hello: 'world' }),
    headers: {},
    ...rest,
  };
}
