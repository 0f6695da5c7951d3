/**
 * One file of an OpenAPI document, parsed twice over: the data (plain JSON values) and a tree that
 * keeps where each node was written, so a finding can name file:line:column. YAML is js-yaml's event
 * stream (one parse: the data is built from the events, and the events, which carry source offsets,
 * are the positional tree); the `yaml` package, which the linter used before and which is ten times
 * slower on big documents, still reads what js-yaml refuses (for the same error messages) and the
 * few things the two read differently. JSON is JSON.parse for the data (fast) and jsonc-parser's
 * tree for positions (the `yaml` package reads JSON too, but several times slower on big documents).
 */

import {
  boolCoreTag,
  COLLECTION_STYLE,
  CORE_SCHEMA,
  constructFromEvents,
  defineScalarTag,
  EVENT_ID,
  type Event,
  getScalarValue,
  NOT_RESOLVED,
  nullCoreTag,
  parseEvents,
  SCALAR_STYLE,
  type ScalarEvent,
} from "js-yaml";
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

function parseYaml(file: string, text: string): SourceFile {
  return parseYamlEvents(file, text) ?? parseYamlDocument(file, text);
}

/**
 * The numbers of the `yaml` package's core schema, which js-yaml's differ from in one way: a number
 * too large for a double (1e400) is ±Infinity there and a string in js-yaml.
 */
const intTag = defineScalarTag("tag:yaml.org,2002:int", {
  implicit: true,
  implicitFirstChars: ["-", "+", ..."0123456789"],
  resolve: (s) =>
    /^[-+]?[0-9]+$/.test(s)
      ? Number.parseInt(s, 10)
      : /^0o[0-7]+$/.test(s)
        ? Number.parseInt(s.slice(2), 8)
        : /^0x[0-9a-fA-F]+$/.test(s)
          ? Number.parseInt(s.slice(2), 16)
          : NOT_RESOLVED,
  identify: (v) => Number.isInteger(v),
});
const floatTag = defineScalarTag("tag:yaml.org,2002:float", {
  implicit: true,
  implicitFirstChars: ["-", "+", ".", ..."0123456789"],
  resolve: (s) =>
    /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)
      ? s.endsWith("an") || s.endsWith("AN")
        ? Number.NaN
        : s.startsWith("-")
          ? Number.NEGATIVE_INFINITY
          : Number.POSITIVE_INFINITY
      : /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) ||
          /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)
        ? Number.parseFloat(s)
        : NOT_RESOLVED,
  identify: (v) => typeof v === "number",
});
/** YAML 1.2's core schema (no timestamps: dates stay strings), numbers as `yaml` reads them. */
const SCHEMA = CORE_SCHEMA.withTags(intTag, floatTag);
const PLAIN_TAGS = [nullCoreTag, boolCoreTag, intTag, floatTag];

/** What a plain scalar means (a string when no tag of the core schema reads it). */
function plainValue(raw: string): unknown {
  for (const tag of PLAIN_TAGS) {
    const v: unknown = tag.resolve(raw, false, tag.tagName);
    if (v !== NOT_RESOLVED) return v;
  }
  return raw;
}

/**
 * Deeper than OpenAPI documents go. Deeper input is left to `yaml`, which refuses it when its
 * recursion overflows the stack (near 800 levels): js-yaml would read some of that.
 */
const MAX_DEPTH = 200;
/** `yaml` refuses an implicit key of more than 1024 characters; js-yaml has no such limit. */
const MAX_KEY_CHARS = 1000;
/** `yaml`'s bound on alias expansion (Document#toJS maxAliasCount's default). */
const MAX_ALIAS_COUNT = 100;

const { DOCUMENT, MAPPING, SEQUENCE, SCALAR, ALIAS, POP } = EVENT_ID;

/** The `yaml` package's count of an anchor's uses (see its Alias#resolve). */
interface AnchorUse {
  count: number;
  aliasCount: number;
  /** The count is 0 for good: nothing under the anchor can raise it. */
  settled: boolean;
}

