/**
 * The in-place readers of fields.ts give exactly what their cut-out forms give: a line parser may
 * read a request or a time where it lies in the line instead of slicing it out first.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseClfTime,
  parseClfTimeAt,
  parseRequestLine,
  parseRequestLineAt,
} from "../../../src/audit/sources/fields.js";

/** Request-line-like text: methods, targets, protocols, spaces in odd places, "HTTP/" cut short. */
const requestText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc
    .tuple(
      fc.constantFrom("GET", "POST", "PUT", "get", "M-SEARCH", "-", "", "\u0016\u0003"),
      fc.constantFrom(" ", "  ", ""),
      fc.constantFrom("/", "/a?b=1", "http://h:80/x?y", "*", "", "/a b", "https://h"),
      fc.constantFrom(" HTTP/1.1", " HTTP/", " HTTP", " HTTP/2.0 ", "", " x"),
    )
    .map((parts) => parts.join("")),
);

/** Text around the field, ending the way a log line does after it (a quote, a bracket) or not. */
const around = fc.tuple(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('" 200 5', "] ", "/1.1", " HTTP/1.1", "", "x"),
);

describe("fields: in-place readers", () => {
  it("parseRequestLineAt(line, start, end) equals parseRequestLine(line.slice(start, end))", () => {
    fc.assert(
      fc.property(requestText, around, (text, [before, after]) => {
        const line = before + text + after;
        const got = parseRequestLineAt(line, before.length, before.length + text.length);
        expect(got).toEqual(parseRequestLine(text));
      }),
      { numRuns: 5000 },
    );
  });

  it("parses the common cases as before", () => {
    expect(parseRequestLine("GET /a?b HTTP/1.1")).toEqual({
      method: "GET",
      target: "/a?b",
      path: "/a",
    });
    expect(parseRequestLineAt('x "POST /p HTTP/1.1" 201', 3, 19)).toEqual({
      method: "POST",
      target: "/p",
      path: "/p",
    });
    expect(parseRequestLine("-")).toEqual({ method: "-", target: "-", path: "-" });
    // The edges of the split, as the parser has always read them (the property above compares the
    // in-place reader with the cut-out one, which share their code, so these pin the behaviour).
    const cases: [string, { method: string; target: string; path: string; host?: string }][] = [
      ["GET HTTP/1.1", { method: "GET", target: "HTTP/1.1", path: "HTTP/1.1" }],
      ["GET  HTTP/1.1", { method: "-", target: "GET  HTTP/1.1", path: "-" }],
      ["GET /a", { method: "GET", target: "/a", path: "/a" }],
      ["GET /a b HTTP/1.1", { method: "GET", target: "/a b", path: "/a b" }],
      ["GET /a HTTP", { method: "GET", target: "/a HTTP", path: "/a HTTP" }],
      ["GET  /a", { method: "GET", target: " /a", path: " /a" }],
      ["GET ", { method: "-", target: "GET ", path: "-" }],
      ["GET http://h:80/x?y HTTP/1.1", { method: "GET", target: "/x?y", path: "/x", host: "h:80" }],
      ["G\u00c9T /a HTTP/1.1", { method: "-", target: "G\u00c9T /a HTTP/1.1", path: "-" }],
    ];
    for (const [line, want] of cases) expect(parseRequestLine(line), line).toEqual(want);
  });

  it("parseClfTimeAt equals parseClfTime on the cut-out text, with the cache warm or cold", () => {
    const time = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc
        .tuple(
          fc.integer({ min: 0, max: 35 }),
          fc.constantFrom("Jan", "Feb", "Nov", "Dec", "Foo"),
          fc.integer({ min: 1990, max: 2100 }),
          fc.integer({ min: 0, max: 25 }),
          fc.constantFrom(" +0000", " -0700", "", ".655", " +01"),
        )
        .map(
          ([d, m, y, h, z]) =>
            `${String(d).padStart(2, "0")}/${m}/${y}:${String(h).padStart(2, "0")}:05:09${z}`,
        ),
    );
    fc.assert(
      fc.property(time, around, time, (t, [before, after], previous) => {
        // The cache holds the previous line's time; the answer must not depend on it.
        parseClfTime(previous);
        const line = `${before}[${t}]${after}`;
        const got = parseClfTimeAt(line, before.length + 1, before.length + 1 + t.length);
        parseClfTime(`${previous} `);
        expect(got).toBe(parseClfTime(t));
      }),
      { numRuns: 5000 },
    );
    expect(parseClfTimeAt("[10/Oct/2000:13:55:36 -0700]", 1, 27)).toBe(
      Date.UTC(2000, 9, 10, 20, 55, 36),
    );
  });
});
