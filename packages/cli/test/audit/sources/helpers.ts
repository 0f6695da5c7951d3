/** Helpers for the source tests: temporary files and draining a source. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import type { Exchange } from "../../../src/audit/exchange.js";
import { isMalformed, type MalformedRecord, type SourceRecord } from "../../../src/audit/source.js";
import type { OpenedSource } from "../../../src/audit/sources/open.js";

/** A temporary directory removed after the file's tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "truestatus-sources-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function write(dir: string, name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

export async function drain(source: OpenedSource): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const r of source.records()) out.push(r);
  return out;
}

/** Drains, then returns the records read and the error thrown at the end (if any). */
export async function drainWithError(
  source: OpenedSource,
): Promise<{ records: SourceRecord[]; error: unknown }> {
  const records: SourceRecord[] = [];
  try {
    for await (const r of source.records()) records.push(r);
  } catch (error) {
    return { records, error };
  }
  return { records, error: undefined };
}

export function exchanges(records: readonly SourceRecord[]): Exchange[] {
  return records.filter((r): r is Exchange => !isMalformed(r));
}

export function malformedOf(records: readonly SourceRecord[]): MalformedRecord[] {
  return records.filter(isMalformed);
}

export async function* chunksOf(...parts: (string | Buffer)[]): AsyncGenerator<Buffer> {
  for (const p of parts) yield typeof p === "string" ? Buffer.from(p) : p;
}
