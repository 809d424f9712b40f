/** The studio's cells (src/studio/values.ts): exact int64 both ways, bytes in hex and base64, refusals naming the field. */
import { describe, expect, it } from 'vitest';
import { fromSdkInt64, isSdkInt64, toSdkInt64 } from '../../src/codec/sdk-values';
import { compareKeyValue, fromCell, keyValue, StudioInputError, toCell } from '../../src/studio/values';

describe('studio cells', () => {
  it('keeps int64 exact beyond 2^53 in both directions', () => {
    for (const v of ['9007199254740993', '-9223372036854775808', '9223372036854775807']) {
      const sdk = fromCell({ t: 'INTEGER', v }, 'c');
      expect(isSdkInt64(sdk)).toBe(true);
      expect(fromSdkInt64(sdk as never).toString()).toBe(v);
      expect(toCell(sdk)).toEqual({ t: 'INTEGER', v });
    }
  });

  it('reads bytes as hex or base64 and writes base64', () => {
    expect(fromCell({ t: 'BINARY', v: '00 ff 10', enc: 'hex' }, 'b')).toEqual(Buffer.from([0, 255, 16]));
    expect(fromCell({ t: 'BINARY', v: 'AP8Q' }, 'b')).toEqual(Buffer.from([0, 255, 16]));
    expect(toCell(Buffer.from([0, 255, 16]))).toEqual({ t: 'BINARY', v: 'AP8Q' });
  });

  it('types doubles, booleans and strings', () => {
    expect(toCell(1.5)).toEqual({ t: 'DOUBLE', v: '1.5' });
    expect(fromCell({ t: 'DOUBLE', v: '1.5' }, 'd')).toBe(1.5);
    expect(fromCell({ t: 'BOOLEAN', v: 'false' }, 'b')).toBe(false);
    expect(toCell(true)).toEqual({ t: 'BOOLEAN', v: 'true' });
    expect(fromCell({ t: 'STRING', v: '' }, 's')).toBe('');
  });

  it('refuses what does not fit, naming the field and the rule', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ t: 'INTEGER', v: '1.5' }, /not an integer/],
      [{ t: 'INTEGER', v: '9223372036854775808' }, /outside the int64 range/],
      [{ t: 'DOUBLE', v: 'Infinity' }, /not a finite number/],
      [{ t: 'BOOLEAN', v: 'yes' }, /true or false/],
      [{ t: 'BINARY', v: 'abc', enc: 'hex' }, /not hex/],
      [{ t: 'BINARY', v: '!!' }, /not base64/],
      [{ t: 'DATE', v: '1' }, /unknown type/],
      [{ t: 'STRING', v: 1 }, /must be a string/],
      [null, /typed value/],
    ];
    for (const [cell, message] of cases) {
      let error: unknown;
      try {
        fromCell(cell, 'col');
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(cell)).toBeInstanceOf(StudioInputError);
      expect((error as StudioInputError).field).toBe('col');
      expect((error as Error).message).toMatch(message);
    }
  });

  it('takes a primary-key cell only of the key column\'s type', () => {
    expect(fromSdkInt64(keyValue({ t: 'INTEGER', v: '9007199254740993' }, { name: 'n', type: 'INTEGER' }) as never).toString()).toBe('9007199254740993');
    expect(keyValue({ t: 'BINARY', v: '00ff', enc: 'hex' }, { name: 'b', type: 'BINARY' })).toEqual(Buffer.from([0, 255]));
    for (const [cell, type] of [[{ t: 'STRING', v: '1' }, 'INTEGER'], [{ t: 'DOUBLE', v: '1' }, 'INTEGER'], [{ t: 'INTEGER', v: '1' }, 'STRING'], [{ t: 'STRING', v: 'AA==' }, 'BINARY']] as const) {
      expect(() => keyValue(cell, { name: 'k', type }), `${cell.t} for ${type}`).toThrow(new StudioInputError(`k: the key column is ${type}, got ${cell.t}`, 'k'));
    }
  });

  it('orders key values as TableStore does: integers numerically, strings and bytes by their bytes', () => {
    expect(compareKeyValue(toSdkInt64(-2n), toSdkInt64(10n))).toBeLessThan(0);
    expect(compareKeyValue('b', 'ab')).toBeGreaterThan(0);
    expect(compareKeyValue('Z', 'a')).toBeLessThan(0);
    expect(compareKeyValue(Buffer.from([1]), Buffer.from([1, 0]))).toBeLessThan(0);
  });
});
