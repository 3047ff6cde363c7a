export * from "./secret.ts";
export * from "./cache.ts";
export * from "./token-source.ts";
export * from "./secrets-manager.ts";
