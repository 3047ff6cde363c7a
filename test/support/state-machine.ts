import { evaluate } from "./workflow.ts";

/**
 * Runs the report workflow's own definition (as SST serializes it) the way Step Functions does,
 * for the part of the Amazon States Language the definition uses: JSONata Task (Lambda invoke),
 * Pass, Map (inline and distributed), Fail and Succeed, with Retry, Catch, Assign and Output.
 * No real engine that executes JSONata definitions runs here (docs/operations.md, "Checked against AWS's
 * rules"), so this is written to be no kinder than AWS where the definition depends on it:
 * - an error is the Lambda function's error name (its `errorType`); retriers are tried in order
 *   and the first that matches decides (a spent one does not fall through); `States.ALL` never
 *   matches `States.DataLimitExceeded` or `States.Runtime`;
 * - every state's input and output must fit 256 KiB (UTF-8), else `States.DataLimitExceeded`;
 * - a distributed Map's children see none of the execution's variables, and a child that fails
 *   fails the Map with `States.ExceedToleratedFailureThreshold`; an inline Map's children see them.
 * Waits between retries are recorded, not slept.
 */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;

// biome-ignore lint/suspicious/noExplicitAny: a state's fields depend on its type
type State = Record<string, any>;
interface Machine {
  StartAt: string;
  States: Record<string, State>;
}

export class StatesError extends Error {
  constructor(
    readonly error: string,
    readonly errorCause: string,
    /** What a reader of the execution would see first: the function's own error message, where there is one. */
    readable = errorCause,
  ) {
    super(`${error}: ${readable}`);
    this.name = "StatesError";
  }
}

export interface Retried {
  state: string;
  error: string;
  attempt: number;
  waitSeconds: number;
}

export interface Execution {
  /** The Lambda functions by ARN (the definition's `FunctionName`): they take the payload and answer theirs. */
  functions: Record<string, (payload: unknown) => Promise<unknown>>;
  /**
   * The state machine's own AWS calls, checked against its role where the caller wants them
   * checked: invoking a function, starting a distributed Map's child executions. Throws (as
   * AWS's refusal) when denied.
   */
  authorize?: (action: string, resource: string) => Promise<void>;
  /** The state machine's ARN, for the ARNs of a distributed Map's child executions. */
  stateMachineArn?: string;
  /** Each retry the definition made, in order. */
  retries?: Retried[];
  /**
   * The execution's history events, counted as Step Functions writes them: a state's entry and
   * exit, a task's scheduling, start and end (each attempt), a Map's start and end and each of an
   * inline Map's iterations' start and end. A distributed Map's children are executions of their own.
   */
  events?: { count: number };
  /** Every state's input and output size, to check against the limit. */
  onPayload?: (state: string, kind: "input" | "output", bytes: number) => void;
  random?: () => number;
}

type Variables = Record<string, unknown>;

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? null), "utf8");

function checkPayload(execution: Execution, state: string, kind: "input" | "output", value: unknown) {
  const bytes = bytesOf(value);
  execution.onPayload?.(state, kind, bytes);
  if (bytes > STATE_PAYLOAD_LIMIT_BYTES)
    throw new StatesError(
      "States.DataLimitExceeded",
      `the ${kind} of state ${state} is ${bytes} bytes, over the ${STATE_PAYLOAD_LIMIT_BYTES}-byte limit`,
    );
}

/** A Lambda error's cause is its JSON; its message is what a reader wants. */
function readableCause(cause: string): string {
  try {
    return (JSON.parse(cause) as { errorMessage?: string }).errorMessage ?? cause;
  } catch {
    return cause;
  }
}

async function authorized(execution: Execution, action: string, resource: string, error: string): Promise<void> {
  try {
    await execution.authorize?.(action, resource);
  } catch (refusal) {
    throw new StatesError(error, `the state machine's role may not ${action} on ${resource}: ${(refusal as Error).message}`);
  }
}

function matches(errorEquals: string[], error: string): boolean {
  return errorEquals.some((name) => (name === "States.ALL" ? error !== "States.DataLimitExceeded" && error !== "States.Runtime" : name === error));
}

/** Runs a state machine (or a Map's item processor) to its end: its output, or a StatesError. */
export async function runStateMachine(
  machine: Machine,
  input: unknown,
  execution: Execution,
  variables: Variables = {},
  context: Record<string, unknown> = {},
): Promise<unknown> {
  let name = machine.StartAt;
  let current = input;
  for (;;) {
    const state = machine.States[name];
    if (!state) throw new StatesError("States.Runtime", `no state ${name}`);
    checkPayload(execution, name, "input", current);
    if (execution.events) execution.events.count += 2;
    const bindings = (extra: Record<string, unknown> = {}) => ({ ...variables, states: { input: current, context, ...extra } });
    let output: unknown;
    let next: string | undefined = state.End ? undefined : state.Next;
    try {
      if (state.Type === "Fail") {
        const cause = String(await evaluate(state.Cause, bindings()));
        throw new StatesError(String(await evaluate(state.Error, bindings())), cause, readableCause(cause));
      }
      if (state.Type === "Succeed") return current;
      const result = await withRetries(name, state, execution, () => runOne(state, name, current, execution, variables, context, bindings));
      const after = bindings({ result });
      if (state.Assign) Object.assign(variables, await evaluate(state.Assign, after));
      output = state.Output === undefined ? (state.Type === "Pass" ? current : result) : await evaluate(state.Output, after);
    } catch (error) {
      if (!(error instanceof StatesError)) throw error;
      const catcher = (state.Catch as { ErrorEquals: string[]; Next: string }[] | undefined)?.find((entry) =>
        matches(entry.ErrorEquals, error.error),
      );
      if (!catcher) throw error;
      output = { Error: error.error, Cause: error.errorCause };
      next = catcher.Next;
    }
    checkPayload(execution, name, "output", output);
    if (!next) return output;
    current = output;
    name = next;
  }
}

