/**
 * Wrapped lines: access-log lines inside another log's lines, as container runtimes and log
 * shippers write them. Each wrapper takes the inner line out; the inner format is then detected
 * as if the file held the inner lines alone.
 *
 * - `docker json-file`: `{"log":"<line>\n","stream":"stdout","time":"…"}` (a line Docker split,
 *   longer than 16 KiB, has no "\n" at the end of its parts: they are joined).
 * - `cri` (Kubernetes, containerd, CRI-O): `<RFC 3339 time> <stdout|stderr> <F|P> <line>`
 *   (P: a partial line, joined with what follows up to the F part).
 * - `message`: `{"message":"<line>", …}` (Filebeat, Logstash, Vector, syslog-ng JSON).
 * - a fixed prefix, found from the first lines: docker compose's `web-1  | `, a syslog header
 *   ending in `nginx: `, Envoy's `ACCESS `… The prefix ends at the first occurrence of its last
 *   word (with the space after it) in every line.
 *
 * Docker and CRI lines carry the stream: when the inner lines of the sample come from one stream
 * only (nginx's image writes its access log to stdout, its error log to stderr), lines of the other
 * stream are not read. A wrapped format is stateful (parts are joined), so one thread reads it.
 */
import type { LineFormat, LoggedHeaders, SourceRecord } from "../source.js";
import { malformed } from "./fields.js";
import { parseObjectLine } from "./json.js";
import { MAX_LINE_BYTES } from "./lines.js";

/** What a wrapper's unwrap gives: the inner line, null for "nothing yet" (a part held, another stream), undefined for "not a line of mine". */
type Unwrapped = string | null | undefined;

export interface Wrapper {
  readonly name: string;
  /** A fresh wrapper of the same kind (parts are state). */
  fresh(): Wrapper;
  unwrap(line: string): Unwrapped;
  /** The stream of the last line unwrapped, when the wrapper knows it. */
  readonly stream?: string;
  /** Streams to read; others give null. */
  streams?: ReadonlySet<string>;
}

