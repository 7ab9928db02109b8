/**
 * Backends by name: which ones exist, how a name from a flag or a file is checked, and which one really runs.
 * `auto` takes the best installed (tfjs-node-gpu, then tfjs-node, then the CPU kernels); a TensorFlow.js
 * flavour asked for by name and not installed is refused with the command that installs it.
 */
import { EvoscaleError, InvalidArgumentError } from '../../shared/errors.js';

import { BACKEND_NAMES } from '../../shared/config/values.js';

export { BACKEND_NAMES };

/** What a user may ask for (`--backend`, the `backend` setting, a trial spec). */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** A backend that can actually run: `auto` resolved. */
export type ConcreteBackend = Exclude<BackendName, 'auto'>;

// The full type stays out of the published declarations (see TfModule); only loadFlavour's body uses it.
type Tf = typeof import('@tensorflow/tfjs');

/**
 * A loaded TensorFlow.js module as evoscale's published typings show it. @tensorflow/tfjs is an optional
 * peer dependency, so these typings must not name it: a user who never installs it still type-checks with
 * `skipLibCheck: false`. Code that runs ops widens it with `tfOf` (tf_module.ts).
 */
export interface TfModule {
  getBackend(): string;
}

/** A TensorFlow.js flavour was asked for by name but its package cannot be loaded here. */
export class BackendUnavailableError extends EvoscaleError {
  constructor(
    readonly backend: Exclude<ConcreteBackend, 'cpu'>,
    reason: string,
  ) {
    super(
      `backend '${backend}' is not available: @tensorflow/${backend} cannot be loaded (${reason}). ` +
        `Install it with \`npm install @tensorflow/${backend}\`` +
        (backend === 'tfjs-node-gpu' ? ' (needs CUDA and cuDNN matching its libtensorflow)' : '') +
        `, or choose another with --backend (cpu always works; auto takes the best installed).`,
      'BACKEND_UNAVAILABLE',
    );
  }
}

/** Checks a backend name read from `where` (a flag, a settings key, a trial spec). */
export function parseBackend(raw: unknown, where: string): BackendName {
  if (typeof raw === 'string' && (BACKEND_NAMES as readonly string[]).includes(raw)) return raw as BackendName;
  throw new InvalidArgumentError(
    `${where}: backend must be one of ${BACKEND_NAMES.join(', ')}; got ${JSON.stringify(raw)}`,
  );
}

/** A backend ready to run: its name, the label of what really runs, and the TensorFlow.js module if any. */
export interface LoadedBackend {
  readonly name: ConcreteBackend;
  /** What really runs: 'cpu', or '<package>:<tf.getBackend()>' such as 'tfjs:cpu' or 'tfjs-node-gpu:tensorflow'. */
  readonly label: string;
  /** Present for every backend but 'cpu'. */
  readonly tf?: TfModule;
}

export const CPU_BACKEND: LoadedBackend = { name: 'cpu', label: 'cpu' };

// One load per flavour and thread: importing a native TensorFlow.js binding twice is wasted seconds.
const loads = new Map<Exclude<ConcreteBackend, 'cpu'>, Promise<LoadedBackend>>();

function loadFlavour(name: Exclude<ConcreteBackend, 'cpu'>): Promise<LoadedBackend> {
  let p = loads.get(name);
  if (p === undefined) {
    p = (async () => {
      let tf: Tf;
      try {
        tf = (await import(`@tensorflow/${name}`)) as Tf;
        await tf.ready();
      } catch (e) {
        throw new BackendUnavailableError(name, (e as Error).message.split('\n')[0]);
      }
      return { name, label: `${name}:${tf.getBackend()}`, tf };
    })();
    // A failed load is not cached, so installing the package and retrying in the same process works.
    p.catch(() => loads.delete(name));
    loads.set(name, p);
  }
  return p;
}

/**
 * Loads `requested`: 'cpu' needs nothing, a TensorFlow.js flavour must be installed (else
 * BackendUnavailableError), 'auto' takes the first of tfjs-node-gpu, tfjs-node, cpu that loads.
 */
export async function loadBackend(requested: BackendName): Promise<LoadedBackend> {
  if (requested === 'cpu') return CPU_BACKEND;
  if (requested !== 'auto') return loadFlavour(requested);
  for (const name of ['tfjs-node-gpu', 'tfjs-node'] as const) {
    try {
      return await loadFlavour(name);
    } catch (e) {
      if (!(e instanceof BackendUnavailableError)) throw e;
    }
  }
  return CPU_BACKEND;
}
