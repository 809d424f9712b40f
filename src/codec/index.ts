/** Entity ⇄ SDK cell conversion. */
export { CodecError } from './errors';
export type { CodecErrorContext, CodecRule } from './errors';
export { encodeKey, encodeRow, encodeValue, decodeRow, decodeKey, isEmptyRow } from './row';
export type { DecodeRowOptions, EncodeKeyOptions, EncodeRowOptions } from './row';
export { encodeUpdate } from './update';
export type { EncodedUpdate } from './update';
export { encodeFieldValue, decodeFieldValue, decodeStoredValue, INT64_MIN, INT64_MAX, MAX_PK_VALUE_BYTES, MAX_ATTRIBUTE_VALUE_BYTES } from './value';
export { isSdkInt64, toSdkInt64, fromSdkInt64 } from './sdk-values';
export type { SdkCellValue, SdkInt64 } from './sdk-values';
export { decodeChange, encodeChange } from './change';
export type { ChangeInput, ChangeRecord, ChangeDeletion, ChangeVersions, PutChange, UpdateChange, DeleteChange } from './change';
