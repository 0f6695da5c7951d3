/**
 * Column maps' shape and the shipped presets (docs/engines.md), apart from the YAML reader
 * (columns.ts) so that the CLI's help text can name the presets without loading a YAML parser.
 */
import type { ColumnName } from "./schema.js";
import type { Dialect } from "./sql.js";

export interface ColumnMap {
  /** The dialect the expressions are written in, when the map is for one engine. */
  readonly dialect?: Dialect;
  /** The table the map was written for (used when --table is not given). */
  readonly table?: string;
  /** Canonical column → a column name of the table or an SQL expression. */
  readonly columns: Readonly<Partial<Record<ColumnName, string>>>;
}

export interface Preset extends ColumnMap {
  readonly dialect: Dialect;
  readonly table: string;
  /** One line: whose table, and where its schema is documented. */
  readonly description: string;
}

export const PRESETS: Readonly<Record<string, Preset>> = {
  "alb-athena": {
    description:
      "AWS's ALB access-log table in Athena (alb_access_logs, docs.aws.amazon.com/athena/latest/ug/create-alb-access-logs-table.html)",
    dialect: "trino",
    table: "alb_access_logs",
    columns: {
      time_ms:
        "coalesce(try(to_unixtime(from_iso8601_timestamp(request_creation_time))), try(to_unixtime(from_iso8601_timestamp(time)))) * 1000",
      method: "request_verb",
      // ALB logs the absolute URL: the target is its path and query.
      target: "regexp_replace(request_url, '^[A-Za-z][A-Za-z0-9+.-]*://[^/]*', '')",
      status: "try_cast(elb_status_code AS integer)",
      target_status: "target_status_code",
      upstream_status:
        "CASE WHEN target_status_code_list IS NOT NULL AND target_status_code_list NOT IN ('', '-') THEN replace(target_status_code_list, ' ', ', ') WHEN target_ip IS NOT NULL AND target_ip NOT IN ('', '-') THEN target_status_code END",
      upstream_details: "nullif(lambda_error_reason, '-')",
      generated_by:
        "CASE WHEN try_cast(elb_status_code AS integer) IS NULL THEN NULL WHEN target_status_code = CAST(try_cast(elb_status_code AS integer) AS varchar) THEN 'upstream' ELSE 'proxy' END",
      client_aborted: "try_cast(elb_status_code AS integer) = 460",
    },
  },
  "nginx-clickhouse": {
    description:
      "ClickHouse's nginx example table (logs.nginx_logs, clickhouse.com/docs/use-cases/observability/clickstack/ingesting-data/vector)",
    dialect: "clickhouse",
    table: "logs.nginx_logs",
    columns: {
      time_ms: "toFloat64(toUnixTimestamp(time_local)) * 1000",
      // "GET /path HTTP/1.1": the method and the target are the request line's first two words.
      method: "splitByChar(' ', request)[1]",
      target: "splitByChar(' ', request)[2]",
      status: "toInt32(status)",
      // $body_bytes_sent counts the body alone.
      size: "toInt64(body_bytes_sent)",
    },
  },
};
