/**
 * Scenario files (YAML or JSON): what only the API's owner knows, as steps with an expected
 * status. `{{name}}` in a path or a body string is replaced by a value saved from an earlier
 * answer (`save: { orderId: id }` reads the answer's JSON by dotted path).
 *
 *   steps:
 *     - name: create the same user twice
 *       method: POST
 *       path: /users
 *       identity: none            # none | A | B (default: A when --auth is given)
 *       body: { email: dup@example.com, name: Dup, password: long enough }
 *       expect: [409, 422]
 */
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { ProbeError } from "./errors.js";
import { yamlLine } from "./yaml-line.js";

export interface Step {
  readonly file: string;
  /** 1-based position in the file's steps. */
  readonly index: number;
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly identity?: "none" | "A" | "B";
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  readonly expect: readonly number[];
  readonly save?: Readonly<Record<string, string>>;
}

const MAX_BYTES = 1024 * 1024;
const MAX_STEPS = 500;

function fail(where: string, message: string, cause?: unknown): never {
  throw new ProbeError("TRUESTATUS_PROBE_SCENARIO", `${where}: ${message}`, { cause });
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function statusList(where: string, v: unknown): number[] {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0) fail(where, '"expect" is empty');
  return list.map((x) => {
    const n = typeof x === "string" && /^\d{3}$/.test(x) ? Number(x) : x;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 100 || n > 599)
      fail(where, `"expect": ${JSON.stringify(x)} is not a status code (100 to 599)`);
    return n;
  });
}

export function parseScenario(file: string, text: string): Step[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { logLevel: "error" });
  } catch (e) {
    const line = yamlLine(e);
    fail(
      line === undefined ? file : `${file}:${line}`,
      `not valid YAML: ${String((e as Error).message).split("\n")[0]}`,
      e,
    );
  }
  const steps = isObject(doc) ? doc.steps : doc;
  if (!Array.isArray(steps)) fail(file, 'expected a list of steps (or an object with "steps")');
  if (steps.length > MAX_STEPS) fail(file, `${steps.length} steps; at most ${MAX_STEPS}`);
  const saved = new Set<string>();
  return steps.map((s, i) => {
    const where = `${file}: step ${i + 1}`;
    if (!isObject(s)) fail(where, "a step is an object with method, path and expect");
    const name = typeof s.name === "string" ? s.name : `step ${i + 1}`;
    const at = `${file}: step ${i + 1} (${name})`;
    if (typeof s.method !== "string" || !/^[A-Za-z]+$/.test(s.method))
      fail(at, '"method" is missing or not a method');
    if (typeof s.path !== "string" || !s.path.startsWith("/"))
      fail(at, '"path" is missing or does not start with "/"');
    if (s.expect === undefined) fail(at, '"expect" is missing (a status or a list of statuses)');
    const identity = s.identity;
    if (identity !== undefined && identity !== "none" && identity !== "A" && identity !== "B")
      fail(at, `"identity": ${JSON.stringify(identity)} is not none, A or B`);
    for (const m of `${s.path} ${JSON.stringify(s.body ?? "")}`.matchAll(/\{\{(\w+)\}\}/g))
      if (!saved.has(m[1]!)) fail(at, `{{${m[1]}}} is used before a step saves it`);
    let headers: Record<string, string> | undefined;
    if (s.headers !== undefined) {
      if (!isObject(s.headers)) fail(at, '"headers" is not an object');
      headers = {};
      for (const [k, v] of Object.entries(s.headers)) {
        if (typeof v !== "string" || /[\r\n]/.test(v) || /[\r\n:]/.test(k))
          fail(at, `header "${k}" is not a single-line string`);
        headers[k.toLowerCase()] = v;
      }
    }
    let save: Record<string, string> | undefined;
    if (s.save !== undefined) {
      if (!isObject(s.save)) fail(at, '"save" is not an object of name: json.path');
      save = {};
      for (const [k, v] of Object.entries(s.save)) {
        if (typeof v !== "string" || !/^\w+$/.test(k))
          fail(at, `"save.${k}" is not a name with a dotted path`);
        save[k] = v;
        saved.add(k);
      }
    }
    return {
      file,
      index: i + 1,
      name,
      method: s.method.toUpperCase(),
      path: s.path,
      ...(identity !== undefined ? { identity } : {}),
      ...(s.body !== undefined ? { body: s.body } : {}),
      ...(headers !== undefined ? { headers } : {}),
      expect: statusList(at, s.expect),
      ...(save !== undefined ? { save } : {}),
    } satisfies Step;
  });
}

export async function loadScenario(file: string): Promise<Step[]> {
  let text: string;
  try {
    const buf = await readFile(file);
    if (buf.length > MAX_BYTES)
      fail(file, `${buf.length} bytes; a scenario file has at most 1 MiB`);
    text = buf.toString("utf8");
  } catch (e) {
    if (e instanceof ProbeError) throw e;
    fail(file, `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, e);
  }
  return parseScenario(file, text);
}
