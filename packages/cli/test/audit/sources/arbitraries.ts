/** Generators shared by the source property tests and bench/fuzz-sources.ts. */
import fc from "fast-check";

/** Characters that mean something to one log format or another. */
export const LOG_METACHARACTERS: readonly string[] = [
  '"',
  "\\",
  " ",
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  " : ",
  ", ",
  "-",
  "/",
  "\\x",
  "\\x2",
  "#2",
  "\u0000",
  "é",
  "\ud800",
  "\n",
  "0",
  "-1",
  "+",
  "=",
  "\t",
];

/** Applies edits [at, delete, insert] to a text, each position taken modulo the current length. */
export function edit(text: string, edits: readonly (readonly [number, number, string])[]): string {
  let s = text;
  for (const [at, del, ins] of edits) {
    const i = at % (s.length + 1);
    s = s.slice(0, i) + ins + s.slice(i + del);
  }
  return s;
}

/** One of `texts` with 1–6 edits inserting `alphabet` pieces or short random strings. */
export function mutated(
  texts: readonly string[],
  alphabet: readonly string[] = LOG_METACHARACTERS,
): fc.Arbitrary<string> {
  const piece = fc.oneof(fc.constantFrom(...alphabet), fc.string({ maxLength: 5 }));
  return fc
    .tuple(
      fc.constantFrom(...texts),
      fc.array(fc.tuple(fc.nat(), fc.nat({ max: 10 }), piece), { minLength: 1, maxLength: 6 }),
    )
    .map(([text, edits]) => edit(text, edits));
}
