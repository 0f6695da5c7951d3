/**
 * The API every adapter's test app serves, the same in each framework: bearer auth with scopes,
 * orders with validation and business rules, errors thrown by other libraries, calls to an
 * upstream, and a crash whose message holds a secret, a file path and SQL.
 */

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import {
  type Decision,
  type Failure,
  forbidden,
  HttpFailure,
  notFound,
  type PolicyOptions,
  rateLimited,
  unprocessable,
  unsupportedMediaType,
} from "../../../src/index.js";
import { refuse } from "../../../src/server/auth.js";
import type { LogEntry } from "../../../src/server/log.js";

export interface AppConfig {
  readonly policy?: PolicyOptions;
  readonly log: (entry: LogEntry) => void;
  /** Passed to the adapter as it is; `request` is the framework's own request object. */
  readonly onFailure?: (
    failure: Failure,
    decision: Decision,
    request: unknown,
  ) => Readonly<Record<string, unknown>> | undefined;
  /** A port nothing listens on (connection refused). */
  readonly refusedUrl: string;
  /** A server that accepts connections and never answers. */
  readonly hangingUrl: string;
  readonly softErrors?: boolean;
}

export interface Started {
  readonly url: string;
  close(): Promise<void>;
}

export interface Identity {
  readonly id: string;
  readonly scopes: readonly string[];
}

const IDENTITIES: Readonly<Record<string, Identity>> = {
  "reader-token": { id: "u1", scopes: ["orders:read"] },
  "writer-token": { id: "u2", scopes: ["orders:read", "orders:write"] },
};

export function verify(token: string) {
  if (token === "expired-token") return refuse.expired();
  return IDENTITIES[token] ?? null;
}

export const orderSchema = z.object({ sku: z.string().min(1), qty: z.number().int().min(1) });

/** The same schema for Ajv (node app) and Fastify. */
export const orderJsonSchema = {
  type: "object",
  required: ["sku", "qty"],
  properties: { sku: { type: "string", minLength: 1 }, qty: { type: "integer", minimum: 1 } },
} as const;

export const BODY_LIMIT = 1024;

export function placeOrder(input: { sku: string; qty: number }) {
  if (input.sku === "DUP")
    throw new HttpFailure(
      unprocessable({ reason: "duplicate", detail: "An order for DUP exists." }),
    );
  if (input.qty > 100)
    throw new HttpFailure(unprocessable({ detail: "An order holds at most 100 items." }));
  return { id: "o1", ...input };
}

export const SECRET = "hunter2-s3cr3t";
export const CRASH_MESSAGE = `connect failed password=${SECRET} at /srv/app/src/db/users.js:42 running SELECT * FROM users WHERE email = 'a@example.com'`;

export function crash(): never {
  throw new Error(CRASH_MESSAGE);
}

export async function callUpstream(url: string): Promise<unknown> {
  const r = await fetch(url, { signal: AbortSignal.timeout(300) });
  return r.json();
}

export function listening(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    const done = () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    if (server.listening) done();
    else {
      server.once("listening", done);
      server.once("error", reject);
    }
  });
}

export function closing(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

// ---- the traps a new user falls into (issue 16), thrown the same way in every framework --------

/** `throw notFound()`, `throw unprocessable(...)`, `throw rateLimited(...)`: no `new HttpFailure`. */
export const THROWN_CONSTRUCTORS: Readonly<Record<string, () => never>> = {
  "/trap/not-found": () => {
    throw notFound();
  },
  "/trap/unprocessable": () => {
    throw unprocessable({ detail: "An order holds at most 100 items." });
  },
  "/trap/rate-limited": () => {
    throw rateLimited({ retryAfter: 30 });
  },
  // An object-level refusal: another user's order.
  "/trap/not-yours": () => {
    throw forbidden();
  },
  // A CR/LF in a value bound for a header: refused where it is made (a bug: 500).
  "/trap/crlf": () => {
    throw unsupportedMediaType({ accept: ["application/json\r\nX-Injected: yes"] });
  },
  // The same, built by hand past the constructor's check: refused before it reaches the wire.
  "/trap/crlf-literal": () => {
    throw new HttpFailure({
      kind: "unsupported_media_type",
      acceptEncoding: ["gzip\r\nX-Injected: yes"],
    });
  },
};

/** A JSON body whose bytes are not UTF-8 (0xC3 0x28 is an invalid two-byte sequence). */
export const INVALID_UTF8_ORDER = Buffer.concat([
  Buffer.from('{"sku":"A'),
  Buffer.from([0xc3, 0x28]),
  Buffer.from('","qty":1}'),
]);
