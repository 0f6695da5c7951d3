/**
 * Where the project lives. The CLI's `src/links.ts` names the same repository (the library
 * cannot import the CLI; a test keeps the two equal), and both package.json files name it too.
 */
export const REPOSITORY_URL = "https://github.com/truestatus/truestatus";

/**
 * The default `problemTypeBase`: docs/problems.md on the default branch, one section per problem
 * type, so that each type URI (`…/problems.md#not-found`) leads to its documentation when
 * dereferenced (RFC 9457 §3.1.1). Each heading there is the type's slug, which is also its anchor.
 */
export const DEFAULT_PROBLEM_TYPE_BASE = `${REPOSITORY_URL}/blob/main/docs/problems.md#`;
