/**
 * tsorm's request values (`values.ts`) → the SDK's own objects, for `transport: 'sdk'` only. The SDK's encoder
 * recognises its values by identity and `instanceof` (lib/protocol/plian_buffer_builder.js: `value ===
 * TableStore.INF_MIN`, `value instanceof Int64buf.Int64LE` of its own int64-buffer copy; lib/protocol/
 * encoder.js: `instanceof TableStore.CompositeCondition`…), so tsorm's twins must be swapped for them before
 * it sees a request. Results are left as the SDK decodes them: its `Int64LE` has the same surface as tsorm's
 * and `Int64LE.isInt64LE` accepts both.
 */
import { loadSdk, type TableStoreModule } from './sdk';
import {
  ColumnPaginationFilter,
  CompositeCondition,
  Condition,
  INF_MAX,
  INF_MIN,
  Int64LE,
  PK_AUTO_INCR,
  SingleColumnCondition,
  type ColumnFilter,
} from './values';

interface Adapter {
  sdk: TableStoreModule;
  Int64: new (bytes: Buffer) => object;
}

let adapter: Adapter | undefined;

function sdkAdapter(): Adapter {
  if (adapter) return adapter;
  const sdk = loadSdk();
  // The SDK's Int64LE class, taken from a value the SDK itself builds: its own int64-buffer copy, whatever
  // the install layout (int64-buffer is not a tsorm dependency).
  adapter = { sdk, Int64: sdk.Long.fromNumber(0).constructor as new (bytes: Buffer) => object };
  return adapter;
}

/**
 * A copy of `params` with every tsorm value replaced by the SDK's (plain objects and arrays are copied,
 * anything else is passed as it is: Buffers, the SDK's own objects, protobufjs Longs).
 */
export function toSdkParams(params: unknown): unknown {
  return convert(params, sdkAdapter());
}

function convert(v: unknown, a: Adapter): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (v === INF_MIN) return a.sdk.INF_MIN;
  if (v === INF_MAX) return a.sdk.INF_MAX;
  if (v === PK_AUTO_INCR) return a.sdk.PK_AUTO_INCR;
  // The SDK's own sentinels are plain `{}` objects compared by identity: never copied.
  if (v === a.sdk.INF_MIN || v === a.sdk.INF_MAX || v === a.sdk.PK_AUTO_INCR) return v;
  if (Array.isArray(v)) return v.map((x) => convert(x, a));
  if (Int64LE.isInt64LE(v)) return v instanceof a.Int64 ? v : new a.Int64(v.toBuffer());
  if (v instanceof Condition) {
    return new a.sdk.Condition(v.rowExistenceExpectation, v.columnCondition === null ? null : filter(v.columnCondition, a));
  }
  if (v instanceof SingleColumnCondition || v instanceof CompositeCondition || v instanceof ColumnPaginationFilter) return filter(v, a);
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return v;
  const out: Record<string, unknown> = {};
  for (const k in v as Record<string, unknown>) out[k] = convert((v as Record<string, unknown>)[k], a);
  return out;
}

function filter(f: ColumnFilter, a: Adapter): object {
  if (f instanceof SingleColumnCondition) {
    return new a.sdk.SingleColumnCondition(f.columnName, convert(f.columnValue, a), f.comparator, f.passIfMissing, f.latestVersionOnly);
  }
  if (f instanceof CompositeCondition) {
    const c = new a.sdk.CompositeCondition(f.combinator);
    for (const sub of f.sub_conditions) c.addSubCondition(sub instanceof SingleColumnCondition || sub instanceof CompositeCondition || sub instanceof ColumnPaginationFilter ? filter(sub, a) : sub);
    return c;
  }
  if (f instanceof ColumnPaginationFilter) return new a.sdk.ColumnPaginationFilter(f.limit, f.offset);
  // Already the SDK's own.
  return f;
}
