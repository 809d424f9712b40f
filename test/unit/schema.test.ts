import 'reflect-metadata';
import Long from 'long';
import { describe, expect, it } from 'vitest';
import {
  AutoIncrement,
  Column,
  getTableSchema,
  Index,
  isEntityClass,
  PrimaryKey,
  SchemaError,
  Table,
  Version,
  type SchemaRule,
} from '../../src/schema';

function schemaError(define: () => unknown): SchemaError {
  try {
    define();
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaError);
    return e as SchemaError;
  }
  throw new Error('expected a SchemaError, nothing was thrown');
}

function expectRule(define: () => unknown, rule: SchemaRule, entity: string, property: string | undefined, message: RegExp): void {
  const e = schemaError(define);
  expect(e.rule).toBe(rule);
  expect(e.entity).toBe(entity);
  expect(e.property).toBe(property);
  expect(e.message).toMatch(message);
  expect(e.message.startsWith(property === undefined ? `${entity}: ` : `${entity}.${property}: `)).toBe(true);
}

@Table('orders', { timeToLive: -1, maxVersions: 1, reservedThroughput: { read: 1 } })
class Order {
  @PrimaryKey() shopId!: string;
  @PrimaryKey() @AutoIncrement() id!: Long;
  @Column() email!: string;
  @Column({ type: 'int64' }) qty!: number;
  @Column() total!: bigint;
  @Column() receipt?: Buffer;
  @Column({ type: 'json' }) meta?: { tags: string[] };
  @Column({ type: 'double', name: 'unit_price' }) price?: number;
  @Column() paid?: boolean;
  @Column() createdAt?: Date;
  @Column({ type: 'int64', mode: 'string' }) big?: string;
  @Version() version!: number;
  notMapped?: string;
}

describe('TableSchema of a valid entity', () => {
  const s = getTableSchema(Order);

  it('carries the table name, resolved options and the class', () => {
    expect(s.tableName).toBe('orders');
    expect(s.entity).toBe(Order);
    expect(s.entityName).toBe('Order');
    expect(s.options).toEqual({
      timeToLive: -1,
      maxVersions: 1,
      maxTimeDeviation: 86400,
      reservedThroughput: { read: 1, write: 0 },
      allowUpdate: true,
    });
  });

  it('lists primary keys in declaration order with types and auto-increment', () => {
    expect(s.primaryKeys.map((k) => [k.property, k.name, k.type, k.storage, k.int64Mode, k.autoIncrement, k.pkIndex])).toEqual([
      ['shopId', 'shopId', 'string', 'STRING', undefined, false, 0],
      ['id', 'id', 'int64', 'INTEGER', 'long', true, 1],
    ]);
    expect(s.autoIncrement?.property).toBe('id');
  });

  it('infers column types from design:type and explicit options', () => {
    const cols = Object.fromEntries(s.columns.map((c) => [c.property, [c.name, c.type, c.storage, c.int64Mode ?? null]]));
    expect(cols).toEqual({
      email: ['email', 'string', 'STRING', null],
      qty: ['qty', 'int64', 'INTEGER', 'number'],
      total: ['total', 'int64', 'INTEGER', 'bigint'],
      receipt: ['receipt', 'binary', 'BINARY', null],
      meta: ['meta', 'json', 'STRING', null],
      price: ['unit_price', 'double', 'DOUBLE', null],
      paid: ['paid', 'boolean', 'BOOLEAN', null],
      createdAt: ['createdAt', 'date', 'INTEGER', null],
      big: ['big', 'int64', 'INTEGER', 'string'],
      version: ['version', 'int64', 'INTEGER', 'number'],
    });
    expect(s.version?.property).toBe('version');
    expect(s.version?.kind).toBe('version');
    expect(s.byProperty.notMapped).toBeUndefined();
    expect(s.byName.unit_price.property).toBe('price');
    expect(s.byProperty.price.name).toBe('unit_price');
  });

  it('is deeply frozen', () => {
    expect(Object.isFrozen(s)).toBe(true);
    expect(Object.isFrozen(s.primaryKeys)).toBe(true);
    expect(Object.isFrozen(s.primaryKeys[0])).toBe(true);
    expect(Object.isFrozen(s.options.reservedThroughput)).toBe(true);
    expect(Object.isFrozen(s.byProperty)).toBe(true);
    expect(() => {
      (s as { tableName: string }).tableName = 'x';
    }).toThrow(TypeError);
  });

  it('is one object per class', () => {
    expect(getTableSchema(Order)).toBe(s);
    expect(isEntityClass(Order)).toBe(true);
    expect(isEntityClass(class {})).toBe(false);
  });
});

