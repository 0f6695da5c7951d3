/**
 * Loads an OpenAPI 3.0 / 3.1 document and every file its `$ref`s reach (local files only: a remote
 * `$ref` is counted and left unresolved), resolves the references in the data (the rules read one
 * resolved tree, as Spectral's do), and maps a path in that tree back to file:line:column by walking
 * the written files and following the same references. Bad input is one LintInputError.
 */
import { readFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { LintInputError } from "./errors.js";
import { decodeURIComponentSafe, pointerSegments, toPointer } from "./pointer.js";

export { pointerSegments, toPointer };

import {
  type JsonPath,
  MAX_FILE_BYTES,
  type Position,
  parseSource,
  type SourceFile,
} from "./source.js";

export interface SourceLocation extends Position {
  readonly file: string;
  /** JSON pointer of the node in that file ("" for the whole file). */
  readonly pointer: string;
  /** The file relative to the root document's folder, with / separators (for fingerprints). */
  readonly docPath: string;
}

export interface LoadedApi {
  /** The root file as given. */
  readonly file: string;
  readonly version: "3.0" | "3.1";
  /** The document with every local `$ref` replaced by its target (shared objects; cycles possible). */
  readonly data: Record<string, unknown>;
  /** Every file read, as given for the root and resolved for the others. */
  readonly files: readonly string[];
  /** Remote `$ref`s (http, https) left unresolved. */
  readonly remoteRefs: number;
  /** Where a path of the resolved tree is written (the deepest existing node on it). */
  locate(path: JsonPath): SourceLocation;
}

/** More files than any split document seen; bounds the work a $ref web can ask for. */
const MAX_FILES = 20_000;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export async function loadOpenApi(file: string): Promise<LoadedApi> {
  const files = new Map<string, SourceFile>();
  const rootAbs = resolve(file);
  // Names in messages: the root as the user gave it; the others relative to where they are found.
  // Other files are named as the root is: "spec/api.yaml" → "spec/schemas/pet.yaml".
  const display = (abs: string) =>
    abs === rootAbs ? file : join(dirname(file), relative(dirname(rootAbs), abs));
  const docPath = (abs: string) => relative(dirname(rootAbs), abs).split(sep).join("/");

  async function read(abs: string, from?: { file: string; line: number }): Promise<SourceFile> {
    const known = files.get(abs);
    if (known !== undefined) return known;
    if (files.size >= MAX_FILES)
      throw new LintInputError(
        display(abs),
        undefined,
        `more than ${MAX_FILES} files are referenced`,
      );
    let buf: Buffer;
    try {
      buf = await readFile(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? String(e);
      if (from !== undefined)
        throw new LintInputError(
          from.file,
          from.line,
          `$ref to ${display(abs)}: cannot read (${code})`,
        );
      throw new LintInputError(display(abs), undefined, `cannot read (${code})`);
    }
    if (buf.length > MAX_FILE_BYTES)
      throw new LintInputError(
        display(abs),
        undefined,
        `${buf.length} bytes is more than the ${MAX_FILE_BYTES / 1024 / 1024} MiB a document file may have`,
      );
    const src = parseSource(display(abs), buf.toString("utf8"));
    files.set(abs, src);
    return src;
  }

  const root = await read(rootAbs);
  const data = root.data;
  if (!isObject(data))
    throw new LintInputError(file, 1, "not an OpenAPI document: the top level is not an object");
  const version = versionOf(file, root, data);
  if (!isObject(data.paths) && !isObject(data.webhooks) && !isObject(data.components))
    throw new LintInputError(
      file,
      lineOf(root, ["openapi"]),
      'not an OpenAPI document: no "paths" object',
    );

  // Pass 1: read every file the references reach (breadth-first over the raw data of each file).
  let remoteRefs = 0;
  const refTarget = (
    fromAbs: string,
    ref: string,
  ): { abs: string; pointer: string } | undefined => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref)) return undefined;
    const hash = ref.indexOf("#");
    const filePart = hash === -1 ? ref : ref.slice(0, hash);
    const pointer = hash === -1 ? "" : ref.slice(hash + 1);
    const abs =
      filePart === "" ? fromAbs : resolve(dirname(fromAbs), decodeURIComponentSafe(filePart));
    return { abs, pointer };
  };
  const queue = [rootAbs];
  const scanned = new Set<string>();
  while (queue.length > 0) {
    const abs = queue.shift()!;
    if (scanned.has(abs)) continue;
    scanned.add(abs);
    const src = files.get(abs)!;
    const refs: { ref: string; path: (string | number)[] }[] = [];
    collectRefs(src.data, refs);
    for (const { ref, path } of refs) {
      const t = refTarget(abs, ref);
      if (t === undefined) {
        remoteRefs++;
        continue;
      }
      if (t.abs !== abs && !files.has(t.abs)) {
        await read(t.abs, { file: src.file, line: lineOf(src, [...path, "$ref"]) ?? 1 });
        queue.push(t.abs);
      }
    }
  }

  // Pass 2: replace each local $ref object by its target, in place (targets are shared objects).
  const targetOf = (fromAbs: string, ref: string, at: JsonPath): unknown => {
    const t = refTarget(fromAbs, ref)!;
    const src = files.get(t.abs)!;
    const hit = pointerGet(src.data, t.pointer);
    if (hit.found) return hit.value;
    const from = files.get(fromAbs)!;
    throw new LintInputError(
      from.file,
      lineOf(from, [...at, "$ref"]),
      `$ref "${ref}": ${hit.reason}`,
    );
  };
  // Which file each object comes from, for the references inside it (one file: all the root's).
  const owner = new Map<unknown, string>();
  if (files.size > 1)
    for (const [abs, src] of files)
      if (typeof src.data === "object" && src.data !== null) markOwner(src.data, abs, owner);
  const done = new Set<unknown>();
  // Iterative depth-first walk: documents can nest deeper than a safe recursion depth.
  const stack: { value: object; trail: Trail }[] = [
    { value: data, trail: { key: undefined, up: undefined } },
  ];
  const replace = (
    holder: Record<string | number, unknown>,
    k: string | number,
    v: unknown,
    trail: Trail,
  ) => {
    let target = v;
    let targetAbs = owner.get(holder) ?? rootAbs;
    let targetTrail: Trail = { key: k, up: trail };
    for (let hops = 0; isRef(target); hops++) {
      const from = files.get(targetAbs)!;
      if (hops > 64)
        throw new LintInputError(
          from.file,
          lineOf(from, pathOf(targetTrail)),
          "$ref chain longer than 64 (a loop?)",
        );
      const ref = (target as { $ref: string }).$ref;
      const t = refTarget(targetAbs, ref);
      if (t === undefined) break;
      target = targetOf(targetAbs, ref, pathOf(targetTrail));
      targetAbs = t.abs;
      targetTrail = pointerSegments(t.pointer).reduce<Trail>((up, key) => ({ key, up }), {
        key: undefined,
        up: undefined,
      });
    }
    if (target !== v) holder[k] = target;
    if (typeof target === "object" && target !== null && !done.has(target))
      stack.push({ value: target, trail: targetTrail });
  };
  while (stack.length > 0) {
    const cur = stack.pop()!;
    if (done.has(cur.value)) continue;
    done.add(cur.value);
    const holder = cur.value as Record<string | number, unknown>;
    if (Array.isArray(cur.value)) {
      for (let i = 0; i < cur.value.length; i++) {
        const v: unknown = cur.value[i];
        if (typeof v === "object" && v !== null) replace(holder, i, v, cur.trail);
      }
    } else {
      for (const k in holder) {
        const v = holder[k];
        if (typeof v === "object" && v !== null) replace(holder, k, v, cur.trail);
      }
    }
  }

  const absOf = new Map<SourceFile, string>([...files].map(([a, s]) => [s, a]));
  const resolveAbs = (s: SourceFile) => absOf.get(s)!;
  const locate = (path: JsonPath): SourceLocation => {
    let src = root;
    let node = root.root;
    let ptr: (string | number)[] = [];
    const follow = () => {
      for (let hops = 0; hops < 64 && node !== undefined; hops++) {
        const ref = src.refOf(node);
        if (ref === undefined) return;
        const t = refTarget(resolveAbs(src), ref);
        if (t === undefined) return;
        const tsrc = files.get(t.abs);
        if (tsrc === undefined) return;
        const segs = pointerSegments(t.pointer);
        let n = tsrc.root;
        for (const s of segs) {
          if (n === undefined) break;
          n = tsrc.child(n, s);
        }
        if (n === undefined) return;
        src = tsrc;
        node = n;
        ptr = segs;
      }
    };
    for (const seg of path) {
      follow();
      if (node === undefined) break;
      const next = src.child(node, seg);
      if (next === undefined) break;
      node = next;
      ptr = [...ptr, seg];
    }
    follow();
    const pos = node === undefined ? { line: 1, column: 1 } : src.position(node);
    return {
      file: src.file,
      line: pos.line,
      column: pos.column,
      pointer: toPointer(ptr),
      docPath: docPath(resolveAbs(src)),
    };
  };

  return { file, version, data, files: [...files.values()].map((s) => s.file), remoteRefs, locate };
}

