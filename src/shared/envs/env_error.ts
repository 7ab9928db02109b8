import { EvoscaleError } from '../errors.js';

/** Thrown for misuse of an environment: unknown id, action out of range, stepping a finished episode, bad seed. */
export class EnvError extends EvoscaleError {
  constructor(message: string, code = 'ENV_ERROR') {
    super(message, code);
  }
}
