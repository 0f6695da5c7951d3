/** A 5xx body that shows internals: stack traces, SQL errors, file paths, internal hosts. */
import { excerptAround } from "../evidence.js";
import { finding } from "../finding.js";
import { defineRule, NO_FINDINGS, type Rule } from "../rule.js";

/** Bounded, backtracking-safe patterns; each names what leaked. */
const LEAKS: readonly (readonly [string, RegExp])[] = [
  [
    "a stack trace",
    /Traceback \(most recent call last\)|Exception in thread "|\bat [\w$.<>]{1,200} ?\([^()\n]{1,300}:\d+(?::\d+)?\)|\bat [\w$.]{1,200}\([\w$]{1,100}\.java:\d+\)|\.(?:js|ts|py|rb|php|go|java|cs):\d+:\d+/,
  ],
  [
    "an SQL error",
    /\bSQLSTATE\b|syntax error at or near|\bORA-\d{5}\b|\bER_[A-Z_]{3,40}\b|SequelizeDatabaseError|\bPG::\w+|relation \\?"[^"\n]{1,100}\\?" does not exist|duplicate key value violates|You have an error in your SQL syntax|SQLITE_[A-Z]{3,20}/,
  ],
  [
    "a server file path",
    /(?:^|[\s"'(=])(?:\/home\/|\/srv\/|\/var\/www\/|\/usr\/src\/|\/opt\/|\/app\/)[\w.\-/]{1,200}|[A-Z]:\\(?:Users|inetpub|Program Files)\\|node_modules\//,
  ],
  [
    "an internal address",
    /\b(?:10\.\d{1,3}\.\d{1,3}\.\d{1,3}|192\.168\.\d{1,3}\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3}|127\.0\.0\.1)\b|\b[\w-]{1,63}\.(?:svc\.cluster\.local|internal|local|corp|lan)\b|\blocalhost:\d{2,5}\b/,
  ],
];

/** Only the start of a body is scanned: bounded time whatever its size. */
const SCAN = 16_384;

const rule: Rule = defineRule({
  id: "5xx-leaks-internals",
  meta: {
    title: "5xx body leaking internals",
    severity: "warning",
    spec: { document: "OWASP ASVS", section: "V7.4.1" },
    csf: "PR.DS",
    needs: ["response.body"],
    description:
      "An error body that carries a stack trace, an SQL error, a server file path or an internal host name tells an attacker which software, schema and network sit behind the API. Clients need none of it.",
    fix: "Answer 5xx with a generic problem body and log the cause on the server (truestatus' internal({ cause }) keeps the cause out of the response unless exposeInternals is on, for development only).",
  },
  screen: (status) => status >= 500,
  check(ex) {
    const res = ex.response;
    if (res === undefined || res.status < 500 || res.body === undefined) return NO_FINDINGS;
    const text = res.body.text.length > SCAN ? res.body.text.slice(0, SCAN) : res.body.text;
    for (const [what, re] of LEAKS) {
      const m = re.exec(text);
      if (m)
        return [
          finding(rule, ex, `${res.status} body leaks ${what}`, excerptAround(text, m.index)),
        ];
    }
    return NO_FINDINGS;
  },
});

export default rule;
