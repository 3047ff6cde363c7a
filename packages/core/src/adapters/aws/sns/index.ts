export { snsOperatorAlerts } from "./operator-alerts.ts";
