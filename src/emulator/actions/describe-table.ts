import { PK_OPTION_AUTO_INCREMENT, TABLE_STATUS_ACTIVE } from '../engine/catalog';
import { tableName, type Action } from './common';
import { indexMetaProto, reservedProto, streamDetailsProto, tableOptionsProto } from './table-meta';

export const describeTable: Action = {
  name: 'DescribeTable',
  tableLevel: true,
  handle(req, { engine }) {
    const t = engine.table(tableName(req.tableName));
    return {
      tableMeta: {
        tableName: t.name,
        primaryKey: t.pk.map((p) => ({ name: p.name, type: p.type, ...(p.autoIncrement ? { option: PK_OPTION_AUTO_INCREMENT } : {}) })),
        definedColumn: t.definedColumns.map((d) => ({ name: d.name, type: d.type })),
      },
      reservedThroughputDetails: reservedProto(t),
      tableOptions: tableOptionsProto(t),
      streamDetails: streamDetailsProto(t),
      tableStatus: TABLE_STATUS_ACTIVE,
      shardSplits: [],
      indexMetas: t.indexes.map(indexMetaProto),
      creationTime: t.createdAt * 1000,
    };
  },
};
