export { withRoomFor } from "./typed-arrays.ts";
