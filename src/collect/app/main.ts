/**
 * The collection page: participant id → game menu → play. Finished episodes go to the outbox (IndexedDB) first and
 * are sent from there; unsent ones are retried on load, every few seconds while any wait, and when the browser
 * comes back online. The status line shows what the server has stored and what still waits.
 */
// First: LunarLander must play with the same Math bits as the server's replay (see client/portable_math.ts).
import './install_math.js';
import { episodeReturn, type HumanEpisode } from '../../shared/human/episode.js';
import { COLLECT_ENV_IDS, GAME_KEYS, isGameKey, type GameKey } from '../client/controls.js';
import { Outbox, type FlushResult, type SubmitResponse } from '../client/outbox.js';
import { Game } from './game.js';
import { openOutboxStore } from './storage.js';

declare const __EVOSCALE_VERSION__: string;

const RETRY_MS = 5000;
const PARTICIPANT_KEY = 'evoscale.participant';
// The collection server's rule (src/collect/submission.ts PARTICIPANT_ID): ids name files, so no dots.
const PARTICIPANT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const KEY_LABELS: Readonly<Record<GameKey, string>> = {
  ArrowLeft: '←',
  ArrowUp: '↑',
  ArrowDown: '↓',
  ArrowRight: '→',
  Space: 'space',
};
const GAME_NAMES: Readonly<Record<string, string>> = {
  'CartPole-v1': 'CartPole',
  'Acrobot-v1': 'Acrobot',
  'MountainCar-v0': 'MountainCar',
  'LunarLander-v3': 'LunarLander',
};

function el<T extends HTMLElement = HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (e === null) throw new Error(`the page lacks #${id}`);
  return e as T;
}

function formatReturn(r: number | null): string {
  if (r === null) return '–';
  return Number.isInteger(r) ? String(r) : r.toFixed(2);
}

interface Summary {
  episodes: number;
  envs: Record<string, { episodes: number }>;
}

async function submit(json: string): Promise<SubmitResponse> {
  const res = await fetch('/api/episodes', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: json,
    cache: 'no-store',
  });
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // a proxy's HTML error page: the status alone decides
  }
  return { status: res.status, body };
}

