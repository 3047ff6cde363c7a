import { createFileSpool } from "@hems-reports/core/adapters/local/spool";
import { withWorkFolder } from "@hems-reports/core/adapters/local/work-folder";

/** What a run in this process keeps on the local disk, as the CLI wires it: a spool file per shard, a work folder per run. */
export const localScratch = { openSpool: () => createFileSpool(), withWorkStore: withWorkFolder };
