/**
 * Where each rule's page is: docs/eslint/<name>.md in the repository. The CLI's
 * packages/cli/src/links.ts names the same repository (a test keeps them equal).
 */
export const REPOSITORY_URL = "https://github.com/truestatus/truestatus";

export function eslintRuleDocsUrl(name: string): string {
  return `${REPOSITORY_URL}/blob/main/docs/eslint/${name}.md`;
}
