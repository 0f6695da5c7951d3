/** The decision model: status table, failure taxonomy, policy, problem details, header codecs. */
export * from "./decide.js";
export * from "./errors.js";
export * from "./failure.js";
export * from "./headers/index.js";
export * from "./policy.js";
export * from "./problem.js";
export * from "./status.js";
