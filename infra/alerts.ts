/// <reference path="../.sst/platform/config.d.ts" />

/**
 * Operators hear of every failure through one SNS topic; they add their own subscriptions (email,
 * chat, paging: docs/operations.md, Deploy). The functions publish a message for each run that fails, ends
 * incomplete, could not start or could not email finance (`core/alerts`); the alarms below cover
 * what no function sees: an execution that failed, timed out or was stopped, a function that
 * crashed, and a schedule event that could not be delivered.
 */
export const operatorAlertsTopic = new sst.aws.SnsTopic("OperatorAlertsTopic");

/** The topic's ARN for the functions (linking the topic itself would grant `sns:*`; they may only publish: infra/permissions.ts). */
export const operatorAlerts = new sst.Linkable("OperatorAlerts", { properties: { arn: operatorAlertsTopic.arn } });

/** Scheduler events that could not reach their function after the retries land here. */
export const scheduleDeadLetters = new sst.aws.Queue("ScheduleDeadLetters");

function alarm(
  name: string,
  description: string,
  args: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "comparisonOperator" | "evaluationPeriods" | "threshold">,
) {
  return new aws.cloudwatch.MetricAlarm(name, {
    alarmDescription: `hems-reports ${$app.stage}: ${description}`,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    threshold: 1,
    evaluationPeriods: 1,
    treatMissingData: "notBreaching",
    alarmActions: [operatorAlertsTopic.arn],
    ...args,
  });
}

/** Alarms on the report workflow's executions and on every function's errors. */
export function workflowAlarms(stateMachineArn: $util.Input<string>, functions: Record<string, $util.Input<string>>) {
  for (const [metric, what] of [
    ["ExecutionsFailed", "a report run's workflow FAILED"],
    ["ExecutionsTimedOut", "a report run's workflow TIMED OUT (stuck past its limit)"],
    ["ExecutionsAborted", "a report run's workflow was STOPPED"],
  ] as const) {
    alarm(`ReportRun${metric}`, `${what}; find the execution in the Step Functions console, its name is the run id`, {
      namespace: "AWS/States",
      metricName: metric,
      dimensions: { StateMachineArn: stateMachineArn },
      statistic: "Sum",
      period: 300,
    });
  }
  for (const [name, functionName] of Object.entries(functions)) {
    alarm(`${name}Errors`, `the ${name} function failed; see its log group, filter by the run id`, {
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: functionName },
      statistic: "Sum",
      period: 300,
    });
  }
  alarm("ScheduleDeadLetters", "a schedule's event could not start its function (the month may have no report); see the ScheduleDeadLetters queue", {
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: scheduleDeadLetters.nodes.queue.name },
    statistic: "Maximum",
    period: 300,
  });
}
