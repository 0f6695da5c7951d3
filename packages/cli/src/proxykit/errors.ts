/** A usage mistake of the proxy kit (bad URL, unknown proxy, proxy not listening): one line, exit 2. */
export class ProxyKitError extends Error {
  override readonly name = "ProxyKitError";
}

export function isProxyKitError(e: unknown): e is ProxyKitError {
  return e instanceof ProxyKitError;
}
