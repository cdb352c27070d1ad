import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expandHostlist, tryExpandHostlist, HostlistError } from '../src/slurm/hostlist.js';
import { gresGpus, parseGres, parseIndexList } from '../src/slurm/gres.js';
import { parseTres, tresGpuCount } from '../src/slurm/tres.js';
import { normaliseState } from '../src/slurm/state.js';
import { count, epoch, num, readNum, str, strList } from '../src/slurm/values.js';

describe('expandHostlist', () => {
  test('single host, plain list', () => {
    assert.deepEqual(expandHostlist('cs75'), ['cs75']);
    assert.deepEqual(expandHostlist('a,b,c'), ['a', 'b', 'c']);
  });
  test('ranges and single numbers in one bracket', () => {
    assert.deepEqual(expandHostlist('dave[4,31,40-42]'), ['dave4', 'dave31', 'dave40', 'dave41', 'dave42']);
    assert.deepEqual(expandHostlist('node[1,4]'), ['node1', 'node4']);
    assert.deepEqual(expandHostlist('ng[30103,30203,30706-30707]'), ['ng30103', 'ng30203', 'ng30706', 'ng30707']);
  });
  test('zero padding is kept', () => {
    const hosts = expandHostlist('cn[001-050,052-065]');
    assert.equal(hosts.length, 64);
    assert.equal(hosts[0], 'cn001');
    assert.equal(hosts[9], 'cn010');
    assert.equal(hosts[49], 'cn050');
    assert.equal(hosts[50], 'cn052');
    assert.equal(hosts[63], 'cn065');
    assert.ok(!hosts.includes('cn051'));
    assert.deepEqual(expandHostlist('f[0101-0103]'), ['f0101', 'f0102', 'f0103']);
    assert.deepEqual(expandHostlist('n[08-11]'), ['n08', 'n09', 'n10', 'n11']);
  });
  test('unpadded ranges crossing a digit boundary', () => {
    assert.deepEqual(expandHostlist('n[8-11]'), ['n8', 'n9', 'n10', 'n11']);
  });
  test('comma-separated hostlists with and without brackets', () => {
    assert.deepEqual(expandHostlist('a[1-2],b3'), ['a1', 'a2', 'b3']);
    assert.deepEqual(expandHostlist('login,f[0101-0102],gpu[1-2]'), ['login', 'f0101', 'f0102', 'gpu1', 'gpu2']);
  });
  test('several bracket groups expand as a product, suffix kept', () => {
    assert.deepEqual(expandHostlist('r[1-2]n[1-2]'), ['r1n1', 'r1n2', 'r2n1', 'r2n2']);
    assert.deepEqual(expandHostlist('rack[1-2]-ib'), ['rack1-ib', 'rack2-ib']);
  });
  test('host names with dashes, dots and digits', () => {
    assert.deepEqual(expandHostlist('cs1.example.com,gpu-a[1-2]'), ['cs1.example.com', 'gpu-a1', 'gpu-a2']);
  });
  test('no hosts', () => {
    assert.deepEqual(expandHostlist(''), []);
    assert.deepEqual(expandHostlist('None assigned'), []);
    assert.deepEqual(expandHostlist('(null)'), []);
    assert.deepEqual(expandHostlist('  '), []);
  });
  test('syntax errors throw HostlistError; tryExpandHostlist returns undefined', () => {
    for (const bad of ['n[1-', 'n[]', 'n[3-1]', 'n[a-b]', 'n]1[', 'n[1-2[3]]']) {
      assert.throws(() => expandHostlist(bad), HostlistError, bad);
      assert.equal(tryExpandHostlist(bad), undefined, bad);
    }
  });
  test('refuses absurd ranges instead of exhausting memory', () => {
    assert.throws(() => expandHostlist('n[0-999999999]'), HostlistError);
    assert.throws(() => expandHostlist('a[0-9999]b[0-9999]'), HostlistError);
  });
});

