import { uuidOf } from "./random.ts";

/** A wallbox config for the simulator's demo org: the same ids from the same seed, everywhere. */
export function demoConfig(seed: string, wallboxCount: number) {
  return {
    orgId: uuidOf(seed, "org"),
    wallboxes: Array.from({ length: wallboxCount }, (_, index) => ({
      userId: uuidOf(seed, "user", String(index)),
      wallboxId: uuidOf(seed, "wallbox", String(index)),
      label: `Demo wallbox ${String(index + 1).padStart(String(wallboxCount).length, "0")}`,
    })),
  };
}
