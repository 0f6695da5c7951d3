import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { framing } from "../../src/gateway/server.js";

describe("framing", () => {
  it("reads Host, Content-Length and Transfer-Encoding in any case, first value of each", () => {
    expect(
      framing([
        "HOST",
        "a.example",
        "Content-Length",
        "12",
        "host",
        "b.example",
        "content-length",
        "13",
      ]),
    ).toEqual({ host: "a.example", length: "12", chunked: false });
    expect(framing(["Transfer-Encoding", "chunked", "Accept", "*/*"])).toEqual({
      host: undefined,
      length: undefined,
      chunked: true,
    });
    expect(framing([])).toEqual({ host: undefined, length: undefined, chunked: false });
  });

  it("agrees with a plain lookup on any field list", () => {
    const name = fc.oneof(
      fc.constantFrom("Host", "host", "Content-Length", "CONTENT-LENGTH", "Transfer-Encoding"),
      fc.stringMatching(/^[A-Za-z-]{1,20}$/),
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(name, fc.string({ maxLength: 10 })), { maxLength: 12 }),
        (pairs) => {
          const raw = pairs.flat();
          const first = (n: string) => pairs.find(([k]) => k.toLowerCase() === n)?.[1];
          expect(framing(raw)).toEqual({
            host: first("host"),
            length: first("content-length"),
            chunked: first("transfer-encoding") !== undefined,
          });
        },
      ),
    );
  });
});
