/**
 * Expands the inputs of `analyze`: files and "-" pass through as given (checked to exist),
 * directories become the log and HAR files inside them, recursively, in a stable order.
 */
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "./errors.js";
import { statInput } from "./input.js";

/** Extensions that are never logs (images, archives we cannot read, documents, code, binaries). */
const NOT_LOGS = new Set([
  "png",
  "jpg",
  "jpeg",
  "gif",
  "webp",
  "svg",
  "ico",
  "bmp",
  "pdf",
  "doc",
  "docx",
  "xls",
  "xlsx",
  "zip",
  "tar",
  "7z",
  "rar",
  "jar",
  "war",
  "exe",
  "dll",
  "so",
  "o",
  "a",
  "class",
  "pyc",
  "wasm",
  "bin",
  "iso",
  "img",
  "dmg",
  "deb",
  "rpm",
  "mp3",
  "mp4",
  "avi",
  "mov",
  "woff",
  "woff2",
  "ttf",
  "js",
  "mjs",
  "cjs",
  "ts",
  "py",
  "rb",
  "go",
  "rs",
  "c",
  "h",
  "java",
  "sh",
  "md",
  "html",
  "css",
  "yaml",
  "yml",
  "toml",
  "ini",
  "conf",
  "cfg",
  "pid",
  "sock",
  "lock",
  "swp",
  "db",
  "sqlite",
]);

/** Error logs (nginx error.log, haproxy-error.log) are logs, but not of requests. */
const ERROR_LOG = /(^|[._-])errors?([._-]|$)/i;

/** True for a directory entry that may be an access log or a HAR file. */
export function isCandidate(name: string): boolean {
  if (name.startsWith(".")) return false;
  if (ERROR_LOG.test(name)) return false;
  // Rotated logs: access.log.1, access.log.2.gz: judge by the part before the rotation suffix.
  const base = name.replace(/(\.\d+)?(\.gz)?$/i, "");
  const dot = base.lastIndexOf(".");
  const ext = dot === -1 ? "" : base.slice(dot + 1).toLowerCase();
  return !NOT_LOGS.has(ext);
}

const byName = (a: string, b: string): number =>
  a.localeCompare(b, "en", { numeric: true, sensitivity: "variant" });

async function walk(dir: string, out: string[], seen: Set<string>): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.map((e) => e.name).sort(byName);
  for (const name of names) {
    if (name.startsWith(".")) continue;
    const path = join(dir, name);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch {
      continue; // a dangling symlink or a file removed meanwhile
    }
    if (info.isDirectory()) await walk(path, out, seen);
    else if (info.isFile() && info.size > 0 && isCandidate(name)) out.push(path);
  }
}

/**
 * Directories → the log/HAR files inside (recursively, sorted by name with numbers in order,
 * skipping hidden files, empty files, error logs and files whose extension is never a log);
 * other inputs pass through in the order given. Throws InputError NOT_FOUND for a missing input
 * and NOT_A_LOG_DIRECTORY for a directory with no candidate file.
 */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === "-") {
      out.push(input);
      continue;
    }
    const info = await statInput(input);
    if (!info.isDirectory()) {
      out.push(input);
      continue;
    }
    const found: string[] = [];
    try {
      await walk(input, found, new Set());
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new InputError("TRUESTATUS_INPUT_UNREADABLE", input, `cannot list (${code ?? e})`, {
        cause: e,
      });
    }
    if (found.length === 0)
      throw new InputError(
        "TRUESTATUS_NOT_A_LOG_DIRECTORY",
        input,
        "directory holds no log or HAR file (hidden, empty and error-log files, and files such as .png or .js, are skipped)",
      );
    out.push(...found);
  }
  return out;
}
