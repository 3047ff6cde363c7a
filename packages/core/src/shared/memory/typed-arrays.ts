/**
 * `array` if it has a slot for `position`, else a copy at least twice as long: per-position
 * indexes (the spool's, the wallbox entries') grow as positions arrive, in any order.
 */
export function withRoomFor<T extends Uint32Array | Float64Array>(array: T, position: number): T {
  if (position < array.length) return array;
  const grown = new (array.constructor as new (length: number) => T)(Math.max(position + 1, array.length * 2));
  grown.set(array);
  return grown;
}