describe('parseGres / gresGpus', () => {
  test('two typed GPU entries on one node', () => {
    const { entries, bad } = parseGres('gpu:h100:2(IDX:0-1),gpu:h200:4(IDX:2-5)');
    assert.deepEqual(bad, []);
    assert.deepEqual(entries, [
      { name: 'gpu', type: 'h100', count: 2, indices: [0, 1] },
      { name: 'gpu', type: 'h200', count: 4, indices: [2, 3, 4, 5] },
    ]);
    assert.deepEqual(gresGpus('gpu:h100:2(IDX:0-1),gpu:h200:4(IDX:2-5)'), { count: 6, indices: [0, 1, 2, 3, 4, 5], bad: [] });
  });
  test('untyped with an index list', () => {
    assert.deepEqual(parseGres('gpu:2(IDX:0,1)').entries, [{ name: 'gpu', count: 2, indices: [0, 1] }]);
    assert.deepEqual(gresGpus('gpu:8(IDX:0-7)'), { count: 8, indices: [0, 1, 2, 3, 4, 5, 6, 7], bad: [] });
  });
  test('count implied by the indices; sparse indices', () => {
    assert.deepEqual(parseGres('gpu(IDX:0)').entries, [{ name: 'gpu', count: 1, indices: [0] }]);
    assert.deepEqual(gresGpus('gpu:a100:3(IDX:0,2-3)'), { count: 3, indices: [0, 2, 3], bad: [] });
  });
  test('tmp(CNT:…) is not a GPU', () => {
    assert.deepEqual(parseGres('tmp(CNT:262144000)').entries, [{ name: 'tmp', count: 262144000 }]);
    assert.deepEqual(gresGpus('tmp(CNT:262144000)'), { count: 0, bad: [] });
    assert.deepEqual(gresGpus('gpu:p100:2(IDX:0-1),tmp(CNT:786432000)'), { count: 2, indices: [0, 1], bad: [] });
  });
  test('socket affinity and MIG types, without indices', () => {
    assert.deepEqual(parseGres('gpu:nvidia_h100_80gb_hbm3:8(S:0-1)').entries, [
      { name: 'gpu', type: 'nvidia_h100_80gb_hbm3', count: 8, sockets: [0, 1] },
    ]);
    assert.deepEqual(gresGpus('gpu:1g.10gb:21(S:1)'), { count: 21, bad: [] });
  });
  test('IDX:N/A leaves indices unknown', () => {
    assert.deepEqual(gresGpus('gpu:a100:1(IDX:N/A)'), { count: 1, bad: [] });
  });
  test('old tres-style prefixes', () => {
    assert.deepEqual(parseGres('gres:gpu:8').entries, [{ name: 'gpu', count: 8 }]);
    assert.deepEqual(parseGres('gres/gpu:4').entries, [{ name: 'gpu', count: 4 }]);
  });
  test('empty and junk', () => {
    assert.deepEqual(parseGres(''), { entries: [], bad: [] });
    assert.deepEqual(parseGres(null), { entries: [], bad: [] });
    assert.deepEqual(parseGres('(null)'), { entries: [], bad: [] });
    assert.deepEqual(parseGres('gpu:2(IDX:0-1),???').bad, ['???']);
    assert.equal(gresGpus('gpu:2(IDX:0-1),???').count, 2);
  });
  test('parseIndexList', () => {
    assert.deepEqual(parseIndexList('0-1,4,6-7'), [0, 1, 4, 6, 7]);
    assert.equal(parseIndexList('N/A'), undefined);
    assert.equal(parseIndexList('3-1'), undefined);
    assert.equal(parseIndexList('x'), undefined);
  });
});

