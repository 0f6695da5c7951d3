/**
 * Where the project lives (beside the faces: analyze, lint and proxy-check all link to it). Every link a report prints (rule pages in text, JSON, SARIF and HTML,
 * SARIF's informationUri) is built from REPOSITORY_URL, which both package.json files also name
 * (a test keeps them equal).
 */
export const REPOSITORY_URL = "https://github.com/truestatus/truestatus";

/** The docs folder on the default branch. */
export const DOCS_URL = `${REPOSITORY_URL}/blob/main/docs/`;

/** Where each rule's page is published: docs/rules/<id>.md in the repository. */
export const RULE_DOCS_BASE = `${DOCS_URL}rules/`;

export function ruleDocsUrl(id: string): string {
  return `${RULE_DOCS_BASE}${id}.md`;
}
