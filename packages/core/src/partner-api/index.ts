export * from "./base-url.ts";
export * from "./client.ts";
export * from "./errors.ts";
export * from "./http.ts";
export * from "./retry.ts";
export * from "./send.ts";
export * from "./token.ts";
