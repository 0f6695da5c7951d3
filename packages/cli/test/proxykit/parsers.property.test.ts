/**
 * Property tests of the proxy kit's parsers: the fault upstream's request-target reader, and the
 * option parsers of proxy-config / proxy-check. Any input: a value or a usage error, never
 * another exception, and what they accept round-trips.
 */

import { InvalidArgumentError } from "commander";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseMs, parsePort } from "../../src/cli/proxy-config.js";
import { proxyUrl } from "../../src/proxykit/check.js";
import { ProxyKitError } from "../../src/proxykit/errors.js";
import { faultOfTarget } from "../../src/proxykit/fault-upstream.js";
import {
  PROXY_KINDS,
  PROXY_VERSIONS,
  proxyName,
  proxyVersion,
  upstreamUrl,
} from "../../src/proxykit/generate/index.js";
import { CHECK_PREFIX } from "../../src/proxykit/layout.js";

function onlyUsageErrors(f: () => unknown, ...allowed: (new (...a: never[]) => Error)[]): void {
  try {
    f();
  } catch (e) {
    expect(
      allowed.some((c) => e instanceof c),
      String(e),
    ).toBe(true);
  }
}

describe("parsers (properties)", () => {
  it("faultOfTarget: total; a check path gives its suffix, in origin or absolute form, with a query", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (t) => {
        const r = faultOfTarget(t);
        expect(r === undefined || typeof r === "string").toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z0-9-]{1,30}$/),
        fc.constantFrom("", "?x=1", "/"),
        fc.constantFrom("", "http://127.0.0.1:9000", "https://h"),
        (id, tail, origin) => {
          expect(faultOfTarget(`${origin}${CHECK_PREFIX}${id}${tail}`)).toBe(id);
        },
      ),
    );
  });

  it("proxyVersion: a known major.minor (with any patch) or a ProxyKitError", () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROXY_KINDS), fc.string({ maxLength: 20 }), (kind, v) =>
        onlyUsageErrors(() => proxyVersion(kind, v), ProxyKitError),
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...PROXY_KINDS), fc.nat(99), (kind, patch) => {
        for (const v of PROXY_VERSIONS[kind]) expect(proxyVersion(kind, `${v}.${patch}`)).toBe(v);
      }),
    );
  });

  it("upstreamUrl, proxyUrl, proxyName: a value or a ProxyKitError", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 80 }),
          fc.webUrl({ withQueryParameters: true, withFragments: true }),
          fc.string({ maxLength: 20 }).map((p) => `http://h:1/${p}%E0%A4%A`),
        ),
        (s) => {
          onlyUsageErrors(() => upstreamUrl(s), ProxyKitError);
          onlyUsageErrors(() => proxyUrl(s, true), ProxyKitError);
          onlyUsageErrors(() => proxyName(s), ProxyKitError);
        },
      ),
    );
    fc.assert(
      fc.property(
        fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
        fc.integer({ min: 1, max: 65_535 }),
        (h, p) => {
          expect(upstreamUrl(`http://${h}:${p}`).port).toBe(p === 80 ? "" : String(p));
        },
      ),
    );
  });

  it("parseMs, parsePort: a value in range or an InvalidArgumentError", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (s) => {
        onlyUsageErrors(() => parseMs(s), InvalidArgumentError);
        onlyUsageErrors(() => parsePort(s), InvalidArgumentError);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3600 }), (s) => {
        expect(parseMs(`${s}s`)).toBe(s * 1000);
        expect(parseMs(`${s}ms`)).toBe(s);
      }),
    );
  });
});
