export { type CachedValue, cached, type SecretReader } from "./cache.ts";
export { type ApiSecret, apiSecretSchema, parseApiSecret } from "./secret.ts";
export { secretTokenSource } from "./token-source.ts";
