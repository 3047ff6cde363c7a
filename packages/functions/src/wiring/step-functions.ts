import { DescribeExecutionCommand, ExecutionDoesNotExist, ListExecutionsCommand, type SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { TriggerDeps } from "./trigger-deps.ts";

/** A run's execution: named by the run id, so its ARN is the state machine's with `execution` for `stateMachine` and the id after it. */
export function executionArn(workflowArn: string, runId: string): string {
  return `${workflowArn.replace(":stateMachine:", ":execution:")}:${runId}`;
}

/** The report workflow's runs as Step Functions executions: start one, count the running ones, describe one. */
export function stepFunctionsRuns(client: SFNClient, workflowArn: string | undefined): Pick<TriggerDeps, "startRun" | "runningRuns" | "describeRun"> {
  return {
    startRun: async (job) => {
      if (!workflowArn) throw new Error("this function is not linked to ReportWorkflow (see infra/report.ts)");
      // The execution's name is the run id: Step Functions refuses a second execution of the same run.
      await client.send(new StartExecutionCommand({ stateMachineArn: workflowArn, name: job.runId, input: JSON.stringify(job) }));
    },
    runningRuns: async (atMost) => {
      if (!workflowArn) return 0;
      const answer = await client.send(new ListExecutionsCommand({ stateMachineArn: workflowArn, statusFilter: "RUNNING", maxResults: atMost }));
      return answer.executions?.length ?? 0;
    },
    describeRun: async (runId) => {
      if (!workflowArn) return undefined;
      try {
        const answer = await client.send(new DescribeExecutionCommand({ executionArn: executionArn(workflowArn, runId) }));
        return { status: answer.status ?? "UNKNOWN", ...(answer.error ? { error: answer.error } : {}) };
      } catch (error) {
        if (error instanceof ExecutionDoesNotExist) return undefined;
        throw error;
      }
    },
  };
}
