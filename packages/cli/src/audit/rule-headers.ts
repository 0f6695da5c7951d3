/**
 * The response headers a rule reads, for rules that need "response.headers": a log that records
 * only some headers (nginx `$sent_http_*`, W3C `sc(…)`, Envoy `%RESP(…)%`, the headers Traefik,
 * Cloudflare or OpenTelemetry were told to keep) can run such a rule only when one of these is
 * among them. Otherwise a 201 would be "without Location" in every log that never records Location.
 * A test keeps this list in step with the rules.
 */
export const RULE_RESPONSE_HEADERS: Readonly<Record<string, readonly string[]>> = {
  "201-needs-location": ["location"],
  "401-needs-www-authenticate": ["www-authenticate"],
  "401-with-insufficient-scope": ["www-authenticate"],
  "405-needs-allow": ["allow"],
  "429-needs-retry-after": ["retry-after", "ratelimit", "ratelimit-reset", "x-ratelimit-reset"],
  "503-needs-retry-after": ["retry-after"],
  "html-error-page-from-json-api": ["content-type"],
  "redirect-needs-location": ["location"],
};
