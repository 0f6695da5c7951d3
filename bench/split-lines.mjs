// The floor for any Node tool: read a file in 1 MiB chunks, decode complete lines in ~32 KiB
// pieces (latin1 when ASCII, else UTF-8; V8 allocates strings of 128 KiB or more slowly), split
// at "\n" into strings, count them. No parsing. The same technique truestatus' reader uses.
//   node bench/split-lines.mjs <file>
import { isAscii } from "node:buffer";
import { createReadStream } from "node:fs";

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
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1 << 20 })) {
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
