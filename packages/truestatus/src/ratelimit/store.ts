/** The contract between the limiter and where its state lives. */

/**
 * A rate-limit store applies one GCRA decision to one key, atomically, and returns the signed
 * result described in gcra.ts (d > 0 admitted; d < 0 refused). The memory store answers
 * synchronously; a networked store answers with a promise and rejects when it cannot decide
 * (the limiter then fails open or closed, as configured).
 */
export interface RateLimitStore {
  consume(key: string, interval: number, tolerance: number): number | Promise<number>;
  /**
   * True when several limiters (or processes) may share the store: the limiter then prefixes
   * keys with its policy name, so that two policies never share a key.
   */
  readonly shared: boolean;
  /** True when `consume` always returns a number (never a promise): `checkSync` may be used. */
  readonly synchronous?: boolean;
  /**
   * Optional, for an asynchronous store: the same decision, passed through `onResult` (or the
   * failure through `onError`) inside the promise the store makes anyway, so that the caller
   * saves a promise and a microtask per decision. The promise never rejects (unless a callback
   * throws). The limiter uses it when present.
   */
  consumeMapped?<T>(
    key: string,
    interval: number,
    tolerance: number,
    onResult: (d: number) => T,
    onError: (error: unknown) => T,
  ): Promise<T>;
}
