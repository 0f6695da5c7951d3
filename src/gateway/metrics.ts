/**
 * Prometheus metrics (prom-client, one registry per gateway). Names and labels follow the
 * OpenTelemetry HTTP semantic conventions as Prometheus spells them (dots become underscores,
 * units become suffixes): `http.server.request.duration` → http_server_request_duration_seconds
 * with http_request_method, http_route, http_response_status_code, error_type, plus failure_class
 * (auth, validation, throttling, overload, dependency, server_bug, client_abort, ...).
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

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

type Child = { observe(v: number): void };

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<string>;
  readonly active: Gauge<string>;
  private readonly upstreamDuration: Histogram<string>;
  private readonly upstreamFailures: Counter<string>;
  private readonly incomplete: Counter<string>;
  private readonly retries: Counter<string>;
  private readonly rateLimit: Counter<string>;
  private readonly shed: Counter<string>;
  readonly connections: Gauge<string>;
  /** Label children by joined label values: prom-client hashes label objects on every call. */
  private readonly children = new Map<string, Child>();
  private readonly upstreamChildren = new Map<string, Child>();

  constructor() {
    const registers = [this.registry];
    this.duration = new Histogram({
      name: "http_server_request_duration_seconds",
      help: "Duration of HTTP server requests (OpenTelemetry http.server.request.duration), with the truestatus failure class.",
      labelNames: [
        "http_request_method",
        "http_route",
        "http_response_status_code",
        "error_type",
        "failure_class",
      ],
      buckets: BUCKETS,
      registers,
    });
    this.active = new Gauge({
      name: "http_server_active_requests",
      help: "Requests in flight (OpenTelemetry http.server.active_requests).",
      labelNames: ["http_route"],
      registers,
    });
    this.upstreamDuration = new Histogram({
      name: "http_client_request_duration_seconds",
      help: "Time to the upstream's response headers (OpenTelemetry http.client.request.duration), by upstream.",
      labelNames: ["server_address", "http_response_status_code", "error_type"],
      buckets: BUCKETS,
      registers,
    });
    this.upstreamFailures = new Counter({
      name: "truestatus_gateway_upstream_failures_total",
      help: "Upstream failures by upstream and Proxy-Status error type (connection_refused, http_response_timeout, ...).",
      labelNames: ["upstream", "error_type"],
      registers,
    });
    this.incomplete = new Counter({
      name: "truestatus_gateway_incomplete_responses_total",
      help: "Responses cut after their header section was sent (the client saw an incomplete body).",
      labelNames: ["upstream", "error_type"],
      registers,
    });
    this.retries = new Counter({
      name: "truestatus_gateway_retries_total",
      help: "Retries sent (idempotent requests that failed before reaching the upstream), and those the budget refused.",
      labelNames: ["upstream", "outcome"],
      registers,
    });
    this.rateLimit = new Counter({
      name: "truestatus_gateway_ratelimit_decisions_total",
      help: "Rate-limit decisions by route: allowed, denied, store_error (failed open or closed).",
      labelNames: ["http_route", "decision"],
      registers,
    });
    this.shed = new Counter({
      name: "truestatus_gateway_shed_total",
      help: "Requests answered 503 because an upstream's concurrency limit was reached, or no target was healthy.",
      labelNames: ["upstream", "reason"],
      registers,
    });
    this.connections = new Gauge({
      name: "truestatus_gateway_open_connections",
      help: "Client connections open on the gateway.",
      registers,
    });
  }

  request(o: RequestObservation): void {
    const key = `${o.method}\0${o.route}\0${o.status}\0${o.errorType}\0${o.failureClass}`;
    let child = this.children.get(key);
    if (child === undefined) {
      child = this.duration.labels(
        o.method,
        o.route,
        String(o.status),
        o.errorType,
        o.failureClass,
      );
      if (this.children.size < 10_000) this.children.set(key, child);
    }
    child.observe(o.seconds);
  }

  upstream(address: string, status: number | undefined, errorType: string, seconds: number): void {
    const key = `${address}\0${status ?? ""}\0${errorType}`;
    let child = this.upstreamChildren.get(key);
    if (child === undefined) {
      child = this.upstreamDuration.labels(
        address,
        status === undefined ? "" : String(status),
        errorType,
      );
      if (this.upstreamChildren.size < 10_000) this.upstreamChildren.set(key, child);
    }
    child.observe(seconds);
  }

  upstreamFailure(upstream: string, errorType: string, incomplete: boolean): void {
    (incomplete ? this.incomplete : this.upstreamFailures).labels(upstream, errorType).inc();
  }

  retry(upstream: string, outcome: "sent" | "budget_exhausted"): void {
    this.retries.labels(upstream, outcome).inc();
  }

  rateLimitDecision(route: string, decision: "allowed" | "denied" | "store_error"): void {
    this.rateLimit.labels(route, decision).inc();
  }

  shedRequest(upstream: string, reason: "concurrency" | "no_healthy_target"): void {
    this.shed.labels(upstream, reason).inc();
  }
}
