/** Base class of every error evoscale throws on purpose; `code` is stable for programs, `message` is for people. */
export class EvoscaleError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A caller passed a value the API cannot accept (bad seed, action out of range, unknown id…). */
export class InvalidArgumentError extends EvoscaleError {
  constructor(message: string) {
    super(message, 'INVALID_ARGUMENT');
  }
}
