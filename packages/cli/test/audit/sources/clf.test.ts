import { describe, expect, it } from "vitest";
import { clf, combined } from "../../../src/audit/sources/clf.js";

const APACHE =
  '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif?x=1 HTTP/1.0" 200 2326';
const COMBINED = `${APACHE} "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"`;

describe("clf", () => {
  it("reads every field of the Apache example line", () => {
    expect(clf.detect(APACHE)).toBe(true);
    expect(clf.parse(APACHE, "a.log", 3)).toEqual({
      format: "clf",
      location: { file: "a.log", line: 3 },
      time: Date.UTC(2000, 9, 10, 20, 55, 36),
      request: {
        method: "GET",
        target: "/apache_pb.gif?x=1",
        path: "/apache_pb.gif",
        credentials: "present",
      },
      response: { status: 200, size: 2326 },
    });
  });

  it('reads "-" as 0 bytes of body (Apache\'s way) and no user, and 499 as a client abort', () => {
    const r = clf.parse(
      '10.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "POST /a HTTP/1.1" 499 -',
      "f",
      1,
    );
    expect(r).toEqual({
      format: "clf",
      location: { file: "f", line: 1 },
      time: Date.UTC(2024, 0, 1),
      request: { method: "POST", target: "/a", path: "/a" },
      response: { status: 499, size: 0 },
      clientAborted: true,
    });
  });

  it("keeps an unreadable request line as method '-' with the raw text", () => {
    const r = clf.parse(
      '1.2.3.4 - - [01/Jan/2024:00:00:00 +0000] "\\x16\\x03\\x01\\x00" 400 157',
      "f",
      1,
    );
    expect(r).toMatchObject({
      request: { method: "-", path: "-", target: "\u0016\u0003\u0001\u0000" },
    });
  });

  it('unescapes quotes inside the request (Apache \\" and nginx \\x22)', () => {
    const a = clf.parse('h - - [01/Jan/2024:00:00:00 +0000] "GET /a\\"b HTTP/1.1" 404 0', "f", 1);
    const n = clf.parse('h - - [01/Jan/2024:00:00:00 +0000] "GET /a\\x22b HTTP/1.1" 404 0', "f", 1);
    expect(a).toMatchObject({ request: { target: '/a"b' }, response: { status: 404, size: 0 } });
    expect(n).toMatchObject({ request: { target: '/a"b' } });
  });

  it("returns a malformed record with a reason for lines that are not CLF", () => {
    expect(clf.parse("hello", "f", 7)).toEqual({
      malformed: true,
      reason: "not a CLF line: no client address",
      file: "f",
      line: 7,
    });
    expect(
      clf.parse('h - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 20x 1', "f", 2),
    ).toMatchObject({
      malformed: true,
      reason: 'not a CLF line: status "20x" is not a 3-digit code',
    });
    expect(clf.parse('h - - [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1', "f", 2)).toMatchObject({
      reason: 'not a CLF line: unterminated "request"',
    });
    expect(clf.detect(COMBINED)).toBe(false);
  });
});

describe("combined", () => {
  it("reads the Apache combined example and ignores fields after the user agent", () => {
    expect(combined.detect(COMBINED)).toBe(true);
    expect(combined.detect(`${COMBINED} "10.1.1.1"`)).toBe(true);
    expect(combined.detect(APACHE)).toBe(false);
    expect(combined.parse(`${COMBINED} 1234`, "c.log", 9)).toEqual({
      format: "combined",
      location: { file: "c.log", line: 9 },
      time: Date.UTC(2000, 9, 10, 20, 55, 36),
      request: {
        method: "GET",
        target: "/apache_pb.gif?x=1",
        path: "/apache_pb.gif",
        credentials: "present",
      },
      response: { status: 200, size: 2326 },
    });
  });

  it("reads an absolute-form target into host and origin-form target", () => {
    const r = combined.parse(
      'h - - [01/Jan/2024:00:00:00 +0000] "GET http://api.test:8080/v1/x?q=1 HTTP/1.1" 200 5 "-" "-"',
      "f",
      1,
    );
    expect(r).toMatchObject({
      request: { method: "GET", host: "api.test:8080", target: "/v1/x?q=1", path: "/v1/x" },
    });
  });

  it("reads a forwarded-for list as the client field, not as a user (issue 22 item 7)", () => {
    const line =
      '10.0.0.2, 10.0.0.1, 127.0.0.1 - - [01/Jan/2024:00:00:00 +0000] "GET /admin HTTP/1.1" 403 12 "-" "curl/8"';
    expect(combined.detect(line)).toBe(true);
    const r = combined.parse(line, "f", 1);
    expect(r).toEqual({
      format: "combined",
      location: { file: "f", line: 1 },
      time: Date.UTC(2024, 0, 1),
      request: { method: "GET", target: "/admin", path: "/admin" },
      response: { status: 403, size: 12 },
    });
    expect(
      clf.parse(
        '10.0.0.2, 10.0.0.1 - bob [01/Jan/2024:00:00:00 +0000] "GET / HTTP/1.1" 200 1',
        "f",
        2,
      ),
    ).toMatchObject({ request: { credentials: "present" } });
    expect(clf.parse("10.0.0.2, 10.0.0.1,", "f", 3)).toMatchObject({ malformed: true });
  });
});
