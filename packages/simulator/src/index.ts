export { demoConfig } from "./demo.ts";
export { FAULT_KINDS, type FaultKind, isFaultKind, randomFaults } from "./faults.ts";
export { apiUser, apiWallbox, type SimulatedUser, type SimulatedWallbox, simulatedUser, USER_TRAPS } from "./organization.ts";
export { generator as seededGenerator, uuidOf } from "./random.ts";
export { DEFAULT_CREDENTIALS, type Fault, type SessionsRequest, Simulator, type SimulatorOptions, startSimulator } from "./server.ts";
export { type ApiSessionItem, generateSessions } from "./sessions.ts";