describe('getTableSchema', () => {
  it('refuses a class without @Table', () => {
    class Plain {
      @Column() a!: string;
    }
    expectRule(() => getTableSchema(Plain), 'NO_TABLE', 'Plain', undefined, /decorate the class with @Table/);
  });
});

describe('primary keys', () => {
  it('honours explicit order', () => {
    @Table('t')
    class T {
      @PrimaryKey({ order: 2 }) c!: string;
      @PrimaryKey({ order: 0 }) a!: string;
      @PrimaryKey({ order: 1, type: 'int64' }) b!: number;
    }
    expect(getTableSchema(T).primaryKeys.map((k) => k.property)).toEqual(['a', 'b', 'c']);
  });

  it('refuses mixing explicit and implicit order', () => {
    expectRule(
      () => {
        @Table('t')
        class Mixed {
          @PrimaryKey({ order: 1 }) a!: string;
          @PrimaryKey() b!: string;
        }
        return Mixed;
      },
      'PK_ORDER',
      'Mixed',
      'b',
      /every @PrimaryKey gives an explicit order or none/,
    );
  });

  it('refuses duplicate orders', () => {
    expectRule(
      () => {
        @Table('t')
        class Dup {
          @PrimaryKey({ order: 1 }) a!: string;
          @PrimaryKey({ order: 1 }) b!: string;
        }
        return Dup;
      },
      'PK_ORDER',
      'Dup',
      'b',
      /order 1 is also used by 'a'/,
    );
  });

  it('needs at least one', () => {
    expectRule(
      () => {
        @Table('t')
        class NoKey {
          @Column() a!: string;
        }
        return NoKey;
      },
      'PK_COUNT',
      'NoKey',
      undefined,
      /1 to 4 primary keys.*found 0/,
    );
  });

  it('allows at most four', () => {
    expectRule(
      () => {
        @Table('t')
        class Five {
          @PrimaryKey() a!: string;
          @PrimaryKey() b!: string;
          @PrimaryKey() c!: string;
          @PrimaryKey() d!: string;
          @PrimaryKey() e!: string;
        }
        return Five;
      },
      'PK_COUNT',
      'Five',
      undefined,
      /found 5/,
    );
    @Table('t')
    class Four {
      @PrimaryKey() a!: string;
      @PrimaryKey() b!: Buffer;
      @PrimaryKey() c!: bigint;
      @PrimaryKey() d!: Long;
    }
    expect(getTableSchema(Four).primaryKeys.map((k) => k.storage)).toEqual(['STRING', 'BINARY', 'INTEGER', 'INTEGER']);
  });

  it('must be string, int64 or binary', () => {
    expectRule(
      () => {
        @Table('t')
        class BoolKey {
          @PrimaryKey() a!: boolean;
        }
        return BoolKey;
      },
      'PK_TYPE',
      'BoolKey',
      'a',
      /must be string, int64 or binary, not boolean/,
    );
    expectRule(
      () => {
        @Table('t')
        class DoubleKey {
          @PrimaryKey({ type: 'double' as 'int64' }) a!: number;
        }
        return DoubleKey;
      },
      'PK_TYPE',
      'DoubleKey',
      'a',
      /not double/,
    );
  });

  it('needs int64/double for a number key', () => {
    expectRule(
      () => {
        @Table('t')
        class NumKey {
          @PrimaryKey() a!: number;
        }
        return NumKey;
      },
      'AMBIGUOUS_NUMBER',
      'NumKey',
      'a',
      /declare \{ type: 'int64' \} or \{ type: 'double' \}/,
    );
  });
});

