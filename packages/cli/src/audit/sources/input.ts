/**
 * Opens one input (a path, or "-" for stdin) as a stream of decompressed bytes: gzip is
 * recognised by its magic bytes, never by the extension. The first bytes (the head) are read
 * once for format detection and checks (empty, binary); for stdin they are replayed.
 */
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { InputError } from "./errors.js";

/** Bytes read ahead for detection and checks. */
export const HEAD_BYTES = 64 * 1024;
const READ_CHUNK = 1024 * 1024;

export interface Input {
  /** The input as given ("-" for stdin). */
  readonly file: string;
  readonly gzip: boolean;
  /** The first HEAD_BYTES of the (decompressed) content, or all of it when shorter. */
  readonly head: Buffer;
  /** True when `head` is the whole content. */
  readonly complete: boolean;
  /** The whole (decompressed) content, chunk by chunk; stdin can be read once only. */
  chunks(): AsyncIterable<Buffer>;
}

const OTHER_COMPRESSIONS: readonly (readonly [string, readonly number[]])[] = [
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ["zstd", [0x28, 0xb5, 0x2f, 0xfd]],
  ["zip", [0x50, 0x4b, 0x03, 0x04]],
  ["7z", [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ["lz4", [0x04, 0x22, 0x4d, 0x18]],
];

function startsWith(b: Buffer, magic: readonly number[]): boolean {
  if (b.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[i] !== magic[i]) return false;
  return true;
}

const isGzip = (b: Buffer): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** Maps a zlib failure to TRUNCATED (the stream ends early) or CORRUPT (bad data). */
export function gzipError(file: string, e: unknown, lines?: number): InputError {
  const code = (e as { code?: string }).code;
  const after = lines === undefined ? "" : ` after line ${lines}`;
  if (code === "Z_BUF_ERROR" || /unexpected end/i.test(String((e as Error).message)))
    return new InputError(
      "TRUESTATUS_INPUT_TRUNCATED",
      file,
      `truncated gzip: the file ends before the compressed stream does${after}; what came before was read`,
      { cause: e },
    );
  return new InputError(
    "TRUESTATUS_INPUT_CORRUPT",
    file,
    `corrupt gzip data${after} (${(e as Error).message}); what came before was read`,
    { cause: e },
  );
}

/** Marks an error raised while decompressing, so readers can tell it from their own. */
export class GunzipFailure extends Error {
  constructor(readonly original: unknown) {
    super(String((original as Error)?.message ?? original));
  }
}

async function* gunzip(raw: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const z = createGunzip({ chunkSize: 64 * 1024 });
  const source = Readable.from(raw, { objectMode: false });
  source.on("error", (e) => z.destroy(e));
  source.pipe(z);
  try {
    for await (const c of z) yield c as Buffer;
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith("Z_") || /gzip|header|check/i.test(String(e)))
      throw new GunzipFailure(e);
    throw e;
  } finally {
    source.unpipe(z);
    source.destroy();
    z.destroy();
  }
}

function fileChunks(path: string): AsyncIterable<Buffer> {
  return createReadStream(path, { highWaterMark: READ_CHUNK }) as AsyncIterable<Buffer>;
}

/** Reads at most HEAD_BYTES from chunks; errors while reading end the head quietly. */
async function readHead(
  chunks: AsyncIterable<Buffer>,
): Promise<{ head: Buffer; complete: boolean; error?: unknown; seen: Buffer[] }> {
  const seen: Buffer[] = [];
  let size = 0;
  const it = chunks[Symbol.asyncIterator]();
  try {
    while (size < HEAD_BYTES) {
      const r = await it.next();
      if (r.done === true) {
        const head = Buffer.concat(seen);
        return { head, complete: true, seen };
      }
      seen.push(r.value);
      size += r.value.length;
    }
    await it.return?.();
    const all = Buffer.concat(seen);
    return { head: all.subarray(0, HEAD_BYTES), complete: false, seen };
  } catch (error) {
    return { head: Buffer.concat(seen), complete: false, error, seen };
  }
}

function checkHead(file: string, head: Buffer, complete: boolean, gzip: boolean): void {
  if (head.length === 0 && complete)
    throw new InputError(
      "TRUESTATUS_INPUT_EMPTY",
      file,
      gzip ? "empty (gzip of no bytes)" : "empty file",
    );
  const zero = head.indexOf(0);
  if (zero !== -1)
    throw new InputError(
      "TRUESTATUS_INPUT_BINARY",
      file,
      `binary data, not a log or HAR file (NUL byte at offset ${zero}${gzip ? " after gunzip" : ""})`,
    );
  let control = 0;
  let blank = true;
  for (let i = 0; i < head.length; i++) {
    const c = head[i]!;
    if (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c && c !== 0x1b) control++;
    if (blank && c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) blank = false;
  }
  if (control > 0 && control * 100 > head.length)
    throw new InputError(
      "TRUESTATUS_INPUT_BINARY",
      file,
      `binary data, not a log or HAR file (${control} control bytes in the first ${head.length})`,
    );
  if (blank && complete)
    throw new InputError("TRUESTATUS_INPUT_EMPTY", file, "empty (only blank lines)");
}

function otherCompression(file: string, first: Buffer): void {
  for (const [name, magic] of OTHER_COMPRESSIONS)
    if (startsWith(first, magic))
      throw new InputError(
        "TRUESTATUS_INPUT_BINARY",
        file,
        `${name} data: only plain text and gzip are read; decompress it first (e.g. pipe it to "truestatus analyze -")`,
      );
}

/** stat() with the input errors: NOT_FOUND for a missing path, UNREADABLE for the rest. */
export async function statInput(path: string): Promise<Awaited<ReturnType<typeof stat>>> {
  try {
    return await stat(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT" || code === "ENOTDIR")
      throw new InputError("TRUESTATUS_INPUT_NOT_FOUND", path, "no such file or directory", {
        cause: e,
      });
    throw new InputError("TRUESTATUS_INPUT_UNREADABLE", path, `cannot read (${code ?? e})`, {
      cause: e,
    });
  }
}

async function openFile(path: string): Promise<Input> {
  const info = await statInput(path);
  if (info.isDirectory())
    throw new InputError(
      "TRUESTATUS_INPUT_UNREADABLE",
      path,
      "is a directory (expand it with expandInputs first)",
    );
  let first: Buffer;
  try {
    const fh = await open(path, "r");
    try {
      const b = Buffer.alloc(8);
      const { bytesRead } = await fh.read(b, 0, 8, 0);
      first = b.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new InputError("TRUESTATUS_INPUT_UNREADABLE", path, `cannot read (${code ?? e})`, {
      cause: e,
    });
  }
  if (first.length === 0) throw new InputError("TRUESTATUS_INPUT_EMPTY", path, "empty file");
  otherCompression(path, first);
  const gzip = isGzip(first);
  const chunks = (): AsyncIterable<Buffer> => (gzip ? gunzip(fileChunks(path)) : fileChunks(path));
  const { head, complete, error } = await readHead(chunks());
  if (error !== undefined && head.length === 0) {
    if (error instanceof GunzipFailure) throw gzipError(path, error.original);
    throw new InputError("TRUESTATUS_INPUT_UNREADABLE", path, `cannot read (${String(error)})`, {
      cause: error,
    });
  }
  checkHead(path, head, complete && error === undefined, gzip);
  return { file: path, gzip, head, complete: complete && error === undefined, chunks };
}

async function* replay(
  seen: readonly Buffer[],
  rest: AsyncIterator<Buffer>,
): AsyncGenerator<Buffer> {
  for (const b of seen) yield b;
  while (true) {
    const r = await rest.next();
    if (r.done === true) return;
    yield r.value;
  }
}

async function openStream(name: string, stream: AsyncIterable<Buffer>): Promise<Input> {
  const raw = stream[Symbol.asyncIterator]();
  const firstRead = await raw.next();
  if (firstRead.done === true) throw new InputError("TRUESTATUS_INPUT_EMPTY", name, "empty input");
  const first = firstRead.value;
  otherCompression(name, first);
  const gzip = isGzip(first);
  const rawAll = replay([first], raw);
  const decoded = gzip ? gunzip(rawAll) : rawAll;
  const it = decoded[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let size = 0;
  let complete = false;
  let error: unknown;
  try {
    while (size < HEAD_BYTES) {
      const r = await it.next();
      if (r.done === true) {
        complete = true;
        break;
      }
      seen.push(r.value);
      size += r.value.length;
    }
  } catch (e) {
    error = e;
  }
  const head = Buffer.concat(seen).subarray(0, HEAD_BYTES);
  if (error !== undefined && head.length === 0) {
    if (error instanceof GunzipFailure) throw gzipError(name, error.original);
    throw new InputError("TRUESTATUS_INPUT_UNREADABLE", name, `cannot read (${String(error)})`, {
      cause: error,
    });
  }
  checkHead(name, head, complete, gzip);
  let used = false;
  return {
    file: name,
    gzip,
    head,
    complete,
    chunks: () => {
      if (used)
        throw new InputError(
          "TRUESTATUS_INPUT_UNREADABLE",
          name,
          "standard input can be read once only",
        );
      used = true;
      return (async function* () {
        for (const b of seen) yield b;
        if (error !== undefined) throw error;
        if (complete) return;
        while (true) {
          const r = await it.next();
          if (r.done === true) return;
          yield r.value;
        }
      })();
    },
  };
}

/**
 * Opens a path, or "-" for standard input (`stdin` may be given to read another stream as "-").
 * Throws InputError: NOT_FOUND, UNREADABLE, EMPTY, BINARY (NUL bytes, mostly control bytes,
 * bzip2/xz/zstd/zip/7z/lz4 data), TRUNCATED/CORRUPT when not even the head can be decompressed.
 */
export async function openInput(input: string, stdin?: AsyncIterable<Buffer>): Promise<Input> {
  if (input === "-") return openStream("-", stdin ?? (process.stdin as AsyncIterable<Buffer>));
  return openFile(input);
}