interface EventIndex {
  /** For a mapping or a sequence, the index of its POP; for an alias, the index of its node. */
  readonly link: Int32Array;
  /** For an empty or block scalar, the collection it is in (where it is written is found from there). */
  readonly holder: Map<number, number>;
}

/**
 * One pass over the events: where each collection ends, what each alias is, and whether js-yaml's
 * reading is the one `yaml` would give. It is not (undefined: `yaml` reads the file) for more or
 * fewer than one document, a document that is not a map, directives, explicit tags, null or
 * over-long or non-scalar keys, and aliases beyond `yaml`'s bound (which it refuses, with its
 * message).
 */
function indexEvents(text: string, events: readonly Event[]): EventIndex | undefined {
  const n = events.length;
  const doc = events[0];
  const root = events[1];
  if (doc?.type !== DOCUMENT || doc.directives.length > 0 || events[n - 1]?.type !== POP)
    return undefined;
  // A document that is not a map is not OpenAPI (a file a $ref names may be, rarely): `yaml` reads
  // it, as the two differ there (a tab before a scalar, a byte order mark before a sequence).
  if (root?.type !== MAPPING) return undefined;
  const link = new Int32Array(n);
  const holder = new Map<number, number>();
  const open: number[] = [];
  const seen: number[] = [];
  const anchors = new Map<string, number>();
  const uses = new Map<number, AnchorUse>();

  const keyOk = (e: ScalarEvent): boolean => {
    if (e.valueStart === -1 || e.style >= SCALAR_STYLE.LITERAL_BLOCK) return false;
    if (e.valueEnd - (e.anchorStart === -1 ? e.valueStart : e.anchorStart) > MAX_KEY_CHARS)
      return false;
    if (e.style !== SCALAR_STYLE.PLAIN || e.valueEnd - e.valueStart > 4) return true;
    // A null key is "" in `yaml`'s data and "null" in js-yaml's.
    const raw = text.slice(e.valueStart, e.valueEnd);
    return raw !== "~" && raw !== "null" && raw !== "Null" && raw !== "NULL";
  };
  // The largest count*aliasCount under a node (1 for a scalar), as `yaml` figures it.
  const aliasCountOf = (i: number): { count: number; settled: boolean } => {
    if (events[i]!.type === SCALAR) return { count: 1, settled: true };
    let count = 0;
    let settled = true;
    for (let j = i + 1; j < link[i]!; j++) {
      const t = events[j]!.type;
      if (t === SCALAR) count = Math.max(count, 1);
      else if (t === ALIAS) {
        const use = uses.get(link[j]!);
        if (use !== undefined) count = Math.max(count, use.count * use.aliasCount);
        if (use === undefined || !use.settled) settled = false;
      }
    }
    return { count, settled: settled || count > 0 };
  };

  for (let i = 1; i < n; i++) {
    const e = events[i]!;
    if (e.type === POP) {
      const c = open.pop();
      if (c === undefined) {
        if (i !== n - 1) return undefined;
        break;
      }
      seen.pop();
      link[c] = i;
      continue;
    }
    if (e.type === DOCUMENT) return undefined;
    const depth = open.length;
    const parent = depth === 0 ? -1 : open[depth - 1]!;
    let isKey = false;
    if (parent !== -1) {
      const nth = seen[depth - 1]!;
      seen[depth - 1] = nth + 1;
      isKey = events[parent]!.type === MAPPING && nth % 2 === 0;
    }
    if (e.type === ALIAS) {
      const target = anchors.get(text.slice(e.anchorStart, e.anchorEnd));
      if (target === undefined) return undefined;
      const te = events[target]!;
      // An alias inside its own anchor (a cycle): left to `yaml`.
      if (te.type !== SCALAR && link[target] === 0) return undefined;
      if (isKey && (te.type !== SCALAR || !keyOk(te))) return undefined;
      link[i] = target;
      let use = uses.get(target);
      if (use === undefined) {
        use = { count: 1, aliasCount: 0, settled: false };
        uses.set(target, use);
      }
      use.count++;
      if (use.aliasCount === 0 && !use.settled) {
        const c = aliasCountOf(target);
        use.aliasCount = c.count;
        use.settled = c.settled;
      }
      if (use.count * use.aliasCount > MAX_ALIAS_COUNT) return undefined;
      continue;
    }
    if (e.tagStart !== -1) return undefined;
    if (e.anchorStart !== -1) {
      // "&a[1]": `yaml` wants white space after an anchor, js-yaml ends it at the "[".
      const after = text[e.anchorEnd];
      if (after !== undefined && !" \t\r\n,]}".includes(after)) return undefined;
      anchors.set(text.slice(e.anchorStart, e.anchorEnd), i);
    }
    if (e.type === SCALAR) {
      if (isKey) {
        if (!keyOk(e)) return undefined;
      } else if (e.valueStart === -1 || e.style >= SCALAR_STYLE.LITERAL_BLOCK)
        holder.set(i, parent);
    } else {
      // A collection as a key: js-yaml's object maps refuse it, `yaml` makes a string of it.
      if (isKey) return undefined;
      // A block collection on its key's line ("a: &x b: c"): `yaml` refuses it, js-yaml does not.
      if (parent !== -1 && e.style === COLLECTION_STYLE.BLOCK && events[parent]!.type === MAPPING) {
        const key = events[i - 1]!;
        const keyEnd = key.type === SCALAR ? key.valueEnd : key.type === ALIAS ? key.anchorEnd : 0;
        const eol = text.indexOf("\n", keyEnd);
        if (eol === -1 || eol > e.start) return undefined;
      }
      open.push(i);
      seen.push(0);
    }
  }
  return { link, holder };
}

