export * from "./errors.ts";
export * from "./retry.ts";
export * from "./http.ts";
export * from "./token.ts";
export * from "./client.ts";
export * from "./base-url.ts";
