/**
 * "No socket or timer left behind": compares the resources keeping the event loop alive
 * (process.getActiveResourcesInfo: sockets, servers, ref'd timers) with a baseline taken before
 * the test. Closing is asynchronous, so it waits for the counts to come back (a bounded number of
 * event-loop turns), then fails naming what is left.
 */
const WATCHED = new Set(["TCPSocketWrap", "TCPServerWrap", "TLSWrap", "Timeout", "PipeWrap"]);

export type Resources = Record<string, number>;

export function resources(): Resources {
  const counts: Resources = {};
  for (const r of process.getActiveResourcesInfo()) {
    if (WATCHED.has(r)) counts[r] = (counts[r] ?? 0) + 1;
  }
  return counts;
}

function excess(baseline: Resources): Resources {
  const now = resources();
  const extra: Resources = {};
  for (const [k, n] of Object.entries(now))
    if (n > (baseline[k] ?? 0)) extra[k] = n - (baseline[k] ?? 0);
  return extra;
}

/** Resolves when nothing beyond `baseline` is alive; rejects after ~2 s of event-loop turns. */
export async function expectNothingLeft(baseline: Resources): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (Object.keys(excess(baseline)).length === 0) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  // The waiting timer above is gone by now; what remains is the test's.
  throw new Error(`left behind: ${JSON.stringify(excess(baseline))}`);
}
