import { Logger } from "@aws-lambda-powertools/logger";

/**
 * The one logger of the functions: JSON lines with the Lambda context. It is never given an event,
 * a header or a secret; what it logs is built field by field in the handlers.
 */
export const logger = new Logger({ serviceName: "hems-reports" });
