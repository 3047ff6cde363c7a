export { alertSafely, alertText, type OperatorAlert, type OperatorAlerts } from "./alerts.ts";
