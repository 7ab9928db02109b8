// Imported first by main.ts: the portable Math must be in place before planck (LunarLander) loads.
import { installPortableMath } from '../client/portable_math.js';

installPortableMath();
