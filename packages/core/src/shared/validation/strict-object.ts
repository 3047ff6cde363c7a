import { z } from "zod";

/** Edits (insertions, deletions, substitutions, swaps of two neighbours) that turn `from` into `to`. */
function editDistance(from: string, to: string): number {
  const rows = Array.from({ length: from.length + 1 }, (_, row) => Array.from({ length: to.length + 1 }, (_, column) => (row === 0 ? column : row)));
  for (let row = 1; row <= from.length; row++) {
    for (let column = 1; column <= to.length; column++) {
      const same = from[row - 1] === to[column - 1];
      let best = Math.min(rows[row - 1]![column]! + 1, rows[row]![column - 1]! + 1, rows[row - 1]![column - 1]! + (same ? 0 : 1));
      if (row > 1 && column > 1 && from[row - 1] === to[column - 2] && from[row - 2] === to[column - 1])
        best = Math.min(best, rows[row - 2]![column - 2]! + 1);
      rows[row]![column] = best;
    }
  }
  return rows[from.length]![to.length]!;
}

/** The known key a mistyped one most likely meant: at most a third of its letters off (`lable` → `label`). */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

/**
 * An object schema that refuses keys it does not know, naming each and the known key it
 * resembles: a mistyped `"lable"` is an error to fix, never a setting silently dropped.
 */
export function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== "unrecognized_keys") return undefined;
      const keys = issue.keys.map((key) => {
        const meant = closestKey(key, known);
        return `"${key}"${meant ? ` (did you mean "${meant}"?)` : ""}`;
      });
      return `unknown key${keys.length === 1 ? "" : "s"} ${keys.join(", ")}; known: ${known.map((key) => `"${key}"`).join(", ")}`;
    },
  });
}
