// No imports: infra/settings.ts reads these limits too, to refuse a stage whose settings do not fit.

/**
 * What the cloud run must fit, from AWS's own quotas, and the largest inputs the code and the
 * settings accept because of them. test/workflow/limits.test.ts builds each of those largest inputs,
 * runs them through the workflow's definition and checks every state against the payload limit.
 */

/** Step Functions: a state's input or output, and an execution's input, hold at most 256 KiB (UTF-8). */
export const STATE_PAYLOAD_LIMIT_BYTES = 256 * 1024;
/** Step Functions: a standard execution's history holds at most 25,000 events (an inline Map's iterations count in it). */
export const EXECUTION_HISTORY_EVENTS = 25_000;
/** Lambda: an invocation runs at most 15 minutes. */
export const LAMBDA_TIMEOUT_SECONDS = 15 * 60;

/**
 * The most shards a run has: their descriptors (about 110 bytes each) travel in the plan's output
 * and the distributed Map's input, and their results (about 90 bytes) in the Map's output, each
 * within 256 KiB with room for the job.
 */
export const MAX_SHARDS = 1_000;
/** The largest org the stage settings must fit: partners range up to a million wallboxes. */
export const LARGEST_ORG_WALLBOXES = 1_000_000;
/** The fewest wallboxes a shard may hold: a million-wallbox org in at most MAX_SHARDS shards. */
export const MIN_SHARD_SIZE = Math.ceil(LARGEST_ORG_WALLBOXES / MAX_SHARDS);

/**
 * The Capacity model (docs/operations.md): a wallbox takes about 1.04 requests a month, each assumed to take
 * 300 ms (the Partner API's latency is not documented), `concurrency` at once. A shard may plan
 * on 10 of Lambda's 15 minutes: the rest is room for an API slower than assumed and for storing
 * the result (the shard stops reading a minute before its end).
 */
export const REQUESTS_PER_WALLBOX = 1.04;
export const ASSUMED_REQUEST_SECONDS = 0.3;
export const SHARD_READ_BUDGET_SECONDS = 10 * 60;

/** The most wallboxes one shard may hold at `concurrency` wallboxes read at once. */
export function maxShardSize(concurrency: number): number {
  return Math.floor((SHARD_READ_BUDGET_SECONDS * concurrency) / (REQUESTS_PER_WALLBOX * ASSUMED_REQUEST_SECONDS));
}

/**
 * The most CSV parts a run has: each part is an item of the inline Details Map (its descriptor,
 * about 110 bytes, in Collect's output; about 7 history events an iteration, of 25,000).
 */
export const MAX_CSV_PARTS = 1_000;
/** The sessions a month of the largest org may have, for which the settings must leave enough parts (46 a wallbox, doubled). */
export const LARGEST_ORG_SESSIONS = LARGEST_ORG_WALLBOXES * 46 * 2;
/** The fewest sessions a CSV part may hold: the largest org's month in at most MAX_CSV_PARTS parts. */
export const MIN_CSV_ROWS_PER_PART = Math.ceil(LARGEST_ORG_SESSIONS / MAX_CSV_PARTS);

/**
 * The most wallbox ids one on-demand request may name: the run's job carries them, and the job
 * travels in every state (the execution's input, each Map item, Collect's input, the merge's),
 * 39 bytes an id; 2,000 of them are 78 KB, which leaves room beside them in each state.
 */
export const MAX_REQUESTED_WALLBOXES = 2_000;

/** SES: one message goes to at most 50 recipients (To, Cc and Bcc together). */
export const MAX_EMAIL_RECIPIENTS = 50;

const grouped = (value: number) => value.toLocaleString("en");

/**
 * Why these stage settings do not fit Lambda's 15 minutes or the payload limits: one sentence a
 * setting, naming the limit; empty when they fit. (The CSV parts' upper bound, the rows Excel
 * opens, is the session detail's own: csv MAX_CSV_ROWS_PER_PART.)
 */
export function stageLimitProblems(settings: { shardSize: number; concurrency: number; csvRowsPerPart: number }): string[] {
  const problems: string[] = [];
  const largest = maxShardSize(settings.concurrency);
  if (settings.shardSize > largest)
    problems.push(
      `HEMS_SHARD_SIZE ${grouped(settings.shardSize)} is more than ${grouped(largest)}, the most one shard reads in ${SHARD_READ_BUDGET_SECONDS / 60} of Lambda's 15 minutes at HEMS_SHARD_CONCURRENCY ${settings.concurrency} (${REQUESTS_PER_WALLBOX} requests a wallbox at ${ASSUMED_REQUEST_SECONDS * 1000} ms each, docs/operations.md, Capacity): lower it, or raise HEMS_SHARD_CONCURRENCY`,
    );
  if (settings.shardSize < MIN_SHARD_SIZE)
    problems.push(
      `HEMS_SHARD_SIZE ${grouped(settings.shardSize)} is less than ${grouped(MIN_SHARD_SIZE)}: a ${grouped(LARGEST_ORG_WALLBOXES)}-wallbox org would need more than ${grouped(MAX_SHARDS)} shards, whose descriptors do not fit Step Functions' 256 KiB state payload`,
    );
  if (settings.csvRowsPerPart < MIN_CSV_ROWS_PER_PART)
    problems.push(
      `HEMS_CSV_ROWS_PER_PART ${grouped(settings.csvRowsPerPart)} is less than ${grouped(MIN_CSV_ROWS_PER_PART)}: a month of ${grouped(LARGEST_ORG_SESSIONS)} sessions would need more than the ${grouped(MAX_CSV_PARTS)} CSV parts the Details Map takes (256 KiB state payload, 25,000 history events)`,
    );
  return problems;
}

/** Why a run of this many wallboxes cannot be planned in shards of `shardSize`; undefined when it can. */
export function planLimitProblem(wallboxes: number, shardSize: number): string | undefined {
  const shards = Math.ceil(wallboxes / shardSize);
  if (shards <= MAX_SHARDS) return undefined;
  return `${grouped(wallboxes)} wallboxes in shards of ${grouped(shardSize)} are ${grouped(shards)} shards, more than the ${grouped(MAX_SHARDS)} whose descriptors fit Step Functions' 256 KiB state payload: set HEMS_SHARD_SIZE to at least ${grouped(Math.ceil(wallboxes / MAX_SHARDS))}`;
}

/** Why a session detail of this many sessions cannot be cut into parts of `rowsPerPart`; undefined when it can. */
export function partsLimitProblem(sessions: number, rowsPerPart: number): string | undefined {
  const parts = Math.ceil(sessions / rowsPerPart);
  if (parts <= MAX_CSV_PARTS) return undefined;
  return `${grouped(sessions)} sessions in CSV parts of ${grouped(rowsPerPart)} are ${grouped(parts)} parts, more than the ${grouped(MAX_CSV_PARTS)} the Details Map takes (256 KiB state payload, 25,000 history events): set HEMS_CSV_ROWS_PER_PART to at least ${grouped(Math.ceil(sessions / MAX_CSV_PARTS))}`;
}
