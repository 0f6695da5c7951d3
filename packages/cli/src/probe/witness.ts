/**
 * The state witness: no write the probe makes up (an unparseable body, a body of another media
 * type, a schema-breaking body, a wrong method) should change data on a truthful server, and in
 * safe mode none may. Before the first such write to a resource goes out, the witness reads (GET)
 * the collection and the item the write touches, twice (what differs between those two reads
 * changes by itself and is not compared); after the last one (before the scenario steps, which
 * may write on purpose) it reads each once more and reports "state changed during the probe"
 * when the representation differs. The reads come out of the request budget: the one after is
 * reserved before the write, and a write whose resources cannot be read is not sent.
 */
import { jsonBody } from "../audit/body.js";
import type { Exchange, ProbeFacts } from "../audit/exchange.js";
import type { ProbeRequest, Skip } from "./client.js";
import { authHeaders, type Identity } from "./context.js";
import { type Budget, templateVars } from "./safety.js";

/** What one read showed. */
export interface Snapshot {
  readonly status: number;
  readonly text: string;
  readonly json: unknown;
}

export function snapshotOf(ex: Exchange | undefined): Snapshot | undefined {
  const res = ex?.response;
  if (res === undefined) return undefined;
  const body = res.body;
  return {
    status: res.status,
    text: body?.text ?? "",
    json: body === undefined ? undefined : jsonBody(body),
  };
}

const MAX_ENTRIES = 5000;

/** JSON as "path → scalar" entries (arrays also give "path.length"), bounded. */
function flatten(
  v: unknown,
  out = new Map<string, string>(),
  path = "$",
  depth = 0,
): Map<string, string> {
  if (out.size >= MAX_ENTRIES) return out;
  if (Array.isArray(v)) {
    out.set(`${path}.length`, String(v.length));
    if (depth < 8) for (const [i, x] of v.entries()) flatten(x, out, `${path}[${i}]`, depth + 1);
  } else if (typeof v === "object" && v !== null) {
    if (depth < 8)
      for (const [k, x] of Object.entries(v)) flatten(x, out, `${path}.${k}`, depth + 1);
    else out.set(path, "{…}");
  } else out.set(path, JSON.stringify(v) ?? "undefined");
  return out;
}

/** An ISO 8601 / RFC 3339 date-time (JSON-quoted), or a Unix time in seconds or milliseconds. */
const TIMESTAMP =
  /^"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?"$|^1\d{9}(?:\d{3})?$/;
/** A JWT (JSON-quoted): signed with a fresh "iat", it changes with every answer. */
const JWT = /^"[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}"$/;
const isTimestamp = (v: string | undefined) =>
  v !== undefined && (TIMESTAMP.test(v) || JWT.test(v));

/**
 * Milliseconds between the two reads before a write: values that change by the second (a clock,
 * a token's "iat") then differ between them and are not compared.
 */
export const READ_SPACING_MS = 1100;

const items = (n: string | undefined) => `${n ?? "no"} item${n === "1" ? "" : "s"}`;

/**
 * What changed between the first read and the last, ignoring what differed between the two
 * reads before (it changes by itself): a short description, "volatile" when the body cannot be
 * compared (not JSON and different on its own), or undefined when nothing changed.
 */
export function describeChange(
  before: Snapshot,
  again: Snapshot,
  after: Snapshot,
): string | "volatile" | undefined {
  if (before.status !== again.status) return "volatile";
  if (before.status !== after.status) return `${before.status} before, ${after.status} after`;
  if (before.json === undefined || after.json === undefined || again.json === undefined) {
    if (before.text !== again.text) return "volatile";
    return before.text === after.text ? undefined : "the body changed";
  }
  const b = flatten(before.json);
  const b2 = flatten(again.json);
  const a = flatten(after.json);
  // What differs between the two reads before changes by itself; so do timestamps (a clock of
  // second precision looks still between two reads in a row).
  const volatile = (k: string) =>
    b.get(k) !== b2.get(k) || (isTimestamp(b.get(k)) && isTimestamp(a.get(k)));
  const changed: string[] = [];
  for (const k of new Set([...b.keys(), ...a.keys()]))
    if (!volatile(k) && b.get(k) !== a.get(k)) changed.push(k);
  if (changed.length === 0) return undefined;
  const length = changed.find((k) => k.endsWith(".length"));
  if (length !== undefined) {
    const where = length === "$.length" ? "" : ` in ${length.slice(2, -7)}`;
    return `${items(b.get(length))} before, ${items(a.get(length))} after${where}`;
  }
  const shown = changed.slice(0, 3).map((k) => (k === "$" ? "the value" : k.slice(2)));
  return `${shown.join(", ")}${changed.length > 3 ? ` and ${changed.length - 3} more` : ""} changed`;
}

