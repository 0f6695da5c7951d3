/**
 * Fastify's route table: the methods its router has for a path (HEAD routes included, as Fastify
 * adds them). Typed structurally; read by the Fastify and NestJS adapters.
 */
export interface FastifyRoutesLike {
  readonly supportedMethods: readonly string[];
  findRoute(options: { method: string; url: string }): unknown;
}

export function fastifyRouteMethods(fastify: FastifyRoutesLike, path: string): string[] {
  const out: string[] = [];
  for (const method of fastify.supportedMethods) {
    if (fastify.findRoute({ method, url: path })) out.push(method);
  }
  return out;
}
