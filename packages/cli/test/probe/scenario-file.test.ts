/** Scenario files: steps with method, path, identity, body, expected statuses and saved values. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ProbeError } from "../../src/probe/errors.js";
import { parseScenario } from "../../src/probe/scenario-file.js";

describe("parseScenario", () => {
  it("reads steps, a list or an object with steps", () => {
    const steps = parseScenario(
      "s.yaml",
      "steps:\n  - name: create\n    method: post\n    path: /orders\n    body: { qty: 1 }\n    expect: 201\n    save: { id: id }\n  - { method: POST, path: '/orders/{{id}}/cancel', identity: B, expect: ['404', 403] }\n",
    );
    expect(steps).toEqual([
      {
        file: "s.yaml",
        index: 1,
        name: "create",
        method: "POST",
        path: "/orders",
        body: { qty: 1 },
        expect: [201],
        save: { id: "id" },
      },
      {
        file: "s.yaml",
        index: 2,
        name: "step 2",
        method: "POST",
        path: "/orders/{{id}}/cancel",
        identity: "B",
        expect: [404, 403],
      },
    ]);
    expect(parseScenario("s.yaml", "- { method: GET, path: /, expect: 200 }\n")).toHaveLength(1);
  });

  it("writes no YAML warning to the process for a tag it does not know", async () => {
    const warnings: string[] = [];
    const listen = (w: Error) => warnings.push(w.name);
    process.on("warning", listen);
    try {
      expect(
        parseScenario("s.yaml", "- !custom { method: GET, path: /, expect: 200 }\n"),
      ).toHaveLength(1);
      // Node emits process warnings on a later tick.
      await new Promise<void>((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off("warning", listen);
    }
    expect(warnings).toEqual([]);
  });

  it.each([
    ["steps: 3", /s\.yaml: expected a list of steps/],
    ["- 3", /s\.yaml: step 1: a step is an object/],
    ["- { path: /, expect: 200 }", /step 1 \(step 1\): "method" is missing/],
    ["- { method: GET, path: x, expect: 200 }", /"path" is missing or does not start with "\/"/],
    ["- { method: GET, path: /, expect: 99 }", /"expect": 99 is not a status code/],
    ["- { method: GET, path: /, expect: [] }", /"expect" is empty/],
    ["- { method: GET, path: /, expect: 200, identity: C }", /"identity": "C" is not none, A or B/],
    [
      "- { method: GET, path: '/{{id}}', expect: 200 }",
      /\{\{id\}\} is used before a step saves it/,
    ],
    [
      '- { method: GET, path: /, expect: 200, headers: { x: "a\\nb" } }',
      /header "x" is not a single-line string/,
    ],
    ["steps:\n  - [unclosed", /s\.yaml:\d+: not valid YAML/],
  ])("%j → one line naming the file and step", (text, message) => {
    expect(() => parseScenario("s.yaml", text)).toThrow(message);
    try {
      parseScenario("s.yaml", text);
    } catch (e) {
      expect((e as ProbeError).code).toBe("TRUESTATUS_PROBE_SCENARIO");
      expect((e as Error).message).not.toContain("\n");
    }
  });

  it("any text gives steps or a ProbeError, never another exception (property)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.json(),
          fc.constantFrom("- { method: GET, path: /, expect: 200 }"),
        ),
        (text) => {
          try {
            for (const s of parseScenario("f.yaml", text))
              expect(s.expect.length).toBeGreaterThan(0);
          } catch (e) {
            expect(e).toBeInstanceOf(ProbeError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
