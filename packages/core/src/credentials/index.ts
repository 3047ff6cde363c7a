export * from "./cache.ts";
export * from "./secret.ts";
export * from "./secrets-manager.ts";
export * from "./token-source.ts";
