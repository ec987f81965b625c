import type { Database } from './db';
import { logger } from './observability/logger';
import type { LimitState } from './rate-limit';
import { runInRequest } from './observability/request-context';
import { addRateLimitHits, type StoredCount as Stored } from './repositories/rate-limits';

// The API's request limits without a write to one hot row per request (docs/decisions/038). Each
// instance counts hits in memory and adds them to the shared row (rate_limits, the store the sign-in
// limits use) once a second, in one statement for every key, or sooner when 5% of the limit is waiting;
// past half of a limit it adds each hit at once and reads the total back, so the decision near the
// limit is the database's, shared by every instance. Windows are rate-limiter-flexible's: fixed, from the first hit, `duration` seconds long.

const FLUSH_MS = 1000;
const FLUSH_CONTEXT = { requestId: 'rate-limit-flush' };
/** From this share of the limit on, every hit goes to the database before it is answered. */
const EXACT_FROM = 0.5;
/**
 * Below it, at most this share of the limit is answered from memory before the hits go to the database:
 * what several instances hit at the same moment can pass the limit by at most this much each.
 */
const UNSENT_AT_MOST = 0.05;

interface KeyState {
  /** Hits counted here and not yet added to the shared row. */
  pending: number;
  /** Hits on their way to the shared row. */
  sending: number;
  /** The shared row's points when last read: every instance's hits that reached it. */
  shared: number;
  /** When the shared row's window ends (ms since the epoch); null before the first read. */
  expiresAt: number | null;
}

export class SharedWindowCounter {
  private readonly keys = new Map<string, KeyState>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Database,
    private readonly prefix: string,
    readonly points: number,
    readonly duration: number,
  ) {
    // Its statements log under a name of their own, never inside the request that happens to be running.
    this.timer = setInterval(() => runInRequest(FLUSH_CONTEXT, () => void this.flush()), FLUSH_MS);
    this.timer.unref();
  }

  /** Counts one hit of `key`; `blocked` once more than `points` hits fell in its window. */
  async consume(key: string): Promise<LimitState> {
    const state = this.stateOf(key);
    state.pending += 1;
    const estimate = state.shared + state.sending + state.pending;
    if (estimate < this.points * EXACT_FROM && state.pending <= this.points * UNSENT_AT_MOST) {
      return this.answer(state, estimate);
    }
    // The database's total just after this hit (and any pending here with it) decides.
    return this.answer(state, await this.addNow(key, state));
  }

  /** Adds every key's pending hits to the shared rows: one statement (the timer's, and at shutdown). */
  flush(): Promise<void> {
    this.flushing ??= this.flushPending().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private stateOf(key: string): KeyState {
    let state = this.keys.get(key);
    if (!state) {
      state = { pending: 0, sending: 0, shared: 0, expiresAt: null };
      this.keys.set(key, state);
    }
    if (state.expiresAt !== null && state.expiresAt <= Date.now()) {
      // The window is over; what is pending belongs to the next one.
      state.shared = 0;
      state.expiresAt = null;
    }
    return state;
  }

  private answer(state: KeyState, used: number): LimitState {
    const left = state.expiresAt === null ? this.duration * 1000 : state.expiresAt - Date.now();
    return {
      limit: this.points,
      remaining: Math.max(this.points - used, 0),
      resetSeconds: Math.max(Math.ceil(left / 1000), 0),
      blocked: used > this.points,
    };
  }

  private async addNow(key: string, state: KeyState): Promise<number> {
    const hits = state.pending;
    state.pending = 0;
    state.sending += hits;
    try {
      const [stored] = await this.add([{ key, hits }]);
      this.learn(state, stored!);
      return stored!.points;
    } catch (error) {
      state.pending += hits;
      throw error;
    } finally {
      state.sending -= hits;
    }
  }

  private async flushPending(): Promise<void> {
    const batch: { key: string; hits: number; state: KeyState }[] = [];
    for (const [key, state] of this.keys) {
      if (state.pending > 0) {
        batch.push({ key, hits: state.pending, state });
        state.sending += state.pending;
        state.pending = 0;
      } else if (state.sending === 0 && state.expiresAt !== null && state.expiresAt <= Date.now()) {
        this.keys.delete(key);
      }
    }
    if (batch.length === 0) return;
    try {
      const stored = new Map((await this.add(batch)).map((row) => [row.key, row]));
      for (const { key, state } of batch) {
        const row = stored.get(`${this.prefix}:${key}`);
        if (row) this.learn(state, row);
      }
    } catch (error) {
      // Counted again next time; an outage shows on the requests themselves.
      for (const { state, hits } of batch) state.pending += hits;
      logger().warn({ err: error, limiter: this.prefix }, 'rate limit counts not saved');
    } finally {
      for (const { state, hits } of batch) state.sending -= hits;
    }
  }

  // A read can come back after a later one: within one window the total only grows.
  private learn(state: KeyState, stored: Stored): void {
    const expiresAt = stored.expire.getTime();
    if (state.expiresAt === expiresAt) state.shared = Math.max(state.shared, stored.points);
    else {
      state.shared = stored.points;
      state.expiresAt = expiresAt;
    }
  }

  private add(batch: { key: string; hits: number }[]): Promise<Stored[]> {
    const prefixed = batch.map((b) => ({ key: `${this.prefix}:${b.key}`, hits: b.hits }));
    return addRateLimitHits(this.db, prefixed, this.duration);
  }
}
