/** The rule factory: typed options and messages, and the docs URL from the rule's name. */
import { ESLintUtils } from "@typescript-eslint/utils";
import { eslintRuleDocsUrl } from "./links.js";

export interface TruestatusDocs {
  readonly description: string;
  /** The truestatus detector rule that finds the same lie in traffic or documents. */
  readonly detector?: string;
  /** On in the `recommended` config (every rule is on in `strict`). */
  readonly recommended: boolean;
  readonly requiresTypeChecking?: false;
}

export const createRule = ESLintUtils.RuleCreator<TruestatusDocs>(eslintRuleDocsUrl);
