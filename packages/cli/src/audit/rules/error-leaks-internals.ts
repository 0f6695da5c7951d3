/**
 * An error body (any 4xx or 5xx) that shows internals: stack traces, SQL errors, server file paths,
 * internal hosts. What the client sent (the path, the body) and the API's own host are echoes, not
 * leaks.
 */
import { excerptAround } from "../evidence.js";
import type { Exchange } from "../exchange.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

const FILE_EXT =
  "js|mjs|cjs|ts|jsx|tsx|py|rb|php|go|java|class|jar|cs|dll|so|rs|ex|exs|pl|json|ya?ml|env|ini|conf|sql|sqlite|db|log|html?|ejs|pug|hbs|erb|twig|jsp|aspx";

/** Bounded, backtracking-safe patterns (global: every match is looked at); each names what leaked. */
const LEAKS: readonly (readonly [string, RegExp])[] = [
  [
    "a stack trace",
    /Traceback \(most recent call last\)|Exception in thread "|\bat [\w$.<>]{1,200} ?\([^()\n]{1,300}:\d+(?::\d+)?\)|\bat [\w$.]{1,200}\([\w$]{1,100}\.java:\d+\)|\.(?:js|ts|py|rb|php|go|java|cs):\d+:\d+/g,
  ],
  [
    "an SQL error",
    /\bSQLSTATE\b|syntax error at or near|\bORA-\d{5}\b|\bER_[A-Z_]{3,40}\b|SequelizeDatabaseError|\bPG::\w+|relation \\?"[^"\n]{1,100}\\?" does not exist|duplicate key value violates|You have an error in your SQL syntax|SQLITE_[A-Z]{3,20}/g,
  ],
  [
    "a server file path",
    // A file under a server directory (with a file's extension: "/app/orders" is a route), or
    // anything under node_modules or a Windows system directory.
    new RegExp(
      `(?<![\\w.])(?:/home/|/srv/|/var/www/|/var/lib/|/usr/src/|/usr/local/lib/|/usr/lib/|/opt/|/app/|/root/|/Users/)[\\w.\\-/]{0,200}?\\.(?:${FILE_EXT})\\b|[A-Z]:\\\\(?:Users|inetpub|Program Files)\\\\|\\bnode_modules/[\\w@.\\-/]{1,200}`,
      "g",
    ),
  ],
  [
    "an internal address",
    /(?<![\w.])(?:10\.\d{1,3}\.\d{1,3}\.\d{1,3}|192\.168\.\d{1,3}\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|169\.254\.\d{1,3}\.\d{1,3})(?![\w]|\.\d)(?::\d{1,5})?|(?<![\w.-])[\w-]{1,63}(?:\.[\w-]{1,63}){0,4}\.(?:svc\.cluster\.local|internal|local|corp|lan)(?![\w-]|\.[\w-])(?::\d{1,5})?|\blocalhost:\d{2,5}\b/g,
  ],
];

/** Only the start of a body is scanned, and a few matches per pattern: bounded time. */
const SCAN = 16_384;
const MAX_MATCHES = 20;

const LOOPBACK = /^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[?::1\]?|0\.0\.0\.0)$/i;

function hostPort(text: string): { host: string; port?: string } {
  const m = /^(.*?)(?::(\d{1,5}))?$/.exec(text)!;
  return { host: m[1]!.toLowerCase(), ...(m[2] !== undefined ? { port: m[2] } : {}) };
}

/**
 * The API's own address, as the client called it (a framework echoing its URL in an error is no
 * leak): the same host (any loopback name for a loopback host), and no port or the same port.
 */
function isOwnAddress(match: string, ex: Exchange): boolean {
  const own = ex.request.host;
  if (own === undefined) return false;
  const a = hostPort(match);
  const b = hostPort(own);
  const sameHost = a.host === b.host || (LOOPBACK.test(a.host) && LOOPBACK.test(b.host));
  return sameHost && (a.port === undefined || a.port === b.port);
}

/** What the client itself sent (its path or its body) echoed back: not the server's internals. */
function isEcho(match: string, ex: Exchange): boolean {
  const m = match.trim();
  if (m.length < 4) return false;
  if (ex.request.target.includes(m)) return true;
  const body = ex.request.body?.text;
  return body?.includes(m) === true;
}

const rule: Rule = defineRule({
  id: "error-leaks-internals",
  meta: {
    title: "Error body leaking internals",
    severity: "warning",
    spec: { document: "OWASP ASVS", section: "V7.4.1" },
    csf: "PR.DS",
    needs: ["response.body"],
    description:
      "An error body (4xx or 5xx) that carries a stack trace, an SQL error, a server file path or an internal host name tells an attacker which software, schema and network sit behind the API. Clients need none of it. 4xx bodies leak too: a body parser's HTML error page in development mode shows the stack and the paths of the server's files. What the client sent (its path, its body) and the API's own host and port, which frameworks echo in error bodies, are not counted.",
    fix: "Answer errors with a generic problem body and log the cause on the server (truestatus' internal({ cause }) keeps the cause out of the response unless exposeInternals is on, for development only; its adapters answer body-parser errors with a 400 problem, without the stack).",
  },
  screen: (status) => status >= 400,
  check(ex) {
    const res = ex.response;
    if (res === undefined || res.status < 400 || res.body === undefined) return NO_FINDINGS;
    const text = res.body.text.length > SCAN ? res.body.text.slice(0, SCAN) : res.body.text;
    for (const [what, re] of LEAKS) {
      let n = 0;
      for (const m of text.matchAll(re)) {
        if (++n > MAX_MATCHES) break;
        if (isEcho(m[0], ex)) continue;
        if (what === "an internal address" && isOwnAddress(m[0], ex)) continue;
        return [
          finding(rule, ex, `${res.status} body leaks ${what}`, excerptAround(text, m.index)),
        ];
      }
    }
    return NO_FINDINGS;
  },
});

export default rule;