describe('auto-increment', () => {
  it('cannot be the first key', () => {
    expectRule(
      () => {
        @Table('t')
        class First {
          @PrimaryKey() @AutoIncrement() id!: bigint;
          @PrimaryKey() b!: string;
        }
        return First;
      },
      'AUTO_INCREMENT',
      'First',
      'id',
      /first primary key \(the partition key\) cannot be auto-increment/,
    );
  });

  it('must be int64', () => {
    expectRule(
      () => {
        @Table('t')
        class Str {
          @PrimaryKey() a!: string;
          @PrimaryKey() @AutoIncrement() b!: string;
        }
        return Str;
      },
      'AUTO_INCREMENT',
      'Str',
      'b',
      /must be int64, not string/,
    );
  });

  it('at most one', () => {
    expectRule(
      () => {
        @Table('t')
        class Two {
          @PrimaryKey() a!: string;
          @PrimaryKey() @AutoIncrement() b!: bigint;
          @PrimaryKey() @AutoIncrement() c!: bigint;
        }
        return Two;
      },
      'AUTO_INCREMENT',
      'Two',
      'c',
      /at most one auto-increment primary key.*'b'/,
    );
  });

  it('only on a primary key', () => {
    expectRule(
      () => {
        @Table('t')
        class Attr {
          @PrimaryKey() a!: string;
          @Column() @AutoIncrement() b!: bigint;
        }
        return Attr;
      },
      'AUTO_INCREMENT',
      'Attr',
      'b',
      /needs @PrimaryKey/,
    );
  });

  it('works in either decorator order', () => {
    @Table('t')
    class Ok {
      @PrimaryKey() a!: string;
      @AutoIncrement() @PrimaryKey() b!: bigint;
    }
    expect(getTableSchema(Ok).autoIncrement?.property).toBe('b');
  });
});

describe('names', () => {
  it.each(['0', '#', '中文', 'T#', '3t', '-', 'a'.repeat(256), ''])('refuses table name %j', (name) => {
    expectRule(
      () => {
        @Table(name)
        class Bad {
          @PrimaryKey() a!: string;
        }
        return Bad;
      },
      'TABLE_NAME',
      'Bad',
      undefined,
      /invalid table name/,
    );
  });

  it.each(['_0', '_T', 'A0', 'a'.repeat(255)])('accepts table name %j', (name) => {
    @Table(name)
    class Good {
      @PrimaryKey() a!: string;
    }
    expect(getTableSchema(Good).tableName).toBe(name);
  });

  it('refuses an invalid stored column name', () => {
    expectRule(
      () => {
        @Table('t')
        class BadCol {
          @PrimaryKey() a!: string;
          @Column({ name: 'price-2' }) p!: string;
        }
        return BadCol;
      },
      'COLUMN_NAME',
      'BadCol',
      'p',
      /invalid column name 'price-2'/,
    );
    expectRule(
      () => {
        @Table('t')
        class LongCol {
          @PrimaryKey({ name: 'k'.repeat(256) }) a!: string;
        }
        return LongCol;
      },
      'COLUMN_NAME',
      'LongCol',
      'a',
      /at most 255 bytes/,
    );
  });

  it('refuses duplicate stored names', () => {
    expectRule(
      () => {
        @Table('t')
        class DupName {
          @PrimaryKey() a!: string;
          @Column({ name: 'a' }) b!: string;
        }
        return DupName;
      },
      'DUPLICATE_NAME',
      'DupName',
      'b',
      /stored name 'a' is also used by 'a'/,
    );
  });
});