/** The offset after any spaces and tabs from `i` on. */
function skipBlanks(text: string, i: number): number {
  let j = i;
  while (text[j] === " " || text[j] === "\t") j++;
  return j;
}

/**
 * The first "-" from `i` on, over what may be between the end of one sequence item and the dash of
 * the next: white space, comments, closing quotes and brackets, and the ":" of an empty value.
 */
function dashFrom(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text[j];
    if (c === "-") return j;
    if (c === "#") {
      const eol = text.indexOf("\n", j);
      j = eol === -1 ? text.length : eol;
    } else if (c !== undefined && " \t\r\n\"']},:?".includes(c)) j++;
    else return j;
  }
  return j;
}

/**
 * Text the two parsers read differently (found by comparing them on edited documents), left to
 * `yaml`. None of it is usual in an OpenAPI document.
 */
const READ_DIFFERENTLY: readonly RegExp[] = [
  // A CR alone: a line break for js-yaml, not for `yaml` (nor for the line numbers of positions).
  /\r(?!\n)/,
  // A "..." document end marker, which js-yaml may skip.
  /^\ufeff?\.\.\.(?:[ \t\r\n]|$)/m,
  // White space first: after a byte order mark (`yaml` counts the mark as a column), or before a
  // "---" (which js-yaml still takes for a marker).
  /^(?:\ufeff[ \t]|\ufeff?[ \t]+---(?:[ \t\r\n]|$))/,
  // A byte order mark after the first character (`yaml` skips it, js-yaml keeps it).
  /(?<!^)\ufeff/,
  // A line that starts with a tab, or a blank one with a tab in it: `yaml` refuses tabs as
  // indentation (and in the blank lines of a block scalar), js-yaml takes some of them.
  /^(?:\t| *\t[ \t]*\r?$)/m,
  // An explicit key ("? "), which OpenAPI documents do not use; the two differ on comments there.
  /^[ \t-]*\?(?:[ \t\r\n]|$)/m,
];

