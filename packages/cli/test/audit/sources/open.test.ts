import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { InputError, isInputError } from "../../../src/audit/sources/errors.js";
import { expandInputs, openSource } from "../../../src/audit/sources/open.js";
import {
  chunksOf,
  drain,
  drainWithError,
  exchanges,
  malformedOf,
  tempDir,
  write,
} from "./helpers.js";

const dir = tempDir();
const line = (n: number, status = 200) =>
  `10.0.0.${n % 250} - - [01/Jan/2024:00:00:${String(n % 60).padStart(2, "0")} +0000] "GET /items/${n} HTTP/1.1" ${status} ${n} "-" "curl/8"`;
const lines = (count: number) => Array.from({ length: count }, (_, i) => line(i + 1)).join("\n");

async function rejection(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    expect(isInputError(e)).toBe(true);
    return e as InputError;
  }
  throw new Error("expected a rejection");
}

describe("openSource", () => {
  it("detects combined and streams every line in order with its number", async () => {
    const path = write(dir, "access.log", `${lines(5000)}\n`);
    const src = await openSource(path);
    expect(src.format).toBe("combined");
    expect(src.lineFormat?.format).toBe("combined");
    expect(src.gzip).toBe(false);
    const records = await drain(src);
    expect(records).toHaveLength(5000);
    expect(exchanges(records)[4999]).toMatchObject({
      location: { file: path, line: 5000 },
      request: { target: "/items/5000" },
      response: { size: 5000 },
    });
  });

  it("reads gzip by its magic bytes, whatever the name, and CRLF line ends", async () => {
    const path = write(dir, "plain-name.log", gzipSync(`${lines(3).replaceAll("\n", "\r\n")}\r\n`));
    const src = await openSource(path);
    expect(src.gzip).toBe(true);
    const records = await drain(src);
    expect(records.map((r) => ("request" in r ? r.request.target : r.reason))).toEqual([
      "/items/1",
      "/items/2",
      "/items/3",
    ]);
  });

  it("reads stdin ('-') once, gzip or not", async () => {
    const src = await openSource("-", { stdin: chunksOf(gzipSync(lines(10))) });
    expect(src.file).toBe("-");
    expect(await drain(src)).toHaveLength(10);
    const plain = await openSource("-", {
      stdin: chunksOf(line(1).slice(0, 20), `${line(1).slice(20)}\n`, line(2)),
    });
    expect(exchanges(await drain(plain)).map((e) => e.location.line)).toEqual([1, 2]);
    await expect(drain(plain)).rejects.toMatchObject({ code: "TRUESTATUS_INPUT_UNREADABLE" });
  });

  it("counts malformed lines and lines over 1 MiB as malformed records, and goes on", async () => {
    const path = write(
      dir,
      "mixed.log",
      `${line(1)}\ngarbage here\n${"x".repeat(3 << 20)}\n${line(4)}\n\n${line(6)}`,
    );
    const records = await drain(await openSource(path));
    expect(malformedOf(records)).toEqual([
      { malformed: true, reason: "not a CLF line: no user field", file: path, line: 2 },
      { malformed: true, reason: "line longer than 1 MiB", file: path, line: 3 },
    ]);
    expect(exchanges(records).map((e) => e.location.line)).toEqual([1, 4, 6]);
  });

  it("throws TRUNCATED after yielding what a truncated gzip held", async () => {
    const full = gzipSync(lines(20000));
    const path = write(dir, "cut.log.gz", full.subarray(0, Math.floor(full.length * 0.6)));
    const { records, error } = await drainWithError(await openSource(path));
    expect(records.length).toBeGreaterThan(5000);
    expect(malformedOf(records.slice(0, -1))).toEqual([]);
    expect(error).toBeInstanceOf(InputError);
    expect(error).toMatchObject({ code: "TRUESTATUS_INPUT_TRUNCATED", partial: true, file: path });
    expect((error as Error).message).toMatch(
      /^.*cut\.log\.gz: truncated gzip: .* after line \d+; what came before was read$/,
    );
  });

  it("throws CORRUPT for damaged gzip data", async () => {
    const full = gzipSync(lines(20000));
    for (let i = 20000; i < 20100; i++) full[i] = full[i]! ^ 0xff;
    const path = write(dir, "bad.log.gz", full);
    const { error } = await drainWithError(await openSource(path));
    expect(error).toMatchObject({ code: "TRUESTATUS_INPUT_CORRUPT" });
  });

  it("gives one-line typed errors for missing, empty, binary and unknown inputs", async () => {
    const missing = await rejection(openSource(join(dir, "nope.log")));
    expect(missing.code).toBe("TRUESTATUS_INPUT_NOT_FOUND");
    expect(missing.message).toBe(`${join(dir, "nope.log")}: no such file or directory`);

    expect((await rejection(openSource(write(dir, "empty.log", "")))).code).toBe(
      "TRUESTATUS_INPUT_EMPTY",
    );
    expect((await rejection(openSource(write(dir, "blank.log", "\n\n  \n")))).message).toMatch(
      /blank\.log: empty \(only blank lines\)$/,
    );
    expect((await rejection(openSource(write(dir, "empty.gz", gzipSync(""))))).code).toBe(
      "TRUESTATUS_INPUT_EMPTY",
    );
    const bin = await rejection(openSource(write(dir, "x.bin", Buffer.from([1, 2, 0, 3, 4]))));
    expect(bin.code).toBe("TRUESTATUS_INPUT_BINARY");
    expect(bin.message).toMatch(
      /x\.bin: binary data, not a log or HAR file \(NUL byte at offset 2\)$/,
    );
    const xz = await rejection(
      openSource(write(dir, "a.log.xz", Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 1, 2]))),
    );
    expect(xz.message).toMatch(/xz data: only plain text and gzip are read/);

    const unknown = await rejection(
      openSource(write(dir, "u.log", "hello\tworld \u001b[31m\nsecond\n")),
    );
    expect(unknown.code).toBe("TRUESTATUS_INPUT_UNKNOWN_FORMAT");
    expect(unknown.message).toContain("unknown format (tried har, ");
    expect(unknown.message).toContain('first line: "hello\\tworld \\x1b[31m"');
    expect(unknown.message).not.toContain("\n");

    const long = await rejection(openSource(write(dir, "long.log", `${"z".repeat(500)}\n`)));
    expect(long.message).toMatch(/first line: "z{120}…"$/);
    const d = await rejection(openSource(dir));
    expect(d.code).toBe("TRUESTATUS_INPUT_UNREADABLE");
  });

  it("checks an unknown --input-format before touching the input", async () => {
    const e = await rejection(openSource(join(dir, "nope.log"), { inputFormat: "probe" }));
    expect(e.code).toBe("TRUESTATUS_INPUT_UNKNOWN_FORMAT");
    expect(e.message).toMatch(/"probe" is not an input format/);
  });

  it("lets --input-format override detection", async () => {
    const path = write(dir, "forced.log", `${lines(2)}\n`);
    const src = await openSource(path, { inputFormat: "clf" });
    expect(src.format).toBe("clf");
    // Read as CLF, the referer and user agent of a combined line are ignored fields.
    expect(malformedOf(await drain(src))).toHaveLength(0);
  });
});

