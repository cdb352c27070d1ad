/**
 * hwthread derivation from job_resources (documented in src/slurm/resources.ts):
 * core id = socket × cores_per_socket + core; thread t of a core = core id + t × total_cores.
 * The corpus has only one thread per core, so SMT cases are synthetic here.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readJobResources, jobResourcesLayout } from '../src/slurm/resources.js';

const NUM = (n: number) => ({ set: true, infinite: false, number: n });
const UNSET = { set: false, infinite: false, number: 0 };

/** v0.0.41+ allocation entry: `alloc` lists [socket, core] pairs marked ALLOCATED. */
function v41Node(name: string, sockets: number, cores: number, alloc: Array<[number, number]>, cpus: number) {
  return {
    index: 0,
    name,
    cpus: { count: cpus, used: 0 },
    memory: { used: 0, allocated: 512 },
    sockets: Array.from({ length: sockets }, (_, s) => ({
      index: s,
      cores: Array.from({ length: cores }, (_, c) => ({ index: c, status: [alloc.some(([as, ac]) => as === s && ac === c) ? 'ALLOCATED' : 'UNALLOCATED'] })),
    })),
  };
}
const v41 = (tpc: unknown, ...nodes: unknown[]) => ({ select_type: ['CORE'], cpus: 0, threads_per_core: tpc, nodes: { count: nodes.length, list: 'x', whole: false, allocation: nodes } });

describe('v0.0.41+ layout', () => {
  test('2 sockets × 4 cores, one thread per core', () => {
    const r = readJobResources(v41(UNSET, v41Node('a', 2, 4, [[0, 1], [1, 2]], 2)), 1, 2);
    assert.equal(r.layout, 'v0.0.41');
    assert.deepEqual(r.byHost.get('a'), { cpus: 2, hwthreads: [1, 6] });
    assert.deepEqual(r.warnings, []);
  });
  test('SMT: threads_per_core 2 and 2 CPUs per core → Linux-style sibling ids', () => {
    // total cores 8: core (0,1) = 1 → threads 1, 9; core (1,2) = 6 → threads 6, 14
    const r = readJobResources(v41(NUM(2), v41Node('a', 2, 4, [[0, 1], [1, 2]], 4)), 1, 4);
    assert.deepEqual(r.byHost.get('a')?.hwthreads, [1, 6, 9, 14]);
  });
  test('SMT inferred from cpus.count when threads_per_core is not set', () => {
    const r = readJobResources(v41(UNSET, v41Node('a', 1, 4, [[0, 0]], 2)), 1, 2);
    assert.deepEqual(r.byHost.get('a')?.hwthreads, [0, 4]);
  });
  test('one CPU on an SMT core lists one thread', () => {
    const r = readJobResources(v41(NUM(2), v41Node('a', 1, 4, [[0, 3]], 1)), 1, 1);
    assert.deepEqual(r.byHost.get('a')?.hwthreads, [3]);
  });
  test('several nodes keep their order; pending job_resources null/{} is empty', () => {
    const r = readJobResources(v41(UNSET, v41Node('b', 1, 2, [[0, 0]], 1), v41Node('a', 1, 2, [[0, 1]], 1)), 1, 2);
    assert.deepEqual(r.hosts, ['b', 'a']);
    assert.equal(readJobResources(null, 1, 1).layout, 'empty');
    assert.equal(readJobResources({}, 1, 1).layout, 'empty');
  });
  test('no ALLOCATED core, a core index beyond the listing: no hwthreads, a warning', () => {
    const none = readJobResources(v41(UNSET, v41Node('a', 1, 2, [], 1)), 1, 1);
    assert.equal(none.byHost.get('a')?.hwthreads, undefined);
    assert.match(none.warnings[0]?.message ?? '', /no core marked ALLOCATED/);
    const node = v41Node('a', 1, 2, [[0, 0]], 1);
    node.sockets[0]!.cores[0]!.index = 7;
    const bad = readJobResources(v41(UNSET, node), 1, 1);
    assert.equal(bad.byHost.get('a')?.hwthreads, undefined);
    assert.match(bad.warnings[0]?.message ?? '', /core index 7/);
  });
});

describe('v0.0.38–v0.0.40 layout (allocated cores only)', () => {
  const v39 = (...nodes: Array<[string, Record<string, Record<string, string>>]>) => ({
    nodes: 'x',
    allocated_cores: 0,
    allocated_hosts: nodes.length,
    allocated_nodes: nodes.map(([nodename, s]) => ({ nodename, cpus_used: 0, memory_used: 0, memory_allocated: 0, sockets: Object.fromEntries(Object.entries(s).map(([k, cores]) => [k, { cores }])) })),
  });
  test('all cores on socket 0 and one CPU per core: ids are the core indices', () => {
    const r = readJobResources(v39(['node1', { '0': { '0': 'allocated', '1': 'allocated' } }]), 7, 2);
    assert.equal(r.layout, 'v0.0.39');
    assert.deepEqual(r.byHost.get('node1'), { hwthreads: [0, 1], cpus: 2 });
    assert.deepEqual(r.warnings, []);
  });
  test('cores on socket 1: cores per socket unknown, left out with one warning for the job', () => {
    const r = readJobResources(v39(['cn001', { '0': { '0': 'allocated' }, '1': { '0': 'allocated' } }], ['cn002', { '0': { '0': 'allocated' }, '1': { '0': 'allocated' } }]), 307, 4);
    assert.equal(r.byHost.get('cn001')?.hwthreads, undefined);
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0]?.message ?? '', /socket > 0 \(cn001, cn002\)/);
  });
  test('more CPUs than allocated cores (SMT): left out with a warning', () => {
    const r = readJobResources(v39(['n', { '0': { '3': 'allocated' } }]), 1, 2);
    assert.equal(r.byHost.get('n')?.hwthreads, undefined);
    assert.match(r.warnings[0]?.message ?? '', /2 CPUs on 1 allocated cores/);
  });
  test('core ids sorted and distinct whatever the key order; other states and spellings', () => {
    // "07" and "01" are not array-index keys, so they keep their insertion order; "1" and "01" are both core 1.
    const r = readJobResources(v39(['n', { '0': { '5': 'allocated', '07': 'ALLOCATED', '01': 'allocated', '1': 'Allocated', '2': 'idle', '3': 'unassigned' } }]), 1, 4);
    assert.deepEqual(r.byHost.get('n'), { hwthreads: [1, 5, 7], cpus: 4 });
    const arr = readJobResources({ nodes: 'n', allocated_nodes: [{ nodename: 'n', sockets: { '0': { cores: { '4': ['allocated'], '6': ['idle'] } } } }] }, 1, 1);
    assert.deepEqual(arr.byHost.get('n'), { hwthreads: [4], cpus: 1 });
  });
});

describe('v0.0.37 layout', () => {
  test('by node index, CPUs kept, hwthreads left out with a warning', () => {
    const jr = { nodes: 'cs75', allocated_cpus: 1, allocated_hosts: 1, allocated_nodes: { '0': { sockets: { '1': 'unassigned' }, cores: { '0': 'unassigned' }, memory: 64000, cpus: 1 } } };
    assert.equal(jobResourcesLayout(jr), 'v0.0.37');
    const r = readJobResources(jr, 1, 1);
    assert.deepEqual(r.byIndex.get(0), { cpus: 1 });
    assert.match(r.warnings[0]?.message ?? '', /v0.0.37 layout/);
  });
  test('an unknown layout is a warning', () => {
    const r = readJobResources({ something: 1 }, 1, 1);
    assert.equal(r.layout, 'unknown');
    assert.equal(r.warnings.length, 1);
  });
});
