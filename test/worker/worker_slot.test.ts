import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { claimWorkerSlot, WorkerSlotError } from '../../src/cluster/worker/worker_slot.js';

const lockDir = mkdtempSync(join(tmpdir(), 'evoscale-slots-'));
after(() => rmSync(lockDir, { recursive: true, force: true }));

/** A pid that is certainly not running: a child that has already exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('default worker ids', () => {
  it('are <host>-<slot>, with the lowest free slot per host', () => {
    const a = claimWorkerSlot({ host: 'node-a', lockDir });
    const b = claimWorkerSlot({ host: 'node-a', lockDir });
    const other = claimWorkerSlot({ host: 'node-b', lockDir });
    assert.deepEqual([a.id, b.id, other.id], ['node-a-0', 'node-a-1', 'node-b-0']);
    a.release();
    b.release();
    other.release();
  });

  it('are the same after a restart: a released slot is claimed again', () => {
    const first = claimWorkerSlot({ host: 'restart', lockDir });
    first.release();
    assert.equal(claimWorkerSlot({ host: 'restart', lockDir }).id, first.id);
  });

  it('take over the slot of a worker that crashed (its pid no longer runs)', () => {
    claimWorkerSlot({ host: 'crash', lockDir, pid: deadPid() }); // never released, as after SIGKILL
    const next = claimWorkerSlot({ host: 'crash', lockDir });
    assert.equal(next.id, 'crash-0');
    next.release();
  });

  it('refuse with a typed error naming --id when every slot is held by a running worker', () => {
    const held = claimWorkerSlot({ host: 'full', lockDir, maxSlots: 1 });
    assert.throws(
      () => claimWorkerSlot({ host: 'full', lockDir, maxSlots: 1 }),
      (e: unknown) => e instanceof WorkerSlotError && /--id/.test(e.message) && e.message.includes(lockDir),
    );
    held.release();
  });
});
