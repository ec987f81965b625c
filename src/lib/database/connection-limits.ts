/**
 * How long anything may wait on the database before it gives up: an outage or a stuck lock then ends
 * in an error the API answers with 503, instead of requests piling up behind it (docs/decisions/026).
 */
export interface ConnectionLimits {
  /** Waiting for a pooled connection, a new connection's handshake included (pg's connectionTimeoutMillis). */
  acquireTimeoutMs: number;
  /** PostgreSQL's lock_timeout: waiting for a row or table lock held by another transaction. */
  lockTimeoutMs: number;
  /** PostgreSQL's idle_in_transaction_session_timeout: a transaction left open by a stalled client. */
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  acquireTimeoutMs: 5_000,
  lockTimeoutMs: 5_000,
  idleInTransactionTimeoutMs: 60_000,
};
