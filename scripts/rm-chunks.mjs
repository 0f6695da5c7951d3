// Removes the chunk files of an earlier CLI bundle (their names carry a content hash, so a new
// build would otherwise leave the old ones beside the new).
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";

const dir = process.argv[2];
let names = [];
try {
  names = readdirSync(dir);
} catch {
  // No output directory yet: nothing to remove.
}
for (const name of names) if (name.startsWith("chunk-")) rmSync(join(dir, name));
