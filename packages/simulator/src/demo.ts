import { simulatedUser } from "./organization.ts";
import { uuidOf } from "./random.ts";

/**
 * A wallbox config for the simulator's demo org: the same ids from the same seed, everywhere.
 * Wallbox `i` is user `i`'s first wallbox, with the partner's customer number, device id and
 * model as the org's users list has them. Like a config someone maintains, it lags the org: the
 * users' second wallboxes are not in it (the report's coverage check finds them).
 */
export function demoConfig(seed: string, wallboxCount: number) {
  return {
    orgId: uuidOf(seed, "org"),
    wallboxes: Array.from({ length: wallboxCount }, (_, index) => {
      const user = simulatedUser(seed, index);
      const wallbox = user.wallboxes[0]!;
      return {
        userId: user.id,
        wallboxId: wallbox.id,
        label: `Demo wallbox ${String(index + 1).padStart(String(wallboxCount).length, "0")}`,
        ...(user.externalUserId ? { externalUserId: user.externalUserId } : {}),
        externalDeviceId: wallbox.externalDeviceId,
        manufacturer: wallbox.manufacturer,
        model: wallbox.model,
      };
    }),
  };
}
