export { decodeSession, type EncodedSession, encodeSession } from "./codec.ts";
export { chronological, type SessionSource, sessionsInMemory, type WallboxSessions } from "./order.ts";
export { type Organization, organizationSchema, type SessionsReader, WallboxReadError } from "./reader.ts";
export {
  apiSessionPageSchema,
  apiSessionSchema,
  classifyOutcome,
  KNOWN_OUTCOMES,
  type KnownOutcome,
  OUTCOMES,
  type Outcome,
  type Session,
  type SessionPage,
} from "./schema.ts";
