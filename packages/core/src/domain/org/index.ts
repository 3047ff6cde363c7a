export {
  addCoverage,
  COVERAGE_ISSUES,
  type Coverage,
  type CoverageGap,
  type CoverageIssue,
  CoverageTally,
  coverageGapSchema,
  coverageSchema,
  type UserCoverage,
  uncheckedCoverage,
} from "./coverage.ts";
export { apiUserSchema, apiWallboxSchema, type OrgReader, type OrgUser, type OrgWallbox, orgUserOf, orgUserSchema, orgWallboxOf } from "./org.ts";