describe('column types', () => {
  it('refuses a number without int64/double', () => {
    expectRule(
      () => {
        @Table('t')
        class Num {
          @PrimaryKey() a!: string;
          @Column() n!: number;
        }
        return Num;
      },
      'AMBIGUOUS_NUMBER',
      'Num',
      'n',
      /declare \{ type: 'int64' \} or \{ type: 'double' \}/,
    );
  });

  it('refuses types it cannot infer (objects, arrays, unions)', () => {
    expectRule(
      () => {
        @Table('t')
        class Obj {
          @PrimaryKey() a!: string;
          @Column() o!: { x: number };
        }
        return Obj;
      },
      'UNSUPPORTED_TYPE',
      'Obj',
      'o',
      /cannot infer a TableStore type from the declared type Object/,
    );
    expectRule(
      () => {
        @Table('t')
        class Arr {
          @PrimaryKey() a!: string;
          @Column() list!: string[];
        }
        return Arr;
      },
      'UNSUPPORTED_TYPE',
      'Arr',
      'list',
      /declared type Array/,
    );
  });

  it('refuses unknown types and modes', () => {
    expectRule(
      () => {
        @Table('t')
        class Unknown {
          @PrimaryKey() a!: string;
          @Column({ type: 'float' as 'double' }) f!: number;
        }
        return Unknown;
      },
      'UNSUPPORTED_TYPE',
      'Unknown',
      'f',
      /unsupported column type 'float'/,
    );
    expectRule(
      () => {
        @Table('t')
        class BadMode {
          @PrimaryKey() a!: string;
          @Column({ type: 'int64', mode: 'int' as 'number' }) f!: number;
        }
        return BadMode;
      },
      'INT64_MODE',
      'BadMode',
      'f',
      /unknown int64 mode 'int'/,
    );
    expectRule(
      () => {
        @Table('t')
        class ModeOnDouble {
          @PrimaryKey() a!: string;
          @Column({ type: 'double', mode: 'number' }) f!: number;
        }
        return ModeOnDouble;
      },
      'INT64_MODE',
      'ModeOnDouble',
      'f',
      /only applies to \{ type: 'int64' \}/,
    );
  });

  it('refuses an explicit type that contradicts the declared one', () => {
    expectRule(
      () => {
        @Table('t')
        class Contra {
          @PrimaryKey() a!: string;
          @Column({ type: 'boolean' }) s!: string;
        }
        return Contra;
      },
      'TYPE_MISMATCH',
      'Contra',
      's',
      /type 'boolean' does not fit the declared type String/,
    );
    expectRule(
      () => {
        @Table('t')
        class ModeContra {
          @PrimaryKey() a!: string;
          @Column({ type: 'int64', mode: 'bigint' }) n!: number;
        }
        return ModeContra;
      },
      'TYPE_MISMATCH',
      'ModeContra',
      'n',
      /mode 'bigint' does not fit the declared type Number/,
    );
  });

  it('needs a mode when the declared type does not tell it', () => {
    expectRule(
      () => {
        @Table('t')
        class NoMode {
          @PrimaryKey() a!: string;
          @Column({ type: 'int64' }) n!: number | bigint;
        }
        return NoMode;
      },
      'INT64_MODE',
      'NoMode',
      'n',
      /cannot infer the int64 mode/,
    );
    @Table('t')
    class WithMode {
      @PrimaryKey() a!: string;
      @Column({ type: 'int64', mode: 'bigint' }) n!: bigint | null;
      @Column({ mode: 'long' }) l?: Long | null;
      @Column({ type: 'string' }) s?: string | null;
      @Column({ type: 'json' }) list?: string[];
    }
    const s = getTableSchema(WithMode);
    expect([s.byProperty.n.int64Mode, s.byProperty.l.type, s.byProperty.l.int64Mode, s.byProperty.s.type, s.byProperty.list.type]).toEqual([
      'bigint',
      'int64',
      'long',
      'string',
      'json',
    ]);
  });
});

