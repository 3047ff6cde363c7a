import type { z } from "zod";

/** Renders a zod path as a reader writes it: `wallboxes[3].wallboxId`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(root)" : out;
}

/** One line per problem, `path: message`, at most `limit` lines. */
export function formatIssues(error: z.ZodError, limit = 10): string {
  const lines = error.issues.slice(0, limit).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (error.issues.length > limit) lines.push(`…and ${error.issues.length - limit} more`);
  return lines.join("; ");
}
export { closestKey, strictObject } from "./strict-object.ts";
export { httpUrl, isLoopback, secureUrl } from "./url.ts";
