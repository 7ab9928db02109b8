// Imported first by test files that record LunarLander episodes for the server: the server replays with the
// portable Math the browser uses, so the recording must too (it has to run before planck loads).
import { installPortableMath } from '../../../src/collect/client/portable_math.js';

installPortableMath();
