/** What operators must hear of: a run that failed, ended incomplete, or could not send its email. */
export interface OperatorAlert {
  month: string;
  runId: string;
  /** One line: what happened, for example "run FAILED" or "report INCOMPLETE (2 of 1,204 wallboxes failed)". */
  what: string;
  reason: string;
}

/** Delivers alerts to operators (an SNS topic they subscribe to). */
export interface OperatorAlerts {
  alert(alert: OperatorAlert): Promise<void>;
}

/** Sends an alert; an alert that cannot be sent is logged, never thrown over the run's own outcome. */
export async function alertSafely(
  alerts: OperatorAlerts | undefined,
  alert: OperatorAlert,
  log: { error(message: string, fields?: Record<string, unknown>): void },
): Promise<void> {
  await alerts
    ?.alert(alert)
    .catch((error: unknown) => log.error("operator alert NOT sent", { runId: alert.runId, what: alert.what, error: (error as Error).message }));
}

/** SNS takes a message of at most 256 KiB: a reason longer than this is cut (the run's status keeps it whole). */
export const ALERT_REASON_CHARACTERS = 8_000;

/** Where an operator looks: the log group and the run id to filter by, and the workflow's execution. */
export function alertText(alert: OperatorAlert, where: { logGroup?: string; stage?: string }): { subject: string; message: string } {
  // SNS takes a subject of less than 100 characters.
  const subject = `hems-reports${where.stage ? ` (${where.stage})` : ""} ${alert.month}: ${alert.what}`.slice(0, 99);
  const reason =
    alert.reason.length > ALERT_REASON_CHARACTERS
      ? `${alert.reason.slice(0, ALERT_REASON_CHARACTERS)}… (cut here: the run's status has the whole reason)`
      : alert.reason;
  const message = [
    `${alert.what}: the HEMS savings report of ${alert.month}, run ${alert.runId}.`,
    "",
    `Reason: ${reason}`,
    "",
    "Where to look:",
    `- the run's status: GET ?runId=${alert.runId} on the OnDemandReport function URL`,
    `- the logs: CloudWatch Logs${where.logGroup ? ` group ${where.logGroup}` : ""}, filter by "${alert.runId}" (every line of the run carries it)`,
    `- the workflow: the Step Functions execution named ${alert.runId}`,
  ].join("\n");
  return { subject, message };
}