function versionOf(file: string, src: SourceFile, doc: Json): "3.0" | "3.1" {
  const v = doc.openapi;
  if (v === undefined) {
    if (doc.swagger !== undefined)
      throw new LintInputError(
        file,
        lineOf(src, ["swagger"]),
        `swagger ${String(doc.swagger)} is not read; convert it to OpenAPI 3 (e.g. with swagger2openapi)`,
      );
    throw new LintInputError(file, 1, 'not an OpenAPI document: no "openapi" version field');
  }
  if (typeof v === "string" && /^3\.0\.\d+/.test(v)) return "3.0";
  if (typeof v === "string" && /^3\.1\.\d+/.test(v)) return "3.1";
  throw new LintInputError(
    file,
    lineOf(src, ["openapi"]),
    `openapi ${JSON.stringify(v)} is not supported (3.0.x and 3.1.x are)`,
  );
}

function lineOf(src: SourceFile, path: JsonPath): number | undefined {
  let n = src.root;
  if (n === undefined) return undefined;
  for (const seg of path) {
    const next = src.child(n, seg);
    if (next === undefined) break;
    n = next;
  }
  return src.position(n).line;
}

function isRef(v: unknown): boolean {
  return isObject(v) && typeof v.$ref === "string";
}

/** Where a node is, as a chain up to the root: its path is built only when a message needs it. */
interface Trail {
  readonly key: string | number | undefined;
  readonly up: Trail | undefined;
}

