import type http from 'node:http';
import net from 'node:net';

// Stopping without cutting anyone off (docs/decisions/026). A keep-alive connection can only be closed
// safely after an answer that says `Connection: close`, or when it has been idle for as long as the
// server announced (`Keep-Alive: timeout=…`): closing it at any other moment races a request the
// client may already have sent, which then ends in ECONNRESET. Node's server.close() does exactly
// that to every idle connection, so the listening socket is closed on its own here, every answer from
// then on says `Connection: close`, and idle connections are left to their keep-alive timeout.

export interface Drain {
  /** Whether a shutdown has begun. */
  readonly draining: boolean;
  /**
   * Stops accepting connections and waits for the open ones to finish, at most `deadlineMs`; then
   * destroys what is left. Resolves with the number of requests that were cut off (0 when drained).
   */
  drain(deadlineMs: number): Promise<number>;
}

export function drainOnShutdown(server: http.Server): Drain {
  let draining = false;
  const unanswered = new Set<http.ServerResponse>();

  const closeWhenDone = (res: http.ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close');
  };
  server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
    if (draining) closeWhenDone(res);
    unanswered.add(res);
    res.on('close', () => unanswered.delete(res));
  });

  return {
    get draining() {
      return draining;
    },
    drain(deadlineMs) {
      draining = true;
      for (const res of unanswered) closeWhenDone(res);
      return new Promise((resolve) => {
        const deadline = setTimeout(() => {
          const cut = unanswered.size;
          server.closeAllConnections();
          resolve(cut);
        }, deadlineMs);
        deadline.unref();
        // net.Server's close: stop listening, and call back once the last connection has ended.
        net.Server.prototype.close.call(server, () => {
          clearTimeout(deadline);
          resolve(0);
        });
      });
    },
  };
}
