import { describe, expect, it } from "vitest";
import { HeaderValueError } from "../../../src/semantics/errors.js";
import { buildProxyStatus, parseProxyStatus } from "../../../src/semantics/headers/proxy-status.js";

describe("regressions found by the property tests", () => {
  it("a next-protocol with a character above U+00FF is refused, not truncated to a byte", () => {
    // It used to be sent as byte 0x25 ("%"): "ĥ2" (U+0125) became the ALPN id "%2".
    expect(() => buildProxyStatus({ proxy: "p", nextProtocol: "\u01252" })).toThrow(
      HeaderValueError,
    );
    expect(() => buildProxyStatus({ proxy: "p", nextProtocol: "h2\u20ac" })).toThrow(
      HeaderValueError,
    );
  });

  it("a next-protocol of bytes (U+0000–U+00FF) is still sent as a byte sequence", () => {
    const text = buildProxyStatus({ proxy: "p", nextProtocol: "\u00ff\u0000h" });
    expect(text).toBe("p;next-protocol=:/wBo:");
    const r = parseProxyStatus(text);
    expect(r.ok && r.value[0]!.nextProtocol).toBe("\u00ff\u0000h");
  });
});
