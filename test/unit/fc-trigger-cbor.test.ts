import { describe, expect, it } from 'vitest';
import type { RawChangeEvent } from '../../src/client/changes';
import { TriggerEventError } from '../../src/fc/errors';
import { decodeTriggerEvent } from '../../src/fc/trigger/cbor';
import { encodeTriggerEvent } from '../../src/fc/trigger/cbor-encode';

// streams spec §3.2: the 405-byte vector (the §3.1 UpdateRow with 1.0 for 3.14, plus big and bin).
const VECTOR = Buffer.from(
  'a26756657273696f6e6753796e632d7631675265636f72647381a4645479706569557064617465526f7764496e666fa16954696d657374616d701b00' +
    '060a24181e45b06a5072696d6172794b657981a26a436f6c756d6e4e616d6563706b316556616c756566726f776b657967436f6c756d6e7385a36454' +
    '7970657044656c6574654f6e6556657273696f6e6a436f6c756d6e4e616d6568636f6c546f44656c6954696d657374616d701b0000018bcfe56800a2' +
    '64547970657144656c657465416c6c56657273696f6e736a436f6c756d6e4e616d656b636f6c546f44656c416c6ca46454797065635075746a436f6c' +
    '756d6e4e616d656b636f6c546f5570646174656556616c7565fb3ff00000000000006954696d657374616d701b0000018bcfe56801a4645479706563' +
    '5075746a436f6c756d6e4e616d65636269676556616c75653b00200000000000006954696d657374616d701b0000018bcfe56801a464547970656350' +
    '75746a436f6c756d6e4e616d656362696e6556616c75654201026954696d657374616d701b0000018bcfe56801',
  'hex',
);

const VECTOR_EVENT: RawChangeEvent = {
  version: 'Sync-v1',
  records: [
    {
      type: 'UpdateRow',
      timestampMicros: 1700000000001456n,
      primaryKey: [{ name: 'pk1', value: { type: 'STRING', value: 'rowkey' } }],
      columns: [
        { op: 'DeleteOneVersion', name: 'colToDel', timestampMillis: 1700000000000n },
        { op: 'DeleteAllVersions', name: 'colToDelAll' },
        { op: 'Put', name: 'colToUpdate', value: { type: 'DOUBLE', value: 1 }, timestampMillis: 1700000000001n },
        { op: 'Put', name: 'big', value: { type: 'INTEGER', value: -9007199254740993n }, timestampMillis: 1700000000001n },
        { op: 'Put', name: 'bin', value: { type: 'BINARY', value: Buffer.from([1, 2]) }, timestampMillis: 1700000000001n },
      ],
    },
  ],
};

function eventError(fn: () => unknown): TriggerEventError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TriggerEventError);
    return e as TriggerEventError;
  }
  throw new Error('expected a TriggerEventError, nothing was thrown');
}

function put(name: string, value: RawChangeEvent['records'][number]['primaryKey'][number]['value']): RawChangeEvent {
  return {
    version: 'Sync-v1',
    records: [{ type: 'PutRow', timestampMicros: 1n, primaryKey: [{ name: 'id', value: { type: 'STRING', value: 'a' } }], columns: [{ op: 'Put', name, value, timestampMillis: 2n }] }],
  };
}

