/**
 * The server's replay thread: installs the portable Math (see client/portable_math.ts) before any environment code
 * loads, so LunarLander replays give the bits the browser computed, then judges the episodes it is sent.
 * Messages in: `{ seq, episode }`; out: `{ seq, verdict }`.
 */
import { parentPort } from 'node:worker_threads';
import { installPortableMath } from './client/portable_math.js';
import type { HumanEpisode } from '../shared/human/episode.js';

installPortableMath();
// Imported only now: planck captures Math.sin/cos/atan2 when it first loads.
const { replaySubmission } = await import('./submission.js');

if (parentPort === null) throw new Error('replay_worker.js runs as a worker thread of the collection server');
const port = parentPort;
port.on('message', (msg: { seq: number; episode: HumanEpisode }) => {
  port.postMessage({ seq: msg.seq, verdict: replaySubmission(msg.episode) });
});
port.postMessage({ ready: true });