async function main(): Promise<void> {
  const { store, kind } = await openOutboxStore();
  const outbox = new Outbox(store, submit);
  let participant: string | null = null;
  let summary: Summary | null = null;
  let lastReturn: number | null = null;
  let online = true;
  let game: Game | null = null;

  const show = (section: 'join' | 'menu' | 'play'): void => {
    for (const s of ['join', 'menu', 'play']) el(s).hidden = s !== section;
    el('status').hidden = section === 'join';
  };

  const refreshStatus = async (): Promise<void> => {
    const counts = await outbox.counts();
    el('pending-count').textContent = String(counts.pending);
    el('rejected-count').textContent = String(counts.rejected);
    el('rejected').hidden = counts.rejected === 0;
    el('stored-count').textContent = summary === null ? '?' : String(summary.episodes);
    el('last-return').textContent = formatReturn(lastReturn);
    const conn = el('connection');
    conn.textContent = online ? '' : `server unreachable: your episodes are kept in this browser (${kind})`;
    conn.classList.toggle('offline', !online);
  };

  const takeSummary = (body: unknown): void => {
    const s = (body as { summary?: unknown } | null)?.summary;
    if (typeof s === 'object' && s !== null && (s as { participant?: unknown }).participant === participant)
      summary = s as Summary;
  };

  const flush = async (): Promise<FlushResult> => {
    const r = await outbox.flush();
    for (const a of r.acked) takeSummary(a.body);
    for (const x of r.rejected) console.error(`evoscale: the server refused episode ${x.id}: ${x.message}`);
    online = r.error === undefined;
    await refreshStatus();
    return r;
  };

  const loadSummary = async (): Promise<void> => {
    if (participant === null) return;
    try {
      const res = await fetch(`/api/participants/${encodeURIComponent(participant)}`, { cache: 'no-store' });
      if (res.ok) summary = (await res.json()) as Summary;
      online = res.ok;
    } catch {
      online = false;
    }
    await refreshStatus();
  };

  // Keys
  const keysBox = el('keys');
  for (const k of GAME_KEYS) {
    const cap = document.createElement('span');
    cap.className = `key${k === 'Space' ? ' space' : ''}`;
    cap.dataset.key = k;
    cap.textContent = KEY_LABELS[k];
    keysBox.append(cap);
  }
  const paintKeys = (): void => {
    const held = new Set(game?.heldKeys() ?? []);
    for (const cap of Array.from(keysBox.children) as HTMLElement[]) {
      const k = cap.dataset.key as GameKey;
      const used = game !== null && (game.controls.actions[k] !== undefined || game.controls.startKeys.includes(k));
      cap.classList.toggle('active', used);
      cap.classList.toggle('down', held.has(k));
    }
  };

  const startHint = (g: Game): string =>
    g.controls.startKeys.includes('Space')
      ? 'Press space to start'
      : `Press ${g.controls.startKeys.map((k) => KEY_LABELS[k]).join(' or ')} to start`;

  const paintGame = (g: Game): void => {
    const play = el('play');
    play.dataset.state = g.state;
    play.dataset.steps = String(g.steps);
    const overlay = el('overlay');
    if (g.state === 'ready') overlay.innerHTML = `<div>${startHint(g)}</div>`;
    else if (g.state === 'over')
      overlay.innerHTML = `<div>Episode over · return ${formatReturn(g.episodeReturn)}</div>`;
    else overlay.textContent = '';
    el('episode-info').textContent =
      g.state === 'playing' ? `step ${g.steps} · return ${formatReturn(g.episodeReturn)}` : '';
    paintKeys();
  };

  const openGame = (envId: string): void => {
    game?.dispose();
    const canvas = el<HTMLCanvasElement>('screen');
    const appMeta = { app: 'evoscale collect', appVersion: __EVOSCALE_VERSION__, storage: kind };
    const g = new Game(canvas, envId, participant as string, appMeta, {
      onEpisode: (ep: HumanEpisode) => {
        lastReturn = episodeReturn(ep);
        void outbox.add(ep).then(flush, (e: unknown) => {
          console.error('evoscale: cannot store the episode in this browser', e);
        });
      },
      onChange: (x) => paintGame(x),
    });
    game = g;
    el('game-name').textContent = GAME_NAMES[envId] ?? envId;
    show('play');
    (document.activeElement as HTMLElement | null)?.blur();
    canvas.focus();
    paintGame(g);
  };

  const closeGame = (): void => {
    game?.dispose();
    game = null;
    el('play').dataset.state = 'idle';
    show('menu');
  };

  // Menu
  const games = el('games');
  for (const envId of COLLECT_ENV_IDS) {
    const b = document.createElement('button');
    b.type = 'button';
    b.dataset.env = envId;
    b.textContent = GAME_NAMES[envId] ?? envId;
    b.addEventListener('click', () => openGame(envId));
    games.append(b);
  }

  const enter = (id: string): void => {
    participant = id;
    localStorage.setItem(PARTICIPANT_KEY, id);
    summary = null;
    el('who').textContent = id;
    show('menu');
    void loadSummary();
  };

  el<HTMLFormElement>('join-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const id = el<HTMLInputElement>('participant').value.trim();
    if (!PARTICIPANT.test(id)) {
      el('join-error').textContent = 'Use 1–64 letters, digits, _ or -, starting with a letter or digit';
      return;
    }
    el('join-error').textContent = '';
    enter(id);
  });
  el('switch').addEventListener('click', () => {
    closeGame();
    show('join');
  });
  el('back').addEventListener('click', closeGame);

  window.addEventListener('keydown', (e) => {
    if (game === null || !isGameKey(e.code)) return;
    e.preventDefault();
    game.keyDown(e.code, e.repeat, performance.now());
  });
  window.addEventListener('keyup', (e) => {
    if (game === null || !isGameKey(e.code)) return;
    e.preventDefault();
    game.keyUp(e.code);
  });
  window.addEventListener('blur', () => game?.releaseAll());
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) game?.releaseAll();
  });
  window.addEventListener('online', () => void flush());

  const saved = localStorage.getItem(PARTICIPANT_KEY);
  if (saved !== null && PARTICIPANT.test(saved)) el<HTMLInputElement>('participant').value = saved;
  show('join');
  await flush();
  setInterval(() => {
    void outbox.counts().then((c) => {
      if (c.pending > 0) void flush();
    });
  }, RETRY_MS);
  document.body.dataset.ready = 'true';
}

main().catch((e: unknown) => {
  document.body.dataset.ready = 'error';
  document.body.textContent = `The page could not start: ${e instanceof Error ? e.message : String(e)}`;
});
