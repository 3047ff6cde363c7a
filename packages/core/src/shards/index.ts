export {
  frameHead,
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
