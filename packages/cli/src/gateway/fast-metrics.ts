/**
 * Counters, gauges and histograms for the request path. prom-client's own validate and hash the
 * label values on every observation (labels() children included), which cost the gateway more
 * than proxying does; these keep one series object per label combination, found once by a joined
 * key, and hand prom-client's Registry the same `get()` shape its own metrics give, so /metrics
 * is formatted by prom-client as usual.
 */
import type { Metric, Registry } from "prom-client";

type Labels = Record<string, string | number>;

interface Value {
  readonly labels: Labels;
  readonly value: number;
  readonly metricName?: string;
}

/** Label combinations per metric, at most: a runaway label (a route per path) cannot eat memory. */
const MAX_SERIES = 10_000;

abstract class Base<S> {
  readonly aggregator = "sum";
  protected readonly series = new Map<string, S>();
  private overflow: S | undefined;

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  protected abstract make(labels: Labels): S;

  /** The series of these label values (in labelNames order). */
  protected find(values: readonly string[]): S {
    const key = values.length === 1 ? values[0]! : values.join("\u0000");
    let s = this.series.get(key);
    if (s === undefined) {
      const labels: Labels = {};
      for (let i = 0; i < this.labelNames.length; i++) labels[this.labelNames[i]!] = values[i]!;
      if (this.series.size >= MAX_SERIES) {
        this.overflow ??= this.make(Object.fromEntries(this.labelNames.map((n) => [n, "_other"])));
        return this.overflow;
      }
      s = this.make(labels);
      this.series.set(key, s);
    }
    return s;
  }

  protected all(): S[] {
    const out = [...this.series.values()];
    if (this.overflow !== undefined) out.push(this.overflow);
    return out;
  }
}

export interface CounterSeries {
  readonly labels: Labels;
  value: number;
}

export class FastCounter extends Base<CounterSeries> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    registry: Registry,
    readonly type: "counter" | "gauge" = "counter",
  ) {
    super(name, help, labelNames, registry);
  }

  protected make(labels: Labels): CounterSeries {
    return { labels, value: 0 };
  }

  /** The series of these label values, to keep and update (`s.value++`). */
  of(...values: string[]): CounterSeries {
    return this.find(values);
  }

  inc(...values: string[]): void {
    this.find(values).value++;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Value[] } {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.all().map((s) => ({ labels: s.labels, value: s.value })),
    };
  }
}

export class HistogramSeries {
  sum = 0;
  count = 0;
  /** Per bucket, not cumulative (made cumulative when scraped). */
  readonly counts: Float64Array;

  constructor(
    readonly labels: Labels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(v: number): void {
    this.sum += v;
    this.count++;
    const b = this.bounds;
    for (let i = 0; i < b.length; i++) {
      if (v <= b[i]!) {
        this.counts[i]!++;
        return;
      }
    }
  }
}

export class FastHistogram extends Base<HistogramSeries> {
  readonly type = "histogram";

  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
    registry: Registry,
  ) {
    super(name, help, labelNames, registry);
  }

  protected make(labels: Labels): HistogramSeries {
    return new HistogramSeries(labels, this.buckets);
  }

  of(...values: string[]): HistogramSeries {
    return this.find(values);
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Value[] } {
    const values: Value[] = [];
    const bucket = `${this.name}_bucket`;
    for (const s of this.all()) {
      let acc = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        acc += s.counts[i]!;
        values.push({
          labels: { le: this.buckets[i]!, ...s.labels },
          value: acc,
          metricName: bucket,
        });
      }
      values.push({ labels: { le: "+Inf", ...s.labels }, value: s.count, metricName: bucket });
      values.push({ labels: s.labels, value: s.sum, metricName: `${this.name}_sum` });
      values.push({ labels: s.labels, value: s.count, metricName: `${this.name}_count` });
    }
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values,
    };
  }
}
