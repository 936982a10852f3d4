/** Code-point order, independent of locale, so every machine sorts generated output the same way. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
