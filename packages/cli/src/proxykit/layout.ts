/**
 * Where the conformance check's requests go. The proxy under test forwards three routes:
 *
 * - everything under CHECK_PREFIX to the fault upstream over plain HTTP (one path per fault);
 * - CHECK_PREFIX + "refused" to a port where nothing listens (the refused connection);
 * - CHECK_PREFIX + "tls-certificate" to the fault upstream over TLS, verifying the certificate
 *   (the fault upstream speaks TLS and plain HTTP on the same port, and presents a certificate
 *   that is self-signed and expired).
 *
 * The generators add the two extra routes with `--check-routes`; the docs show them per proxy.
 */

/** The path prefix of every check request. */
export const CHECK_PREFIX = "/truestatus-check/";

/** The default port of the refused route: privileged, so no ordinary process listens there. */
export const DEFAULT_REFUSED_PORT = 1;

/** The addresses a proxy under test forwards the check's routes to. */
export interface CheckLayout {
  /** The fault upstream's host (an IP literal or a name). */
  readonly host: string;
  /** Its port: plain HTTP and TLS on the same port. */
  readonly port: number;
  /** A port on `host` where nothing listens. */
  readonly refusedPort: number;
}

/** The three routes as path → upstream URL, most specific first. */
export function checkRoutes(layout: CheckLayout): readonly { path: string; upstream: string }[] {
  const host = layout.host.includes(":") ? `[${layout.host}]` : layout.host;
  return [
    { path: `${CHECK_PREFIX}refused`, upstream: `http://${host}:${layout.refusedPort}` },
    { path: `${CHECK_PREFIX}tls-certificate`, upstream: `https://${host}:${layout.port}` },
    { path: CHECK_PREFIX, upstream: `http://${host}:${layout.port}` },
  ];
}
