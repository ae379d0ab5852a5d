/** A message as the worker sees it, independent of the Kafka client library. */
export interface IncomingMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

export interface OutgoingMessage {
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

/** Keeps the consumer's group membership alive during long processing (retries, backoff). */
export type Heartbeat = () => Promise<void>;

/**
 * Called for each message, one at a time per partition. The transport commits the
 * message's offset only after the returned promise resolves; a rejection means "not
 * handled" and the message is delivered again.
 */
export type MessageCallback = (message: IncomingMessage, heartbeat: Heartbeat) => Promise<void>;

/** What the worker needs from Kafka. KafkaTransport in production, FakeTransport in tests. */
export interface Transport {
  /** Subscribes and starts delivering messages; resolves once consuming has started. */
  start(onMessage: MessageCallback): Promise<void>;
  /** Publishes to another topic (the dead-letter topic); resolves once acknowledged. */
  send(topic: string, message: OutgoingMessage): Promise<void>;
  /** In the consumer group and able to consume. */
  isReady(): boolean;
  /** Finishes the message in hand, commits, leaves the group. */
  stop(): Promise<void>;
}
