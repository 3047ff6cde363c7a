import { COVERAGE_ISSUES, type CoverageGap } from "../org/index.ts";
import type { ModelReport } from "../report/index.ts";
import { type Cell, COUNT_FORMAT, EUR_FORMAT, KWH_FORMAT, type SheetSpec } from "./sheet-spec.ts";

const SHARE_FORMAT = "0.0%";

/**
 * Sessions, savings and the share of sessions whose steering did not take, per wallbox model
 * (manufacturer and model as Podero names them), as the JSON's `byModel`: which models' steering
 * does not take shows at a glance.
 */
export function byModelSheet(models: readonly ModelReport[]): SheetSpec {
  const rows: Cell[][] = models.map((model) => [
    model.manufacturer ?? "(not named)",
    model.model ?? "(not named)",
    model.wallboxes,
    model.wallboxesFailed > 0 ? { value: model.wallboxesFailed, alert: true } : 0,
    model.sessions,
    model.steeringIneffective,
    // The JSON's exact 4-decimal ratio; a model without sessions has none.
    model.shareSteeringIneffective === null ? "n/a" : { value: Number(model.shareSteeringIneffective), numFmt: SHARE_FORMAT },
    Number(model.energyFromSolarKwh),
    Number(model.savingsEur),
  ]);
  return {
    name: "By model",
    columns: [
      { header: "Manufacturer", width: 18, wrap: true },
      { header: "Model", width: 22, wrap: true },
      { header: "Wallboxes", width: 11, numFmt: COUNT_FORMAT },
      { header: "Wallboxes failed", width: 10, numFmt: COUNT_FORMAT },
      { header: "Sessions", width: 11, numFmt: COUNT_FORMAT },
      { header: "Steering without effect", width: 12, numFmt: COUNT_FORMAT },
      { header: "Share steering without effect", width: 13, numFmt: SHARE_FORMAT },
      { header: "Energy from solar (kWh)", width: 16, numFmt: KWH_FORMAT },
      { header: "Savings (EUR)", width: 16, numFmt: EUR_FORMAT },
    ],
    preamble: [],
    rows,
    filter: true,
  };
}

/**
 * The coverage check's Data quality rows, in the sheet's columns (started at, kind, label, id,
 * session, EUR at stake, detail): one per user whose wallboxes in the report differ from what
 * Podero counts for them, the detail naming the user's id and the partner's customer number.
 */
export async function* coverageRows(gaps: AsyncIterable<CoverageGap>): AsyncGenerator<Cell[]> {
  for await (const gap of gaps) {
    const who = gap.externalUserId ? `User ${gap.userId} (customer number ${gap.externalUserId})` : `User ${gap.userId}`;
    yield [null, { value: gap.issue, alert: gap.issue !== COVERAGE_ISSUES.notCounted }, null, null, null, null, `${who}: ${gap.detail}`];
  }
}