function pathOf(t: Trail | undefined): (string | number)[] {
  const out: (string | number)[] = [];
  for (let c = t; c !== undefined && c.key !== undefined; c = c.up) out.push(c.key);
  return out.reverse();
}

function collectRefs(value: unknown, out: { ref: string; path: (string | number)[] }[]): void {
  const stack: { v: unknown; t: Trail }[] = [{ v: value, t: { key: undefined, up: undefined } }];
  while (stack.length > 0) {
    const { v, t } = stack.pop()!;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        if (typeof x === "object" && x !== null) stack.push({ v: x, t: { key: i, up: t } });
      }
    } else if (isObject(v)) {
      if (typeof v.$ref === "string") out.push({ ref: v.$ref, path: pathOf(t) });
      for (const k in v) {
        const x = v[k];
        if (typeof x === "object" && x !== null) stack.push({ v: x, t: { key: k, up: t } });
      }
    }
  }
}

function markOwner(value: object, abs: string, owner: Map<unknown, string>): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== "object" || v === null || owner.has(v)) continue;
    owner.set(v, abs);
    for (const x of Array.isArray(v) ? v : Object.values(v))
      if (typeof x === "object" && x !== null) stack.push(x);
  }
}

function pointerGet(
  data: unknown,
  pointer: string,
): { found: true; value: unknown } | { found: false; reason: string } {
  if (pointer !== "" && !decodeURIComponentSafe(pointer).startsWith("/"))
    return {
      found: false,
      reason: `"#${pointer}" is not a JSON pointer (anchors are not resolved)`,
    };
  let cur = data;
  for (const seg of pointerSegments(pointer)) {
    if (Array.isArray(cur) && /^\d+$/.test(seg) && Number(seg) < cur.length) cur = cur[Number(seg)];
    else if (isObject(cur) && Object.hasOwn(cur, seg)) cur = cur[seg];
    else return { found: false, reason: `no "${seg}" in the target document` };
  }
  return { found: true, value: cur };
}
