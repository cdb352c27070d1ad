// R3 streams on a real 3-node JetStream cluster started by the test harness.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jetstream, jetstreamManager, type PubAck } from '@nats-io/jetstream';
import { startNatsCluster, type NatsClusterHandle } from '../../../test/harness/nats-server.js';
import { pollUntil } from '../../../test/harness/process.js';
import { connectNats, ensureJetStreamResources, parseNatsSettings } from '../src/nats/mod.js';

describe('R3 stream on a 3-node cluster', () => {
  let cluster: NatsClusterHandle;
  before(async () => {
    cluster = await startNatsCluster(3);
  });
  after(async () => {
    await cluster?.cleanup();
  });

  it('creates R3 resources idempotently and keeps every acknowledged event when the stream leader is killed', async () => {
    const s = parseNatsSettings({ natsServers: cluster.urls, streamReplicas: 3 });
    const nc = await connectNats(s, { name: 'test-cluster' });
    try {
      const res = await ensureJetStreamResources(nc, s, { consumer: true });
      assert.equal(res.clustered, true);
      assert.equal(res.stream.config.num_replicas, 3);
      assert.equal(res.dlq.config.num_replicas, 3);
      assert.equal(res.consumer?.config.durable_name, 'cc-backend-forwarder');
      const again = await ensureJetStreamResources(nc, s, { consumer: true });
      assert.deepEqual(again.stream.config, res.stream.config);
      assert.deepEqual(again.consumer?.config, res.consumer?.config);

      const js = jetstream(nc, { timeout: 5_000 });
      const publish = async (i: number): Promise<PubAck> =>
        // During a leader election a publish can time out or find no responders: retry with
        // the same msg id, as the publisher does; dedupe makes the retry free.
        await pollUntil(
          `publish ${i}`,
          async () => await js.publish(`jobs.fritz.start_job`, JSON.stringify({ i }), { msgID: `fritz:${i}:0:start_job` }),
          { timeoutMs: 30_000, intervalMs: 200 },
        );
      for (let i = 0; i < 20; i++) await publish(i);

      const jsm = await jetstreamManager(nc);
      const leaderName = (await jsm.streams.info(s.streamName)).cluster?.leader;
      assert.ok(leaderName);
      const leader = cluster.servers.find((x) => x.serverName === leaderName);
      assert.ok(leader, `stream leader ${leaderName} is one of ours`);
      await leader.kill9();

      for (let i = 20; i < 40; i++) await publish(i);
      const info = await pollUntil(
        'the stream to answer with a new leader',
        async () => {
          const si = await jsm.streams.info(s.streamName);
          return si.cluster?.leader && si.cluster.leader !== leaderName ? si : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      assert.equal(info.state.messages, 40);

      // The killed node comes back, catches up, and the replicas are current again.
      await leader.restart();
      await pollUntil(
        'all replicas current',
        async () => {
          const si = await jsm.streams.info(s.streamName);
          const reps = si.cluster?.replicas ?? [];
          return reps.length === 2 && reps.every((r) => r.current) ? si : undefined;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      // Re-publishing an already stored event is deduplicated across the failover.
      assert.equal((await publish(5)).duplicate, true);
      const consumer = await jetstream(nc).consumers.get(s.streamName, s.consumerName);
      const first = await consumer.next({ expires: 5_000 });
      assert.deepEqual(first?.json(), { i: 0 });
      first?.ack();
    } finally {
      await nc.close();
    }
  });
});
