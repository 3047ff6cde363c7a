import { z } from "zod";

/**
 * An http(s) URL without a user name or password: credentials belong in the secret or the
 * environment, and a URL is printed in errors, logs and the workbook's About sheet.
 */
export function httpUrl(name: string) {
  return z.url({ protocol: /^https?$/, error: `${name} must be an http(s) URL` }).refine(
    (text) => {
      const url = new URL(text);
      return url.username === "" && url.password === "";
    },
    { error: `${name} must not carry a user name or password: give credentials through the environment or the secret` },
  );
}
