export { type CachedValue, cached, type SecretReader } from "./cache.ts";
export { type ApiCredentials, apiCredentialsSchema, parseApiSecret } from "./secret.ts";
export { credentialsTokenSource, secretTokenSource } from "./token-source.ts";