async function withRetries(name: string, state: State, execution: Execution, attempt: () => Promise<unknown>): Promise<unknown> {
  const retriers = (state.Retry ?? []) as {
    ErrorEquals: string[];
    IntervalSeconds?: number;
    MaxAttempts?: number;
    BackoffRate?: number;
    MaxDelaySeconds?: number;
    JitterStrategy?: string;
  }[];
  const spent = retriers.map(() => 0);
  for (;;) {
    if (execution.events && state.Type === "Task") execution.events.count += 3;
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StatesError)) throw error;
      const index = retriers.findIndex((retrier) => matches(retrier.ErrorEquals, error.error));
      const retrier = retriers[index];
      if (!retrier || spent[index]! >= (retrier.MaxAttempts ?? 3)) throw error;
      const wait = Math.min(
        (retrier.IntervalSeconds ?? 1) * (retrier.BackoffRate ?? 2) ** spent[index]!,
        retrier.MaxDelaySeconds ?? Number.POSITIVE_INFINITY,
      );
      spent[index]!++;
      const waitSeconds = retrier.JitterStrategy === "FULL" ? wait * (execution.random ?? Math.random)() : wait;
      execution.retries?.push({ state: name, error: error.error, attempt: spent[index]!, waitSeconds });
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

async function runOne(
  state: State,
  name: string,
  input: unknown,
  execution: Execution,
  variables: Variables,
  context: Record<string, unknown>,
  bindings: (extra?: Record<string, unknown>) => Record<string, unknown>,
): Promise<unknown> {
  if (state.Type === "Pass") return input;
  if (state.Type === "Task") {
    if (state.Resource !== "arn:aws:states:::lambda:invoke")
      throw new StatesError("States.Runtime", `${name}: resource ${state.Resource} is not run here`);
    const argumentsValue = (await evaluate(state.Arguments, bindings())) as { FunctionName: string; Payload: unknown };
    // The task's arguments and its result count against the limit too, not only the state's input and output.
    checkPayload(execution, name, "input", argumentsValue);
    const { FunctionName, Payload } = argumentsValue;
    await authorized(execution, "lambda:InvokeFunction", FunctionName, "Lambda.AWSLambdaException");
    const handler = execution.functions[FunctionName];
    if (!handler) throw new StatesError("Lambda.ResourceNotFoundException", `no function ${FunctionName}`);
    try {
      // The payload crosses a process boundary: as JSON, as Lambda passes it.
      const answer = await handler(JSON.parse(JSON.stringify(Payload ?? null)));
      const result = { Payload: answer === undefined ? null : JSON.parse(JSON.stringify(answer)), StatusCode: 200, ExecutedVersion: "$LATEST" };
      checkPayload(execution, name, "output", result);
      return result;
    } catch (error) {
      if (error instanceof StatesError) throw error;
      const failure = error instanceof Error ? error : new Error(String(error));
      throw new StatesError(failure.name, JSON.stringify({ errorType: failure.name, errorMessage: failure.message, trace: [] }), failure.message);
    }
  }
  if (state.Type === "Map") {
    if (execution.events) execution.events.count += 2;
    const items = (await evaluate(state.Items, bindings())) as unknown[];
    if (!Array.isArray(items)) throw new StatesError("States.Runtime", `${name}: Items is not an array`);
    const processor = state.ItemProcessor as Machine & { ProcessorConfig?: { Mode?: string } };
    const distributed = processor.ProcessorConfig?.Mode === "DISTRIBUTED";
    // A distributed Map starts its children as executions of the state machine, and watches them.
    const machineArn = execution.stateMachineArn ?? "arn:aws:states:eu-central-1:123456789012:stateMachine:test";
    if (distributed) await authorized(execution, "states:StartExecution", machineArn, "States.Runtime");
    const limit = state.MaxConcurrency || items.length || 1;
    const results: unknown[] = new Array(items.length);
    let nextIndex = 0;
    let failure: StatesError | undefined;
    const worker = async () => {
      while (nextIndex < items.length && !failure) {
        const index = nextIndex++;
        const item = { Index: index, Value: items[index] };
        const itemInput = state.ItemSelector
          ? await evaluate(state.ItemSelector, { ...variables, states: { input, context: { ...context, Map: { Item: item } } } })
          : items[index];
        // A distributed Map's children are executions of their own: no variables of this one, a history of their own.
        const scope = distributed ? {} : { ...variables };
        if (!distributed && execution.events) execution.events.count += 2;
        const child = distributed ? { ...execution, events: { count: 0 } } : execution;
        try {
          if (distributed)
            await authorized(
              execution,
              "states:DescribeExecution",
              `${machineArn.replace(":stateMachine:", ":execution:")}/${name}:${index}`,
              "States.Runtime",
            );
          results[index] = await runStateMachine(processor, itemInput, child, scope, distributed ? {} : context);
        } catch (error) {
          if (!(error instanceof StatesError)) throw error;
          failure = distributed
            ? new StatesError(
                "States.ExceedToleratedFailureThreshold",
                `the Map Run's child execution ${index} failed with ${error.error}: ${error.errorCause}`,
              )
            : error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, Math.max(items.length, 1)) }, worker));
    if (failure) throw failure;
    return results;
  }
  throw new StatesError("States.Runtime", `${name}: state type ${state.Type} is not run here`);
}
