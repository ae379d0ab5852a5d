import { randomUUID } from 'node:crypto';
import { decodeRecordBatches, encodeRecordBatch, type Reader, type StoredMessage, type Writer } from './protocol';

/*
 * The requests the fake broker answers, at the versions a Kafka 3.5 broker offers (the
 * oldest Kafka @platformatic/kafka supports), which the client picks from ApiVersions.
 * Each handler reads the request body and writes the response body; the comments name
 * the response fields in order. https://kafka.apache.org/protocol#protocol_messages
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
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  UNKNOWN_TOPIC_OR_PARTITION: 3,
  LEADER_NOT_AVAILABLE: 5,
  NOT_LEADER_OR_FOLLOWER: 6,
  REQUEST_TIMED_OUT: 7,
  COORDINATOR_LOAD_IN_PROGRESS: 14,
  COORDINATOR_NOT_AVAILABLE: 15,
  NOT_COORDINATOR: 16,
  ILLEGAL_GENERATION: 22,
  UNKNOWN_MEMBER_ID: 25,
  REBALANCE_IN_PROGRESS: 27,
  TOPIC_AUTHORIZATION_FAILED: 29,
  GROUP_AUTHORIZATION_FAILED: 30,
  MEMBER_ID_REQUIRED: 79,
} as const;

/** The one version of each API the broker speaks (all "flexible"), as [apiKey, version]. */
export const VERSIONS = new Map<number, number>([
  [ApiKey.Produce, 9],
  [ApiKey.Fetch, 15],
  [ApiKey.ListOffsets, 8],
  [ApiKey.Metadata, 12],
  [ApiKey.OffsetCommit, 8],
  [ApiKey.OffsetFetch, 8],
  [ApiKey.FindCoordinator, 4],
  [ApiKey.JoinGroup, 9],
  [ApiKey.Heartbeat, 4],
  [ApiKey.LeaveGroup, 5],
  [ApiKey.SyncGroup, 5],
  [ApiKey.ApiVersions, 3],
  [ApiKey.InitProducerId, 4],
]);

export interface Topic {
  id: string; // 16 bytes, hex: Fetch v13+ names topics by id
  log: StoredMessage[];
}

/** What the handlers read and change: the broker's topics, its one consumer group, faults. */
export interface BrokerState {
  readonly host: string;
  readonly port: number;
  readonly topics: Map<string, Topic>;
  /** Offsets committed by the group, by `topic/partition`. */
  readonly committed: Map<string, bigint>;
  readonly group: { generation: number; memberId?: string };
  /** The next injected error code for `apiKey`, or 0. */
  fault(apiKey: number): number;
  /** Resolves when a message is appended, or after `ms`. */
  waitForData(ms: number): Promise<void>;
  append(topic: string, messages: StoredMessage[]): bigint;
}

let producerIds = 1000;

type Handler = (state: BrokerState, r: Reader, w: Writer) => void | Promise<void>;

const partitionZero = (w: Writer) =>
  // error, index, leader, leader epoch, replicas, in-sync replicas, offline replicas
  w.int16(0).int32(0).int32(0).int32(0).values([0], (w, n) => w.int32(n)).values([0], (w, n) => w.int32(n)).values([], () => undefined);

