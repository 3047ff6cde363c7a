export { localWorkStore, withWorkFolder } from "./local-work-store.ts";
