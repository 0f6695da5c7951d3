/**
 * truestatus/ratelimit runs where the Hono adapter does (Workers, Deno, Bun): its bundle imports no
 * Node module, and the limiter with the memory store works in a context that has only the
 * Web-standard globals. Its hashing matches node:crypto's.
 */
import { createHash } from "node:crypto";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base64url, sha256 } from "../../src/ratelimit/sha256.js";
import { GCRA_SCRIPT, GCRA_SCRIPT_SHA } from "../../src/ratelimit/stores/redis.js";

describe("the hashing, without node:crypto", () => {
  it("sha256 + base64url equal node:crypto's for any string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 300 }), (s) => {
        expect(base64url(sha256(s))).toBe(createHash("sha256").update(s).digest("base64url"));
      }),
      { numRuns: 2000 },
    );
    for (const n of [0, 55, 56, 63, 64, 65, 119, 120, 1000])
      expect(base64url(sha256("a".repeat(n)))).toBe(
        createHash("sha256").update("a".repeat(n)).digest("base64url"),
      );
  });

  it("the Redis script's SHA-1 constant is the script's", () => {
    expect(GCRA_SCRIPT_SHA).toBe(createHash("sha1").update(GCRA_SCRIPT).digest("hex"));
  });
});

describe("truestatus/ratelimit on a Web-standard runtime", () => {
  it("bundles with no Node module and limits in a context without Node's globals", async () => {
    const result = await build({
      absWorkingDir: new URL("../..", import.meta.url).pathname,
      stdin: {
        contents: `
          import { clientKey, createRateLimiter, MemoryStore } from "./dist/ratelimit/index.js";
          const limiter = createRateLimiter({ limit: 2, window: 60, store: new MemoryStore() });
          const long = "k".repeat(500);
          const out = [1, 2, 3].map(() => limiter.checkSync(long).allowed);
          const refused = limiter.checkSync(long);
          globalThis.result = {
            out,
            retryAfter: refused.headers["retry-after"] ?? refused.retryAfter,
            status: refused.failure && refused.failure.kind,
            v6: clientKey("2001:db8:1:2:3:4:5:6"),
          };`,
        resolveDir: new URL("../..", import.meta.url).pathname,
        loader: "js",
      },
      bundle: true,
      format: "iife",
      platform: "neutral",
      write: false,
      metafile: true,
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((p) => p.startsWith("node:") || p.includes("node_modules"))).toEqual([]);
    const sandbox: Record<string, unknown> = { TextEncoder, TextDecoder, URL };
    sandbox.globalThis = sandbox;
    runInNewContext(result.outputFiles[0]!.text, sandbox);
    expect(sandbox.result).toEqual({
      out: [true, true, false],
      retryAfter: expect.anything(),
      status: "rate_limited",
      v6: "2001:0db8:0001:0002::/64",
    });
    expect(runInNewContext("typeof process + typeof Buffer + typeof require", {})).toBe(
      "undefinedundefinedundefined",
    );
  });
});