/**
 * A SourceFile from js-yaml's events, or undefined when the file is left to `yaml` (js-yaml refuses
 * it, or the two might read it differently). Exported for the tests that compare the two.
 */
export function parseYamlEvents(file: string, text: string): SourceFile | undefined {
  if (READ_DIFFERENTLY.some((re) => re.test(text))) return undefined;
  let events: Event[];
  let data: unknown;
  try {
    events = parseEvents(text, { filename: file, maxDepth: MAX_DEPTH });
  } catch {
    return undefined;
  }
  const index = indexEvents(text, events);
  if (index === undefined) return undefined;
  try {
    // json: false: a duplicate key is an error (as in `yaml`'s strict reading), not the last one kept.
    // Aliases are shared references, not copies; indexEvents bounded them as `yaml` does.
    [data] = constructFromEvents(events, {
      source: text,
      filename: file,
      schema: SCHEMA,
      json: false,
    });
  } catch {
    return undefined;
  }
  const { link, holder } = index;
  const ev = (i: number) => events[i]!;
  /** The index after the node at i (and everything in it). */
  const skip = (i: number) => {
    const t = ev(i).type;
    return t === MAPPING || t === SEQUENCE ? link[i]! + 1 : i + 1;
  };
  const deAlias = (i: number) => (ev(i).type === ALIAS ? link[i]! : i);
  const scalarValue = (e: ScalarEvent): unknown => {
    const raw = getScalarValue(text, e);
    return e.style === SCALAR_STYLE.PLAIN ? plainValue(raw) : raw;
  };
  const keyOf = (i: number): string | undefined => {
    const e = ev(deAlias(i));
    return e.type === SCALAR ? String(scalarValue(e)) : undefined;
  };
  // Maps are looked up by key on every path walk: index each one when first asked (key → the index
  // of the key's event; its value is the next node).
  const members = new Map<number, Map<string, number>>();
  const membersOf = (i: number): Map<string, number> => {
    let m = members.get(i);
    if (m === undefined) {
      m = new Map();
      for (let j = i + 1; ev(j).type !== POP; ) {
        const value = skip(j);
        const k = keyOf(j);
        if (k !== undefined) m.set(k, j);
        j = skip(value);
      }
      members.set(i, m);
    }
    return m;
  };
  const items = new Map<number, number[]>();
  const itemsOf = (i: number): number[] => {
    let list = items.get(i);
    if (list === undefined) {
      list = [];
      for (let j = i + 1; ev(j).type !== POP; j = skip(j)) list.push(j);
      items.set(i, list);
    }
    return list;
  };

  // Offsets as `yaml` gives them: a quoted scalar at its quote, an alias at its "*", a block scalar
  // at its "|" or ">", an empty item after its "-", a block map at its first key (after the key's
  // anchor, which js-yaml puts the map's start at).
  const keyOffset = (i: number): number => {
    const e = ev(i);
    if (e.type === ALIAS) return e.anchorStart - 1;
    if (e.type !== SCALAR) return 0;
    return e.style === SCALAR_STYLE.SINGLE_QUOTED || e.style === SCALAR_STYLE.DOUBLE_QUOTED
      ? e.valueStart - 1
      : e.valueStart;
  };
  const lineEnd = (i: number) => {
    const eol = text.indexOf("\n", i);
    return eol === -1 ? text.length : eol;
  };
  // Where the text of the node before i ends (for finding the "-" of the item at i).
  const endBefore = (i: number): number => {
    for (let j = i - 1; j >= 0; j--) {
      const e = ev(j);
      switch (e.type) {
        case POP:
          continue;
        case ALIAS:
          return e.anchorEnd;
        case SCALAR:
          if (e.valueStart !== -1) return e.valueEnd;
          if (e.anchorStart !== -1) return lineEnd(e.anchorEnd);
          if (isBlockItem(j)) return lineEnd(slotOffset(j));
          continue; // an empty value: its key, then the ":"
        case MAPPING:
        case SEQUENCE:
          return e.start + 1;
        default:
          return 0;
      }
    }
    return 0;
  };
  const isBlockItem = (i: number): boolean => {
    const p = holder.get(i);
    const pe = p === undefined ? undefined : ev(p);
    return pe?.type === SEQUENCE && pe.style === COLLECTION_STYLE.BLOCK;
  };
  const isBare = (i: number): boolean => {
    const e = ev(i);
    return e.type === SCALAR && e.valueStart === -1 && e.anchorStart === -1;
  };
  // An empty or block scalar: after its anchor, or after the "-" of its item. In a run of empty
  // items, the first one's dash is found from what is before it, each next one's from the line of
  // the one before (no recursion, however long the run).
  const slotOffset = (i: number): number => {
    const e = ev(i) as ScalarEvent;
    if (e.anchorStart !== -1) return skipBlanks(text, e.anchorEnd);
    const p = holder.get(i);
    if (p === undefined || !isBlockItem(i)) return Math.max(e.valueStart, 0);
    let first = i;
    while (first - 1 > p && isBare(first - 1)) first--;
    const seq = ev(p);
    const dash =
      first === p + 1 && seq.type === SEQUENCE ? seq.start : dashFrom(text, endBefore(first));
    let at = skipBlanks(text, dash + 1);
    for (let k = first + 1; k <= i; k++) at = skipBlanks(text, dashFrom(text, lineEnd(at)) + 1);
    return at;
  };
  const nodeOffset = (i: number): number => {
    const e = ev(i);
    switch (e.type) {
      case MAPPING: {
        const first = ev(i + 1);
        return first.type === SCALAR &&
          first.anchorStart !== -1 &&
          first.anchorStart - 1 === e.start
          ? keyOffset(i + 1)
          : e.start;
      }
      case SEQUENCE:
        return e.start;
      case ALIAS:
        return e.anchorStart - 1;
      case SCALAR:
        if (e.valueStart === -1 || e.style >= SCALAR_STYLE.LITERAL_BLOCK) return slotOffset(i);
        return keyOffset(i);
      default:
        return 0;
    }
  };

  let starts: number[] | undefined;
  const wrap = (t: { i: number; key: number }) => t as unknown as SourceNode;
  const unwrap = (n: SourceNode) => n as unknown as { i: number; key: number };
  return {
    file,
    data,
    root: wrap({ i: 1, key: -1 }),
    child(n, key) {
      const i = deAlias(unwrap(n).i);
      const t = ev(i).type;
      if (t === MAPPING) {
        const k = membersOf(i).get(String(key));
        return k === undefined ? undefined : wrap({ i: skip(k), key: k });
      }
      if (t === SEQUENCE && /^\d+$/.test(String(key))) {
        const item = itemsOf(i)[Number(key)];
        return item === undefined ? undefined : wrap({ i: item, key: -1 });
      }
      return undefined;
    },
    refOf(n) {
      const i = deAlias(unwrap(n).i);
      if (ev(i).type !== MAPPING) return undefined;
      const k = membersOf(i).get("$ref");
      if (k === undefined) return undefined;
      const v = ev(deAlias(skip(k)));
      if (v.type !== SCALAR) return undefined;
      const value = scalarValue(v);
      return typeof value === "string" ? value : undefined;
    },
    position(n) {
      const t = unwrap(n);
      starts ??= lineStarts(text);
      return positionAt(starts, t.key === -1 ? nodeOffset(t.i) : keyOffset(t.key));
    },
  };
}

interface YamlTree {
  readonly node: YamlNode | null;
  readonly key?: YamlNode;
}

/**
 * The `yaml` package's reading, as the linter had it before js-yaml: for what js-yaml refuses (its
 * error messages are the ones users have seen) and what the two parsers could read differently.
 * Exported for the tests that compare the two.
 */
export function parseYamlDocument(file: string, text: string): SourceFile {
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
