import { EvoscaleError } from '../errors.js';

/**
 * Why a dataset could not be used. `code` lets programs branch:
 * `DATASET_INVALID` (bad content), `DATASET_NOT_FOUND` (no such file or repository),
 * `DATASET_OFFLINE` (needs the network, none available), `DATASET_IO` (read/write failed).
 */
export type DatasetErrorCode = 'DATASET_INVALID' | 'DATASET_NOT_FOUND' | 'DATASET_OFFLINE' | 'DATASET_IO';

/** A dataset is malformed, missing or unreachable; the message names the file, line/row and what was expected. */
export class DatasetError extends EvoscaleError {
  constructor(
    message: string,
    override readonly code: DatasetErrorCode = 'DATASET_INVALID',
  ) {
    super(message, code);
  }
}