/**
 * The paths a write touches that a GET can show: the collection before the first parameter
 * ("/orders" for "/orders/{id}/pay", "/posts" for "/posts") and the item up to the last parameter
 * ("/orders/truestatus-probe-0"), as concrete paths.
 */
export function touchedBy(template: string, path: string): string[] {
  const t = template.split("?")[0]!.split("/");
  const p = path.split("?")[0]!.split("/");
  const out: string[] = [];
  const first = t.findIndex((s) => templateVars(s).length > 0);
  // The path itself, with its query, when it has no parameter (a collection or a singleton).
  if (first === -1) return path === "" ? [] : [path];
  const collection = p.slice(0, first).join("/").replace(/\/$/, "");
  if (collection !== "") out.push(collection);
  let last = -1;
  t.forEach((s, i) => {
    if (templateVars(s).length > 0) last = i;
  });
  if (last !== -1 && t.length === p.length) out.push(p.slice(0, last + 1).join("/"));
  return [...new Set(out)];
}

type Send = (req: ProbeRequest, facts: ProbeFacts, reserved?: boolean) => Promise<Exchange | Skip>;

interface Watched {
  readonly path: string;
  before?: Snapshot;
  again?: Snapshot;
  readonly writes: Set<string>;
}

export class StateWitness {
  private readonly watched = new Map<string, Promise<Watched | undefined>>();

  constructor(
    private readonly send: Send,
    private readonly record: (ex: Exchange) => void,
    private readonly budget: Budget,
    private readonly who: Identity | undefined,
    private readonly spacingMs: number = READ_SPACING_MS,
  ) {}

  private read(path: string, did: string, reserved = false): Promise<Exchange | Skip> {
    return this.send(
      {
        method: "GET",
        template: path,
        headers: authHeaders(this.who),
        identity: this.who?.label ?? "none",
      },
      { scenario: "state-witness", did },
      reserved,
    );
  }

  private watch(path: string): Promise<Watched | undefined> {
    let w = this.watched.get(path);
    if (w === undefined) {
      w = (async () => {
        // Two reads now and one after the run: all three or none.
        if (this.budget.left < 4 || !this.budget.reserve(1)) return undefined;
        const entry: Watched = { path, writes: new Set() };
        for (const key of ["before", "again"] as const) {
          if (key === "again" && this.spacingMs > 0)
            await new Promise((r) => setTimeout(r, this.spacingMs));
          const ex = await this.read(path, `GET ${path} before the probe's first write to it`);
          if (typeof ex === "string") return entry;
          this.record(ex);
          const snap = snapshotOf(ex);
          if (snap !== undefined) entry[key] = snap;
        }
        return entry;
      })();
      this.watched.set(path, w);
    }
    return w;
  }

  /** Reads what the write touches (once per resource); false when the budget cannot afford it. */
  async beforeWrite(req: ProbeRequest, path: string): Promise<boolean> {
    for (const p of touchedBy(req.template, path)) {
      const w = await this.watch(p);
      if (w === undefined) return false;
      w.writes.add(`${req.method} ${path.split("?")[0]}`);
    }
    return true;
  }

  /** Reads each resource again and records the reads, with what changed when something did. */
  async finish(): Promise<void> {
    for (const w of this.watched.values()) {
      const entry = await w;
      if (entry === undefined) continue;
      const ex = await this.read(entry.path, `GET ${entry.path} after the probe's writes`, true);
      if (typeof ex === "string") continue;
      const after = snapshotOf(ex);
      const change =
        entry.before === undefined || entry.again === undefined || after === undefined
          ? undefined
          : describeChange(entry.before, entry.again, after);
      const writes = [...entry.writes].join(", ");
      this.record(
        change === undefined || change === "volatile"
          ? ex
          : { ...ex, probe: { ...ex.probe!, changed: `${change}; sent to it: ${writes}` } },
      );
    }
  }
}
