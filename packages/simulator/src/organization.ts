import { uuidOf } from "./random.ts";

/**
 * The simulated organisation's users and their wallboxes, made from the seed and each user's
 * position, so a list of 200,000 users is made as it is sent and never held. User `i` owns the
 * demo config's wallbox `i` (the same ids as `demoConfig`), and some users more. Like the real
 * API, it has its traps, at fixed positions that a test reads from here:
 * - every 7th user (i % 7 === 3) has a second wallbox;
 * - every 13th (i % 13 === 6) also has a deleted one (`deleted_at` set), which `num_wallboxes` does not count;
 * - every 50th (i % 50 === 9) says one wallbox more in `num_wallboxes` than its list holds;
 * - every 11th (i % 11 === 4) has no `external_user_id`.
 */
export const USER_TRAPS = {
  secondWallbox: (index: number) => index % 7 === 3,
  deletedWallbox: (index: number) => index % 13 === 6,
  miscounted: (index: number) => index % 50 === 9,
  noExternalId: (index: number) => index % 11 === 4,
} as const;

const MODELS = [
  ["Easee", "Home"],
  ["Wallbox", "Pulsar Plus"],
  ["go-e", "Charger Gemini"],
  ["KEBA", "KeContact P30"],
  ["Zaptec", "Go"],
] as const;

export interface SimulatedWallbox {
  id: string;
  deleted: boolean;
  manufacturer: string;
  model: string;
  externalDeviceId: string;
}

export interface SimulatedUser {
  index: number;
  id: string;
  externalUserId: string | null;
  wallboxes: SimulatedWallbox[];
  /** What the users list says (`num_wallboxes`): not always what the wallbox list holds. */
  numWallboxes: number;
}

export function simulatedUser(seed: string, index: number): SimulatedUser {
  const wallbox = (id: string, number: number, deleted = false): SimulatedWallbox => {
    const [manufacturer, model] = MODELS[(index + number) % MODELS.length]!;
    return { id, deleted, manufacturer, model, externalDeviceId: `DEV-${String(index).padStart(7, "0")}-${number}` };
  };
  const wallboxes = [wallbox(uuidOf(seed, "wallbox", String(index)), 1)];
  if (USER_TRAPS.secondWallbox(index)) wallboxes.push(wallbox(uuidOf(seed, "wallbox", String(index), "2"), 2));
  if (USER_TRAPS.deletedWallbox(index)) wallboxes.push(wallbox(uuidOf(seed, "wallbox", String(index), "deleted"), 3, true));
  const live = wallboxes.filter((entry) => !entry.deleted).length;
  return {
    index,
    id: uuidOf(seed, "user", String(index)),
    externalUserId: USER_TRAPS.noExternalId(index) ? null : `CUST-${String(100_000 + index)}`,
    wallboxes,
    numWallboxes: live + (USER_TRAPS.miscounted(index) ? 1 : 0),
  };
}

/** A user as the Partner API's users list gives one (OrganizationUser): with personal data, which no report file may carry. */
export function apiUser(orgId: string, user: SimulatedUser) {
  return {
    id: user.id,
    organization_id: orgId,
    role: "user",
    email: `customer${user.index}@example.com`,
    first_name: "Demo",
    last_name: `Customer ${user.index}`,
    external_user_id: user.externalUserId,
    num_inverters: 0,
    num_heat_pumps: 0,
    num_electric_vehicles: 1,
    num_wallboxes: user.numWallboxes,
    is_onboarded: true,
    street_and_number: `Demo Street ${user.index}`,
    zip_code: "1010",
    town: "Wien",
    country: "AT",
  };
}

/** A wallbox as the (inferred) per-user wallbox list gives one: the detail endpoint's Wallbox object. */
export function apiWallbox(user: SimulatedUser, wallbox: SimulatedWallbox) {
  return {
    id: wallbox.id,
    connection_status: "ok",
    monitoring_status: "ok",
    steering_status: "ok",
    device_model: { device_type: { short_name: "wb", long_name: "Wallbox" }, manufacturer: wallbox.manufacturer, model: wallbox.model, year: null },
    owner: { id: user.id, email: `customer${user.index}@example.com`, external_id: user.externalUserId ?? "" },
    created_at: "2026-01-15T08:00:00Z",
    updated_at: "2026-10-01T08:00:00Z",
    deleted_at: wallbox.deleted ? "2026-09-20T12:00:00Z" : null,
    lifecycle_state: "authenticated",
    external_device_id: wallbox.externalDeviceId,
    is_authenticated: true,
  };
}
