/**
 * Express's route table: the methods an app's routes have for a path (Express 5 `app.router`,
 * Express 4 `app._router`, mounted routers included). Read by the Express and NestJS adapters.
 */
export interface RouteLayer {
  match(path: string): boolean | { path: string };
  path?: string;
  route?: { methods: Record<string, boolean> };
  handle?: { stack?: unknown };
}

function collect(
  stack: readonly RouteLayer[],
  path: string,
  out: Set<string>,
  depth: number,
): void {
  for (const layer of stack) {
    let m: ReturnType<RouteLayer["match"]>;
    try {
      m = layer.match(path);
    } catch {
      continue; // a malformed %-escape in the path: the router would not match it either
    }
    if (!m) continue;
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods)) if (method !== "_all") out.add(method);
    } else if (Array.isArray(layer.handle?.stack) && depth < 16) {
      // A mounted router: match the rest of the path against its own stack.
      const matched = typeof m === "object" ? m.path : (layer.path ?? "");
      const rest = path.slice(matched.length);
      collect(
        layer.handle.stack as RouteLayer[],
        rest.startsWith("/") ? rest : `/${rest}`,
        out,
        depth + 1,
      );
    }
  }
}

export function stackOf(app: unknown): readonly RouteLayer[] | undefined {
  const a = app as { router?: { stack?: unknown }; _router?: { stack?: unknown } };
  const stack = (a.router ?? a._router)?.stack;
  return Array.isArray(stack) ? (stack as RouteLayer[]) : undefined;
}

/** The methods the app's routes have for a path (Express 5 `app.router`, Express 4 `app._router`). */
export function routeMethods(app: unknown, path: string): string[] {
  const stack = stackOf(app);
  const out = new Set<string>();
  if (stack) collect(stack, path, out, 0);
  return [...out];
}
