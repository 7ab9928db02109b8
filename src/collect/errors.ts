/** Errors of the collection server that its operator must act on (app not built, port taken, folder in use). */
import { EvoscaleError } from '../shared/errors.js';

export class CollectError extends EvoscaleError {
  constructor(message: string, code = 'COLLECT') {
    super(message, code);
  }
}
