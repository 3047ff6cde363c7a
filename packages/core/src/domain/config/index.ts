export {
  ConfigError,
  MAX_IDENTIFIER_LENGTH,
  parseReportConfig,
  parseReportConfigText,
  type ReportConfig,
  reportConfigSchema,
  type WallboxRef,
  wallboxRefSchema,
} from "./config.ts";
export { type ConfigLine, configLines, parseConfigLines, unknownWallboxIds } from "./lines.ts";
