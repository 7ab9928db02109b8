import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRuntimeMetrics, quantile } from '../../src/metrics/registry.js';
import { serveMetrics } from '../../src/metrics/server.js';

describe('metrics', () => {
  it('are served on /metrics with evoscale_ names, units and _total counters', async () => {
    const m = createRuntimeMetrics();
    m.generations.inc({ run: 'r' });
    m.evaluations.inc({ run: 'r', worker: 'w' }, 50);
    m.shardLatency.observe({ worker: 'w' }, 0.02);
    m.malformedFrames.inc({ reason: 'undecodable' });
    m.bytesSent.inc({ peer: 'w' }, 100);
    m.fitness.set({ run: 'r', q: '0.5' }, 1.5);
    const server = await serveMetrics(m.registry, 0, '127.0.0.1');
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
      assert.equal(res.status, 200);
      const text = await res.text();
      for (const name of [
        'evoscale_generations_total{run="r"} 1',
        'evoscale_evaluations_total{run="r",worker="w"} 50',
        'evoscale_shard_latency_seconds_bucket',
        'evoscale_malformed_frames_total{reason="undecodable"} 1',
        'evoscale_bytes_sent_total{peer="w"} 100',
        'evoscale_fitness{run="r",q="0.5"} 1.5',
        'process_cpu_seconds_total',
        'evoscale_build_info{',
        'evoscale_workers_connected',
        'evoscale_shards_redispatched_total',
        'evoscale_bytes_received_total',
        'evoscale_sgd_loss',
        'evoscale_evaluations_per_second',
      ]) {
        assert.ok(text.includes(name), `missing ${name}`);
      }
      for (const line of text.split('\n')) {
        if (line.startsWith('# TYPE ')) {
          const [, , metric, type] = line.split(' ');
          // prom-client's process metrics keep their standard unprefixed names.
          if (!/^(process|nodejs)_/.test(metric)) assert.match(metric, /^evoscale_/);
          if (type === 'counter') assert.match(metric, /_total$/);
        }
      }
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/healthz`)).status, 200);
    } finally {
      await server.close();
    }
  });

  it('quantiles interpolate linearly like NumPy', () => {
    assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
    assert.equal(quantile([1, 2, 3, 4], 1), 4);
    assert.ok(Number.isNaN(quantile([], 0.5)));
  });
});
