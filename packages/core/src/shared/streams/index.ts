export { measuringStream, produceInto } from "./measure.ts";
export { writeInTurn } from "./write.ts";
