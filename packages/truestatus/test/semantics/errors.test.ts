import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  ERROR_CODES,
  FailureDefinitionError,
  HeaderValueError,
  PolicyError,
  TruestatusError,
} from "../../src/index.js";
import type { ParseErrorCode } from "../../src/semantics/headers/result.js";

const doc = readFileSync(new URL("../../../../docs/errors.md", import.meta.url), "utf8");

describe("error code registry", () => {
  it("documents every code in docs/errors.md, and documents no code that does not exist", () => {
    for (const code of Object.keys(ERROR_CODES)) expect(doc).toContain(`\`${code}\``);
    const documented = [...doc.matchAll(/`(TRUESTATUS_[A-Z_]+)`/g)].map((m) => m[1]);
    for (const code of documented) expect(Object.keys(ERROR_CODES)).toContain(code);
  });

  it("has unique codes and unique descriptions", () => {
    const descriptions = Object.values(ERROR_CODES);
    expect(new Set(descriptions).size).toBe(descriptions.length);
  });

  it("documents every parse error code", () => {
    const codes: Record<ParseErrorCode, true> = {
      empty: true,
      too_long: true,
      unexpected_character: true,
      unexpected_end: true,
      invalid_token: true,
      invalid_string: true,
      invalid_number: true,
      number_out_of_range: true,
      invalid_byte_sequence: true,
      invalid_date: true,
      duplicate_parameter: true,
      missing_parameter: true,
      wrong_type: true,
      invalid_json: true,
      not_an_object: true,
    };
    for (const code of Object.keys(codes)) expect(doc).toContain(`\`${code}\``);
  });

  it("every error class carries its code and stays a TruestatusError", () => {
    expect(new HeaderValueError("Allow", "x").code).toBe("TRUESTATUS_INVALID_HEADER_VALUE");
    expect(new PolicyError("realm", "x").code).toBe("TRUESTATUS_INVALID_POLICY");
    expect(new FailureDefinitionError("allow", "x").code).toBe("TRUESTATUS_INVALID_FAILURE");
    for (const e of [
      new HeaderValueError("a", "b"),
      new PolicyError("a", "b"),
      new FailureDefinitionError("a", "b"),
    ]) {
      expect(e).toBeInstanceOf(TruestatusError);
    }
  });
});
