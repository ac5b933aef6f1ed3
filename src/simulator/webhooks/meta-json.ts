/**
 * Serialises a payload the way Meta does: non-ASCII characters as `\uXXXX` escapes (surrogate
 * pairs for emoji), so that a receiver that re-serialises before checking the signature fails
 * here as it would in production (meta-cloud-api.md §1.2, §7.13).
 */
export function toMetaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
