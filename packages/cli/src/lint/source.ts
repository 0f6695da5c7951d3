/**
 * One file of an OpenAPI document, parsed twice over: the data (plain JSON values) and a tree that
 * keeps where each node was written, so a finding can name file:line:column. YAML is the `yaml`
 * package's (positions built in); JSON is JSON.parse for the data (fast) and jsonc-parser's tree
 * for positions (the `yaml` package reads JSON too, but several times slower on big documents).
 */
import {
  type Node as JsonNode,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from "jsonc-parser";
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type YAMLMap,
  type YAMLParseError,
  type Node as YamlNode,
} from "yaml";
import { LintInputError } from "./errors.js";

export type JsonPath = readonly (string | number)[];

export interface Position {
  /** 1-based. */
  readonly line: number;
  /** 1-based, in UTF-16 code units as editors count them. */
  readonly column: number;
}

/** An opaque node of the positional tree. */
export type SourceNode = { readonly __node: unique symbol };

export interface SourceFile {
  readonly file: string;
  readonly data: unknown;
  /** The root node of the positional tree. */
  readonly root: SourceNode | undefined;
  /** The child of an object (by key) or array (by index), aliases followed. */
  child(node: SourceNode, key: string | number): SourceNode | undefined;
  /** The `$ref` string when the node is an object with one. */
  refOf(node: SourceNode): string | undefined;
  /** Where the node is written: for an object member, where its key is. */
  position(node: SourceNode): Position;
}

/** Larger than any OpenAPI document seen in the wild (Microsoft Graph's is ~35 MB of YAML). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export function parseSource(file: string, text: string): SourceFile {
  return looksLikeJson(file, text) ? parseJson(file, text) : parseYaml(file, text);
}

function looksLikeJson(file: string, text: string): boolean {
  if (/\.json$/i.test(file)) return true;
  if (/\.ya?ml$/i.test(file)) return false;
  return /^\s*[{[]/.test(text);
}

/** Offsets of line starts, for offset → line/column by binary search. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function positionAt(starts: readonly number[], offset: number): Position {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

interface JsonTree {
  readonly node: JsonNode;
  /** The key node, for a value that is an object member (its position is the key's). */
  readonly key?: JsonNode;
}

function parseJson(file: string, text: string): SourceFile {
  const errors: ParseError[] = [];
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const starts = lineStarts(text);
  const first = errors[0];
  if (first !== undefined || tree === undefined) {
    const at = positionAt(starts, first?.offset ?? 0);
    throw new LintInputError(
      file,
      at.line,
      `not valid JSON (column ${at.column}: ${first ? printParseErrorCode(first.error) : "empty"})`,
    );
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new LintInputError(file, undefined, `not valid JSON (${(e as Error).message})`);
  }
  const wrap = (t: JsonTree) => t as unknown as SourceNode;
  const unwrap = (n: SourceNode) => n as unknown as JsonTree;
  // Objects are looked up by key often (every path walk): index members once per object.
  const members = new WeakMap<JsonNode, Map<string, JsonTree>>();
  const membersOf = (n: JsonNode): Map<string, JsonTree> => {
    let m = members.get(n);
    if (m === undefined) {
      m = new Map();
      for (const p of n.children ?? []) {
        const [k, v] = p.children ?? [];
        // JSON.parse keeps the last of duplicate keys; so does this.
        if (k !== undefined && v !== undefined && typeof k.value === "string")
          m.set(k.value, { node: v, key: k });
      }
      members.set(n, m);
    }
    return m;
  };
  return {
    file,
    data,
    root: wrap({ node: tree }),
    child(n, key) {
      const { node } = unwrap(n);
      if (node.type === "object") {
        const hit = membersOf(node).get(String(key));
        return hit === undefined ? undefined : wrap(hit);
      }
      if (node.type === "array" && /^\d+$/.test(String(key))) {
        const item = node.children?.[Number(key)];
        return item === undefined ? undefined : wrap({ node: item });
      }
      return undefined;
    },
    refOf(n) {
      const { node } = unwrap(n);
      if (node.type !== "object") return undefined;
      const ref = membersOf(node).get("$ref")?.node;
      return ref?.type === "string" ? (ref.value as string) : undefined;
    },
    position(n) {
      const t = unwrap(n);
      return positionAt(starts, (t.key ?? t.node).offset);
    },
  };
}

interface YamlTree {
  readonly node: YamlNode | null;
  readonly key?: YamlNode;
}

function parseYaml(file: string, text: string): SourceFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, strict: true });
  const err = doc.errors[0];
  if (err !== undefined) throw yamlError(file, lineCounter, err);
  let data: unknown;
  try {
    // The default alias limit (100) bounds the expansion of alias bombs.
    data = doc.toJS();
  } catch (e) {
    throw new LintInputError(file, undefined, `YAML: ${(e as Error).message}`);
  }
  const wrap = (t: YamlTree) => t as unknown as SourceNode;
  const unwrap = (n: SourceNode) => n as unknown as YamlTree;
  const deAlias = (n: unknown): YamlNode | null => {
    let cur = n;
    for (let i = 0; i < 32 && isAlias(cur); i++) cur = cur.resolve(doc) ?? null;
    return (cur as YamlNode | null) ?? null;
  };
  const scalarKey = (k: unknown): string | undefined => {
    const s = deAlias(k);
    return isScalar(s) ? String(s.value) : undefined;
  };
  // Maps are looked up by key on every path walk: index each one once (the last duplicate wins, as
  // in the data; merge keys (<<) are rare in OpenAPI documents and found in the data only).
  const members = new WeakMap<object, Map<string, YamlTree>>();
  const membersOf = (node: YAMLMap): Map<string, YamlTree> => {
    let m = members.get(node);
    if (m === undefined) {
      m = new Map();
      for (const pair of node.items) {
        const k = scalarKey(pair.key);
        if (k !== undefined)
          m.set(k, { node: pair.value as YamlNode | null, key: pair.key as YamlNode });
      }
      members.set(node, m);
    }
    return m;
  };
  return {
    file,
    data,
    root: doc.contents === null ? undefined : wrap({ node: doc.contents }),
    child(n, key) {
      const node = deAlias(unwrap(n).node);
      if (isMap(node)) {
        const hit = membersOf(node).get(String(key));
        return hit === undefined ? undefined : wrap(hit);
      }
      if (isSeq(node) && /^\d+$/.test(String(key))) {
        const item = node.items[Number(key)];
        return item === undefined ? undefined : wrap({ node: item as YamlNode });
      }
      return undefined;
    },
    refOf(n) {
      const node = deAlias(unwrap(n).node);
      if (!isMap(node)) return undefined;
      const v = deAlias(membersOf(node).get("$ref")?.node ?? null);
      return isScalar(v) && typeof v.value === "string" ? v.value : undefined;
    },
    position(n) {
      const t = unwrap(n);
      const range = (t.key ?? t.node)?.range;
      const p = lineCounter.linePos(range?.[0] ?? 0);
      return { line: p.line, column: p.col };
    },
  };
}

function yamlError(file: string, lc: LineCounter, err: YAMLParseError): LintInputError {
  const p = err.linePos?.[0] ?? lc.linePos(err.pos[0]);
  const first = err.message.split("\n")[0] ?? err.code;
  return new LintInputError(file, p.line, `not valid YAML (column ${p.col}: ${first})`, {
    cause: err,
  });
}
