/**
 * Round trips for the formats of issue 22: generate an exchange, write it as the program does,
 * parse it back, get the same fields. Plus the W3C reader across layout changes, and wrappers
 * that give back exactly the line they wrap.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Exchange } from "../../../src/audit/exchange.js";
import { isMalformed } from "../../../src/audit/source.js";
import { elb } from "../../../src/audit/sources/elb.js";
import { s3 } from "../../../src/audit/sources/s3.js";
import { traefik } from "../../../src/audit/sources/traefik.js";
import { w3cFormat } from "../../../src/audit/sources/w3c.js";
import { WRAPPERS } from "../../../src/audit/sources/wrap.js";

const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD");
const seg = fc.stringMatching(/^[a-zA-Z0-9._~%-]{1,8}$/);
const path = fc.array(seg, { minLength: 1, maxLength: 4 }).map((s) => `/${s.join("/")}`);
const query = fc.option(fc.stringMatching(/^[a-z]{1,5}=[a-z0-9]{0,5}$/), { nil: undefined });
const status = fc.integer({ min: 100, max: 599 });
const epochSec = fc.integer({ min: 946684800, max: 2000000000 });
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const p2 = (n: number) => String(n).padStart(2, "0");
const clf = (ms: number) => {
  const d = new Date(ms);
  return `${p2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
};

describe("round trips", () => {
  it("W3C: any subset and order of fields, written with spaces (IIS) or tabs (CloudFront)", () => {
    const FIELDS = [
      "date",
      "time",
      "cs-method",
      "cs-uri-stem",
      "cs-uri-query",
      "sc-status",
      "sc-bytes",
      "time-taken",
      "cs-username",
      "c-ip",
    ] as const;
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...FIELDS], { minLength: 1 }),
        fc.boolean(),
        method,
        path,
        query,
        status,
        epochSec,
        fc.nat({ max: 1e7 }),
        fc.nat({ max: 600_000 }),
        fc.boolean(),
        (picked, tabs, m, p, q, st, t, bytes, taken, user) => {
          const fields = picked.includes("sc-status") ? picked : [...picked, "sc-status" as const];
          const iso = new Date(t * 1000).toISOString();
          const value: Record<(typeof FIELDS)[number], string> = {
            date: iso.slice(0, 10),
            time: iso.slice(11, 19),
            "cs-method": m,
            "cs-uri-stem": p,
            "cs-uri-query": q ?? "-",
            "sc-status": String(st),
            "sc-bytes": String(bytes),
            "time-taken": String(taken),
            "cs-username": user ? "CORP\\alice" : "-",
            "c-ip": "192.0.2.1",
          };
          const f = w3cFormat();
          expect(f.parse(`#Fields: ${fields.join(" ")}`, "w", 1)).toBeUndefined();
          const r = f.parse(
            fields.map((k) => value[k]).join(tabs ? "\t" : " "),
            "w",
            2,
          ) as Exchange;
          expect(isMalformed(r)).toBe(false);
          expect(r.response?.status).toBe(st);
          const has = (k: (typeof FIELDS)[number]) => fields.includes(k);
          if (has("cs-method")) expect(r.request.method).toBe(m);
          if (has("cs-uri-stem"))
            expect(r.request.target).toBe(has("cs-uri-query") && q !== undefined ? `${p}?${q}` : p);
          expect(r.response?.totalSize).toBe(has("sc-bytes") ? bytes : undefined);
          expect(r.response).not.toHaveProperty("size");
          expect(r.durationMs).toBe(has("time-taken") ? taken : undefined);
          expect(r.time).toBe(
            has("date") && has("time") ? t * 1000 - (has("time-taken") ? taken : 0) : undefined,
          );
          expect(r.request.credentials).toBe(has("cs-username") && user ? "present" : undefined);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("S3 server access: requester, status, bytes, time", () => {
    fc.assert(
      fc.property(
        method,
        path,
        status,
        epochSec,
        fc.option(fc.nat({ max: 1e9 }), { nil: undefined }),
        fc.boolean(),
        fc.nat({ max: 99999 }),
        (m, p, st, t, bytes, anon, total) => {
          const owner = "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";
          const line = `${owner} bucket [${clf(t * 1000)}] 192.0.2.3 ${anon ? "-" : "arn:aws:iam::123456789012:user/a"} 3E57427F3EXAMPLE REST.${m}.OBJECT key "${m} /bucket${p} HTTP/1.1" ${st} - ${bytes ?? "-"} 10 ${total} 1 "-" "ua x" - hostid SigV4 ECDHE AuthHeader bucket.s3.amazonaws.com TLSv1.2 - -`;
          expect(s3.detect(line)).toBe(true);
          const r = s3.parse(line, "s", 1) as Exchange;
          expect(r).toEqual({
            format: "s3",
            location: { file: "s", line: 1 },
            time: t * 1000,
            request: {
              method: m,
              target: `/bucket${p}`,
              path: `/bucket${p}`,
              host: "bucket.s3.amazonaws.com",
              credentials: anon ? "absent" : "present",
            },
            response: { status: st, size: bytes ?? 0 },
            durationMs: total,
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it("Classic ELB: statuses, backend answer or none, sizes, durations", () => {
    const secs = fc.integer({ min: 0, max: 5_000_000 }).map((us) => us / 1e6);
    fc.assert(
      fc.property(
        method,
        path,
        status,
        fc.option(status, { nil: undefined }),
        epochSec,
        secs,
        secs,
        secs,
        fc.nat({ max: 1e9 }),
        (m, p, st, backend, t, a, b, c, sent) => {
          const ts = new Date(t * 1000 + 123).toISOString().replace("Z", "456Z");
          const line = `${ts} lb 192.0.2.1:5000 ${backend === undefined ? "-" : "10.0.0.1:80"} ${a.toFixed(6)} ${backend === undefined ? "-1" : b.toFixed(6)} ${c.toFixed(6)} ${st} ${backend ?? "-"} 0 ${sent} "${m} https://example.com:443${p} HTTP/1.1" "ua x" ECDHE TLSv1.2`;
          expect(elb.detect(line)).toBe(true);
          const r = elb.parse(line, "e", 1) as Exchange;
          expect(r.request).toEqual({ method: m, target: p, path: p, host: "example.com:443" });
          expect(r.response).toEqual({ status: st, size: sent });
          expect(r.upstream?.targetStatus).toBe(backend ?? null);
          expect(r.upstream?.generatedBy).toBe(backend === st ? "upstream" : "proxy");
          expect(r.time).toBe(Date.parse(ts));
          if (backend !== undefined) expect(r.durationMs).toBeCloseTo((a + b + c) * 1000, 3);
          else expect(r.durationMs).toBeUndefined();
        },
      ),
      { numRuns: 500 },
    );
  });

  it("Traefik common: the combined part and the tail", () => {
    fc.assert(
      fc.property(
        method,
        path,
        status,
        epochSec,
        fc.nat({ max: 1e6 }),
        fc.nat({ max: 1e6 }),
        fc.constantFrom("-", "api@docker"),
        (m, p, st, t, size, ms, router) => {
          const line = `192.0.2.1 - - [${clf(t * 1000)}] "${m} ${p} HTTP/1.1" ${st} ${size} "-" "curl/8 (x; y)" 42 "${router}" "${router === "-" ? "-" : "http://10.0.0.2:80"}" ${ms}ms`;
          expect(traefik.detect(line)).toBe(true);
          const r = traefik.parse(line, "t", 1) as Exchange;
          expect(r).toEqual({
            format: "traefik",
            location: { file: "t", line: 1 },
            time: t * 1000,
            request: { method: m, target: p, path: p },
            response: { status: st, size },
            durationMs: ms,
            ...(st === 499 ? { clientAborted: true } : {}),
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("wrappers give back the line they wrap", () => {
  const anyLine = fc
    .string({ maxLength: 200 })
    .filter((s) => !s.includes("\n") && !s.includes("\r"));
  it("docker json-file and {message}, for any text; split parts joined", () => {
    fc.assert(
      fc.property(anyLine, fc.nat(), (line, cut) => {
        const docker = WRAPPERS[0]!();
        expect(
          docker.unwrap(JSON.stringify({ log: `${line}\n`, stream: "stdout", time: "t" })),
        ).toBe(line);
        const at = line.length === 0 ? 0 : cut % line.length;
        const d2 = WRAPPERS[0]!();
        expect(d2.unwrap(JSON.stringify({ log: line.slice(0, at), stream: "stdout" }))).toBeNull();
        expect(d2.unwrap(JSON.stringify({ log: `${line.slice(at)}\n`, stream: "stdout" }))).toBe(
          line,
        );
        expect(WRAPPERS[2]!().unwrap(JSON.stringify({ message: line, other: 1 }))).toBe(line);
      }),
      { numRuns: 500 },
    );
  });

  it("CRI, with partial lines", () => {
    fc.assert(
      fc.property(
        fc.array(anyLine, { minLength: 1, maxLength: 4 }),
        fc.constantFrom("stdout", "stderr"),
        (parts, stream) => {
          const cri = WRAPPERS[1]!();
          const out: (string | null | undefined)[] = parts.map((p, i) =>
            cri.unwrap(
              `2026-11-24T10:00:00.123456789Z ${stream} ${i === parts.length - 1 ? "F" : "P"} ${p}`,
            ),
          );
          expect(out.slice(0, -1).every((o) => o === null)).toBe(true);
          expect(out[out.length - 1]).toBe(parts.join(""));
        },
      ),
      { numRuns: 500 },
    );
  });
});
