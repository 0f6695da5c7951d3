/**
 * Fuzzes every header parser, and parseProblem, with a fixed seed so a run can be repeated.
 *
 *   node --import tsx bench/fuzz.ts                    # seed 20260615, 100,000 inputs per parser
 *   node --import tsx bench/fuzz.ts --seed=7 --inputs=300000
 *
 * Each parser gets `--inputs` generated inputs, mixed from:
 * - random strings over several alphabets (header metacharacters, printable ASCII, Latin-1,
 *   any UTF-16 code unit, so lone surrogates too);
 * - valid values (made by fast-check from the property tests' arbitraries, then built by our own
 *   builders) with 1–6 edits: insert, delete, replace, repeat a slice, splice in another value;
 * - strings of grammar fragments ("a=", "\"", "\\", ";", "(", ":YQ==:", "Bearer", ...);
 * - now and then several field lines (an array) where the parser accepts them;
 * and then a fixed set of long inputs built to find super-linear time: 60,000 characters of
 * `a=`, `"\`, `,,,,`, `((((`, thousands of distinct tokens, and inputs just over the length limit.
 *
 * A crash is any throw. A bad result is a ParseResult that breaks the contract (unknown error code,
 * no message, offset outside the value), or for parseHttpDate an answer that is not undefined or a
 * whole number of milliseconds. The table gives, per parser, inputs, accepted (ok) results,
 * crashes, bad results, and the slowest single input: the ten slowest of the run are timed again
 * five times each, and the slowest of their best times is shown, so a garbage collection landing
 * on a small input does not pass for super-linear time. Exit code 1 if anything crashed or broke
 * the contract.
 */
import fc from "fast-check";
import { parseAllow } from "../packages/truestatus/src/semantics/headers/allow.js";
import {
  formatHttpDate,
  parseHttpDate,
} from "../packages/truestatus/src/semantics/headers/http-date.js";
import {
  buildProxyStatus,
  parseProxyStatus,
} from "../packages/truestatus/src/semantics/headers/proxy-status.js";
import {
  buildRateLimit,
  buildRateLimitPolicy,
  parseRateLimit,
  parseRateLimitPolicy,
} from "../packages/truestatus/src/semantics/headers/ratelimit.js";
import { MAX_FIELD_LENGTH } from "../packages/truestatus/src/semantics/headers/result.js";
import {
  buildRetryAfter,
  parseRetryAfter,
} from "../packages/truestatus/src/semantics/headers/retry-after.js";
import {
  parseDictionary,
  parseItem,
  parseList,
  serializeDictionary,
  serializeItem,
  serializeList,
} from "../packages/truestatus/src/semantics/headers/structured-fields.js";
import {
  buildWwwAuthenticate,
  parseWwwAuthenticate,
} from "../packages/truestatus/src/semantics/headers/www-authenticate.js";
import { MAX_PROBLEM_LENGTH, parseProblem } from "../packages/truestatus/src/semantics/problem.js";
import {
  challenge,
  httpDateMs,
  httpToken,
  INTERESTING,
  item,
  PRINTABLE,
  proxyStatusEntry,
  rateLimit,
  rateLimitPolicy,
  resultViolation,
  sfDictionary,
  sfList,
} from "../packages/truestatus/test/semantics/headers/arbitraries.js";
import { rng } from "./rng.js";

// ---- options ------------------------------------------------------------------------------------

function option(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = hit === undefined ? fallback : Number(hit.slice(name.length + 3));
  if (!Number.isSafeInteger(value) || value < 0) {
    console.error(`--${name} must be a non-negative integer`);
    process.exit(2);
  }
  return value;
}

const SEED = option("seed", 20260615);
const INPUTS = option("inputs", 100_000);
const POOL = 400;
const SLOW_KEPT = 10;
const RETIMES = 5;

