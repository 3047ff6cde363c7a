export {
  type CollectedRun,
  collectedRunSchema,
  type DetailPart,
  type DetailPartResult,
  detailPartResultSchema,
  detailPartSchema,
  detailParts,
  type ShardOutcome,
  shardOutcomeSchema,
} from "./csv-parts.ts";
export {
  type DiscoveredBatch,
  type DiscoveryBatch,
  type DiscoveryPlan,
  discoveredBatchSchema,
  discoveryBatchSchema,
  discoveryPlanSchema,
} from "./discovery.ts";
export {
  frameHead,
  monthWindowSchema,
  type PartialHeader,
  partialHeaderSchema,
  type RunPlan,
  readFrames,
  runPlanSchema,
  type ShardDescriptor,
  shardDescriptorSchema,
  shardWallboxSchema,
  WorkStoreError,
  workKeys,
} from "./partial.ts";
export { planShards, reportOrder, type ShardPlan, type ShardRange, shardCountFor } from "./plan.ts";
