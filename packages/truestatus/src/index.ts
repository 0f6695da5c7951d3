/**
 * truestatus core: the decision model, with zero runtime dependencies.
 * Framework adapters, the gateway and the auditor live in their own subpath exports.
 */
export * from "./semantics/index.js";
