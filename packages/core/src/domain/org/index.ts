export { apiUserSchema, apiWallboxSchema, type OrgReader, type OrgUser, type OrgWallbox, orgUserOf, orgWallboxOf } from "./org.ts";
