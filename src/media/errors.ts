import { EvoscaleError } from '../shared/errors.js';

/** Rendering or video writing failed in Node: missing canvas library, unwritable path, bad frame. */
export class MediaError extends EvoscaleError {
  constructor(message: string, code = 'MEDIA_ERROR') {
    super(message, code);
  }
}
