import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import type { RunStatus } from "@hems-reports/core/domain/run";

/** CloudWatch metrics as embedded-metric-format log lines (Powertools Metrics): no API call, no extra latency. */
const metrics = new Metrics({ namespace: "HemsReports", serviceName: "hems-reports" });

/** A finished run's figures, for dashboards and alarms: sessions read, wallboxes failed, complete or not, how long it took. */
export function recordRunMetrics(status: RunStatus): void {
  if (status.status !== "done") return;
  metrics.addMetric("SessionsRead", MetricUnit.Count, status.totals.sessions);
  metrics.addMetric("WallboxesFailed", MetricUnit.Count, status.totals.failedWallboxes);
  metrics.addMetric("ReportComplete", MetricUnit.Count, status.complete ? 1 : 0);
  metrics.addMetric("RunDuration", MetricUnit.Seconds, (Date.parse(status.finishedAt) - Date.parse(status.requestedAt)) / 1000);
  metrics.publishStoredMetrics();
}
