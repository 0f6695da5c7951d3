/** Types of the `auth-header` package (bench peer only; it ships none). */
declare module "auth-header" {
  export interface Parsed {
    scheme: string;
    params: Record<string, string | string[]>;
    token: string | string[] | null;
  }
  export function parse(value: string): Parsed;
  export function format(value: Partial<Parsed>): string;
  const authHeader: { parse: typeof parse; format: typeof format };
  export default authHeader;
}