describe('decorator conflicts', () => {
  it('refuses @PrimaryKey with @Column, and a decorator applied twice', () => {
    expectRule(
      () => {
        @Table('t')
        class Both {
          @PrimaryKey() @Column() a!: string;
        }
        return Both;
      },
      'DECORATOR_CONFLICT',
      'Both',
      'a',
      /@PrimaryKey and @Column cannot be combined/,
    );
    expectRule(
      () => {
        class Twice {
          @Column() @Column() a!: string;
        }
        return Twice;
      },
      'DECORATOR_CONFLICT',
      'Twice',
      'a',
      /@Column is applied twice/,
    );
  });

  it('refuses two @Version columns and a @Version key', () => {
    expectRule(
      () => {
        @Table('t')
        class TwoVersions {
          @PrimaryKey() a!: string;
          @Version() v1!: number;
          @Version() v2!: number;
        }
        return TwoVersions;
      },
      'VERSION',
      'TwoVersions',
      'v2',
      /at most one @Version/,
    );
    expectRule(
      () => {
        @Table('t')
        class VersionKey {
          @PrimaryKey() @Version() a!: number;
        }
        return VersionKey;
      },
      'DECORATOR_CONFLICT',
      'VersionKey',
      'a',
      /@PrimaryKey and @Version/,
    );
  });

  it('refuses symbol properties', () => {
    const sym = Symbol('s');
    expectRule(
      () => {
        class Sym {
          @Column() [sym]!: string;
        }
        return Sym;
      },
      'SYMBOL_PROPERTY',
      'Sym',
      'Symbol(s)',
      /string-named property/,
    );
  });

  it('refuses @Table twice', () => {
    expectRule(
      () => {
        @Table('a')
        @Table('b')
        class Twice {
          @PrimaryKey() a!: string;
        }
        return Twice;
      },
      'DECORATOR_CONFLICT',
      'Twice',
      undefined,
      /@Table is applied twice/,
    );
  });
});

describe('table options', () => {
  const define = (options: object) => () => {
    @Table('t', options)
    class Opt {
      @PrimaryKey() a!: string;
    }
    return Opt;
  };
  it.each([
    [{ timeToLive: 0 }, /timeToLive must be -1/],
    [{ timeToLive: -2 }, /timeToLive must be -1/],
    [{ timeToLive: 1.5 }, /timeToLive/],
    [{ maxVersions: 0 }, /maxVersions must be an integer in \[1, 2147483647\]/],
    [{ maxTimeDeviation: -1 }, /maxTimeDeviation/],
    [{ reservedThroughput: { read: 100001 } }, /reservedThroughput.read/],
    [{ reservedThroughput: { write: -1 } }, /reservedThroughput.write/],
    [{ reservedThroughput: { reads: 1 } }, /unknown reservedThroughput key 'reads'/],
    [{ allowUpdate: 'no' }, /allowUpdate must be a boolean/],
    [{ ttl: 5 }, /unknown table option 'ttl'/],
  ])('refuses %j', (options, message) => {
    expectRule(define(options), 'TABLE_OPTIONS', 'Opt', undefined, message);
  });

  it('accepts valid options', () => {
    const s = getTableSchema(
      define({ timeToLive: 86400, maxVersions: 3, maxTimeDeviation: 0, reservedThroughput: { read: 0, write: 100000 }, allowUpdate: false })() as never,
    );
    expect(s.options).toEqual({ timeToLive: 86400, maxVersions: 3, maxTimeDeviation: 0, reservedThroughput: { read: 0, write: 100000 }, allowUpdate: false });
  });
});