export const HANDLERS = new Map<number, Handler>([
  [
    ApiKey.ApiVersions,
    (_state, r, w) => {
      r.string(); // client software name
      r.string(); // and version
      // error, [api key, min version, max version], throttle time
      w.int16(0).array([...VERSIONS], (w, [key, version]) => w.int16(key).int16(version).int16(version)).int32(0);
    },
  ],
  [
    ApiKey.Metadata,
    (state, r, w) => {
      const requested = r.nullableArray((r) => (r.uuid(), r.string()!));
      const error = state.fault(ApiKey.Metadata);
      const names = requested ?? [...state.topics.keys()]; // null: every topic
      // throttle, [brokers: node id, host, port, rack], cluster id, controller id, [topics]
      w.int32(0).array([0], (w, id) => w.int32(id).string(state.host).int32(state.port).string(null));
      w.string('fake-cluster').int32(0);
      w.array(names, (w, name) => {
        const topic = state.topics.get(name);
        const topicError = error || (topic ? 0 : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        // error, name, id, internal, [partitions], authorized operations
        w.int16(topicError).string(name).uuid(topic?.id ?? '0'.repeat(32)).bool(false);
        w.array(topicError ? [] : [0], partitionZero).int32(-2147483648);
      });
    },
  ],
  [
    ApiKey.FindCoordinator,
    (state, r, w) => {
      r.int8(); // key type: group
      const keys = r.values((r) => r.string()!) ?? [];
      const error = state.fault(ApiKey.FindCoordinator);
      // throttle, [key, node id, host, port, error, error message]
      w.int32(0).array(keys, (w, key) =>
        w.string(key).int32(error ? -1 : 0).string(error ? '' : state.host).int32(error ? -1 : state.port).int16(error).string(null),
      );
    },
  ],
  [
    ApiKey.JoinGroup,
    (state, r, w) => {
      r.string(); // group id
      r.int32(); // session timeout
      r.int32(); // rebalance timeout
      const requestedMemberId = r.string() ?? '';
      r.string(); // group instance id
      r.string(); // protocol type
      const protocols = r.array((r) => ({ name: r.string()!, metadata: r.bytes() ?? Buffer.alloc(0) }));
      // Like a real broker, a new member first gets its id with MEMBER_ID_REQUIRED and re-joins.
      const error = state.fault(ApiKey.JoinGroup) || (requestedMemberId ? 0 : ErrorCode.MEMBER_ID_REQUIRED);
      const memberId = requestedMemberId || `member-${randomUUID()}`;
      // throttle, error, generation, protocol type, protocol name, leader, skip assignment, member id, [members]
      w.int32(0).int16(error);
      if (error) {
        w.int32(-1).string(null).string(null).string('').bool(false).string(memberId).array([], () => undefined);
        return;
      }
      // A single-member group: whoever joins leads it, in a new generation.
      state.group.generation++;
      state.group.memberId = memberId;
      const protocol = protocols[0]!;
      w.int32(state.group.generation).string('consumer').string(protocol.name).string(memberId).bool(false).string(memberId);
      w.array([protocol.metadata], (w, metadata) => w.string(memberId).string(null).bytes(metadata));
    },
  ],
  [
    ApiKey.SyncGroup,
    (state, r, w) => {
      r.string(); // group id
      const generation = r.int32();
      const memberId = r.string();
      r.string(); // group instance id
      r.string(); // protocol type
      const protocol = r.string();
      const assignments = r.array((r) => ({ memberId: r.string(), assignment: r.bytes() }));
      const error = state.fault(ApiKey.SyncGroup) || membershipError(state, generation, memberId);
      const mine = assignments.find((a) => a.memberId === memberId)?.assignment ?? Buffer.alloc(0);
      // throttle, error, protocol type, protocol name, assignment
      w.int32(0).int16(error).string('consumer').string(protocol).bytes(error ? Buffer.alloc(0) : mine);
    },
  ],
  [
    ApiKey.Heartbeat,
    (state, r, w) => {
      r.string(); // group id
      const generation = r.int32();
      const memberId = r.string();
      w.int32(0).int16(state.fault(ApiKey.Heartbeat) || membershipError(state, generation, memberId));
    },
  ],
  [
    ApiKey.LeaveGroup,
    (state, r, w) => {
      r.string(); // group id
      const members = r.array((r) => {
        const memberId = r.string();
        r.string(); // group instance id
        r.string(); // reason
        return memberId;
      });
      if (members.includes(state.group.memberId ?? null)) state.group.memberId = undefined;
      // throttle, error, [member id, group instance id, error]
      w.int32(0).int16(0).array(members, (w, id) => w.string(id).string(null).int16(0));
    },
  ],
  [
    ApiKey.OffsetFetch,
    (state, r, w) => {
      const groups = r.array((r) => ({
        group: r.string()!,
        topics: r.array((r) => ({ name: r.string()!, partitions: r.values((r) => r.int32()) ?? [] })),
      }));
      r.bool(); // require stable
      const error = state.fault(ApiKey.OffsetFetch);
      // throttle, [group id, [topics: name, [partitions]], error]
      w.int32(0).array(groups, (w, g) => {
        w.string(g.group).array(g.topics, (w, t) =>
          w.string(t.name).array(t.partitions, (w, p) =>
            // index, committed offset (-1: none), leader epoch, metadata, error
            w.int32(p).int64(state.committed.get(`${t.name}/${p}`) ?? -1n).int32(-1).string('').int16(0),
          ),
        );
        w.int16(error);
      });
    },
  ],
  [
    ApiKey.OffsetCommit,
    (state, r, w) => {
      r.string(); // group id
      const generation = r.int32();
      const memberId = r.string();
      r.string(); // group instance id
      const topics = r.array((r) => ({
        name: r.string()!,
        partitions: r.array((r) => {
          const partition = r.int32();
          const offset = r.int64();
          r.int32(); // leader epoch
          r.string(); // metadata
          return { partition, offset };
        }),
      }));
      const error = state.fault(ApiKey.OffsetCommit) || membershipError(state, generation, memberId);
      // throttle, [topics: name, [partitions: index, error]]
      w.int32(0).array(topics, (w, t) =>
        w.string(t.name).array(t.partitions, (w, p) => {
          if (!error) state.committed.set(`${t.name}/${p.partition}`, p.offset);
          w.int32(p.partition).int16(error);
        }),
      );
    },
  ],
  [
    ApiKey.ListOffsets,
    (state, r, w) => {
      r.int32(); // replica id
      r.int8(); // isolation level
      const topics = r.array((r) => ({
        name: r.string()!,
        partitions: r.array((r) => {
          const partition = r.int32();
          r.int32(); // current leader epoch
          return { partition, timestamp: r.int64() };
        }),
      }));
      const error = state.fault(ApiKey.ListOffsets);
      // throttle, [topics: name, [partitions: index, error, timestamp, offset, leader epoch]]
      w.int32(0).array(topics, (w, t) =>
        w.string(t.name).array(t.partitions, (w, p) => {
          const log = state.topics.get(t.name)?.log;
          const partitionError = error || (log ? 0 : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
          // -2 asks for the earliest offset, -1 (or a time) for the end of the log.
          const offset = p.timestamp === -2n ? 0n : BigInt(log?.length ?? 0);
          w.int32(p.partition).int16(partitionError).int64(-1n).int64(offset).int32(0);
        }),
      );
    },
  ],
  [ApiKey.Fetch, fetch],
  [ApiKey.Produce, produce],
  [
    ApiKey.InitProducerId,
    (state, r, w) => {
      // The dead-letter producer is idempotent: it asks for a producer id before it sends.
      w.int32(0).int16(state.fault(ApiKey.InitProducerId)).int64(BigInt(++producerIds)).int16(0);
    },
  ],
]);

function membershipError(state: BrokerState, generation: number, memberId: string | null): number {
  if (memberId !== state.group.memberId) return ErrorCode.UNKNOWN_MEMBER_ID;
  return generation === state.group.generation ? 0 : ErrorCode.ILLEGAL_GENERATION;
}

async function fetch(state: BrokerState, r: Reader, w: Writer): Promise<void> {
  const maxWaitMs = r.int32();
  r.raw(4 + 4 + 1 + 4 + 4); // min bytes, max bytes, isolation level, session id and epoch
  const topics = r.array((r) => ({
    id: r.uuid(),
    partitions: r.array((r) => {
      const partition = r.int32();
      r.int32(); // current leader epoch
      const offset = r.int64();
      r.raw(4 + 8 + 4); // last fetched epoch, log start offset, partition max bytes
      return { partition, offset };
    }),
  }));
  const error = state.fault(ApiKey.Fetch);
  const logOf = (id: string) => [...state.topics.values()].find((t) => t.id === id)?.log ?? [];
  const available = () => topics.some((t) => t.partitions.some((p) => BigInt(logOf(t.id).length) > p.offset));
  // Long poll, like a broker: until a message arrives or max wait (capped to keep tests quick).
  if (!error && !available()) await state.waitForData(Math.min(maxWaitMs, 250));
  // throttle, error, session id (0: no fetch session), [responses]
  w.int32(0).int16(0).int32(0);
  w.array(topics, (w, t) =>
    w.uuid(t.id).array(t.partitions, (w, p) => {
      const log = logOf(t.id);
      const end = BigInt(log.length);
      const partitionError = error || (p.offset > end ? ErrorCode.OFFSET_OUT_OF_RANGE : 0);
      const pending = partitionError ? [] : log.slice(Number(p.offset));
      // index, error, high watermark, last stable offset, log start offset, aborted transactions,
      // preferred read replica, records
      w.int32(p.partition).int16(partitionError).int64(end).int64(end).int64(0n).array(null, () => undefined).int32(-1);
      w.bytes(pending.length > 0 ? encodeRecordBatch(p.offset, pending) : Buffer.alloc(0));
    }),
  );
}

function produce(state: BrokerState, r: Reader, w: Writer): void {
  r.string(); // transactional id
  r.int16(); // acks: every write is "replicated" at once here
  r.int32(); // timeout
  const topics = r.array((r) => ({
    name: r.string()!,
    partitions: r.array((r) => ({ index: r.int32(), records: r.bytes() ?? Buffer.alloc(0) })),
  }));
  const error = state.fault(ApiKey.Produce);
  // [responses: name, [partitions: index, error, base offset, log append time, log start
  // offset, [record errors], error message]], throttle
  w.array(topics, (w, t) =>
    w.string(t.name).array(t.partitions, (w, p) => {
      let partitionError: number = error || (state.topics.has(t.name) ? 0 : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      let messages: StoredMessage[] = [];
      try {
        messages = decodeRecordBatches(p.records).flatMap((batch) => batch.messages);
      } catch {
        partitionError ||= ErrorCode.CORRUPT_MESSAGE;
      }
      const baseOffset = partitionError ? -1n : state.append(t.name, messages);
      w.int32(p.index).int16(partitionError).int64(baseOffset).int64(-1n).int64(0n).array([], () => undefined).string(null);
    }),
  );
  w.int32(0);
}