class Gen {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

const ALPHABETS: readonly ((g: Gen) => string)[] = [
  (g) => INTERESTING[g.int(INTERESTING.length)]!,
  (g) => PRINTABLE[g.int(PRINTABLE.length)]!,
  (g) => String.fromCharCode(g.int(0x100)),
  (g) => String.fromCharCode(g.int(0x10000)),
  (g) => String.fromCharCode(g.int(0x80)),
];

function randomString(g: Gen): string {
  const char = g.pick(ALPHABETS);
  const len = g.chance(0.9) ? g.int(40) : g.int(400);
  let s = "";
  for (let i = 0; i < len; i++) s += char(g);
  return s;
}

const FRAGMENTS = [
  "a",
  "a=",
  "=",
  '"',
  "\\",
  '\\"',
  ";",
  ",",
  ", ",
  " ",
  "\t",
  "(",
  ")",
  "?1",
  "?",
  ":",
  ":YQ==:",
  "@",
  "@1659578233",
  "%",
  '%"',
  "%c3%bc",
  "1.5",
  "-",
  "999999999999999",
  "1234567890123.4",
  "*",
  "Bearer",
  "Basic",
  "realm=",
  'realm="x"',
  "abc==",
  "GMT",
  "Sun, 06 Nov 1994 08:49:37",
  "Sunday, 06-Nov-94",
  "{",
  "}",
  "[",
  "]",
  '"type":',
  '"status":',
  "null",
  "\u00ff",
  "\u20ac",
  "\ud800",
];

function fragments(g: Gen): string {
  let s = "";
  const n = 1 + g.int(30);
  for (let i = 0; i < n; i++) s += g.pick(FRAGMENTS);
  return s;
}

function mutate(g: Gen, pool: readonly string[]): string {
  let s = g.pick(pool);
  const edits = 1 + g.int(6);
  for (let e = 0; e < edits; e++) {
    const at = g.int(s.length + 1);
    switch (g.int(7)) {
      case 0:
        s = s.slice(0, at) + ALPHABETS[0]!(g) + s.slice(at);
        break;
      case 1:
        s = s.slice(0, at) + s.slice(at + 1 + g.int(4));
        break;
      case 2:
        s = s.slice(0, at) + g.pick(ALPHABETS)(g) + s.slice(at + 1);
        break;
      case 3:
        s = s.slice(0, at) + s.slice(at, at + 1 + g.int(8)).repeat(2 + g.int(50)) + s.slice(at);
        break;
      case 4:
        s = s.slice(0, at) + g.pick(pool) + s.slice(at);
        break;
      case 5:
        s = s.slice(0, at);
        break;
      default:
        s = s.slice(0, at) + g.pick(FRAGMENTS) + s.slice(at);
    }
  }
  return s;
}

// ---- long inputs, for super-linear time -----------------------------------------------------------

const LONG = 60_000;
const fill = (unit: string, length = LONG) =>
  unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

function distinctTokens(sep: string, length = LONG): string {
  let s = "";
  for (let i = 0; s.length < length; i++) s += (i === 0 ? "" : sep) + i.toString(36);
  return s.slice(0, length);
}

const LONG_INPUTS: readonly string[] = [
  fill("a="),
  fill('"\\'),
  fill(",,,,"),
  fill("(((("),
  fill("))))"),
  fill(";a"),
  fill("a,"),
  fill("a, "),
  fill("a "),
  fill(" "),
  fill("\t"),
  fill('%"%'),
  fill(":"),
  fill("@1"),
  fill("1"),
  fill("="),
  fill('a="'),
  fill('a="\\"'),
  fill("Basic "),
  fill("x, "),
  fill('A a="b", '),
  fill("A a=b, "),
  fill("A abc==, "),
  fill('"a";q=1, '),
  fill('"a";r=1;t=2, '),
  fill("p;error=dns_timeout, "),
  fill('(a "b" ?1 @1 :YQ==:) '),
  `a=:${fill("A", LONG - 4)}:`,
  `p;next-protocol=:${fill("AAAA", 65_000)}:`,
  `"${fill("a", LONG)}`,
  `%"${fill("%c3%bc", LONG)}`,
  `A ${fill("a", LONG)}`,
  `Bearer realm="${fill("\\a", LONG)}"`,
  distinctTokens(","),
  distinctTokens(", "),
  distinctTokens(", ").replace(/(\w+)/g, "$1=1"),
  distinctTokens(";").replace(/^/, "a;"),
  fill("1", MAX_FIELD_LENGTH),
  fill("a,", MAX_FIELD_LENGTH),
  fill("a,", MAX_FIELD_LENGTH + 1),
  fill(" ", MAX_FIELD_LENGTH + 10),
  fill("[", LONG),
  fill('{"a":', LONG),
  `{"type":"${fill("%41", LONG)}"}`,
  `{"type":"${fill("a:", LONG)}","instance":"${fill("#", 100)}"}`,
  `"${fill("\\u0000", LONG)}"`,
  fill("[", MAX_PROBLEM_LENGTH + 1),
  `{"x":${"[".repeat(200_000)}${"]".repeat(200_000)}}`,
  `{"x":${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}`,
  `{${distinctTokens(",").replace(/(\w+)/g, '"$1":1')}}`,
];

// ---- the parsers ----------------------------------------------------------------------------------

type Input = string | string[];

interface Target {
  readonly name: string;
  /** Valid values, built by our builders from fast-check samples. */
  readonly pool: () => string[];
  readonly parse: (input: Input) => unknown;
  /** Whether the parser takes several field lines as an array. */
  readonly lines: boolean;
  /** Describes how a result breaks the contract, or undefined. */
  readonly check: (input: string, result: unknown) => string | undefined;
}

const sample = <T>(arb: fc.Arbitrary<T>, salt: number): T[] =>
  fc.sample(arb, { numRuns: POOL, seed: SEED + salt });

const asString = (input: Input) => (typeof input === "string" ? input : input.join(", "));
const parseResult = (input: string, r: unknown) =>
  resultViolation(input, r as Parameters<typeof resultViolation>[1]);

const problemValue = fc.record(
  {
    type: fc.oneof(fc.constant("about:blank"), fc.webUrl(), fc.string()),
    title: fc.string(),
    status: fc.oneof(fc.integer({ min: 100, max: 599 }), fc.double(), fc.string()),
    detail: fc.string(),
    instance: fc.oneof(fc.webPath(), fc.string()),
    extra: fc.jsonValue({ maxDepth: 3 }),
  },
  { requiredKeys: [] },
);

const retryAfterValue = fc.oneof(
  fc.integer({ min: 0, max: 2 ** 31 }).map((n) => buildRetryAfter(n)),
  httpDateMs.map((t) => buildRetryAfter(new Date(t))),
);

const httpDateValue = httpDateMs.chain((t) =>
  fc.constantFrom(
    formatHttpDate(t),
    // asctime and rfc850 forms, rewritten from IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT")
    formatHttpDate(t).replace(
      /^(\w{3}), (\d\d) (\w{3}) (\d{4}) (\S+) GMT$/,
      (_, d: string, dd: string, m: string, y: string, hms: string) =>
        `${d} ${m} ${dd.replace(/^0/, " ")} ${hms} ${y}`,
    ),
    formatHttpDate(t).replace(
      /^(\w{3}), (\d\d) (\w{3}) \d\d(\d\d) (\S+) GMT$/,
      (_, d: string, dd: string, m: string, yy: string, hms: string) =>
        `${{ Sun: "Sunday", Mon: "Monday", Tue: "Tuesday", Wed: "Wednesday", Thu: "Thursday", Fri: "Friday", Sat: "Saturday" }[d]}, ${dd}-${m}-${yy} ${hms} GMT`,
    ),
  ),
);

const TARGETS: readonly Target[] = [
  {
    name: "parseList",
    pool: () => sample(sfList, 1).map((l) => serializeList(l)),
    parse: (i) => parseList(i),
    lines: true,
    check: parseResult,
  },
  {
    name: "parseDictionary",
    pool: () => sample(sfDictionary, 2).map((d) => serializeDictionary(d)),
    parse: (i) => parseDictionary(i),
    lines: true,
    check: parseResult,
  },
  {
    name: "parseItem",
    pool: () => sample(item, 3).map((x) => serializeItem(x)),
    parse: (i) => parseItem(asString(i)),
    lines: false,
    check: parseResult,
  },
  {
    name: "parseProxyStatus",
    pool: () =>
      sample(fc.array(proxyStatusEntry, { minLength: 1, maxLength: 3 }), 4).map(buildProxyStatus),
    parse: (i) => parseProxyStatus(i),
    lines: true,
    check: parseResult,
  },
  {
    name: "parseRateLimit",
    pool: () => sample(fc.array(rateLimit, { minLength: 1, maxLength: 3 }), 5).map(buildRateLimit),
    parse: (i) => parseRateLimit(i),
    lines: true,
    check: parseResult,
  },
  {
    name: "parseRateLimitPolicy",
    pool: () =>
      sample(fc.array(rateLimitPolicy, { minLength: 1, maxLength: 3 }), 6).map(
        buildRateLimitPolicy,
      ),
    parse: (i) => parseRateLimitPolicy(i),
    lines: true,
    check: parseResult,
  },
  {
    name: "parseWwwAuthenticate",
    pool: () =>
      sample(fc.array(challenge, { minLength: 1, maxLength: 3 }), 7).map((cs) =>
        buildWwwAuthenticate(cs),
      ),
    parse: (i) => parseWwwAuthenticate(i),
    lines: true,
    check: parseResult,
  },
  {
    name: "parseRetryAfter",
    pool: () => sample(retryAfterValue, 8),
    parse: (i) => parseRetryAfter(asString(i), 1_781_481_600_000),
    lines: false,
    check: parseResult,
  },
  {
    name: "parseHttpDate",
    pool: () => sample(httpDateValue, 9),
    parse: (i) => parseHttpDate(asString(i), 1_781_481_600_000),
    lines: false,
    check: (_, r) =>
      r === undefined || (Number.isSafeInteger(r) && (r as number) % 1000 === 0)
        ? undefined
        : `returned ${String(r)}`,
  },
  {
    name: "parseAllow",
    pool: () => sample(fc.array(httpToken, { maxLength: 8 }), 10).map((ms) => ms.join(", ")),
    parse: (i) => parseAllow(i),
    lines: true,
    check: parseResult,
  },
  {
    name: "parseProblem",
    pool: () => sample(problemValue, 11).map((p) => JSON.stringify(p)),
    parse: (i) => parseProblem(asString(i), { status: 400 }),
    lines: false,
    check: parseResult,
  },
];

// ---- the run --------------------------------------------------------------------------------------

interface Outcome {
  name: string;
  inputs: number;
  ok: number;
  crashes: number;
  bad: number;
  slowestMs: number;
  slowestInput: string;
  totalMs: number;
  firstCrash?: string;
  firstBad?: string;
}

function preview(input: Input): string {
  const s = asString(input);
  const head = JSON.stringify(s.slice(0, 24));
  return s.length > 24 ? `${head}… (${s.length} chars)` : head;
}

function fuzz(target: Target, index: number): Outcome {
  const g = new Gen(SEED ^ Math.imul(index + 1, 0x9e3779b1));
  const pool = target.pool();
  const out: Outcome = {
    name: target.name,
    inputs: 0,
    ok: 0,
    crashes: 0,
    bad: 0,
    slowestMs: 0,
    slowestInput: "",
    totalMs: 0,
  };
  const runOne = (input: Input) => {
    out.inputs++;
    const t0 = performance.now();
    let result: unknown;
    try {
      result = target.parse(input);
    } catch (e) {
      const ms = performance.now() - t0;
      out.totalMs += ms;
      out.crashes++;
      out.firstCrash ??= `${preview(input)}: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
      return;
    }
    const ms = performance.now() - t0;
    out.totalMs += ms;
    noteSlow(input, ms);
    const problem = target.check(asString(input), result);
    if (problem !== undefined) {
      out.bad++;
      out.firstBad ??= `${preview(input)}: ${problem}`;
    } else if (typeof result === "number" || (result as { ok?: boolean } | undefined)?.ok) {
      out.ok++;
    }
  };
  // The slowest inputs of the first pass, kept to be timed again: one pass is at the mercy of a
  // garbage collection or a JIT tier-up landing on some small input.
  const slow: { input: Input; ms: number }[] = [];
  const noteSlow = (input: Input, ms: number) => {
    if (slow.length < SLOW_KEPT) slow.push({ input, ms });
    else if (ms > slow[SLOW_KEPT - 1]!.ms) slow[SLOW_KEPT - 1] = { input, ms };
    else return;
    slow.sort((a, b) => b.ms - a.ms);
  };
  // The valid values themselves first (they also warm the parser up; the re-timing below
  // discounts a slow first call).
  for (const v of pool) runOne(v);
  for (let n = 0; n < INPUTS; n++) {
    const kind = g.int(100);
    let s: string;
    if (kind < 30) s = randomString(g);
    else if (kind < 85) s = mutate(g, pool);
    else if (kind < 95) s = fragments(g);
    else s = `${g.pick(pool)}${g.pick([", ", ",", " ", ";", ""])}${g.pick(pool)}`;
    if (target.lines && g.chance(0.03)) runOne([s, mutate(g, pool)]);
    else runOne(s);
  }
  for (const s of LONG_INPUTS) runOne(s);
  if (target.lines) runOne(Array.from({ length: 2_000 }, (_, i) => `a${i}`));
  // Slowest input: the largest, over the kept inputs, of the fastest of RETIMES timings each.
  for (const { input } of slow) {
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < RETIMES; r++) {
      const t0 = performance.now();
      target.parse(input);
      best = Math.min(best, performance.now() - t0);
    }
    if (best > out.slowestMs) {
      out.slowestMs = best;
      out.slowestInput = preview(input);
    }
  }
  return out;
}

const started = performance.now();
console.log(
  `bench/fuzz.ts  seed=${SEED}  inputs per parser: ${POOL} valid + ${INPUTS} generated + ${LONG_INPUTS.length} long`,
);
console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);

const outcomes = TARGETS.map((t, i) => {
  const o = fuzz(t, i);
  process.stderr.write(`  ${t.name} done\n`);
  return o;
});

const header = [
  "parser",
  "inputs",
  "accepted",
  "crashes",
  "bad results",
  "slowest ms",
  "slowest input",
  "total ms",
];
const rows = outcomes.map((o) => [
  o.name,
  String(o.inputs),
  String(o.ok),
  String(o.crashes),
  String(o.bad),
  o.slowestMs.toFixed(2),
  o.slowestInput,
  o.totalMs.toFixed(0),
]);
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
const line = (cells: readonly string[]) =>
  `| ${cells.map((cell, c) => (c === 0 || c === 6 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join(" | ")} |`;
console.log(line(header));
console.log(
  `|${widths.map((w, c) => (c === 0 || c === 6 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`,
);
for (const r of rows) console.log(line(r));

const failing = outcomes.filter((o) => o.crashes > 0 || o.bad > 0);
for (const o of failing) {
  if (o.firstCrash) console.log(`\n${o.name} crashed on ${o.firstCrash}`);
  if (o.firstBad) console.log(`\n${o.name} broke its contract on ${o.firstBad}`);
}
console.log(
  `\n${failing.length === 0 ? "PASS" : "FAIL"}: ${outcomes.reduce((a, o) => a + o.inputs, 0)} inputs in ${((performance.now() - started) / 1000).toFixed(1)} s, seed ${SEED}`,
);
process.exitCode = failing.length === 0 ? 0 : 1;