describe('secondary indexes', () => {
  it('records indexes, full index keys and defined columns (decorator order independent)', () => {
    @Index('by_email', { primaryKey: ['email'], definedColumns: ['qty'] })
    @Table('users')
    @Index<User>('by_shop_status', { primaryKey: ['shopId', 'status'], type: 'local' })
    class User {
      @PrimaryKey() shopId!: string;
      @PrimaryKey() userId!: string;
      @Column({ name: 'mail' }) email!: string;
      @Column() status!: string;
      @Column({ type: 'int64' }) qty!: number;
      @Column({ defined: true }) note?: string;
      @Column() other?: string;
    }
    const s = getTableSchema(User);
    expect(s.indexes).toEqual([
      { name: 'by_shop_status', type: 'local', primaryKey: ['shopId', 'status'], fullPrimaryKey: ['shopId', 'status', 'userId'], definedColumns: [] },
      { name: 'by_email', type: 'global', primaryKey: ['mail'], fullPrimaryKey: ['mail', 'shopId', 'userId'], definedColumns: ['qty'] },
    ]);
    expect(s.definedColumns).toEqual([
      { name: 'mail', property: 'email', storage: 'STRING' },
      { name: 'status', property: 'status', storage: 'STRING' },
      { name: 'qty', property: 'qty', storage: 'INTEGER' },
      { name: 'note', property: 'note', storage: 'STRING' },
    ]);
    expect(Object.isFrozen(s.indexes[0].fullPrimaryKey)).toBe(true);
  });

  const withIndex = (options: object, tableOptions: object = {}, name = 'idx') => () => {
    @Table('t', tableOptions)
    @Index(name, options as never)
    class Idx {
      @PrimaryKey() a!: string;
      @PrimaryKey() @AutoIncrement() id!: bigint;
      @Column() s!: string;
      @Column({ type: 'double' }) d!: number;
    }
    return Idx;
  };

  it.each([
    [{ primaryKey: ['nope'] }, {}, /'nope' is not a primary key or column of Idx/],
    [{ primaryKey: [] }, {}, /primaryKey must list 1 to 4/],
    [{ primaryKey: ['d'] }, {}, /index key 'd' must be string, int64 or binary, not double/],
    [{ primaryKey: ['s', 's'] }, {}, /'s' is listed twice/],
    [{ primaryKey: ['id'] }, {}, /first index key 'id' cannot be an auto-increment key/],
    [{ primaryKey: ['s'], type: 'local' }, {}, /local index must start with the partition key 'a'/],
    [{ primaryKey: ['s'], definedColumns: ['a'] }, {}, /'a' is a primary key/],
    [{ primaryKey: ['s'] }, { maxVersions: 2 }, /must have maxVersions 1/],
    [{ primaryKey: ['s'] }, { timeToLive: 86400 }, /must set allowUpdate: false/],
    [{ primaryKey: ['s'], unique: true }, {}, /unknown option 'unique'/],
  ])('refuses %j with table options %j', (options, tableOptions, message) => {
    expectRule(withIndex(options, tableOptions), 'INDEX', 'Idx', undefined, message);
  });

  it('refuses an invalid index name', () => {
    expectRule(withIndex({ primaryKey: ['s'] }, {}, 'bad-name'), 'INDEX_NAME', 'Idx', undefined, /invalid index name 'bad-name'/);
  });

  it('accepts a TTL table whose updates are disallowed', () => {
    const cls = withIndex({ primaryKey: ['s'], definedColumns: ['d'] }, { timeToLive: 86400, allowUpdate: false })();
    expect(getTableSchema(cls).definedColumns.map((c) => [c.name, c.storage])).toEqual([
      ['s', 'STRING'],
      ['d', 'DOUBLE'],
    ]);
  });
});

describe('inheritance', () => {
  it('collects base-class columns first', () => {
    class Base {
      @PrimaryKey() tenant!: string;
      @Column() createdAt?: Date;
    }
    @Table('child')
    class Child extends Base {
      @PrimaryKey() id!: string;
      @Column() name!: string;
    }
    const s = getTableSchema(Child);
    expect(s.primaryKeys.map((k) => k.property)).toEqual(['tenant', 'id']);
    expect(s.columns.map((c) => c.property)).toEqual(['createdAt', 'name']);
  });
});
