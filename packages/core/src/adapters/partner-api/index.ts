export { defaultTokenUrl, normalizeBaseUrl } from "./base-url.ts";
export { MAX_PAGE_SIZE, PartnerApiClient, type PartnerApiOptions, sessionDifferences } from "./client.ts";
export { defaultHttp } from "./defaults.ts";
export { CredentialsError, HttpStatusError } from "./errors.ts";
export { type HttpAnswer, type HttpDeps, requestWithRetry, WaitBudget } from "./http.ts";
export { backoffDelay, DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, type RetryPolicy } from "./retry.ts";
export { BodyDecodeError, type HttpSend, type OutgoingRequest, type ReceivedAnswer, undiciSend } from "./send.ts";
export { type ClientCredentials, clientCredentialsToken, staticToken, type TokenSource } from "./token.ts";
