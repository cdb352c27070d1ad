// metaData.slurmInfo times: the cached per-day formatting must print exactly what
// Date.prototype.toISOString() does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SlurmJob } from '../src/slurm/job.js';
import { slurmInfo } from '../src/mapping/slurm-info.js';

const job = (submitTime: number | undefined): SlurmJob => ({
  jobId: 1,
  arrayJobId: 0,
  state: 'RUNNING',
  stateFlags: [],
  nodes: [],
  allocation: [],
  sharing: 'unset',
  family: 'ctld',
  parser: 'v0.0.38',
  placeholder: false,
  ...(submitTime === undefined ? {} : { submitTime }),
});

const submitText = (t: number | undefined): string => /SubmitTime=(\S+)/.exec(slurmInfo(job(t)))![1]!;
const iso = (t: number): string => new Date(t * 1000).toISOString().slice(0, 19);

test('slurmInfo times read as toISOString() under TZ=UTC', () => {
  const fixed = [0, 1, 59, 60, 3599, 3600, 86399, 86400, 86401, 951782400 /* 2000-02-29 */, 1733230000, 4102444799, 253402300799];
  for (const t of fixed) assert.equal(submitText(t), iso(t), String(t));
  // the same day again (cached) and many other days
  for (let t = 1700000000; t < 1700000000 + 40 * 86400; t += 7919) assert.equal(submitText(t), iso(t), String(t));
  let seed = 7;
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const t = Math.floor((seed / 2147483648) * 4102444800);
    assert.equal(submitText(t), iso(t), String(t));
  }
  assert.equal(submitText(undefined), 'Unknown');
  // outside 1970–9999 or fractional: still exactly toISOString()
  for (const t of [253402300800, -1, 1.5]) assert.equal(submitText(t), iso(t), String(t));
});