describe("a format given that reads none of the first lines", () => {
  it("is a one-line UNKNOWN_FORMAT error, not a file of malformed records", async () => {
    const path = write(dir, "wrong.log", `${lines(3)}\n`);
    const e = await rejection(
      openSource(path, { logFormat: "$time_iso8601 $status $request_time" }),
    );
    expect(e.code).toBe("TRUESTATUS_INPUT_UNKNOWN_FORMAT");
    expect(e.message).toMatch(
      /wrong\.log: none of the first 3 lines is in the nginx format \(check that --log-format is the log_format this file was written with\); first line: "10\.0\.0\.1 - - /,
    );
    const j = await rejection(openSource(path, { inputFormat: "envoy" }));
    expect(j.message).toMatch(/none of the first 3 lines is in the envoy format; first line/);
  });
});

describe("expandInputs", () => {
  it("expands directories recursively, sorted with numbers in order, skipping non-logs", async () => {
    const root = join(dir, "logs");
    mkdirSync(join(root, "nginx", "old"), { recursive: true });
    mkdirSync(join(root, "empty-dir"));
    for (const name of [
      "access.log",
      "access.log.2.gz",
      "access.log.10.gz",
      "access.log.1",
      "error.log",
      "logo.png",
      ".hidden.log",
      "api.har",
      "site.conf",
    ])
      write(join(root, "nginx"), name, "x");
    write(join(root, "nginx"), "zero.log", "");
    write(join(root, "nginx", "old"), "access.log.30", "x");
    expect(await expandInputs(["-", root, join(root, "nginx", "error.log")])).toEqual([
      "-",
      join(root, "nginx", "access.log"),
      join(root, "nginx", "access.log.1"),
      join(root, "nginx", "access.log.2.gz"),
      join(root, "nginx", "access.log.10.gz"),
      join(root, "nginx", "api.har"),
      join(root, "nginx", "old", "access.log.30"),
      join(root, "nginx", "error.log"),
    ]);
  });

  it("throws NOT_A_LOG_DIRECTORY and NOT_FOUND", async () => {
    const empty = join(dir, "nologs");
    mkdirSync(empty);
    write(empty, "a.png", "x");
    const e = await rejection(expandInputs([empty]));
    expect(e.code).toBe("TRUESTATUS_NOT_A_LOG_DIRECTORY");
    expect(e.message).toMatch(/nologs: directory holds no log or HAR file/);
    expect((await rejection(expandInputs([join(dir, "missing")]))).code).toBe(
      "TRUESTATUS_INPUT_NOT_FOUND",
    );
  });
});
