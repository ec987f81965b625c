import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

// pglite-socket (0.2) queues the wire protocol's messages one by one from every connection and keeps a
// connection's turn only inside a transaction. A query in the extended protocol is several messages
// (Parse, Bind, Describe, Execute, then Sync); when another connection's messages ran between them,
// the first connection's Bind found another statement under the unnamed name, or none ("unnamed
// prepared statement does not exist"), and a reply could reach the wrong query. This replaces the
// queue's scheduler with one that also keeps a connection's turn from its Parse to its Sync.

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

interface QueueInternals {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue: () => Promise<void>;
  clearQueueForHandler: (handlerId: number) => void;
}

/** Message types that continue an extended-protocol sequence: Parse, Bind, Describe, Execute, Close, Flush. */
const SEQUENCE_MESSAGES = new Set([0x50, 0x42, 0x44, 0x45, 0x43, 0x48]);

export function keepProtocolSequencesTogether(server: PGLiteSocketServer, db: PGlite): void {
  const queue = (server as unknown as { queryQueue?: Partial<QueueInternals> }).queryQueue;
  if (!queue || !Array.isArray(queue.queue) || typeof queue.processQueue !== 'function') {
    throw new Error(
      'pglite-socket changed its query queue: review src/lib/database/socket-protocol-queue.ts',
    );
  }
  const internals = queue as QueueInternals;
  // The connection in the middle of a sequence, whose next message must come before anyone else's.
  let midSequence: number | null = null;

  const clearQueueForHandler = internals.clearQueueForHandler.bind(internals);
  internals.clearQueueForHandler = (handlerId) => {
    if (midSequence === handlerId) midSequence = null;
    clearQueueForHandler(handlerId);
  };

  internals.processQueue = async function processQueue(this: QueueInternals) {
    if (this.processing) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const owner = db.isInTransaction() && this.lastHandlerId !== null ? this.lastHandlerId : midSequence;
        const index = owner === null ? 0 : this.queue.findIndex((item) => item.handlerId === owner);
        // The owner's next message has not arrived yet; its enqueue starts the queue again.
        if (index === -1) break;
        const [item] = this.queue.splice(index, 1) as [QueuedMessage];
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          midSequence = null;
          item.reject(error);
          continue;
        }
        midSequence = SEQUENCE_MESSAGES.has(item.message[0]!) ? item.handlerId : null;
        this.lastHandlerId = item.handlerId;
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  };
}
