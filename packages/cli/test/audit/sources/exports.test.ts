/** The public surface of the sources subpaths, as users import them (built package, by name). */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

function exportNames(specifier: string): string[] {
  const out = execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()))`,
    ],
    { cwd: new URL("../../../../..", import.meta.url), encoding: "utf8" },
  );
  return JSON.parse(out) as string[];
}

describe("sources subpath exports", () => {
  it("@truestatus/cli/audit/sources", () => {
    expect(exportNames("@truestatus/cli/audit/sources")).toEqual([
      "DEFAULT_SAMPLE_BODY_BYTES",
      "DETECTION_ORDER",
      "INGRESS_NGINX_FORMATS",
      "INPUT_FORMATS",
      "InputError",
      "MAX_LINE_BYTES",
      "NDJSON_FIELDS",
      "NGINX_COMBINED",
      "alb",
      "alignRange",
      "caddy",
      "clf",
      "cloudflareFormat",
      "combined",
      "compileLogFormat",
      "elb",
      "envoy",
      "envoyFormat",
      "expandInputs",
      "gcpLb",
      "haproxy",
      "haproxyFormat",
      "harEntryToExchange",
      "ingressNginx",
      "isInputError",
      "kong",
      "logFormatKind",
      "ndjsonFormat",
      "nginxFormat",
      "openSource",
      "otelFormat",
      "rangeBatches",
      "s3",
      "splitRanges",
      "traefik",
      "traefikJson",
      "w3cFormat",
    ]);
  });

  it("@truestatus/cli/audit/redact", () => {
    expect(exportNames("@truestatus/cli/audit/redact")).toEqual([
      "REDACTED",
      "SECRET_HEADERS",
      "isSecretHeader",
      "isSecretParam",
      "keepHeaderValue",
      "redactHeaderValue",
      "redactHeaders",
      "redactTarget",
      "redactText",
    ]);
  });
});
