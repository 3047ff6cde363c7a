import { z } from "zod";
import { coverageSchema } from "../org/index.ts";
import { monthWindowSchema } from "./partial.ts";

const count = z.number().int().nonnegative();

/**
 * A batch of the org's users whose wallboxes one step lists: a run of consecutive users (those
 * with wallboxes) in the users list's order. Small, as it travels between steps.
 */
export const discoveryBatchSchema = z.object({ index: count, first: count, count: count.min(1), usersKey: z.string() });
export type DiscoveryBatch = z.infer<typeof discoveryBatchSchema>;

/**
 * What the plan step found of the org before its wallboxes are listed (`discovery.json`): the
 * users list read, cut into batches; the month and the run's time, for the plan that follows.
 */
export const discoveryPlanSchema = z.object({
  schemaVersion: z.literal(1),
  orgId: z.string(),
  organizationName: z.string().optional(),
  window: monthWindowSchema,
  generatedAt: z.iso.datetime(),
  /** Every user of the users list, and those among them without a wallbox (no batch lists them). */
  users: count,
  usersWithoutWallboxes: count,
  batches: z.array(discoveryBatchSchema),
});
export type DiscoveryPlan = z.infer<typeof discoveryPlanSchema>;

/** A batch's wallboxes listed (`discovered/0001.json`): the counts, and the objects that hold its lines. */
export const discoveredBatchSchema = z.object({
  schemaVersion: z.literal(1),
  batch: count,
  /** What the users' lists hold (the users, what Podero counts for them and the deleted wallboxes are the coverage's). */
  listedWallboxes: count,
  miscountedUsers: count,
  /** The first of its users whose wallboxes could not be listed, and why (for a run that lists none at all). */
  firstFailure: z.string().optional(),
  /** Its users' coverage: the lines in `gapsKey` (as many as `coverage.gaps`). */
  coverage: coverageSchema,
  /** Its live wallboxes as wallbox config lines, in the users' order. */
  wallboxesKey: z.string(),
  gapsKey: z.string(),
});
export type DiscoveredBatch = z.infer<typeof discoveredBatchSchema>;
