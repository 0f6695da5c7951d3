/**
 * "No socket or timer left behind": an async hook records every timer, socket, server and child
 * process created from the moment a test starts; once the test and its cleanup are done, each must
 * have been destroyed (a timer cleared or fired, a socket closed, a process reaped). Unref'd
 * timers count too: a timer left pending is left behind, whether or not it keeps Node alive.
 * Closing is asynchronous, so the check waits (bounded) for the stragglers, then fails naming them.
 */
import { createHook } from "node:async_hooks";

// Not TLSWRAP: its destroy hook waits for garbage collection; the TCPWRAP under it is closed
// like any socket and is watched.
const WATCHED = new Set([
  "Timeout",
  "TCPWRAP",
  "TCPSERVERWRAP",
  "TCPCONNECTWRAP",
  "PIPEWRAP",
  "PROCESSWRAP",
]);

const live = new Map<number, string>();
let ignoring = false;

createHook({
  init(asyncId, type) {
    if (!ignoring && WATCHED.has(type)) live.set(asyncId, type);
  },
  destroy(asyncId) {
    live.delete(asyncId);
  },
}).enable();

/** The watched resources alive now. */
export type Snapshot = ReadonlySet<number>;

export function snapshot(): Snapshot {
  return new Set(live.keys());
}

function leftSince(before: Snapshot): Record<string, number> {
  const left: Record<string, number> = {};
  for (const [id, type] of live) if (!before.has(id)) left[type] = (left[type] ?? 0) + 1;
  return left;
}

/** Waits (up to `ms`) for everything created since `before` to be destroyed; throws if not. */
export async function expectNothingLeft(before: Snapshot, ms = 3_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const left = leftSince(before);
    if (Object.keys(left).length === 0) return;
    if (Date.now() > until) throw new Error(`left behind: ${JSON.stringify(left)}`);
    // The checker's own timer is not the test's.
    ignoring = true;
    const wait = new Promise((r) => setTimeout(r, 10));
    ignoring = false;
    await wait;
  }
}

/**
 * Wraps a test body: snapshot, body, cleanup (always), then the check. Use it as
 * `it("...", noLeaks(async () => {...}, cleanup))`.
 */
export function noLeaks<A extends unknown[]>(
  body: (...args: A) => Promise<void>,
  cleanup: () => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const before = snapshot();
    try {
      await body(...args);
    } finally {
      await cleanup();
    }
    await expectNothingLeft(before);
  };
}
