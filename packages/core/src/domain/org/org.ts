import { z } from "zod";
import { MAX_IDENTIFIER_LENGTH } from "../config/index.ts";

/**
 * A user as the Partner API's users list gives one (OrganizationUser), reduced to what a report
 * may carry: the user's email, names and address are read past and never kept (personal data).
 */
/** An id or name as a report may carry it: spaces around it dropped, empty as none; longer than a config allows is a broken contract. */
const reportedText = z
  .string()
  .trim()
  .max(MAX_IDENTIFIER_LENGTH)
  .nullish()
  .transform((text) => text || null);

export const apiUserSchema = z.object({
  id: z.guid({ error: "invalid uuid" }),
  num_wallboxes: z.number().int().nonnegative(),
  external_user_id: reportedText,
});

/** A wallbox as the (inferred) per-user wallbox list gives one; only what a report may carry. */
export const apiWallboxSchema = z.object({
  id: z.guid({ error: "invalid uuid" }),
  deleted_at: z.string().nullish(),
  external_device_id: reportedText,
  device_model: z.object({ manufacturer: reportedText, model: reportedText }).nullish(),
});

/** An organisation's user, as discovery keeps one (and stores, a line each, in a batch of users to list). */
export const orgUserSchema = z.object({
  userId: z.string(),
  /** The partner's own customer number for the user, where it keeps one. */
  externalUserId: z.string().nullable(),
  /** How many wallboxes the users list says the user has. */
  numWallboxes: z.number().int().nonnegative(),
});
export type OrgUser = z.infer<typeof orgUserSchema>;

/** A user's wallbox, as discovery keeps one. */
export interface OrgWallbox {
  wallboxId: string;
  userId: string;
  externalDeviceId: string | null;
  manufacturer: string | null;
  model: string | null;
  /** Deleted in Podero (`deleted_at` set): left out of the report, and counted. */
  deleted: boolean;
}

export function orgUserOf(user: z.infer<typeof apiUserSchema>): OrgUser {
  return { userId: user.id.toLowerCase(), externalUserId: user.external_user_id || null, numWallboxes: user.num_wallboxes };
}

export function orgWallboxOf(userId: string, wallbox: z.infer<typeof apiWallboxSchema>): OrgWallbox {
  return {
    wallboxId: wallbox.id.toLowerCase(),
    userId,
    externalDeviceId: wallbox.external_device_id || null,
    manufacturer: wallbox.device_model?.manufacturer || null,
    model: wallbox.device_model?.model || null,
    deleted: Boolean(wallbox.deleted_at),
  };
}

/** Reads an organisation's users and their wallboxes: the Partner API client is the real one. */
export interface OrgReader {
  /** The users, one at a time as the list arrives; a list that cannot be read throws. */
  users(orgId: string): AsyncIterable<OrgUser>;
  /** One user's wallboxes, deleted ones included (marked). */
  userWallboxes(orgId: string, userId: string): Promise<OrgWallbox[]>;
}
