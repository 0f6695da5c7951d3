import { describe, expect, it } from "vitest";
import {
  contentAllowed,
  isStatusCode,
  reasonPhrase,
  requiredHeaders,
  STATUS_CODES,
  STATUSES,
  specUrl,
  statusClass,
  statusInfo,
} from "../../src/index.js";

describe("status table", () => {
  it("has every code once, in order, with a reason and a spec", () => {
    expect(STATUSES.map((s) => s.code)).toEqual([...STATUS_CODES]);
    expect(new Set(STATUS_CODES).size).toBe(STATUS_CODES.length);
    for (const s of STATUSES) {
      expect(s.reason.length).toBeGreaterThan(0);
      expect(s.spec.document).toMatch(/^(RFC \d+|draft-)/);
    }
  });

  it("includes the codes beyond RFC 9110 the issue names", () => {
    for (const code of [102, 103, 207, 208, 226, 308, 421, 425, 428, 429, 431, 451, 511])
      expect(isStatusCode(code)).toBe(true);
    for (const code of [0, 199, 299, 419, 420, 427, 430, 499, 509, 600, 200.5])
      expect(isStatusCode(code)).toBe(false);
  });

  it("uses the RFC 9110 reason phrases", () => {
    expect(reasonPhrase(413)).toBe("Content Too Large");
    expect(reasonPhrase(422)).toBe("Unprocessable Content");
    expect(reasonPhrase(499)).toBe("Client Error");
    expect(reasonPhrase(999)).toBe("Unknown Status");
  });

  it("names the header requirements of the RFCs", () => {
    const must = (code: number) => requiredHeaders(code).map((h) => h.field);
    expect(must(401)).toEqual(["WWW-Authenticate"]);
    expect(must(405)).toEqual(["Allow"]);
    expect(must(407)).toEqual(["Proxy-Authenticate"]);
    expect(must(426)).toEqual(["Upgrade"]);
    expect(must(200)).toEqual([]);
    const any = (code: number) => requiredHeaders(code, "MAY").map((h) => h.field);
    expect(any(429)).toContain("Retry-After");
    expect(any(503)).toContain("Retry-After");
    expect(any(201)).toContain("Location");
    expect(any(416)).toContain("Content-Range");
    expect(requiredHeaders(301, "SHOULD").map((h) => h.field)).toEqual(["Location"]);
    expect(requiredHeaders(999)).toEqual([]);
  });

  it("knows when content is forbidden", () => {
    for (const code of [100, 101, 103, 204, 205, 304]) expect(contentAllowed(code)).toBe(false);
    expect(contentAllowed(200)).toBe(true);
    expect(contentAllowed(404, "HEAD")).toBe(false);
    expect(contentAllowed(200, "CONNECT")).toBe(false);
    expect(contentAllowed(407, "CONNECT")).toBe(true);
    expect(statusInfo(204)?.content).toBe(false);
  });

  it("classes, cacheability and retry hints", () => {
    expect(statusClass(418)).toBe("client_error");
    expect(statusClass(99)).toBeUndefined();
    expect(statusInfo(404)?.cacheable).toBe(true);
    expect(statusInfo(500)?.cacheable).toBe(false);
    expect(statusInfo(401)?.retry).toBe("after_reauth");
    expect(statusInfo(429)?.retry).toBe("after_delay");
    expect(statusInfo(306)?.obsolete).toBe(true);
  });

  it("links to the sections", () => {
    expect(specUrl({ document: "RFC 9110", section: "15.5.2" })).toBe(
      "https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2",
    );
    expect(specUrl({ document: "draft-ietf-httpbis-resumable-upload-05" })).toContain(
      "datatracker",
    );
  });
});
