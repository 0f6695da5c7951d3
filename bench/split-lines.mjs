// The floor for any Node tool: read a file in 1 MiB chunks, decode complete lines in ~32 KiB
// pieces (latin1 when ASCII, else UTF-8; V8 allocates strings of 128 KiB or more slowly), split
// at "\n" into strings, count them. No parsing.
//   node bench/split-lines.mjs <file>            chunks from an fs stream (a fresh buffer each)
//   node bench/split-lines.mjs <file> --reuse    chunks read into one reused buffer, as
//                                                truestatus' analyze workers read (range.ts)
import { isAscii } from "node:buffer";
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";

let lines = 0;
let rest = "";
let sink = 0;
const decode = (b) => (isAscii(b) ? b.toString("latin1") : b.toString("utf8"));
function split(text) {
  let start = 0;
  for (;;) {
    const nl = text.indexOf("\n", start);
    if (nl === -1) break;
    sink += text.slice(start, nl).length;
    lines++;
    start = nl + 1;
  }
  return text.slice(start);
}
async function* reused(file) {
  const fh = await open(file, "r");
  const buf = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  for (;;) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    pos += bytesRead;
    yield buf.subarray(0, bytesRead);
  }
  await fh.close();
}
const file = process.argv[2];
const chunks = process.argv.includes("--reuse")
  ? reused(file)
  : createReadStream(file, { highWaterMark: 1 << 20 });
for await (const chunk of chunks) {
  let from = 0;
  while (from < chunk.length) {
    let to = Math.min(chunk.length, from + 32 * 1024);
    if (to < chunk.length) {
      const nl = chunk.lastIndexOf(10, to - 1);
      if (nl >= from) to = nl + 1;
    }
    rest = split(rest + decode(chunk.subarray(from, to)));
    from = to;
  }
}
if (rest.length > 0) lines++;
process.stdout.write(`${JSON.stringify({ lines, sink })}\n`);
