/**
 * The emulator's one error class: every failure a request can meet becomes an `OtsError` carrying the
 * service's code, HTTP status and message (spec §8), and the server turns it into the protobuf `Error`.
 */
export class OtsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'OtsError';
  }

  /** 400 OTSParameterInvalid: the most common rejection. */
  static param(message: string): OtsError {
    return new OtsError('OTSParameterInvalid', message, 400);
  }
  static invalidPk(message: string): OtsError {
    return new OtsError('OTSInvalidPK', message, 400);
  }
  static conditionFailed(): OtsError {
    return new OtsError('OTSConditionCheckFail', 'Condition check failed.', 403);
  }
  static tableNotExist(): OtsError {
    return new OtsError('OTSObjectNotExist', 'Requested table does not exist.', 404);
  }
  static tableExists(): OtsError {
    return new OtsError('OTSObjectAlreadyExist', 'Requested table already exists.', 409);
  }
  static auth(message: string): OtsError {
    return new OtsError('OTSAuthFailed', message, 403);
  }
  static conflict(message = 'Data is being modified by the other request.'): OtsError {
    return new OtsError('OTSRowOperationConflict', message, 409);
  }
  static unsupported(action: string): OtsError {
    return new OtsError(
      'OTSUnsupportOperation',
      `Operation not supported by the tsorm TableStore emulator: ${action}.`,
      400,
    );
  }
  static internal(): OtsError {
    return new OtsError('OTSInternalServerError', 'Internal server error.', 500);
  }
}
