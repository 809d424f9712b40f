/**
 * One row change as a table's stream carries it, before any entity is involved: the shape both sources of
 * changes produce, so that one decoder (codec/) turns either into typed records.
 *
 * - The FC TableStore trigger's CBOR event (streams spec §3.1–3.2) decodes into `RawChangeEvent`.
 * - GetStreamRecord's PlainBuffer records (streams spec §2.5), read by tsorm's own stream reader, decode into
 *   `RawChange`s too.
 *
 * Values keep their TableStore type (spec §3.4): an INTEGER is a `bigint` whatever its size, a DOUBLE that is
 * a whole number stays a DOUBLE, a BINARY is a `Buffer`. Nothing here is lossy; the entity's codec decides the
 * JavaScript type afterwards.
 */

export type RawChangeValue =
  | { type: 'INTEGER'; value: bigint }
  | { type: 'DOUBLE'; value: number }
  | { type: 'BOOLEAN'; value: boolean }
  | { type: 'STRING'; value: string }
  | { type: 'BINARY'; value: Buffer };

/** A column operation of a change (spec §3.1 `Columns[]`; §2.5 cell types). */
export type RawChangeColumn =
  | { op: 'Put'; name: string; value: RawChangeValue; timestampMillis: bigint | undefined }
  | { op: 'DeleteOneVersion'; name: string; timestampMillis: bigint | undefined }
  | { op: 'DeleteAllVersions'; name: string };

export type RawChangeType = 'PutRow' | 'UpdateRow' | 'DeleteRow';

export interface RawChange {
  type: RawChangeType;
  /** `Info.Timestamp`: when the row changed, in μs (spec §3.1). */
  timestampMicros: bigint;
  primaryKey: Array<{ name: string; value: RawChangeValue }>;
  /** In the order the write gave them; empty for a DeleteRow. */
  columns: RawChangeColumn[];
}

/** The trigger's event (spec §3.1): `Version` is `"Sync-v1"`. */
export interface RawChangeEvent {
  version: string;
  records: RawChange[];
}
