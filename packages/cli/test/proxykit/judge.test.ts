/**
 * The judge, table-driven: an observation of one answer, the criteria it passes and fails.
 * The expectations come from the library (faults.ts), so the rows name statuses, not constants.
 */
import { decide, parseProxyStatus, serializeProblem } from "truestatus";
import { classifyUpstream } from "truestatus/upstream";
import { describe, expect, it } from "vitest";
import type { Observation } from "../../src/proxykit/client.js";
import { expectationOf, FAULT_BY_ID, FAULTS, type FaultId } from "../../src/proxykit/faults.js";
import { describeGot, judge } from "../../src/proxykit/judge.js";

const ctx = { internals: ["127.0.0.1:40123", "127.0.0.1:1"], deadlineMs: 5_000 };

function obs(o: Partial<Observation>): Observation {
  return { timedOut: false, headers: {}, body: "", bodyCut: false, complete: true, ms: 3, ...o };
}

const problem502 = serializeProblem(
  decide(classifyUpstream({ code: "ECONNREFUSED", syscall: "connect" })!).problem,
);

function results(id: FaultId, o: Observation): Record<string, boolean> {
  const f = FAULT_BY_ID.get(id)!;
  return Object.fromEntries(judge(f, expectationOf(f), o, ctx).map((r) => [r.criterion, r.pass]));
}

describe("judge", () => {
  const truthful502 = obs({
    status: 502,
    headers: {
      "proxy-status": ["edge;error=connection_refused"],
      "content-type": ["application/problem+json"],
    },
    body: problem502,
  });

  it.each([
    {
      name: "a truthful 502 for a refused connection passes everything",
      id: "refused" as const,
      o: truthful502,
      want: {
        status: true,
        "proxy-status": true,
        "error-type": true,
        "problem-body": true,
        "no-internals": true,
      },
    },
    {
      name: "the wrong error type fails only error-type",
      id: "reset-before-status" as const,
      o: truthful502,
      want: {
        status: true,
        "proxy-status": true,
        "error-type": false,
        "problem-body": true,
        "no-internals": true,
      },
    },
    {
      name: "an HTML page naming the upstream address fails the body criteria",
      id: "refused" as const,
      o: obs({
        status: 502,
        headers: { "content-type": ["text/html"] },
        body: "<h1>502</h1> connect() failed to 127.0.0.1:1",
      }),
      want: {
        status: true,
        "proxy-status": false,
        "error-type": false,
        "problem-body": false,
        "no-internals": false,
      },
    },
    {
      name: "an unparseable Proxy-Status fails proxy-status and error-type",
      id: "refused" as const,
      o: obs({
        ...truthful502,
        headers: { ...truthful502.headers, "proxy-status": ['"unclosed'] },
      }),
      want: {
        status: true,
        "proxy-status": false,
        "error-type": false,
        "problem-body": true,
        "no-internals": true,
      },
    },
    {
      name: "a problem body whose status member differs fails problem-body",
      id: "refused" as const,
      o: obs({ ...truthful502, body: problem502.replace('"status":502', '"status":500') }),
      want: {
        status: true,
        "proxy-status": true,
        "error-type": true,
        "problem-body": false,
        "no-internals": true,
      },
    },
    {
      name: "no answer before the deadline fails everything (a timeout, never a hang)",
      id: "stall-before-headers" as const,
      o: obs({ timedOut: true, complete: false }),
      want: {
        status: false,
        "proxy-status": false,
        "error-type": false,
        "problem-body": false,
        "no-internals": false,
      },
    },
    {
      name: "an upstream 503 passed through with its Retry-After and received-status",
      id: "upstream-503" as const,
      o: obs({
        status: 503,
        headers: { "retry-after": ["17"], "proxy-status": ["edge;received-status=503"] },
        body: FAULT_BY_ID.get("upstream-503")!.answer!.body,
      }),
      want: { status: true, "retry-after": true, "received-status": true, "body-intact": true },
    },
    {
      name: "an upstream 503 whose Retry-After was dropped and body replaced",
      id: "upstream-503" as const,
      o: obs({ status: 503, headers: {}, body: "<html>503</html>" }),
      want: { status: true, "retry-after": false, "received-status": false, "body-intact": false },
    },
    {
      name: "a 500 collapsed into a 502 fails status but keeps received-status",
      id: "upstream-500" as const,
      o: obs({
        status: 502,
        headers: { "proxy-status": ["edge;received-status=500"] },
        body: FAULT_BY_ID.get("upstream-500")!.answer!.body,
      }),
      want: { status: false, "received-status": true, "body-intact": true },
    },
    {
      name: "a cut body is the truthful answer to a reset mid-body",
      id: "reset-mid-body" as const,
      o: obs({ status: 200, body: "x".repeat(1024), complete: false }),
      want: { incomplete: true },
    },
    {
      name: "a complete 200 with a shorter body is the lie",
      id: "reset-mid-body" as const,
      o: obs({ status: 200, body: "x".repeat(1024), complete: true }),
      want: { incomplete: false },
    },
    {
      name: "a 502 (the proxy buffered) is truthful too",
      id: "reset-mid-body" as const,
      o: obs({ status: 502, complete: true }),
      want: { incomplete: true },
    },
    {
      name: "a success with a Proxy-Status error fails no-error-type",
      id: "ok" as const,
      o: obs({
        status: 200,
        headers: { "proxy-status": ["edge;error=http_protocol_error"] },
        body: FAULT_BY_ID.get("ok")!.answer!.body,
      }),
      want: { status: true, "body-intact": true, "no-error-type": false },
    },
  ])("$name", ({ id, o, want }) => {
    expect(results(id, o)).toEqual(want);
  });

  it("escapes control characters in what it reports", () => {
    const f = FAULT_BY_ID.get("refused")!;
    const r = judge(
      f,
      expectationOf(f),
      obs({ status: 502, headers: { "proxy-status": ["edge;error=x\u001b[31m"] } }),
      ctx,
    );
    for (const x of r) expect(x.got).not.toContain("\u001b");
    expect(
      describeGot(obs({ status: 502, headers: { "content-type": ["a\u0007b"] } }), 1000),
    ).toContain("a\\x07b");
  });

  it("expectations come from the library: each own fault's status is decide()'s for its error", () => {
    for (const f of FAULTS) {
      const e = expectationOf(f);
      if (f.nodeError === undefined) continue;
      const failure = classifyUpstream(f.nodeError)!;
      expect(e.status).toBe(decide(failure).status);
      expect(e.error).toBe(failure.error);
      // and the Proxy-Status the library would send parses with that error type
      const ps = parseProxyStatus(decide(failure).headers["proxy-status"]!);
      expect(ps.ok && ps.value[0]?.error).toBe(e.error);
    }
    expect(Object.fromEntries(FAULTS.map((f) => [f.id, expectationOf(f).status]))).toEqual({
      refused: 502,
      "reset-before-status": 502,
      "reset-mid-body": undefined,
      "stall-before-headers": 504,
      "invalid-status-line": 502,
      "invalid-header": 502,
      "tls-certificate": 502,
      "upstream-503": 503,
      "upstream-429": 429,
      "upstream-500": 500,
      ok: 200,
    });
  });
});
