import { describe, expect, it } from "vitest";
import { renderDemo } from "../../src/cli/demo.js";
import { stylesFor } from "../../src/cli/output.js";

describe("demo", () => {
  it("prints the decision table with the statuses of the guide", () => {
    const text = renderDemo(stylesFor({ isTTY: false }, {}));
    expect(text).toMatch(/credentials missing\s+401/);
  });
});
