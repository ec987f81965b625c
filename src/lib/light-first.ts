// Light requests first on the one event loop (docs/decisions/031). The database side of heavy work has
// pools and statement timeouts of its own (decision 024); what heavy and light requests still share is
// this process's event loop, where an export's rows are formatted and a light request's few steps
// (session, query, answer) each wait their turn behind whatever is queued. Heavy work therefore gives
// way at its chunk boundaries: while a light request is in flight it waits, and in any case it lets
// the loop read new requests every few milliseconds.

export interface LightFirstOptions {
  /** The longest a chunk of heavy work waits for light work to end: heavy work is slowed, never stopped. */
  maxPauseMs: number;
  /** Heavy work runs this long at most before the loop gets a turn to read sockets and timers. */
  sliceMs: number;
}

export const LIGHT_FIRST_DEFAULTS: LightFirstOptions = { maxPauseMs: 50, sliceMs: 5 };

/** Ends a light mark; calling it again does nothing. */
export type EndLight = () => void;

export class LightFirst {
  #inFlight = 0;
  #idle: (() => void)[] = [];
  #sliceStarted = performance.now();

  constructor(readonly options: LightFirstOptions = LIGHT_FIRST_DEFAULTS) {}

  /** Light requests in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Marks the start of a light request (a page, a light API request, the health check). */
  begin(): EndLight {
    this.#inFlight++;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.#inFlight--;
      if (this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
    };
  }

  /**
   * Heavy work calls this between chunks. It resolves once no light request is in flight (after
   * `maxPauseMs` at most), or, with none, after a turn of the loop when the slice has run out.
   */
  async giveWay(): Promise<void> {
    if (this.#inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          const at = this.#idle.indexOf(wake);
          if (at >= 0) this.#idle.splice(at, 1);
          resolve();
        }, this.options.maxPauseMs);
        const wake = () => {
          clearTimeout(timer);
          resolve();
        };
        this.#idle.push(wake);
      });
      this.#sliceStarted = performance.now();
      return;
    }
    if (performance.now() - this.#sliceStarted >= this.options.sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      this.#sliceStarted = performance.now();
    }
  }
}
