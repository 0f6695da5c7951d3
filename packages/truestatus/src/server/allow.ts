/** The Allow list of a resource, from the methods a framework's route table has for its path. */

const ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/**
 * Uppercased, without duplicates, in a stable order (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS,
 * then the rest alphabetically); HEAD with GET (every framework answers HEAD with the GET route),
 * and OPTIONS whenever there is any method (the adapters answer it). Empty when there is none.
 */
export function allowList(methods: Iterable<string>): string[] {
  const set = new Set<string>();
  for (const m of methods) set.add(m.toUpperCase());
  if (set.size === 0) return [];
  if (set.has("GET")) set.add("HEAD");
  set.add("OPTIONS");
  const known = ORDER.filter((m) => set.has(m));
  const rest = [...set].filter((m) => !ORDER.includes(m)).sort();
  return [...known, ...rest];
}
