/**
 * Response headers (spec §11.1), checked the way the Python SDK checks them, on successes and on errors:
 * the Node SDK ignores them, but the Java and Python SDKs refuse a response without them.
 * Runs on both backends.
 */
import { describe, expect, it } from 'vitest';
import { messageType } from '../../src/emulator/protocol/proto';
import { encodeRow } from '../../src/emulator/model/plainbuffer';
import { VT } from '../../src/emulator/model/value';
import { decodeError, rawRequest, signedHeaders } from '../support/raw';
import { expectSignedResponse } from '../support/response-headers';
import { connectSdk, createTable, uniqueTable } from '../support/sdk';

const pb = (type: string, msg: object) => Buffer.from(messageType(type).encode(msg as never).finish());

describe('response headers verifiable by the Java and Python SDKs', () => {
  const sdk = connectSdk();

  it('signs successful responses with the caller\'s secret', async () => {
    const t = uniqueTable('hdr');
    await createTable(sdk, t, [{ name: 'pk', type: 'STRING' }]);
    const row = encodeRow({ pk: [{ name: 'pk', value: { t: VT.STRING, v: Buffer.from('a') } }], cells: [{ name: 'c', value: { t: VT.STRING, v: Buffer.from('v') } }], deleteMarker: false });
    const put = await rawRequest('PutRow', pb('PutRowRequest', { tableName: t, row, condition: { rowExistence: 0 } }));
    expect(put.status).toBe(200);
    expectSignedResponse(put, 'PutRow');
    const pk = encodeRow({ pk: [{ name: 'pk', value: { t: VT.STRING, v: Buffer.from('a') } }], cells: [], deleteMarker: false });
    const get = await rawRequest('GetRow', pb('GetRowRequest', { tableName: t, primaryKey: pk, maxVersions: 1 }));
    expect(get.status).toBe(200);
    expectSignedResponse(get, 'GetRow');
    const list = await rawRequest('ListTable', Buffer.alloc(0));
    expect(list.status).toBe(200);
    expectSignedResponse(list, 'ListTable');
    await sdk.deleteTable({ tableName: t });
  });

  it('signs error responses too (404, 400, 403 with a known key)', async () => {
    const missing = await rawRequest('DescribeTable', pb('DescribeTableRequest', { tableName: uniqueTable('missing') }));
    expect([missing.status, decodeError(missing).code]).toEqual([404, 'OTSObjectNotExist']);
    expectSignedResponse(missing, 'DescribeTable');
    const bad = await rawRequest('GetRow', Buffer.from([0xff, 0xff]));
    expect(bad.status).toBe(400);
    expectSignedResponse(bad, 'GetRow');
    const body = pb('ListTableRequest', {});
    const wrongSig = await rawRequest('ListTable', body, { ...signedHeaders('ListTable', body), 'x-ots-signature': 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' });
    expect([wrongSig.status, decodeError(wrongSig).code]).toEqual([403, 'OTSAuthFailed']);
    expectSignedResponse(wrongSig, 'ListTable');
  });
});
