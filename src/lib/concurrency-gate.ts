// Heavy requests are limited by how many run at once, not by how many arrive per minute: thirty
// exports from one user cost thirty times one, however slowly they are sent (docs/decisions/024).
// The counts live in this process; each app instance limits its own share of the database.

export interface ConcurrencyLimits {
  perUser: number;
  perOrg: number;
  /**
   * In this process, all orgs together: the cores that format heavy answers also serve every light
   * request (docs/decisions/031).
   */
  perProcess: number;
  /** How long a request waits for its slots before it is refused. */
  maxWaitMs: number;
}

/** Gives the slots back; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  orgId: string;
  userId: string;
  grant(release: Release): void;
}

/** Slots per user, per org and in the process: a request runs when it holds one of each. */
export class ConcurrencyGate {
  readonly #running = new Map<string, number>();
  #waiting: Waiter[] = [];

  constructor(readonly limits: ConcurrencyLimits) {}

  /** Requests waiting for a slot now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Takes a slot of the user and one of the org, waiting for them in arrival order for at most
   * `maxWaitMs`. Null when none came in time or the caller went away (`signal`).
   */
  acquire(orgId: string, userId: string, signal?: AbortSignal): Promise<Release | null> {
    if (this.#fits(orgId, userId)) return Promise.resolve(this.#take(orgId, userId));
    if (this.limits.maxWaitMs === 0 || signal?.aborted) return Promise.resolve(null);
    return new Promise((resolve) => {
      const giveUp = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', giveUp);
        this.#waiting = this.#waiting.filter((w) => w !== waiter);
        resolve(null);
      };
      const waiter: Waiter = {
        orgId,
        userId,
        grant: (release) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', giveUp);
          resolve(release);
        },
      };
      const timer = setTimeout(giveUp, this.limits.maxWaitMs);
      signal?.addEventListener('abort', giveUp, { once: true });
      this.#waiting.push(waiter);
    });
  }

  #fits(orgId: string, userId: string): boolean {
    return (
      (this.#running.get(`user:${userId}`) ?? 0) < this.limits.perUser &&
      (this.#running.get(`org:${orgId}`) ?? 0) < this.limits.perOrg &&
      (this.#running.get('process') ?? 0) < this.limits.perProcess
    );
  }

  #take(orgId: string, userId: string): Release {
    const keys = [`user:${userId}`, `org:${orgId}`, 'process'];
    for (const key of keys) this.#running.set(key, (this.#running.get(key) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const key of keys) {
        const left = this.#running.get(key)! - 1;
        if (left === 0) this.#running.delete(key);
        else this.#running.set(key, left);
      }
      this.#admitWaiting();
    };
  }

  // Earliest first; a waiter whose user is at its limit does not hold up another user of the same org.
  #admitWaiting(): void {
    for (const waiter of [...this.#waiting]) {
      if (!this.#fits(waiter.orgId, waiter.userId)) continue;
      this.#waiting = this.#waiting.filter((w) => w !== waiter);
      waiter.grant(this.#take(waiter.orgId, waiter.userId));
    }
  }
}