describe('trigger event CBOR (streams spec §3.2)', () => {
  it('decodes the spec vector exactly', () => {
    expect(VECTOR.length).toBe(405);
    expect(decodeTriggerEvent(VECTOR)).toEqual(VECTOR_EVENT);
    expect(decodeTriggerEvent(new Uint8Array(VECTOR))).toEqual(VECTOR_EVENT);
  });

  it('encodes the spec vector byte for byte', () => {
    expect(encodeTriggerEvent(VECTOR_EVENT).toString('hex')).toBe(VECTOR.toString('hex'));
  });

  it.each([
    ['0', 0n, '00'],
    ['23', 23n, '17'],
    ['24', 24n, '1818'],
    ['255', 255n, '18ff'],
    ['256', 256n, '190100'],
    ['65536', 65536n, '1a00010000'],
    ['2^32', 2n ** 32n, '1b0000000100000000'],
    ['2^53+1', 2n ** 53n + 1n, '1b0020000000000001'],
    ['int64 max', 2n ** 63n - 1n, '1b7fffffffffffffff'],
    ['-1', -1n, '20'],
    ['-25', -25n, '3818'],
    ['-(2^53+1)', -(2n ** 53n) - 1n, '3b0020000000000000'],
    ['int64 min', -(2n ** 63n), '3b7fffffffffffffff'],
  ])('round-trips INTEGER %s with the shortest head', (_, value, head) => {
    const bytes = encodeTriggerEvent(put('n', { type: 'INTEGER', value }));
    expect(bytes.toString('hex')).toContain(`6556616c7565${head}6954696d657374616d70`);
    expect(decodeTriggerEvent(bytes).records[0].columns[0]).toEqual({ op: 'Put', name: 'n', value: { type: 'INTEGER', value }, timestampMillis: 2n });
  });

  it('keeps a whole double a DOUBLE, as float64', () => {
    const bytes = encodeTriggerEvent(put('d', { type: 'DOUBLE', value: 2 }));
    expect(bytes.toString('hex')).toContain('fb4000000000000000');
    expect(decodeTriggerEvent(bytes).records[0].columns[0]).toMatchObject({ value: { type: 'DOUBLE', value: 2 } });
  });

  it('reads float16 and float32 as DOUBLE, and booleans, text, binary', () => {
    const half = Buffer.from(encodeTriggerEvent(put('d', { type: 'DOUBLE', value: 1 })).toString('hex').replace('fb3ff0000000000000', 'f93c00'), 'hex');
    expect(decodeTriggerEvent(half).records[0].columns[0]).toMatchObject({ value: { type: 'DOUBLE', value: 1 } });
    const single = Buffer.from(encodeTriggerEvent(put('d', { type: 'DOUBLE', value: 1.5 })).toString('hex').replace('fb3ff8000000000000', 'fa3fc00000'), 'hex');
    expect(decodeTriggerEvent(single).records[0].columns[0]).toMatchObject({ value: { type: 'DOUBLE', value: 1.5 } });
    for (const value of [
      { type: 'BOOLEAN', value: true },
      { type: 'BOOLEAN', value: false },
      { type: 'STRING', value: 'héllo ✓' },
      { type: 'STRING', value: '' },
      { type: 'BINARY', value: Buffer.alloc(0) },
      { type: 'BINARY', value: Buffer.alloc(300, 7) },
    ] as const) {
      expect(decodeTriggerEvent(encodeTriggerEvent(put('v', value))).records[0].columns[0]).toMatchObject({ value });
    }
  });

  it('round-trips a delete and an update without values or timestamps', () => {
    const event: RawChangeEvent = {
      version: 'Sync-v1',
      records: [
        { type: 'DeleteRow', timestampMicros: 5n, primaryKey: [{ name: 'id', value: { type: 'INTEGER', value: -3n } }], columns: [] },
        {
          type: 'UpdateRow',
          timestampMicros: 6n,
          primaryKey: [{ name: 'id', value: { type: 'BINARY', value: Buffer.from('k') } }],
          columns: [
            { op: 'DeleteOneVersion', name: 'a', timestampMillis: undefined },
            { op: 'Put', name: 'b', value: { type: 'STRING', value: 'x' }, timestampMillis: undefined },
          ],
        },
      ],
    };
    expect(decodeTriggerEvent(encodeTriggerEvent(event))).toEqual(event);
  });

  it('accepts indefinite lengths, tags, null values and timestamps', () => {
    // {_ "Version": (_ "Sync", "-v1"), "Records": [_ {"Type": "DeleteRow", "Info": {"Timestamp": 1}, "PrimaryKey":
    // [{"ColumnName": "id", "Value": tag 2 (bignum) h'0100'}], "Columns": null}]}
    const hex =
      'bf' + '6756657273696f6e' + '7f6453796e63632d7631ff' + '675265636f726473' + '9f' +
      'a4' + '6454797065' + '6944656c657465526f77' + '64496e666f' + 'a1' + '6954696d657374616d70' + '01' +
      '6a5072696d6172794b6579' + '81' + 'a2' + '6a436f6c756d6e4e616d65' + '626964' + '6556616c7565' + 'c2420100' +
      '67436f6c756d6e73' + 'f6' + 'ff' + 'ff';
    expect(decodeTriggerEvent(Buffer.from(hex, 'hex'))).toEqual({
      version: 'Sync-v1',
      records: [{ type: 'DeleteRow', timestampMicros: 1n, primaryKey: [{ name: 'id', value: { type: 'INTEGER', value: 256n } }], columns: [] }],
    });
  });

  it('reads JSON test events exactly (string, Buffer, object)', () => {
    const json =
      '{"Version":"Sync-v1","Records":[{"Type":"PutRow","Info":{"Timestamp":1506416585740836},' +
      '"PrimaryKey":[{"ColumnName":"pk_0","Value":1506416585881590900},{"ColumnName":"pk_1","Value":"s"}],' +
      '"Columns":[{"Type":"Put","ColumnName":"a","Value":1.5,"Timestamp":null},{"Type":"Put","ColumnName":"b","Value":2.0},' +
      '{"Type":"Put","ColumnName":"c","Value":{"type":"Buffer","data":[1,2]},"Timestamp":1506416585741}]}]}';
    const expected: RawChangeEvent = {
      version: 'Sync-v1',
      records: [
        {
          type: 'PutRow',
          timestampMicros: 1506416585740836n,
          primaryKey: [
            { name: 'pk_0', value: { type: 'INTEGER', value: 1506416585881590900n } },
            { name: 'pk_1', value: { type: 'STRING', value: 's' } },
          ],
          columns: [
            { op: 'Put', name: 'a', value: { type: 'DOUBLE', value: 1.5 }, timestampMillis: undefined },
            { op: 'Put', name: 'b', value: { type: 'INTEGER', value: 2n }, timestampMillis: undefined },
            { op: 'Put', name: 'c', value: { type: 'BINARY', value: Buffer.from([1, 2]) }, timestampMillis: 1506416585741n },
          ],
        },
      ],
    };
    expect(decodeTriggerEvent(json)).toEqual(expected);
    expect(decodeTriggerEvent(Buffer.from(json))).toEqual(expected);
    const object = JSON.parse(json) as { Records: Array<{ PrimaryKey: Array<{ Value: unknown }> }> };
    object.Records[0].PrimaryKey[0].Value = 1506416585881590900n;
    expect(decodeTriggerEvent(object)).toEqual(expected);
  });

  it.each([
    ['an empty event', Buffer.alloc(0), /event is empty/, 0],
    ['truncated bytes', VECTOR.subarray(0, 100), /byte 96: the event ends inside a text string/, 96],
    ['trailing bytes', Buffer.concat([VECTOR, Buffer.from([0])]), /1 bytes follow/, 405],
    ['a reserved head', Buffer.from('a161581c', 'hex'), /additional information 28 is reserved/, 3],
    ['a non-text key', Buffer.from('a10101', 'hex'), /map key must be a text string/, 1],
    ['a stray break', Buffer.from('ff', 'hex'), /break \(0xFF\) outside/, 0],
    ['invalid UTF-8', Buffer.from('a162ff00', 'hex'), /not valid UTF-8/, 1],
    ['broken JSON', '{"Version": 1,', /JSON test event: expected a quoted key/, 14],
    ['JSON keys without a comma', '{"Version": "v" "Records": []}', /JSON test event: expected ',' or '}'/, 16],
    ['JSON items without a comma', '{"Records": [1 2]}', /JSON test event: expected ',' or ']'/, 15],
  ])('refuses %s, naming the position', (_, input, message, position) => {
    const e = eventError(() => decodeTriggerEvent(input));
    expect(e.message).toMatch(message);
    expect(e.position).toBe(position);
    expect(e.code).toBe('TsormTriggerEvent');
  });

  it.each([
    ['no Version', { Records: [] }, 'Version', /expected a text string, found nothing/],
    ['a bad record type', { Version: 'v', Records: [{ Type: 'Put', Info: { Timestamp: 1 }, PrimaryKey: [] }] }, 'Records[0].Type', /"Put" is not PutRow/],
    ['a float timestamp', { Version: 'v', Records: [{ Type: 'PutRow', Info: { Timestamp: 1.5 }, PrimaryKey: [] }] }, 'Records[0].Info.Timestamp', /expected an integer/],
    ['an empty key', { Version: 'v', Records: [{ Type: 'PutRow', Info: { Timestamp: 1 }, PrimaryKey: [] }] }, 'Records[0].PrimaryKey', /at least one/],
    [
      'a Put without value',
      { Version: 'v', Records: [{ Type: 'UpdateRow', Info: { Timestamp: 1 }, PrimaryKey: [{ ColumnName: 'k', Value: 1 }], Columns: [{ Type: 'Put', ColumnName: 'c' }] }] },
      'Records[0].Columns[0].Value',
      /needs a value/,
    ],
    [
      'an int beyond int64',
      { Version: 'v', Records: [{ Type: 'DeleteRow', Info: { Timestamp: 1 }, PrimaryKey: [{ ColumnName: 'k', Value: 2n ** 63n }] }] },
      'Records[0].PrimaryKey[0].Value',
      /outside the int64 range/,
    ],
  ])('refuses %s, naming the field', (_, input, path, message) => {
    const e = eventError(() => decodeTriggerEvent(input));
    expect(e.path).toBe(path);
    expect(e.message).toMatch(message);
  });
});