describe('parseTres / tresGpuCount', () => {
  test('ctld strings, memory in MiB', () => {
    assert.deepEqual(parseTres('cpu=1,mem=62.50G,node=1,billing=1'), { tres: { cpu: 1, mem: 64000, node: 1, billing: 1 }, bad: [] });
    assert.deepEqual(parseTres('cpu=2,mem=2000M,node=2,billing=2').tres, { cpu: 2, mem: 2000, node: 2, billing: 2 });
    assert.equal(parseTres('mem=1T').tres['mem'], 1024 * 1024);
    assert.equal(parseTres('mem=512K').tres['mem'], 0.5);
  });
  test('GPUs in a string', () => {
    const { tres } = parseTres('cpu=1,mem=62.50G,node=1,billing=1,gres/gpu=8');
    assert.equal(tresGpuCount(tres), 8);
    // typed entries next to the plain one are not added on top
    assert.equal(tresGpuCount(parseTres('cpu=8,gres/gpu=4,gres/gpu:a100=4').tres), 4);
    // typed entries alone are summed
    assert.equal(tresGpuCount(parseTres('gres/gpu:a100=2,gres/gpu:v100=1').tres), 3);
    assert.equal(tresGpuCount(parseTres('cpu=1,node=1').tres), undefined);
    assert.equal(tresGpuCount(parseTres('cpu=1,gres/gpu=0').tres), 0);
  });
  test('db lists, including typed gpu names, nulls and -2', () => {
    const list = [
      { type: 'cpu', name: null, id: 1, count: 4 },
      { type: 'mem', name: '', id: 2, count: 32768 },
      { type: 'energy', name: '', id: 3, count: -2 },
      { type: 'energy', name: null, id: 3, count: null },
      { type: 'gres', name: 'gpu', id: 1001, count: 16 },
      { type: 'gres', name: 'tmp', id: 1002, count: 524288000 },
    ];
    assert.deepEqual(parseTres(list).tres, { cpu: 4, mem: 32768, 'gres/gpu': 16, 'gres/tmp': 524288000 });
    assert.equal(tresGpuCount(parseTres(list).tres), 16);
    assert.equal(tresGpuCount(parseTres([{ type: 'gres', name: 'gpu:a100', count: 2 }]).tres), 2);
    assert.equal(tresGpuCount(parseTres([{ type: 'gres', name: 'tmp', count: 5 }]).tres), undefined);
  });
  test('junk entries are reported, not thrown', () => {
    assert.deepEqual(parseTres('cpu=1,garbage,mem=xyz').bad, ['garbage', 'mem=xyz']);
    assert.deepEqual(parseTres([42, { name: 'gpu' }]).bad.length, 2);
    assert.deepEqual(parseTres(''), { tres: {}, bad: [] });
    assert.deepEqual(parseTres(undefined), { tres: {}, bad: [] });
  });
});

describe('NUM and friends', () => {
  test('plain ints, NUM structs, null', () => {
    assert.deepEqual(readNum(5), { kind: 'value', n: 5 });
    assert.deepEqual(readNum({ set: true, infinite: false, number: 42 }), { kind: 'value', n: 42 });
    assert.deepEqual(readNum({ set: false, infinite: false, number: 0 }), { kind: 'unset' });
    assert.deepEqual(readNum({ set: false, infinite: true, number: 0 }), { kind: 'infinite' });
    assert.deepEqual(readNum(null), { kind: 'unset' });
    assert.deepEqual(readNum(undefined), { kind: 'missing' });
    assert.deepEqual(readNum('17'), { kind: 'value', n: 17 });
    assert.equal(readNum('x').kind, 'invalid');
    assert.equal(readNum({ a: 1 }).kind, 'invalid');
    assert.equal(num({ set: true, infinite: false, number: 3 }), 3);
    assert.equal(count(-1), undefined);
    assert.equal(epoch(0), undefined);
    assert.equal(epoch({ set: true, infinite: false, number: 1762788887 }), 1762788887);
  });
  test('strings or string arrays', () => {
    assert.equal(str(['RUNNING']), 'RUNNING');
    assert.equal(str(''), undefined);
    assert.equal(str(null), undefined);
    assert.deepEqual(strList(['none']), ['none']);
    assert.deepEqual(strList('a,b', true), ['a', 'b']);
    assert.deepEqual(strList(null), []);
  });
  test('job states: string, array with flags, flag-only string forms', () => {
    assert.deepEqual(normaliseState('RUNNING'), { state: 'RUNNING', flags: [] });
    assert.deepEqual(normaliseState(['COMPLETED']), { state: 'COMPLETED', flags: [] });
    assert.deepEqual(normaliseState(['CANCELLED', 'COMPLETING']), { state: 'CANCELLED', flags: ['COMPLETING'] });
    assert.deepEqual(normaliseState(['REQUEUED', 'PENDING']), { state: 'PENDING', flags: ['REQUEUED'] });
    assert.deepEqual(normaliseState('COMPLETING'), { state: 'COMPLETING', flags: [] });
    assert.deepEqual(normaliseState('CANCELLED by 0'), { state: 'CANCELLED', flags: [] });
    assert.deepEqual(normaliseState('oom'), { state: 'OUT_OF_MEMORY', flags: [] });
    assert.equal(normaliseState(''), undefined);
    assert.equal(normaliseState([]), undefined);
    assert.equal(normaliseState(7), undefined);
  });
});
