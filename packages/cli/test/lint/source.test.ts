/**
 * YAML sources read with js-yaml's events give what the `yaml` package gave before: the same data,
 * the same position for every member and item, the same $refs, and the same message for bad input.
 * A fast-check property writes OpenAPI-like YAML in many styles (block and flow collections, plain,
 * quoted and block scalars, anchors and aliases, comments, CRLF, non-ASCII) and compares the two;
 * another edits such documents at random, for the input `yaml` refuses or that js-yaml reads
 * otherwise (each such case found is in the list at the end, and left to `yaml`).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  parseSource,
  parseYamlDocument,
  parseYamlEvents,
  type SourceFile,
  type SourceNode,
} from "../../src/lint/source.js";

/** Every path of the data (each shared object walked once: aliases are shared references). */
function paths(v: unknown, at: (string | number)[] = [], seen = new Set<unknown>()) {
  const out: (string | number)[][] = [];
  if (typeof v !== "object" || v === null || seen.has(v)) return out;
  seen.add(v);
  const entries = Array.isArray(v) ? v.map((x, i) => [i, x] as const) : Object.entries(v);
  for (const [k, x] of entries) {
    out.push([...at, k]);
    out.push(...paths(x, [...at, k], seen));
  }
  return out;
}

/** The result of `f`, or the error it threw. */
function attempt(f: () => SourceFile): { value?: SourceFile; error?: Error } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: e as Error };
  }
}

/** The two readings agree on data, and on the node, position and $ref of every path. */
function expectSame(text: string): { fast: boolean } {
  const { value: before, error: beforeError } = attempt(() => parseYamlDocument("d.yaml", text));
  const { value: after, error: afterError } = attempt(() => parseSource("d.yaml", text));
  const fast = parseYamlEvents("d.yaml", text) !== undefined;
  if (beforeError !== undefined) {
    expect(afterError?.message).toBe(beforeError.message);
    return { fast };
  }
  expect(afterError).toBeUndefined();
  expect(after!.data).toStrictEqual(before!.data);
  expect(after!.root === undefined).toBe(before!.root === undefined);
  if (before!.root === undefined) return { fast };
  const at = (src: SourceFile, p: readonly (string | number)[]) => {
    let n: SourceNode | undefined = src.root!;
    for (const seg of p) n = n === undefined ? undefined : src.child(n, seg);
    return n;
  };
  for (const p of [[], ...paths(before!.data)]) {
    const a = at(before!, p);
    const b = at(after!, p);
    expect(b === undefined, JSON.stringify(p)).toBe(a === undefined);
    if (a === undefined || b === undefined) continue;
    expect({ path: p, ...after!.position(b) }).toEqual({ path: p, ...before!.position(a) });
    expect(after!.refOf(b), JSON.stringify(p)).toBe(before!.refOf(a));
  }
  // A key that is not there.
  expect(after!.child(after!.root!, "no such key")).toBeUndefined();
  return { fast };
}

// ---- a generator of OpenAPI-like YAML text, in the styles people write it in ----

interface Entry {
  key: string;
  value: Node;
  /** A comment line or a blank line before the entry. */
  before?: string;
  /** An anchor on the key (aliases may then name the key's string). */
  keyAnchor?: boolean;
}
type Node = (
  | { t: "scalar"; text: string }
  | { t: "multi"; lines: string[] }
  | { t: "block"; header: string; lines: string[] }
  | { t: "flow"; text: string }
  | { t: "empty" }
  | { t: "alias"; pick: number }
  | { t: "map"; entries: Entry[]; compact: boolean }
  | { t: "seq"; items: Node[]; sameIndent: boolean }
) & { anchor: boolean; comment: string };

