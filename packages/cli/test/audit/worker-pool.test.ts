import { spawnSync } from "node:child_process";
import { mkdtempSync, openSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// Workers run the bundled entry, so the pool is tested as built (like the other worker tests).
import { PARALLEL_MIN_BYTES, workersWanted } from "../../dist/audit/worker-pool.js";

const dir = mkdtempSync(join(tmpdir(), "ts-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sparse file of `size` bytes (no disk used). */
function sized(name: string, size: number): string {
  const f = join(dir, name);
  openSync(f, "w");
  truncateSync(f, size);
  return f;
}

const big = sized("big.log", PARALLEL_MIN_BYTES);

describe("workersWanted", () => {
  const small = sized("small.log", PARALLEL_MIN_BYTES - 1);
  const gz = sized("big.log.gz", PARALLEL_MIN_BYTES * 2);

  it("wants the jobs for a big plain file, and none otherwise", () => {
    expect(workersWanted([big, "--jobs", "2"])).toBe(2);
    expect(workersWanted(["--jobs=3", big])).toBe(3);
    expect(workersWanted(["-j", "1", big])).toBe(1);
    expect(workersWanted([big])).toBe(availableParallelism());
    expect(workersWanted([small, "--jobs", "2"])).toBe(0);
    expect(workersWanted([gz, "--jobs", "2"])).toBe(0);
    expect(workersWanted([dir, "--jobs", "2"])).toBe(0);
    expect(workersWanted(["missing.log", "--jobs", "2"])).toBe(0);
    expect(workersWanted(["-"])).toBe(0);
  });

  it("wants none for the SQL engines or a jobs value that is not a count", () => {
    expect(workersWanted([big, "--engine", "duckdb"])).toBe(0);
    expect(workersWanted([big, "--engine=chdb"])).toBe(0);
    expect(workersWanted([big, "--jobs", "two"])).toBe(0);
    expect(workersWanted([big, "--jobs", "0"])).toBe(0);
  });
});

describe("started workers", () => {
  const bin = new URL("../../dist/cli/bin.js", import.meta.url).pathname;

  it("are taken by a run on a big file: the result is the single-threaded one", () => {
    // 40 MB of one combined line repeated: read by workers started before the CLI loaded.
    const line =
      '10.0.0.1 - - [01/Nov/2026:00:00:00 +0000] "DELETE /api/v1/users/12 HTTP/1.1" 204 17 "-" "curl/8"\n';
    const file = join(dir, "combined.log");
    writeFileSync(file, line.repeat(Math.ceil((PARALLEL_MIN_BYTES + 8e6) / line.length)));
    const args = (jobs: string) => [bin, "analyze", file, "--format", "json", "--jobs", jobs];
    const opts = { encoding: "utf8", maxBuffer: 1 << 28 } as const;
    const two = spawnSync(process.execPath, args("2"), opts);
    const one = spawnSync(process.execPath, args("1"), opts);
    expect(two.stderr).toBe("");
    expect(two.status).toBe(one.status);
    const summary = JSON.parse(two.stdout);
    expect(summary.exchanges).toBe(Math.ceil((PARALLEL_MIN_BYTES + 8e6) / line.length));
    expect(summary.findings["no-content-with-body"].count).toBe(summary.exchanges);
    expect(one.stdout).toBe(two.stdout);
  });

  it("are not waited for when nothing takes them", () => {
    const har = join(dir, "x.har");
    writeFileSync(har, JSON.stringify({ log: { version: "1.2", entries: [] } }));
    // The big file (NUL bytes: no format) makes the CLI start workers, and is skipped; the HAR
    // is read on the main thread.
    const r = spawnSync(
      process.execPath,
      [bin, "analyze", big, har, "--format", "json", "--jobs", "2", "--fail-on", "none"],
      { encoding: "utf8", timeout: 20_000 },
    );
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.exchanges).toBe(0);
    expect(summary.skipped.map((s: { file: string }) => s.file)).toEqual([big]);
  });
});
