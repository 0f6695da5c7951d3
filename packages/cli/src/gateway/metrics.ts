/**
 * Prometheus metrics (one prom-client Registry per gateway, formatted by prom-client). Names and
 * labels follow the OpenTelemetry HTTP semantic conventions as Prometheus spells them (dots become
 * underscores, units become suffixes): `http.server.request.duration` →
 * http_server_request_duration_seconds with http_request_method, http_route,
 * http_response_status_code, error_type, plus failure_class (auth, validation, throttling,
 * overload, dependency, server_bug, client_abort, ...). The series are fast-metrics.ts's.
 */
import { Registry } from "prom-client";
import { type CounterSeries, FastCounter, FastHistogram } from "./fast-metrics.js";

/** Every metric name /metrics exports (docs and the Grafana dashboard test read this). */
export const METRIC_NAMES = [
  "http_server_request_duration_seconds",
  "http_server_active_requests",
  "http_client_request_duration_seconds",
  "truestatus_gateway_upstream_failures_total",
  "truestatus_gateway_incomplete_responses_total",
  "truestatus_gateway_retries_total",
  "truestatus_gateway_ratelimit_decisions_total",
  "truestatus_gateway_shed_total",
  "truestatus_gateway_open_connections",
  "truestatus_gateway_access_log_dropped_total",
] as const;

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** What one finished request contributes. */
export interface RequestObservation {
  readonly method: string;
  readonly route: string;
  readonly status: number;
  /** "" when none (a success). */
  readonly errorType: string;
  readonly failureClass: string;
  readonly seconds: number;
}

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly duration: FastHistogram;
  private readonly active: FastCounter;
  private readonly upstreamDuration: FastHistogram;
  private readonly upstreamFailures: FastCounter;
  private readonly incomplete: FastCounter;
  private readonly retries: FastCounter;
  private readonly rateLimit: FastCounter;
  private readonly shed: FastCounter;
  private readonly connections: CounterSeries;
  private readonly logDropped: CounterSeries;
  /** Bumped by every change: a scrape with nothing new reuses the last text. */
  private version = 0;
  private rendered: { version: number; text: string } | undefined;
  private rendering: Promise<string> | undefined;

  constructor() {
    const r = this.registry;
    this.duration = new FastHistogram(
      "http_server_request_duration_seconds",
      "Duration of HTTP server requests (OpenTelemetry http.server.request.duration), with the truestatus failure class.",
      [
        "http_request_method",
        "http_route",
        "http_response_status_code",
        "error_type",
        "failure_class",
      ],
      BUCKETS,
      r,
    );
    this.active = new FastCounter(
      "http_server_active_requests",
      "Requests in flight (OpenTelemetry http.server.active_requests).",
      ["http_route"],
      r,
      "gauge",
    );
    this.upstreamDuration = new FastHistogram(
      "http_client_request_duration_seconds",
      "Time to the upstream's response headers (OpenTelemetry http.client.request.duration), by upstream.",
      ["server_address", "http_response_status_code", "error_type"],
      BUCKETS,
      r,
    );
    this.upstreamFailures = new FastCounter(
      "truestatus_gateway_upstream_failures_total",
      "Upstream failures by upstream and Proxy-Status error type (connection_refused, http_response_timeout, ...).",
      ["upstream", "error_type"],
      r,
    );
    this.incomplete = new FastCounter(
      "truestatus_gateway_incomplete_responses_total",
      "Responses cut after their header section was sent (the client saw an incomplete body).",
      ["upstream", "error_type"],
      r,
    );
    this.retries = new FastCounter(
      "truestatus_gateway_retries_total",
      "Retries sent (idempotent requests that failed before reaching the upstream), and those the budget refused.",
      ["upstream", "outcome"],
      r,
    );
    this.rateLimit = new FastCounter(
      "truestatus_gateway_ratelimit_decisions_total",
      "Rate-limit decisions by route: allowed, denied, store_error (failed open or closed).",
      ["http_route", "decision"],
      r,
    );
    this.shed = new FastCounter(
      "truestatus_gateway_shed_total",
      "Requests answered 503 because an upstream's concurrency limit was reached, no connection to it freed up in time (queue_timeout), or no target was healthy.",
      ["upstream", "reason"],
      r,
    );
    this.connections = new FastCounter(
      "truestatus_gateway_open_connections",
      "Client connections open on the gateway.",
      [],
      r,
      "gauge",
    ).of();
    this.logDropped = new FastCounter(
      "truestatus_gateway_access_log_dropped_total",
      "Access log lines dropped because the log's output did not keep up (its buffer was full).",
      [],
      r,
    ).of();
  }

  /**
   * The text of /metrics. Scrapes that arrive together share one rendering, and a scrape when
   * nothing changed reuses the last text: hammering /metrics costs the proxy next to nothing.
   */
  render(): Promise<string> {
    const version = this.version;
    if (this.rendered?.version === version) return Promise.resolve(this.rendered.text);
    this.rendering ??= this.registry.metrics().then(
      (text) => {
        this.rendering = undefined;
        this.rendered = { version, text };
        return text;
      },
      (e: unknown) => {
        this.rendering = undefined;
        throw e;
      },
    );
    return this.rendering;
  }

  /** The in-flight gauge of a route (keep it for the request: `s.value++`, `s.value--`). */
  activeFor(route: string): CounterSeries {
    this.version++;
    return this.active.of(route);
  }

  connectionOpened(): void {
    this.version++;
    this.connections.value++;
  }

  connectionClosed(): void {
    this.version++;
    this.connections.value--;
  }

  accessLogDropped(): void {
    this.version++;
    this.logDropped.value++;
  }

  request(o: RequestObservation): void {
    this.version++;
    this.duration
      .of(o.method, o.route, String(o.status), o.errorType, o.failureClass)
      .observe(o.seconds);
  }

  upstream(address: string, status: number | undefined, errorType: string, seconds: number): void {
    this.version++;
    this.upstreamDuration
      .of(address, status === undefined ? "" : String(status), errorType)
      .observe(seconds);
  }

  upstreamFailure(upstream: string, errorType: string, incomplete: boolean): void {
    this.version++;
    (incomplete ? this.incomplete : this.upstreamFailures).inc(upstream, errorType);
  }

  retry(upstream: string, outcome: "sent" | "budget_exhausted"): void {
    this.version++;
    this.retries.inc(upstream, outcome);
  }

  rateLimitDecision(route: string, decision: "allowed" | "denied" | "store_error"): void {
    this.version++;
    this.rateLimit.inc(route, decision);
  }

  shedRequest(
    upstream: string,
    reason: "concurrency" | "queue_timeout" | "no_healthy_target",
  ): void {
    this.version++;
    this.shed.inc(upstream, reason);
  }
}