const word = fc.constantFrom(
  "ok",
  "Not Found",
  "string",
  "object",
  "café",
  "naïve façade",
  "ключ",
  "日本語",
  "emoji 😀 here",
  "a:b",
  "https://api.example.com/v1?x=1#frag",
  "application/problem+json",
  "#/components/schemas/Problem",
  "it's",
  "50%",
);
const plain = fc.oneof(
  word,
  fc.constantFrom(
    "42",
    "-7",
    "+12",
    "007",
    "0o17",
    "0x1F",
    "3.14",
    "-.5",
    "1e3",
    "6.02E+23",
    "1e400",
    "-1e400",
    ".inf",
    "-.Inf",
    ".nan",
    "true",
    "False",
    "TRUE",
    "yes",
    "no",
    "on",
    "null",
    "~",
    "Null",
    "2024-01-31",
    "2001-12-14t21:59:43.10-05:00",
    "12:30:45",
    "1_000",
    "0b101",
    "-0",
    "9007199254740993",
  ),
);
const quoted = fc.oneof(
  word.map((w) => `'${w.replaceAll("'", "''")}'`),
  word.map((w) => JSON.stringify(w)),
  fc.constantFrom(
    '"tab\\there"',
    '"line\\nbreak"',
    '"\\u00e9\\x41\\"q\\" \\\\ \\/"',
    '"\\U0001F600"',
    "''",
    '""',
    '"42"',
    "'true'",
    '"null"',
    '"#/components/schemas/Thing"',
  ),
);
const flowScalar = fc.oneof(
  fc.constantFrom("x", "42", "true", "null", "café", "a b", "-1.5", "~"),
  quoted,
);
const flow: fc.Arbitrary<string> = fc.letrec<{ f: string }>((tie) => ({
  f: fc.oneof(
    { depthSize: "small" },
    flowScalar,
    fc.array(tie("f"), { maxLength: 3 }).map((xs) => `[${xs.join(", ")}]`),
    fc
      .uniqueArray(fc.tuple(fc.constantFrom("a", "b", "c", "'d'", '"e"', "ф", "$ref"), tie("f")), {
        maxLength: 3,
        selector: ([k]) => k.replace(/['"]/g, ""),
      })
      .map((es) => `{${es.map(([k, v]) => `${k}: ${v}`).join(", ")}}`),
  ),
})).f;

const key = fc.oneof(
  fc.constantFrom(
    "openapi",
    "info",
    "paths",
    "/pets/{petId}",
    "get",
    "responses",
    "200",
    "404",
    "default",
    "description",
    "content",
    "application/json",
    "schema",
    "$ref",
    "x-ext",
    "café",
    "ключ",
    "日本",
    "emoji😀",
    "a b",
    "1.0",
    "0x10",
    "true",
  ),
  fc.constantFrom(
    '"quoted"',
    "'single'",
    "'it''s'",
    '"esc\\u00e9"',
    '"4XX"',
    '"200 ok"',
    "'$ref'",
    '"with: colon"',
    '"#hash"',
  ),
);
/** What a key means, so that a map's keys can be kept distinct. */
const keyId = (k: string) =>
  k.startsWith('"') ? JSON.parse(k) : k.startsWith("'") ? k.slice(1, -1).replaceAll("''", "'") : k;

const comment = fc.constantFrom("", "", "", " # note", " # é 😀 #x");
const blockLine = fc.constantFrom(
  "text",
  "more words",
  "  indented",
  "",
  "é 日本 😀",
  "# not a comment",
);
const node: fc.Arbitrary<Node> = fc.letrec<{ n: Node }>((tie) => ({
  n: fc
    .tuple(
      fc.oneof(
        { depthSize: "small", maxDepth: 5 },
        fc.record({ t: fc.constant("scalar" as const), text: fc.oneof(plain, quoted) }),
        fc.record({
          t: fc.constant("multi" as const),
          lines: fc.array(
            word.filter((w) => !w.startsWith("#")),
            { minLength: 2, maxLength: 3 },
          ),
        }),
        fc.record({
          t: fc.constant("block" as const),
          header: fc.constantFrom("|", ">", "|-", ">-", "|+", ">+", "|2", "| # header comment"),
          lines: fc
            .array(blockLine, { minLength: 1, maxLength: 4 })
            .filter((ls) => !ls[0]!.startsWith(" ")),
        }),
        fc.record({ t: fc.constant("flow" as const), text: flow }),
        fc.record({ t: fc.constant("empty" as const) }),
        fc.record({ t: fc.constant("alias" as const), pick: fc.nat() }),
        fc.record({
          t: fc.constant("map" as const),
          entries: fc.uniqueArray(
            fc.record(
              {
                key,
                value: tie("n"),
                before: fc.constantFrom("", "", "# a comment line", "blank"),
                keyAnchor: fc.nat(7).map((x) => x === 0),
              },
              { requiredKeys: ["key", "value"] },
            ),
            { minLength: 1, maxLength: 4, selector: (e) => keyId(e.key) },
          ),
          compact: fc.boolean(),
        }),
        fc.record({
          t: fc.constant("seq" as const),
          items: fc.array(tie("n"), { minLength: 1, maxLength: 4 }),
          sameIndent: fc.boolean(),
        }),
      ),
      fc.nat(3).map((x) => x === 0),
      comment,
    )
    .map(([n, anchor, c]) => ({ ...n, anchor, comment: c }) as Node),
})).n;

/** YAML text for a root map of the given entries. */
function write(entries: Entry[]): string {
  const out: string[] = [];
  const anchors: string[] = [];
  const sp = (n: number) => " ".repeat(n);
  let next = 0;
  const anchorOf = (n: Node) => {
    if (!n.anchor || n.t === "alias") return "";
    return `&a${next++} `;
  };
  const defined = (a: string) => {
    if (a !== "") anchors.push(`*${a.slice(1, -1)}`);
  };
  // Writes `head` (what is already on the line: "  key:" or "  -") and the node after it. An
  // anchor is defined once its node is written (an alias inside its own anchor is not generated).
  const emit = (n: Node, head: string, indent: number, inSeq: boolean): void => {
    if (n.t === "alias") {
      const target = anchors[n.pick % Math.max(anchors.length, 1)];
      out.push(target === undefined ? `${head} x` : `${head} ${target}${n.comment}`);
      return;
    }
    const a = anchorOf(n);
    const props = a === "" ? "" : ` ${a.trimEnd()}`;
    switch (n.t) {
      case "scalar":
      case "flow":
        out.push(`${head} ${a}${n.text}${n.comment}`);
        break;
      case "multi":
        out.push(`${head} ${a}${n.lines[0]}`);
        for (const l of n.lines.slice(1)) out.push(`${sp(indent + 2)}${l}`);
        break;
      case "block":
        out.push(`${head} ${a}${n.header}`);
        for (const l of n.lines) out.push(l === "" ? "" : `${sp(indent + 2)}${l}`);
        break;
      case "empty":
        out.push(`${head}${props}${n.comment}`);
        break;
      case "map":
        if (inSeq && n.compact && a === "") {
          const [first, ...rest] = n.entries;
          emit(first!.value, `${head} ${keyText(first!)}:`, indent + 2, false);
          writeEntries(rest, indent + 2);
        } else {
          out.push(`${head}${props}${n.comment}`);
          writeEntries(n.entries, indent + 2);
        }
        break;
      case "seq": {
        out.push(`${head}${props}${n.comment}`);
        const at = !inSeq && n.sameIndent ? indent : indent + 2;
        for (const item of n.items) emit(item, `${sp(at)}-`, at, true);
        break;
      }
    }
    defined(a);
  };
  const keyText = (e: Entry) => {
    if (!e.keyAnchor) return e.key;
    const a = `&a${next++} `;
    defined(a);
    return `${a}${e.key}`;
  };
  const writeEntries = (es: Entry[], indent: number) => {
    for (const e of es) {
      if (e.before === "blank") out.push("");
      else if (e.before) out.push(`${sp(indent)}${e.before}`);
      emit(e.value, `${sp(indent)}${keyText(e)}:`, indent, false);
    }
  };
  writeEntries(entries, 0);
  return `${out.join("\n")}\n`;
}

const doc = fc.record({
  entries: fc.uniqueArray(
    fc.record({ key, value: node, keyAnchor: fc.nat(7).map((x) => x === 0) }),
    {
      minLength: 1,
      maxLength: 5,
      selector: (e) => keyId(e.key),
    },
  ),
  prefix: fc.constantFrom("", "", "# leading comment\n", "---\n", "\ufeff", "# c\n---\n"),
  crlf: fc.boolean(),
});

describe("YAML read with js-yaml's events, as the `yaml` package read it", () => {
  it("gives the same data, positions and $refs on generated documents (property)", () => {
    let runs = 0;
    let fast = 0;
    fc.assert(
      fc.property(doc, ({ entries, prefix, crlf }) => {
        const lf = prefix + write(entries);
        const text = crlf ? lf.replaceAll("\n", "\r\n") : lf;
        runs++;
        if (expectSame(text).fast) fast++;
      }),
      { numRuns: 500 },
    );
    // Most generated documents take the js-yaml path (the others are left to `yaml`, or refused
    // by both): the comparison is not a vacuous one.
    expect(fast / runs).toBeGreaterThan(0.6);
  });

  it("agrees on edited documents too: what `yaml` refuses is refused, with its message (property)", () => {
    const edit = fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      op: fc.constantFrom("insert", "delete", "replace"),
      text: fc.constantFrom(
        ...[":", "-", "[", "]", "{", "}", ",", "#", " ", "  ", "\t", "\n", "\r", "\r\n", "\n- "],
        ...["'", '"', "&a0 ", "*a0", "!", "!!str ", "|", ">", "?", "%", "@", "`", "...", "---"],
        ...["\\", "~", "é", "\u2028", "\u0085", "\ufeff", "\u00a0", "<<"],
      ),
    });
    fc.assert(
      fc.property(doc, fc.array(edit, { minLength: 1, maxLength: 3 }), ({ entries }, edits) => {
        let text = write(entries);
        for (const { at, op, text: t } of edits) {
          const i = Math.floor(at * text.length);
          const cut = op === "insert" ? 0 : 1;
          text = text.slice(0, i) + (op === "delete" ? "" : t) + text.slice(i + cut);
        }
        expectSame(text);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ["a quoted key at its quote", `"quoted": 1\n'single': 2\nplain: 3\n  # c\n"": 4\n`],
    [
      "items: empty, block scalars, anchors, aliases",
      `l:\n-\n- \n-   # c\n- &a\n- &b # c\n- |\n  t\n- >- # h\n  x\n- &c |\n  y\n-\n\n  # x\n- *a\n-\n- "q"\n- 'r'\n- [1]\n-\nm: 1\n`,
    ],
    [
      "maps in sequences, with anchored and aliased first keys",
      `x: &k a\ny:\n- *k : 1\n  b: 2\n- &m\n  &n c: 1\n- {&o d: 1}\n- [&p e: 1]\n- "a"   : 1\n`,
    ],
    ["CRLF", `a: 1\r\nb:\r\n- \r\n- "x\r\n  y"\r\n- |\r\n  t\r\n\r\n- x\r\n-\r\n`],
    ["a byte order mark", `\ufeffopenapi: 3.1.0\npaths: {}\n`],
    [
      "numbers as `yaml` reads them",
      `a: 1e400\nb: -1e400\nc: 0o17\nd: 0x1F\ne: -0\nf: 2024-01-31\n1.0: g\n`,
    ],
    ["$ref values", `a: {$ref: '#/x'}\nb: {$ref: 12}\nc: {$ref: }\nd: &r {$ref: "#/y"}\ne: *r\n`],
  ])("%s", (_name, text) => {
    expect(expectSame(text).fast).toBe(true);
  });

  it("shares aliased objects (no copies), as `yaml` did", () => {
    const src = parseSource("d.yaml", "a: &x {b: [1, 2]}\nc: *x\n");
    const data = src.data as { a: unknown; c: unknown };
    expect(data.c).toBe(data.a);
  });

  it.each([
    ["a syntax error", "openapi: 3.0.0\ninfo: {title: t\npaths: {}\n"],
    ["a duplicate key", "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\npaths: {}\n"],
    ["a duplicate key in a flow map", "a: {b: 1, b: 2}\n"],
    ["two documents", "a: 1\n---\nb: 2\n"],
    ["a tab as indentation", "a:\n\tb: 1\n"],
    ["an unclosed quote", 'a: "x\n'],
    ["an unknown alias", "a: *nope\n"],
    ["100 aliases of one anchor", `a: &x 1\nb: [${Array(100).fill("*x").join(", ")}]\n`],
    [
      "an alias bomb",
      "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
    ],
  ])("%s: refused with the message `yaml` gave", (_name, text) => {
    expect(parseYamlEvents("d.yaml", text)).toBeUndefined();
    expect(() => parseSource("d.yaml", text)).toThrow();
    expectSame(text);
  });

  it("keeps today's messages", () => {
    const message = (text: string) => {
      try {
        parseSource("d.yaml", text);
      } catch (e) {
        return (e as Error).message;
      }
      return undefined;
    };
    expect(message("openapi: 3.0.0\ninfo: {title: t\npaths: {}\n")).toBe(
      "d.yaml:3: not valid YAML (column 1: Flow map in block collection must be sufficiently indented and end with a })",
    );
    expect(message("openapi: 3.0.0\npaths: {}\npaths: {}\n")).toBe(
      "d.yaml:3: not valid YAML (column 1: Map keys must be unique)",
    );
    expect(message(`a: &x 1\nb: [${Array(100).fill("*x").join(", ")}]\n`)).toBe(
      "d.yaml: YAML: Excessive alias count indicates a resource exhaustion attack",
    );
  });

  it.each([
    ["99 aliases of one anchor", `a: &x 1\nb: [${Array(99).fill("*x").join(", ")}]\n`],
    ["an empty document", ""],
    ["only a comment", "# nothing\n"],
    ["%YAML 1.1 (its timestamps and booleans)", "%YAML 1.1\n---\na: 2001-12-14\nb: yes\n"],
    ["explicit tags", "a: !!str 12\nb: !custom x\nc: !!binary aGVsbG8=\n"],
    ["null keys", "~: 1\nb: 2\n"],
    ["keys the two parsers compare differently", "1: a\n'1': b\n"],
    ["a collection as a key", "? [a, b]\n: c\n"],
    ["a key of more than 1024 characters", `${"k".repeat(1100)}: v\n`],
    ["a cycle", "a: &a [*a]\n"],
    ["a CR alone, which `yaml` does not take for a line break", "a: b\rc: d\n"],
    ["a document end marker first", "...\na: 1\n"],
    ["a document end marker last", "a: 1\n...\n"],
    ["a byte order mark after the first line", "\r\n\ufeffopenapi: x\n"],
    ["a blank line with a tab after a block scalar", "a: |\n  text\n\t\nb: 1\n"],
    ["a map on its key's line", "a: &v b: c\n"],
    ["an anchor with no space before its node", "a: &x[1]\n"],
    ["a tab before an anchor", "\t&a0 \r\nopenapi: []\n"],
    ["a byte order mark and a document end marker", "\ufeff...\na: 1\n"],
    ["explicit keys", "a:\n- ? x\n  : y\n?\n#c\n  text\nb: 1\n"],
    ["a byte order mark before indentation", '\ufeff  a: 1\n  "b": 2\n'],
    ["300 levels of nesting", `a: ${"[".repeat(300)}${"]".repeat(300)}\n`],
    ["a tab before a scalar document", "\tx\n"],
    ["a byte order mark before a sequence", "\ufeff- x\n"],
    ["a block scalar as the document", ">\r\n&a0 openapi: ok\n"],
  ])("%s: read as `yaml` reads it", (_name, text) => {
    expectSame(text);
  });
});
