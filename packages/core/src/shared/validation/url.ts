import { z } from "zod";

/**
 * An http(s) URL without a user name or password: credentials belong in the secret or the
 * environment, and a URL is printed in errors, logs and the workbook's About sheet.
 */
/** A loopback host: a server on this machine (the simulator), where plain http carries nothing over a network. */
export const isLoopback = (url: URL) => ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);

/**
 * Like `httpUrl`, but https unless the host is this machine: a deployed function sends a bearer
 * token or client credentials to it.
 */
export function secureUrl(name: string) {
  return httpUrl(name).refine((text) => new URL(text).protocol === "https:" || isLoopback(new URL(text)), {
    error: `${name} must be an https URL (plain http only to this machine)`,
  });
}

export function httpUrl(name: string) {
  return z.url({ protocol: /^https?$/, error: `${name} must be an http(s) URL` }).refine(
    (text) => {
      const url = new URL(text);
      return url.username === "" && url.password === "";
    },
    { error: `${name} must not carry a user name or password: give credentials through the environment or the secret` },
  );
}
