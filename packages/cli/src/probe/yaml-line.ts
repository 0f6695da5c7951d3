import { YAMLParseError } from "yaml";

/** The 1-based line a YAML parse error points at, when it points at one. */
export function yamlLine(error: unknown): number | undefined {
  return error instanceof YAMLParseError ? error.linePos?.[0]?.line : undefined;
}