function stripNewline(s: string): string {
  let end = s.length;
  if (end > 0 && s.charCodeAt(end - 1) === 0x0a) end--;
  if (end > 0 && s.charCodeAt(end - 1) === 0x0d) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** Joins parts of a split line, bounded like any line. */
class Parts {
  private held = "";
  add(part: string, last: boolean): string | null {
    if (!last) {
      if (this.held.length + part.length <= MAX_LINE_BYTES) this.held += part;
      return null;
    }
    const whole = this.held.length > 0 ? this.held + part : part;
    this.held = "";
    return whole;
  }
}

class DockerJson implements Wrapper {
  readonly name = "docker json-file";
  stream?: string;
  streams?: ReadonlySet<string>;
  private readonly parts = new Parts();
  fresh(): Wrapper {
    const w = new DockerJson();
    if (this.streams !== undefined) w.streams = this.streams;
    return w;
  }
  unwrap(line: string): Unwrapped {
    if (!line.startsWith('{"log":') && !line.trimStart().startsWith("{")) return undefined;
    const o = parseObjectLine(line);
    if (o === undefined || typeof o.log !== "string") return undefined;
    if (typeof o.stream === "string") this.stream = o.stream;
    else delete this.stream;
    if (this.streams !== undefined && this.stream !== undefined && !this.streams.has(this.stream))
      return null;
    const log = o.log;
    const complete = log.endsWith("\n");
    return this.parts.add(complete ? stripNewline(log) : log, complete);
  }
}

class MessageJson implements Wrapper {
  readonly name = "message";
  fresh(): Wrapper {
    return new MessageJson();
  }
  unwrap(line: string): Unwrapped {
    const o = parseObjectLine(line);
    if (o === undefined || typeof o.message !== "string") return undefined;
    return stripNewline(o.message);
  }
}

class Cri implements Wrapper {
  readonly name = "cri";
  stream?: string;
  streams?: ReadonlySet<string>;
  private readonly parts = new Parts();
  fresh(): Wrapper {
    const w = new Cri();
    if (this.streams !== undefined) w.streams = this.streams;
    return w;
  }
  unwrap(line: string): Unwrapped {
    // 2024-01-02T03:04:05.123456789Z stdout F text
    if (line.charCodeAt(4) !== 0x2d || line.charCodeAt(10) !== 0x54) return undefined;
    const a = line.indexOf(" ");
    if (a < 19 || a > 40) return undefined;
    const b = line.indexOf(" ", a + 1);
    if (b === -1) return undefined;
    const stream = line.slice(a + 1, b);
    if (stream !== "stdout" && stream !== "stderr") return undefined;
    const tag = line.charCodeAt(b + 1);
    const afterTag = line.charCodeAt(b + 2);
    if ((tag !== 0x46 && tag !== 0x50) || !(afterTag === 0x20 || Number.isNaN(afterTag)))
      return undefined;
    this.stream = stream;
    if (this.streams !== undefined && !this.streams.has(stream)) return null;
    return this.parts.add(line.slice(b + 3), tag === 0x46);
  }
}

class Prefix implements Wrapper {
  readonly name: string;
  constructor(readonly marker: string) {
    this.name = `prefix ${JSON.stringify(marker)}`;
  }
  fresh(): Wrapper {
    return new Prefix(this.marker);
  }
  unwrap(line: string): Unwrapped {
    const i = line.indexOf(this.marker);
    return i === -1 ? undefined : line.slice(i + this.marker.length);
  }
}

/** A line format reading the inner lines of a wrapper with an inner format. */
class WrappedFormat implements LineFormat {
  readonly format;
  readonly capabilities;
  readonly loggedHeaders?: LoggedHeaders;
  readonly stateful = true;
  readonly parseAll?: (line: string, file: string, n: number) => readonly SourceRecord[];

  constructor(
    readonly inner: LineFormat,
    readonly wrapper: Wrapper,
  ) {
    this.format = inner.format;
    this.capabilities = inner.capabilities;
    if (inner.loggedHeaders !== undefined) this.loggedHeaders = inner.loggedHeaders;
    if (inner.parseAll !== undefined) {
      const all = inner.parseAll.bind(inner);
      this.parseAll = (line, file, n) => {
        const u = this.wrapper.unwrap(line);
        if (u === undefined) return [this.notMine(file, n)];
        return u === null || u.length === 0 ? [] : all(u, file, n);
      };
    }
  }

  private notMine(file: string, n: number): SourceRecord {
    return malformed(`not a ${this.wrapper.name} line`, file, n);
  }

  detect(line: string): boolean {
    const u = this.wrapper.unwrap(line);
    return typeof u === "string" && this.inner.detect(u);
  }

  parse(line: string, file: string, n: number): SourceRecord | undefined {
    const u = this.wrapper.unwrap(line);
    if (u === undefined) return this.notMine(file, n);
    if (u === null || u.length === 0) return undefined;
    return this.inner.parse(u, file, n);
  }
}

export function wrapped(inner: LineFormat, wrapper: Wrapper): LineFormat {
  return new WrappedFormat(inner, wrapper);
}

/** The wrapper of a wrapped format, for reports ("combined in docker json-file"). */
export function wrapperOf(format: LineFormat): string | undefined {
  return format instanceof WrappedFormat ? format.wrapper.name : undefined;
}

export const WRAPPERS: readonly (() => Wrapper)[] = [
  () => new DockerJson(),
  () => new Cri(),
  () => new MessageJson(),
];

/** Words that end a prefix: `|` (docker compose), `name:` (syslog), `>`, `]`, or a word in capitals (`ACCESS`). */
function isMarker(word: string): boolean {
  if (word.length === 0 || word.length > 40) return false;
  const last = word.charCodeAt(word.length - 1);
  if (last === 0x7c || last === 0x3a || last === 0x3e || last === 0x5d) return true;
  return /^[A-Z][A-Z_]{2,}$/.test(word);
}

/**
 * The prefix marker of the sample: for the first line, each cut after a space (in its first 256
 * characters, none quoted) where `recognised` accepts the rest; the marker is the last word before
 * the cut with its spaces after it, a word that ends a prefix (see isMarker). The first marker that is found at that place in at least half of the
 * lines wins. Only looked for when nothing else recognised the file.
 */
export function findPrefix(
  lines: readonly string[],
  recognised: (inner: string) => boolean,
): Wrapper | undefined {
  const line = lines[0];
  if (line === undefined) return undefined;
  const limit = Math.min(line.length, 256);
  for (let p = line.indexOf(" ") + 1; p > 0 && p < limit; p = line.indexOf(" ", p) + 1) {
    if (line.charCodeAt(p) === 0x20) continue;
    if (!recognised(line.slice(p))) continue;
    let s = p - 1;
    while (s > 0 && line.charCodeAt(s - 1) === 0x20) s--;
    const wordStart = line.lastIndexOf(" ", s - 1) + 1;
    const marker = line.slice(wordStart, p);
    if (!isMarker(marker.trim()) || line.indexOf(marker) !== wordStart) continue;
    // A prefix holds no quoted text: a cut inside a log line's own fields is not a prefix.
    if (line.lastIndexOf('"', p - 1) !== -1) break;
    const w = new Prefix(marker);
    let ok = 0;
    for (const l of lines) {
      const u = w.unwrap(l);
      if (typeof u === "string" && recognised(u)) ok++;
    }
    if (ok * 2 >= lines.length) return w;
  }
  return undefined;
}
