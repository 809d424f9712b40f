/**
 * Name rules (spec §1.2/§1.3). The service accepts almost any UTF-8 attribute column name, but the official Node
 * SDK cannot send non-ASCII names at all (it length-prefixes names with their UTF-16 length), and the documented
 * rule is the table-name rule; the ORM therefore applies the strict documented rule to every name it maps.
 */

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Maximum length in bytes of a table, index or column name. */
const MAX_NAME_BYTES = 255;

/** True when `name` is a valid TableStore table / index / column name: `[A-Za-z_][A-Za-z0-9_]*`, 1–255 bytes. */
export function isValidName(name: unknown): name is string {
  return nameProblem(name) === undefined;
}

/** Why `name` is invalid, for messages; `undefined` when it is valid. */
export function nameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `must be a string, got ${typeof name}`;
  if (name.length === 0) return 'must not be empty';
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return `must be at most ${MAX_NAME_BYTES} bytes`;
  if (!NAME_RE.test(name)) return 'must match [A-Za-z_][A-Za-z0-9_]*';
  return undefined;
}
