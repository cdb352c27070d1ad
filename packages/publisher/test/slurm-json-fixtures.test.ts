/**
 * Every real Slurm job list in fixtures/ (copied from shared/slurm-json, see fixtures/SOURCES.md)
 * read and mapped, against expected values written out below. The expected rows were looked up
 * in the JSON files themselves (jq / a separate Python script over the raw JSON: base state,
 * start/end epoch, hostlist expanded by hand, GPU count from tres_alloc_str / gres_detail / tres,
 * array ids, time limit, CPUs, and hwthreads as socket × cores_per_socket + core from the
 * job_resources listing) — not from this project's output.
 *
 * Row fields: start/end are SlurmJob.startTime/endTime (0 in the JSON → undefined); `hw` is
 * hwthreads per host as ranges ("0-3,32") or undefined where not derivable (v0.0.37 layout,
 * cores on socket > 0 in the v0.0.38–v0.0.40 layout); `ev` is what jobEvents must produce:
 * "none" (not sent), "start" (start_job only) or the cc-backend state of the stop_job.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StartJobBody, StopJobBody } from '@cc-slurm-bridge/shared';
import { readSlurmJobs } from '../src/slurm/read.js';
import type { SlurmJob } from '../src/slurm/job.js';
import { jobEvents } from '../src/mapping/events.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Row {
  id: number;
  user: string | undefined;
  account: string | undefined;
  partition: string | undefined;
  state: string;
  start: number | undefined;
  end: number | undefined;
  hosts: string[];
  gpus: number | undefined;
  /** [arrayJobId] or [arrayJobId, arrayTaskId] */
  array: [number] | [number, number];
  limit: number | 'infinite' | undefined;
  cpus: number | undefined;
  hw?: Record<string, string | undefined> | undefined;
  placeholder?: boolean;
  ev: 'none' | 'start' | 'completed' | 'failed' | 'cancelled' | 'timeout' | 'node_fail' | 'out_of_memory';
}
interface FileExpect {
  family: 'ctld' | 'db';
  parser: string;
  release: string;
  jobs: Row[];
}

/** Warning fields each file is expected to produce (all others: none). */
const EXPECTED_WARNINGS: Record<string, string[]> = {
  '21.08/squeue-rivos-2jobs-SPLICED.json': ['job_resources.allocated_nodes', 'meta'],
  '23.02/slurmrestd-job-completed-multinode.json': ['job_resources.allocated_nodes'],
  '23.02/slurmrestd-job-running.json': ['job_resources.allocated_nodes'],
  '23.02/slurmrestd-jobs-30jobs.json': ['job_resources.allocated_nodes'],
  '23.11/slurmrestd-jobs-14jobs.json': ['job_resources.allocated_nodes'],
  '23.11/slurmrestd-jobs-talapas-array.json': ['job_resources.allocated_nodes'],
};

const EXPECTED: Record<string, FileExpect> = {
  "21.08/sacct-cedar-1job-requeued-gpu.json": {
    family: 'db', parser: 'v0.0.37', release: '21.08.8-2',
    jobs: [
      { id: 55978384, user: "purah", account: "rrg-bengioy-ad_gpu", partition: "gpubackfill", state: "REQUEUED", start: 1673275023, end: 1673369386, hosts: ["cdr896"], gpus: 1, array: [0], limit: 1440, cpus: 4, ev: "cancelled" },
    ],
  },
  "21.08/squeue-rivos-2jobs-SPLICED.json": {
    family: 'ctld', parser: 'v0.0.37', release: '21.08.5',
    jobs: [
      { id: 26515966, user: "bkd", account: "account1", partition: "hw-l", state: "RUNNING", start: 1684114921, end: 1686633833, hosts: ["cs75"], gpus: 0, array: [0], limit: 30240, cpus: 1, hw: undefined, ev: "start" },
      { id: 58948420, user: "bkd", account: "account1", partition: "hw-m", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [58948420], limit: 1439, cpus: 1, hw: undefined, ev: "none" },
    ],
  },
  "22.05-testcluster/sacct-all-states.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 1, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314383, hosts: ["node1"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "completed" },
      { id: 2, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314381, end: 1796314381, hosts: ["node1"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "failed" },
      { id: 3, user: "root", account: "testacct", partition: "debug", state: "CANCELLED", start: 1796314381, end: 1796314383, hosts: ["node2"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "cancelled" },
      { id: 4, user: "root", account: "testacct", partition: "debug", state: "TIMEOUT", start: 1796314381, end: 1796314467, hosts: ["node2"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "timeout" },
      { id: 5, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node4"], gpus: undefined, array: [5, 3], limit: 525600, cpus: 1, ev: "completed" },
      { id: 6, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314383, hosts: ["node1", "node4"], gpus: undefined, array: [0], limit: 'infinite', cpus: 2, ev: "completed" },
      { id: 7, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314383, end: 1796314386, hosts: ["node1"], gpus: 2, array: [0], limit: 'infinite', cpus: 2, ev: "completed" },
      { id: 8, user: "root", account: "testacct", partition: "gpu", state: "COMPLETED", start: 1796314383, end: 1796314385, hosts: ["node2"], gpus: 1, array: [0], limit: 60, cpus: 1, ev: "completed" },
      { id: 9, user: "root", account: "testacct", partition: "debug", state: "CANCELLED", start: undefined, end: 1796314470, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "none" },
      { id: 10, user: "root", account: "testacct", partition: "debug", state: "CANCELLED", start: undefined, end: 1796314470, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "none" },
      { id: 11, user: "root", account: "testacct", partition: "debug", state: "CANCELLED", start: undefined, end: 1796314470, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "none" },
      { id: 12, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314467, end: 1796314469, hosts: ["node1", "node2", "node3", "node4"], gpus: 4, array: [0], limit: 'infinite', cpus: 8, ev: "completed" },
      { id: 13, user: "alice", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314385, end: 1796314389, hosts: ["node3"], gpus: undefined, array: [0], limit: 525600, cpus: 2, ev: "completed" },
      { id: 14, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314385, end: 1796314385, hosts: ["node4"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "completed" },
      { id: 15, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314385, end: 1796314385, hosts: ["node4"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "failed" },
      { id: 16, user: "root", account: "testacct", partition: "debug", state: "CANCELLED", start: undefined, end: 1796314470, hosts: [], gpus: undefined, array: [16], limit: 'infinite', cpus: 1, ev: "none" },
      { id: 17, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node3"], gpus: undefined, array: [5, 1], limit: 525600, cpus: 1, ev: "completed" },
      { id: 18, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node3"], gpus: undefined, array: [5, 2], limit: 525600, cpus: 1, ev: "completed" },
      { id: 19, user: "root", account: "testacct", partition: "debug", state: "NODE_FAIL", start: 1796314395, end: 1796314395, hosts: ["node4"], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "node_fail" },
      { id: 20, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314397, end: 1796314401, hosts: ["node4"], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-all.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 1, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314383, hosts: ["node1"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "completed" },
      { id: 2, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314381, end: 1796314381, hosts: ["node1"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "failed" },
      { id: 3, user: "root", account: "testacct", partition: "debug", state: "CANCELLED", start: 1796314381, end: 1796314383, hosts: ["node2"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "cancelled" },
      { id: 4, user: "root", account: "testacct", partition: "debug", state: "TIMEOUT", start: 1796314381, end: 1796314467, hosts: ["node2"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "timeout" },
      { id: 5, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node4"], gpus: undefined, array: [5, 3], limit: 525600, cpus: 1, ev: "completed" },
      { id: 6, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314383, hosts: ["node1", "node4"], gpus: undefined, array: [0], limit: 'infinite', cpus: 2, ev: "completed" },
      { id: 7, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314383, end: 1796314386, hosts: ["node1"], gpus: 2, array: [0], limit: 'infinite', cpus: 2, ev: "completed" },
      { id: 8, user: "root", account: "testacct", partition: "gpu", state: "COMPLETED", start: 1796314383, end: 1796314385, hosts: ["node2"], gpus: 1, array: [0], limit: 60, cpus: 1, ev: "completed" },
      { id: 12, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314467, end: 1796314469, hosts: ["node1", "node2", "node3", "node4"], gpus: 4, array: [0], limit: 'infinite', cpus: 8, ev: "completed" },
      { id: 13, user: "alice", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314385, end: 1796314389, hosts: ["node3"], gpus: undefined, array: [0], limit: 525600, cpus: 2, ev: "completed" },
      { id: 14, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314385, end: 1796314385, hosts: ["node4"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "completed" },
      { id: 15, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314385, end: 1796314385, hosts: ["node4"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "failed" },
      { id: 17, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node3"], gpus: undefined, array: [5, 1], limit: 525600, cpus: 1, ev: "completed" },
      { id: 18, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node3"], gpus: undefined, array: [5, 2], limit: 525600, cpus: 1, ev: "completed" },
      { id: 19, user: "root", account: "testacct", partition: "debug", state: "NODE_FAIL", start: 1796314395, end: 1796314395, hosts: ["node4"], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "node_fail" },
      { id: 20, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314397, end: 1796314401, hosts: ["node4"], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-j-alice.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 13, user: "alice", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314385, end: 1796314389, hosts: ["node3"], gpus: undefined, array: [0], limit: 525600, cpus: 2, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-j-array-task2.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 18, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node3"], gpus: undefined, array: [5, 2], limit: 525600, cpus: 1, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-j-array.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 5, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node4"], gpus: undefined, array: [5, 3], limit: 525600, cpus: 1, ev: "completed" },
      { id: 17, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node3"], gpus: undefined, array: [5, 1], limit: 525600, cpus: 1, ev: "completed" },
      { id: 18, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node3"], gpus: undefined, array: [5, 2], limit: 525600, cpus: 1, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-j-arrayheld-cancelled.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 16, user: "root", account: "testacct", partition: "debug", state: "CANCELLED", start: undefined, end: 1796314470, hosts: [], gpus: undefined, array: [16], limit: 'infinite', cpus: 1, ev: "none" },
    ],
  },
  "22.05-testcluster/sacct-j-arrayheld.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 16, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [16], limit: 'infinite', cpus: 1, ev: "none" },
    ],
  },
  "22.05-testcluster/sacct-j-big.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 12, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314467, end: 1796314469, hosts: ["node1", "node2", "node3", "node4"], gpus: 4, array: [0], limit: 'infinite', cpus: 8, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-j-cancel.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 3, user: "root", account: "testacct", partition: "debug", state: "CANCELLED", start: 1796314381, end: 1796314383, hosts: ["node2"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "cancelled" },
    ],
  },
  "22.05-testcluster/sacct-j-dep.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 11, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "none" },
    ],
  },
  "22.05-testcluster/sacct-j-derived.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 14, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314385, end: 1796314385, hosts: ["node4"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-j-excl.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 7, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314383, end: 1796314386, hosts: ["node1"], gpus: 2, array: [0], limit: 'infinite', cpus: 2, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-j-fail.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 2, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314381, end: 1796314381, hosts: ["node1"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "failed" },
    ],
  },
  "22.05-testcluster/sacct-j-gpu.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 8, user: "root", account: "testacct", partition: "gpu", state: "COMPLETED", start: 1796314383, end: 1796314385, hosts: ["node2"], gpus: 1, array: [0], limit: 60, cpus: 1, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-j-held-cancelled.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 9, user: "root", account: "testacct", partition: "debug", state: "CANCELLED", start: undefined, end: 1796314470, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "none" },
    ],
  },
  "22.05-testcluster/sacct-j-multi.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 6, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314383, hosts: ["node1", "node4"], gpus: undefined, array: [0], limit: 'infinite', cpus: 2, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-j-nodefail.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 19, user: "root", account: "testacct", partition: "debug", state: "NODE_FAIL", start: 1796314395, end: 1796314395, hosts: ["node4"], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "node_fail" },
    ],
  },
  "22.05-testcluster/sacct-j-ok.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 1, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314383, hosts: ["node1"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-j-placeholder-final.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 21, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314475, end: 1796314475, hosts: ["node1"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "completed" },
    ],
  },
  "22.05-testcluster/sacct-j-placeholder-window.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 21, user: "root", account: "testacct", partition: undefined, state: "COMPLETED", start: 1796314475, end: 1796314475, hosts: ["node1"], gpus: undefined, array: [0], limit: undefined, cpus: 1, placeholder: true, ev: "none" },
    ],
  },
  "22.05-testcluster/sacct-j-signal.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 15, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314385, end: 1796314385, hosts: ["node4"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "failed" },
    ],
  },
  "22.05-testcluster/sacct-j-timeout.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 4, user: "root", account: "testacct", partition: "debug", state: "TIMEOUT", start: 1796314381, end: 1796314467, hosts: ["node2"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "timeout" },
    ],
  },
  "22.05-testcluster/sacct-mixed.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 1, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: undefined, hosts: ["node1"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "start" },
      { id: 2, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314381, end: 1796314381, hosts: ["node1"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "failed" },
      { id: 3, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: undefined, hosts: ["node2"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "start" },
      { id: 4, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: undefined, hosts: ["node2"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "start" },
      { id: 5, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: undefined, hosts: ["node4"], gpus: undefined, array: [5, 3], limit: 525600, cpus: 1, ev: "start" },
      { id: 6, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: undefined, hosts: ["node1", "node4"], gpus: undefined, array: [0], limit: 'infinite', cpus: 2, ev: "start" },
      { id: 7, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "none" },
      { id: 8, user: "root", account: "testacct", partition: "gpu", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "none" },
      { id: 12, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 4, ev: "none" },
      { id: 13, user: "alice", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 2, ev: "none" },
      { id: 14, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "none" },
      { id: 15, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "none" },
      { id: 17, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: undefined, hosts: ["node3"], gpus: undefined, array: [5, 1], limit: 525600, cpus: 1, ev: "start" },
      { id: 18, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: undefined, hosts: ["node3"], gpus: undefined, array: [5, 2], limit: 525600, cpus: 1, ev: "start" },
    ],
  },
  "22.05-testcluster/sacct-pending-held-job.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 9, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, ev: "none" },
    ],
  },
  "22.05-testcluster/sacct-running-cancel-job.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 3, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: undefined, hosts: ["node2"], gpus: undefined, array: [0], limit: 525600, cpus: 1, ev: "start" },
    ],
  },
  "22.05-testcluster/squeue-after-short.json": {
    family: 'ctld', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 1, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314383, hosts: ["node1"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node1": "0" }, ev: "completed" },
      { id: 2, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314381, end: 1796314381, hosts: ["node1"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node1": "1" }, ev: "failed" },
      { id: 3, user: "root", account: "testacct", partition: "debug", state: "CANCELLED", start: 1796314381, end: 1796314383, hosts: ["node2"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node2": "0" }, ev: "cancelled" },
      { id: 4, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1796314441, hosts: ["node2"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "node2": "1" }, ev: "start" },
      { id: 17, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node3"], gpus: 0, array: [5, 1], limit: 525600, cpus: 1, hw: { "node3": "0" }, ev: "completed" },
      { id: 6, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314383, hosts: ["node1", "node4"], gpus: 0, array: [0], limit: 'infinite', cpus: 2, hw: { "node1": "1", "node4": "1" }, ev: "completed" },
      { id: 7, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314383, end: 1796314386, hosts: ["node1"], gpus: 2, array: [0], limit: 'infinite', cpus: 2, hw: { "node1": "0-1" }, ev: "completed" },
      { id: 8, user: "root", account: "testacct", partition: "gpu", state: "COMPLETED", start: 1796314383, end: 1796314385, hosts: ["node2"], gpus: 1, array: [0], limit: 60, cpus: 1, hw: { "node2": "0" }, ev: "completed" },
      { id: 9, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 10, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: 1796317980, end: 6091285216, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 11, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 12, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: 1827850385, end: 6122817621, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 4, hw: undefined, ev: "none" },
      { id: 13, user: "alice", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314385, end: 1796314389, hosts: ["node3"], gpus: 0, array: [0], limit: 525600, cpus: 2, hw: { "node3": "0-1" }, ev: "completed" },
      { id: 14, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314385, end: 1796314385, hosts: ["node4"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node4": "0" }, ev: "completed" },
      { id: 15, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314385, end: 1796314385, hosts: ["node4"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node4": "1" }, ev: "failed" },
      { id: 16, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [16], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 18, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node3"], gpus: 0, array: [5, 2], limit: 525600, cpus: 1, hw: { "node3": "1" }, ev: "completed" },
      { id: 5, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node4"], gpus: 0, array: [5, 3], limit: 525600, cpus: 1, hw: { "node4": "0" }, ev: "completed" },
    ],
  },
  "22.05-testcluster/squeue-json-j-filter-ignored.json": {
    family: 'ctld', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 1, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node1"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node1": "0" }, ev: "start" },
      { id: 2, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314381, end: 1796314381, hosts: ["node1"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node1": "1" }, ev: "failed" },
      { id: 3, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node2"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node2": "0" }, ev: "start" },
      { id: 4, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1796314441, hosts: ["node2"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "node2": "1" }, ev: "start" },
      { id: 17, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node3"], gpus: 0, array: [5, 1], limit: 525600, cpus: 1, hw: { "node3": "0" }, ev: "start" },
      { id: 6, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node1", "node4"], gpus: 0, array: [0], limit: 'infinite', cpus: 2, hw: { "node1": "1", "node4": "1" }, ev: "start" },
      { id: 7, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: 1827850381, end: 6122817617, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 8, user: "root", account: "testacct", partition: "gpu", state: "PENDING", start: 1827850381, end: 1827853981, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 1, hw: undefined, ev: "none" },
      { id: 9, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 10, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: 1796317980, end: 6091285216, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 11, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 12, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 4, hw: undefined, ev: "none" },
      { id: 13, user: "alice", account: "testacct", partition: "debug", state: "PENDING", start: 1827850381, end: 6122817617, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 2, hw: undefined, ev: "none" },
      { id: 14, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: 1827850381, end: 6122817617, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 15, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: 1827850381, end: 6122817617, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 16, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [16], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 18, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node3"], gpus: 0, array: [5, 2], limit: 525600, cpus: 1, hw: { "node3": "1" }, ev: "start" },
      { id: 5, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node4"], gpus: 0, array: [5, 3], limit: 525600, cpus: 1, hw: { "node4": "0" }, ev: "start" },
    ],
  },
  "22.05-testcluster/squeue-mixed.json": {
    family: 'ctld', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 1, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node1"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node1": "0" }, ev: "start" },
      { id: 2, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314381, end: 1796314381, hosts: ["node1"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node1": "1" }, ev: "failed" },
      { id: 3, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node2"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node2": "0" }, ev: "start" },
      { id: 4, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1796314441, hosts: ["node2"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "node2": "1" }, ev: "start" },
      { id: 17, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node3"], gpus: 0, array: [5, 1], limit: 525600, cpus: 1, hw: { "node3": "0" }, ev: "start" },
      { id: 6, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node1", "node4"], gpus: 0, array: [0], limit: 'infinite', cpus: 2, hw: { "node1": "1", "node4": "1" }, ev: "start" },
      { id: 7, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: 1827850381, end: 6122817617, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 8, user: "root", account: "testacct", partition: "gpu", state: "PENDING", start: 1827850381, end: 1827853981, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 1, hw: undefined, ev: "none" },
      { id: 9, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 10, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: 1796317980, end: 6091285216, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 11, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 12, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 4, hw: undefined, ev: "none" },
      { id: 13, user: "alice", account: "testacct", partition: "debug", state: "PENDING", start: 1827850381, end: 6122817617, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 2, hw: undefined, ev: "none" },
      { id: 14, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: 1827850381, end: 6122817617, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 15, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: 1827850381, end: 6122817617, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 16, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [16], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 18, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node3"], gpus: 0, array: [5, 2], limit: 525600, cpus: 1, hw: { "node3": "1" }, ev: "start" },
      { id: 5, user: "root", account: "testacct", partition: "debug", state: "RUNNING", start: 1796314381, end: 1827850381, hosts: ["node4"], gpus: 0, array: [5, 3], limit: 525600, cpus: 1, hw: { "node4": "0" }, ev: "start" },
    ],
  },
  "22.05-testcluster/squeue-pending-only.json": {
    family: 'ctld', parser: 'v0.0.38', release: '22.05.8',
    jobs: [
      { id: 1, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314383, hosts: ["node1"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node1": "0" }, ev: "completed" },
      { id: 2, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314381, end: 1796314381, hosts: ["node1"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node1": "1" }, ev: "failed" },
      { id: 3, user: "root", account: "testacct", partition: "debug", state: "CANCELLED", start: 1796314381, end: 1796314383, hosts: ["node2"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node2": "0" }, ev: "cancelled" },
      { id: 4, user: "root", account: "testacct", partition: "debug", state: "TIMEOUT", start: 1796314381, end: 1796314467, hosts: ["node2"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "node2": "1" }, ev: "timeout" },
      { id: 17, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node3"], gpus: 0, array: [5, 1], limit: 525600, cpus: 1, hw: { "node3": "0" }, ev: "completed" },
      { id: 6, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314383, hosts: ["node1", "node4"], gpus: 0, array: [0], limit: 'infinite', cpus: 2, hw: { "node1": "1", "node4": "1" }, ev: "completed" },
      { id: 7, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314383, end: 1796314386, hosts: ["node1"], gpus: 2, array: [0], limit: 'infinite', cpus: 2, hw: { "node1": "0-1" }, ev: "completed" },
      { id: 8, user: "root", account: "testacct", partition: "gpu", state: "COMPLETED", start: 1796314383, end: 1796314385, hosts: ["node2"], gpus: 1, array: [0], limit: 60, cpus: 1, hw: { "node2": "0" }, ev: "completed" },
      { id: 9, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 10, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: 1796317980, end: 6091285216, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 11, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [0], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 12, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314467, end: 1796314469, hosts: ["node1", "node2", "node3", "node4"], gpus: 4, array: [0], limit: 'infinite', cpus: 8, hw: { "node1": "0-1", "node2": "0-1", "node3": "0-1", "node4": "0-1" }, ev: "completed" },
      { id: 13, user: "alice", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314385, end: 1796314389, hosts: ["node3"], gpus: 0, array: [0], limit: 525600, cpus: 2, hw: { "node3": "0-1" }, ev: "completed" },
      { id: 14, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314385, end: 1796314385, hosts: ["node4"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node4": "0" }, ev: "completed" },
      { id: 15, user: "root", account: "testacct", partition: "debug", state: "FAILED", start: 1796314385, end: 1796314385, hosts: ["node4"], gpus: 0, array: [0], limit: 525600, cpus: 1, hw: { "node4": "1" }, ev: "failed" },
      { id: 16, user: "root", account: "testacct", partition: "debug", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [16], limit: 'infinite', cpus: 1, hw: undefined, ev: "none" },
      { id: 18, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node3"], gpus: 0, array: [5, 2], limit: 525600, cpus: 1, hw: { "node3": "1" }, ev: "completed" },
      { id: 5, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314381, end: 1796314384, hosts: ["node4"], gpus: 0, array: [5, 3], limit: 525600, cpus: 1, hw: { "node4": "0" }, ev: "completed" },
      { id: 19, user: "root", account: "testacct", partition: "debug", state: "NODE_FAIL", start: 1796314395, end: 1796314395, hosts: ["node4"], gpus: 0, array: [0], limit: 'infinite', cpus: 1, hw: { "node4": "0" }, ev: "node_fail" },
      { id: 20, user: "root", account: "testacct", partition: "debug", state: "COMPLETED", start: 1796314397, end: 1796314401, hosts: ["node4"], gpus: 0, array: [0], limit: 'infinite', cpus: 1, hw: { "node4": "0" }, ev: "completed" },
    ],
  },
  "22.05/slurmdb-job-firecrest-1job.json": {
    family: 'db', parser: 'v0.0.38', release: '22.05.5',
    jobs: [
      { id: 42, user: "test-user", account: "test", partition: "part01", state: "COMPLETED", start: 1710516603, end: 1710516635, hosts: ["localhost"], gpus: undefined, array: [0], limit: 7200, cpus: 1, ev: "completed" },
    ],
  },
  "23.02/sacct-1job.json": {
    family: 'db', parser: 'v0.0.39', release: '23.02.6',
    jobs: [
      { id: 4, user: "masterkohga", account: "mila", partition: "main", state: "RUNNING", start: 1613725209, end: undefined, hosts: ["mila02"], gpus: 2, array: [0], limit: 7200, cpus: 4, ev: "start" },
    ],
  },
  "23.02/slurmdb-job-completed-multinode.json": {
    family: 'db', parser: 'v0.0.39', release: '23.02.8',
    jobs: [
      { id: 307, user: "dshaw", account: "biology", partition: "batch", state: "COMPLETED", start: 1727358173, end: 1727358533, hosts: ["cn001", "cn002", "cn003", "cn004", "cn005", "cn006", "cn007", "cn008", "cn009", "cn010", "cn011", "cn012", "cn013", "cn014", "cn015", "cn016", "cn017", "cn018", "cn019", "cn020", "cn021", "cn022", "cn023", "cn024", "cn025", "cn026", "cn027", "cn028", "cn029", "cn030", "cn031", "cn032", "cn033", "cn034", "cn035", "cn036", "cn037", "cn038", "cn039", "cn040", "cn041", "cn042", "cn043", "cn044", "cn045", "cn046", "cn047", "cn048", "cn049", "cn050", "cn052", "cn053", "cn054", "cn055", "cn056", "cn057", "cn058", "cn059", "cn060", "cn061", "cn062", "cn063", "cn064", "cn065"], gpus: undefined, array: [0], limit: 60, cpus: 128, ev: "completed" },
    ],
  },
  "23.02/slurmrestd-job-completed-multinode.json": {
    family: 'ctld', parser: 'v0.0.39', release: '23.02.8',
    jobs: [
      { id: 307, user: "dshaw", account: "biology", partition: "batch", state: "COMPLETED", start: 1727358173, end: 1727358533, hosts: ["cn001", "cn002", "cn003", "cn004", "cn005", "cn006", "cn007", "cn008", "cn009", "cn010", "cn011", "cn012", "cn013", "cn014", "cn015", "cn016", "cn017", "cn018", "cn019", "cn020", "cn021", "cn022", "cn023", "cn024", "cn025", "cn026", "cn027", "cn028", "cn029", "cn030", "cn031", "cn032", "cn033", "cn034", "cn035", "cn036", "cn037", "cn038", "cn039", "cn040", "cn041", "cn042", "cn043", "cn044", "cn045", "cn046", "cn047", "cn048", "cn049", "cn050", "cn052", "cn053", "cn054", "cn055", "cn056", "cn057", "cn058", "cn059", "cn060", "cn061", "cn062", "cn063", "cn064", "cn065"], gpus: 0, array: [0], limit: 60, cpus: 128, hw: { "cn001": undefined, "cn002": undefined, "cn003": undefined, "cn004": undefined, "cn005": undefined, "cn006": undefined, "cn007": undefined, "cn008": undefined, "cn009": undefined, "cn010": undefined, "cn011": undefined, "cn012": undefined, "cn013": undefined, "cn014": undefined, "cn015": undefined, "cn016": undefined, "cn017": undefined, "cn018": undefined, "cn019": undefined, "cn020": undefined, "cn021": undefined, "cn022": undefined, "cn023": undefined, "cn024": undefined, "cn025": undefined, "cn026": undefined, "cn027": undefined, "cn028": undefined, "cn029": undefined, "cn030": undefined, "cn031": undefined, "cn032": undefined, "cn033": undefined, "cn034": undefined, "cn035": undefined, "cn036": undefined, "cn037": undefined, "cn038": undefined, "cn039": undefined, "cn040": undefined, "cn041": undefined, "cn042": undefined, "cn043": undefined, "cn044": undefined, "cn045": undefined, "cn046": undefined, "cn047": undefined, "cn048": undefined, "cn049": undefined, "cn050": undefined, "cn052": undefined, "cn053": undefined, "cn054": undefined, "cn055": undefined, "cn056": undefined, "cn057": undefined, "cn058": undefined, "cn059": undefined, "cn060": undefined, "cn061": undefined, "cn062": undefined, "cn063": undefined, "cn064": undefined, "cn065": undefined }, ev: "completed" },
    ],
  },
  "23.02/slurmrestd-job-running.json": {
    family: 'ctld', parser: 'v0.0.39', release: '23.02.8',
    jobs: [
      { id: 310, user: "cgross", account: "biology", partition: "batch", state: "RUNNING", start: 1727358533, end: 1727362133, hosts: ["cn052", "cn053", "cn054", "cn055", "cn056", "cn057", "cn058", "cn059", "cn060", "cn061", "cn062", "cn063", "cn064", "cn065", "cn066", "cn067"], gpus: 0, array: [0], limit: 60, cpus: 32, hw: { "cn052": undefined, "cn053": undefined, "cn054": undefined, "cn055": undefined, "cn056": undefined, "cn057": undefined, "cn058": undefined, "cn059": undefined, "cn060": undefined, "cn061": undefined, "cn062": undefined, "cn063": undefined, "cn064": undefined, "cn065": undefined, "cn066": undefined, "cn067": undefined }, ev: "start" },
    ],
  },
  "23.02/slurmrestd-jobs-30jobs.json": {
    family: 'ctld', parser: 'v0.0.39', release: '23.02.8',
    jobs: [
      { id: 307, user: "dshaw", account: "biology", partition: "batch", state: "COMPLETED", start: 1727358173, end: 1727358533, hosts: ["cn001", "cn002", "cn003", "cn004", "cn005", "cn006", "cn007", "cn008", "cn009", "cn010", "cn011", "cn012", "cn013", "cn014", "cn015", "cn016", "cn017", "cn018", "cn019", "cn020", "cn021", "cn022", "cn023", "cn024", "cn025", "cn026", "cn027", "cn028", "cn029", "cn030", "cn031", "cn032", "cn033", "cn034", "cn035", "cn036", "cn037", "cn038", "cn039", "cn040", "cn041", "cn042", "cn043", "cn044", "cn045", "cn046", "cn047", "cn048", "cn049", "cn050", "cn052", "cn053", "cn054", "cn055", "cn056", "cn057", "cn058", "cn059", "cn060", "cn061", "cn062", "cn063", "cn064", "cn065"], gpus: 0, array: [0], limit: 60, cpus: 128, hw: { "cn001": undefined, "cn002": undefined, "cn003": undefined, "cn004": undefined, "cn005": undefined, "cn006": undefined, "cn007": undefined, "cn008": undefined, "cn009": undefined, "cn010": undefined, "cn011": undefined, "cn012": undefined, "cn013": undefined, "cn014": undefined, "cn015": undefined, "cn016": undefined, "cn017": undefined, "cn018": undefined, "cn019": undefined, "cn020": undefined, "cn021": undefined, "cn022": undefined, "cn023": undefined, "cn024": undefined, "cn025": undefined, "cn026": undefined, "cn027": undefined, "cn028": undefined, "cn029": undefined, "cn030": undefined, "cn031": undefined, "cn032": undefined, "cn033": undefined, "cn034": undefined, "cn035": undefined, "cn036": undefined, "cn037": undefined, "cn038": undefined, "cn039": undefined, "cn040": undefined, "cn041": undefined, "cn042": undefined, "cn043": undefined, "cn044": undefined, "cn045": undefined, "cn046": undefined, "cn047": undefined, "cn048": undefined, "cn049": undefined, "cn050": undefined, "cn052": undefined, "cn053": undefined, "cn054": undefined, "cn055": undefined, "cn056": undefined, "cn057": undefined, "cn058": undefined, "cn059": undefined, "cn060": undefined, "cn061": undefined, "cn062": undefined, "cn063": undefined, "cn064": undefined, "cn065": undefined }, ev: "completed" },
      { id: 310, user: "cgross", account: "biology", partition: "batch", state: "RUNNING", start: 1727358533, end: 1727362133, hosts: ["cn052", "cn053", "cn054", "cn055", "cn056", "cn057", "cn058", "cn059", "cn060", "cn061", "cn062", "cn063", "cn064", "cn065", "cn066", "cn067"], gpus: 0, array: [0], limit: 60, cpus: 32, hw: { "cn052": undefined, "cn053": undefined, "cn054": undefined, "cn055": undefined, "cn056": undefined, "cn057": undefined, "cn058": undefined, "cn059": undefined, "cn060": undefined, "cn061": undefined, "cn062": undefined, "cn063": undefined, "cn064": undefined, "cn065": undefined, "cn066": undefined, "cn067": undefined }, ev: "start" },
      { id: 311, user: "jryan", account: "acoustic", partition: "batch", state: "RUNNING", start: 1727358533, end: 1727362133, hosts: ["cn001", "cn002", "cn003", "cn004", "cn005", "cn006", "cn007", "cn008", "cn009", "cn010", "cn011", "cn012", "cn013", "cn014", "cn015", "cn016", "cn017", "cn018", "cn019", "cn020", "cn021", "cn022", "cn023", "cn024", "cn025", "cn026", "cn027", "cn028", "cn029", "cn030", "cn031", "cn032"], gpus: 0, array: [0], limit: 60, cpus: 64, hw: { "cn001": undefined, "cn002": undefined, "cn003": undefined, "cn004": undefined, "cn005": undefined, "cn006": undefined, "cn007": undefined, "cn008": undefined, "cn009": undefined, "cn010": undefined, "cn011": undefined, "cn012": undefined, "cn013": undefined, "cn014": undefined, "cn015": undefined, "cn016": undefined, "cn017": undefined, "cn018": undefined, "cn019": undefined, "cn020": undefined, "cn021": undefined, "cn022": undefined, "cn023": undefined, "cn024": undefined, "cn025": undefined, "cn026": undefined, "cn027": undefined, "cn028": undefined, "cn029": undefined, "cn030": undefined, "cn031": undefined, "cn032": undefined }, ev: "start" },
      { id: 322, user: "dshaw", account: "biology", partition: "batch", state: "RUNNING", start: 1727358533, end: 1727362133, hosts: ["cn033", "cn034", "cn035", "cn036", "cn037", "cn038", "cn039", "cn040", "cn041", "cn042", "cn043", "cn044", "cn045", "cn046", "cn047", "cn048"], gpus: 0, array: [0], limit: 60, cpus: 32, hw: { "cn033": undefined, "cn034": undefined, "cn035": undefined, "cn036": undefined, "cn037": undefined, "cn038": undefined, "cn039": undefined, "cn040": undefined, "cn041": undefined, "cn042": undefined, "cn043": undefined, "cn044": undefined, "cn045": undefined, "cn046": undefined, "cn047": undefined, "cn048": undefined }, ev: "start" },
      { id: 326, user: "jcampbell", account: "optic", partition: "batch", state: "PENDING", start: 1727362133, end: 1727365733, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 16, hw: undefined, ev: "none" },
      { id: 327, user: "pkerr", account: "acoustic", partition: "batch", state: "PENDING", start: 1727362133, end: 1727365733, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 32, hw: undefined, ev: "none" },
      { id: 328, user: "rwallace", account: "admin", partition: "batch", state: "PENDING", start: 1727365680, end: 1727369280, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 64, hw: undefined, ev: "none" },
      { id: 333, user: "jryan", account: "acoustic", partition: "batch", state: "PENDING", start: 1727362133, end: 1727365733, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 16, hw: undefined, ev: "none" },
      { id: 335, user: "jryan", account: "acoustic", partition: "batch", state: "PENDING", start: 1727369280, end: 1727372880, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 64, hw: undefined, ev: "none" },
      { id: 340, user: "jryan", account: "acoustic", partition: "batch", state: "PENDING", start: 1727372880, end: 1727376480, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 32, hw: undefined, ev: "none" },
      { id: 341, user: "rwallace", account: "admin", partition: "batch", state: "PENDING", start: 1727372880, end: 1727376480, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 32, hw: undefined, ev: "none" },
      { id: 345, user: "rwallace", account: "admin", partition: "batch", state: "PENDING", start: 1727376480, end: 1727380080, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 16, hw: undefined, ev: "none" },
      { id: 348, user: "rwallace", account: "admin", partition: "batch", state: "PENDING", start: 1727380080, end: 1727383680, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 64, hw: undefined, ev: "none" },
      { id: 349, user: "sharrison", account: "biology", partition: "batch", state: "PENDING", start: 1727383680, end: 1727387280, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 16, hw: undefined, ev: "none" },
      { id: 351, user: "jryan", account: "acoustic", partition: "batch", state: "PENDING", start: 1727387280, end: 1727390880, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 64, hw: undefined, ev: "none" },
      { id: 352, user: "msummers", account: "biology", partition: "batch", state: "PENDING", start: 1727390880, end: 1727394480, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 64, hw: undefined, ev: "none" },
      { id: 353, user: "cgross", account: "biology", partition: "batch", state: "PENDING", start: 1727394480, end: 1727398080, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 64, hw: undefined, ev: "none" },
      { id: 356, user: "cgross", account: "biology", partition: "batch", state: "PENDING", start: 1727398080, end: 1727401680, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 64, hw: undefined, ev: "none" },
      { id: 360, user: "msummers", account: "biology", partition: "batch", state: "PENDING", start: 1727401680, end: 1727405280, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 16, hw: undefined, ev: "none" },
      { id: 361, user: "pkerr", account: "acoustic", partition: "batch", state: "PENDING", start: 1727401680, end: 1727405280, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 32, hw: undefined, ev: "none" },
      { id: 363, user: "cgross", account: "biology", partition: "batch", state: "PENDING", start: 1727401680, end: 1727405280, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 16, hw: undefined, ev: "none" },
      { id: 369, user: "jcampbell", account: "optic", partition: "batch", state: "PENDING", start: 1727405280, end: 1727408880, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 32, hw: undefined, ev: "none" },
      { id: 371, user: "pkerr", account: "acoustic", partition: "batch", state: "PENDING", start: 1727408880, end: 1727412480, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 64, hw: undefined, ev: "none" },
      { id: 372, user: "dshaw", account: "biology", partition: "batch", state: "PENDING", start: 1727412480, end: 1727416080, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 16, hw: undefined, ev: "none" },
      { id: 373, user: "dshaw", account: "biology", partition: "batch", state: "PENDING", start: 1727412480, end: 1727416080, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 32, hw: undefined, ev: "none" },
      { id: 374, user: "msummers", account: "biology", partition: "batch", state: "PENDING", start: 1727416080, end: 1727419680, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 32, hw: undefined, ev: "none" },
      { id: 375, user: "msummers", account: "biology", partition: "batch", state: "PENDING", start: 1727412480, end: 1727416080, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 16, hw: undefined, ev: "none" },
      { id: 377, user: "msummers", account: "biology", partition: "batch", state: "PENDING", start: 1727416080, end: 1727419680, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 16, hw: undefined, ev: "none" },
      { id: 378, user: "sharrison", account: "biology", partition: "batch", state: "PENDING", start: 1727416080, end: 1727419680, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 16, hw: undefined, ev: "none" },
      { id: 379, user: "rwallace", account: "admin", partition: "batch", state: "PENDING", start: 1727419680, end: 1727423280, hosts: [], gpus: undefined, array: [0], limit: 60, cpus: 32, hw: undefined, ev: "none" },
    ],
  },
  "23.11/sacct-mantis-empty.json": {
    family: 'db', parser: 'v0.0.40', release: '23.11.10',
    jobs: [
    ],
  },
  "23.11/sacct-mantis-multistep-running.json": {
    family: 'db', parser: 'v0.0.40', release: '23.11.10',
    jobs: [
      { id: 2710593, user: "vcell", account: "pi-loew", partition: "vcell", state: "RUNNING", start: 1786540675, end: undefined, hosts: ["mantis-041"], gpus: undefined, array: [0], limit: 6912, cpus: 20, ev: "start" },
    ],
  },
  "23.11/sacct-mila-1job.json": {
    family: 'db', parser: 'v0.0.40', release: '23.11.5',
    jobs: [
      { id: 4, user: "masterkohga", account: "mila", partition: "main", state: "RUNNING", start: 1613725209, end: undefined, hosts: ["mila02"], gpus: 2, array: [0], limit: 7200, cpus: 4, ev: "start" },
    ],
  },
  "23.11/slurmdb-job-failed.json": {
    family: 'db', parser: 'v0.0.40', release: '23.11.10',
    jobs: [
      { id: 510, user: "bparks", account: "optic", partition: "standard", state: "FAILED", start: 1746621142, end: 1746621143, hosts: ["cn2"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "failed" },
    ],
  },
  "23.11/slurmdb-job-timeout.json": {
    family: 'db', parser: 'v0.0.40', release: '23.11.10',
    jobs: [
      { id: 609, user: "cpotter", account: "acoustic", partition: "standard", state: "TIMEOUT", start: 1746624261, end: 1746624340, hosts: ["cn4"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "timeout" },
    ],
  },
  "23.11/slurmrestd-job-gpus-multinode.json": {
    family: 'ctld', parser: 'v0.0.40', release: '23.11.10',
    jobs: [
      { id: 793, user: "bparks", account: "optic", partition: "ia", state: "RUNNING", start: 1747046307, end: 1747046367, hosts: ["ia1", "ia2"], gpus: 12, array: [0], limit: 1, cpus: 2, hw: { "ia1": "0", "ia2": "0" }, ev: "start" },
    ],
  },
  "23.11/slurmrestd-jobs-14jobs.json": {
    family: 'ctld', parser: 'v0.0.40', release: '23.11.10',
    jobs: [
      { id: 776, user: "emendoza", account: "biology", partition: "standard", state: "TIMEOUT", start: 1747045576, end: 1747045655, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "0" }, ev: "timeout" },
      { id: 777, user: "cpotter", account: "acoustic", partition: "standard", state: "COMPLETED", start: 1747045576, end: 1747045577, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "1" }, ev: "completed" },
      { id: 778, user: "ksoto", account: "optic", partition: "standard", state: "FAILED", start: 1747045579, end: 1747045580, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "1" }, ev: "failed" },
      { id: 779, user: "crich", account: "biology", partition: "standard", state: "RUNNING", start: 1747045583, end: 1747045703, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 32, hw: { "cn1": undefined }, ev: "start" },
      { id: 780, user: "tmcgrath", account: "admin", partition: "standard", state: "COMPLETED", start: 1747045582, end: 1747045613, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn1": "1" }, ev: "completed" },
      { id: 781, user: "cpotter", account: "acoustic", partition: "standard", state: "COMPLETED", start: 1747045583, end: 1747045643, hosts: ["cn4"], gpus: 0, array: [0], limit: 2, cpus: 32, hw: { "cn4": undefined }, ev: "completed" },
      { id: 782, user: "tnixon", account: "biology", partition: "standard", state: "RUNNING", start: 1747045585, end: 1747045705, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 16, hw: { "cn1": undefined }, ev: "start" },
      { id: 783, user: "tnixon", account: "biology", partition: "standard", state: "RUNNING", start: 1747045588, end: 1747045708, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn1": "26" }, ev: "start" },
      { id: 784, user: "agoodwin", account: "biology", partition: "standard", state: "RUNNING", start: 1747045588, end: 1747045708, hosts: ["cn4"], gpus: 0, array: [0], limit: 2, cpus: 16, hw: { "cn4": undefined }, ev: "start" },
      { id: 785, user: "agoodwin", account: "biology", partition: "standard", state: "COMPLETED", start: 1747045591, end: 1747045621, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn1": undefined }, ev: "completed" },
      { id: 786, user: "ksoto", account: "optic", partition: "standard", state: "COMPLETED", start: 1747045591, end: 1747045621, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn1": undefined }, ev: "completed" },
      { id: 787, user: "emendoza", account: "biology", partition: "standard", state: "PENDING", start: 1747045714, end: 1747045834, hosts: [], gpus: undefined, array: [0], limit: 2, cpus: 128, hw: undefined, ev: "none" },
      { id: 788, user: "tmcgrath", account: "admin", partition: "standard", state: "RUNNING", start: 1747045594, end: 1747045714, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn1": undefined }, ev: "start" },
      { id: 789, user: "cbaker", account: "acoustic", partition: "standard", state: "PENDING", start: 1747049194, end: 1747049254, hosts: [], gpus: undefined, array: [0], limit: 1, cpus: 64, hw: undefined, ev: "none" },
    ],
  },
  "23.11/slurmrestd-jobs-talapas-array.json": {
    family: 'ctld', parser: 'v0.0.40', release: '23.11.1',
    jobs: [
      { id: 7745162, user: "rdennis", account: "jamming", partition: "preempt", state: "RUNNING", start: 1722274361, end: 1722360761, hosts: ["n0180"], gpus: 0, array: [7725337, 411], limit: 1440, cpus: 1, hw: { "n0180": undefined }, ev: "start" },
      { id: 7725337, user: "rdennis", account: "jamming", partition: "preempt", state: "PENDING", start: undefined, end: undefined, hosts: [], gpus: undefined, array: [7725337], limit: 1440, cpus: 1, hw: undefined, ev: "none" },
    ],
  },
  "24.05/slurmdb-v0.0.41-job-failed.json": {
    family: 'db', parser: 'v0.0.41', release: '24.05.3',
    jobs: [
      { id: 649719, user: "agoodwin", account: "biology", partition: "batch", state: "FAILED", start: 1747754472, end: 1747754473, hosts: ["cn001"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "failed" },
    ],
  },
  "24.05/slurmdb-v0.0.41-job-timeout.json": {
    family: 'db', parser: 'v0.0.41', release: '24.05.3',
    jobs: [
      { id: 649717, user: "ksoto", account: "optic", partition: "batch", state: "TIMEOUT", start: 1747754466, end: 1747754549, hosts: ["cn001"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "timeout" },
    ],
  },
  "24.05/slurmrestd-v0.0.41-job-gpus-multinode.json": {
    family: 'ctld', parser: 'v0.0.41', release: '24.05.3',
    jobs: [
      { id: 11, user: "jthomas", account: "biology", partition: "gpu", state: "RUNNING", start: 1762529688, end: 1762529748, hosts: ["gpu1", "gpu2"], gpus: 8, array: [0], limit: 1, cpus: 2, hw: { "gpu1": "0", "gpu2": "0" }, ev: "start" },
    ],
  },
  "24.05/slurmrestd-v0.0.41-jobs-14jobs.json": {
    family: 'ctld', parser: 'v0.0.41', release: '24.05.3',
    jobs: [
      { id: 649717, user: "ksoto", account: "optic", partition: "batch", state: "TIMEOUT", start: 1747754466, end: 1747754549, hosts: ["cn001"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn001": "0" }, ev: "timeout" },
      { id: 649718, user: "tpearson", account: "acoustic", partition: "batch", state: "COMPLETED", start: 1747754469, end: 1747754470, hosts: ["cn001"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn001": "1" }, ev: "completed" },
      { id: 649719, user: "agoodwin", account: "biology", partition: "batch", state: "FAILED", start: 1747754472, end: 1747754473, hosts: ["cn001"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn001": "1" }, ev: "failed" },
      { id: 649720, user: "emendoza", account: "biology", partition: "batch", state: "COMPLETED", start: 1747754475, end: 1747754506, hosts: ["cn002"], gpus: 0, array: [0], limit: 2, cpus: 64, hw: { "cn002": "0-63" }, ev: "completed" },
      { id: 649721, user: "emendoza", account: "biology", partition: "batch", state: "COMPLETED", start: 1747754476, end: 1747754536, hosts: ["cn001"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn001": "1" }, ev: "completed" },
      { id: 649722, user: "ksoto", account: "optic", partition: "batch", state: "RUNNING", start: 1747754478, end: 1747754598, hosts: ["cn001"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn001": "2" }, ev: "start" },
      { id: 649723, user: "cbaker", account: "acoustic", partition: "batch", state: "COMPLETED", start: 1747754481, end: 1747754511, hosts: ["cn001"], gpus: 0, array: [0], limit: 2, cpus: 16, hw: { "cn001": "3-10,32-39" }, ev: "completed" },
      { id: 649724, user: "ksoto", account: "optic", partition: "batch", state: "COMPLETED", start: 1747754484, end: 1747754545, hosts: ["cn001"], gpus: 0, array: [0], limit: 2, cpus: 32, hw: { "cn001": "11-26,40-55" }, ev: "completed" },
      { id: 649725, user: "bparks", account: "optic", partition: "batch", state: "COMPLETED", start: 1747754485, end: 1747754515, hosts: ["cn001"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn001": "27-28,56-57" }, ev: "completed" },
      { id: 649726, user: "tpearson", account: "acoustic", partition: "batch", state: "RUNNING", start: 1747754487, end: 1747754607, hosts: ["cn003"], gpus: 0, array: [0], limit: 2, cpus: 64, hw: { "cn003": "0-63" }, ev: "start" },
      { id: 649727, user: "cbaker", account: "acoustic", partition: "batch", state: "COMPLETED", start: 1747754490, end: 1747754550, hosts: ["cn004"], gpus: 0, array: [0], limit: 2, cpus: 16, hw: { "cn004": "0-7,32-39" }, ev: "completed" },
      { id: 649728, user: "crich", account: "biology", partition: "batch", state: "RUNNING", start: 1747754493, end: 1747754613, hosts: ["cn004", "cn005", "cn006"], gpus: 0, array: [0], limit: 2, cpus: 128, hw: { "cn004": "8-31,40-63", "cn005": "0-63", "cn006": "0-7,32-39" }, ev: "start" },
      { id: 649729, user: "cpotter", account: "acoustic", partition: "batch", state: "COMPLETED", start: 1747754493, end: 1747754523, hosts: ["cn006"], gpus: 0, array: [0], limit: 2, cpus: 16, hw: { "cn006": "8-15,40-47" }, ev: "completed" },
      { id: 649730, user: "tmcgrath", account: "admin", partition: "batch", state: "PENDING", start: 1747758094, end: 1747758154, hosts: [], gpus: undefined, array: [0], limit: 1, cpus: 64, hw: undefined, ev: "none" },
    ],
  },
  "24.11/slurmdb-v0.0.42-job-gpus-multinode.json": {
    family: 'db', parser: 'v0.0.42', release: '24.11.5',
    jobs: [
      { id: 6371, user: "jthomas", account: "biology", partition: "ia", state: "RUNNING", start: 1762788887, end: undefined, hosts: ["ia1", "ia2"], gpus: undefined, array: [0], limit: 1, cpus: 2, ev: "start" },
    ],
  },
  "24.11/slurmdb-v0.0.42-job-timeout.json": {
    family: 'db', parser: 'v0.0.42', release: '24.11.5',
    jobs: [
      { id: 6357, user: "jbeck", account: "biology", partition: "standard", state: "TIMEOUT", start: 1762788766, end: 1762788831, hosts: ["cn1"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "timeout" },
    ],
  },
  "24.11/slurmdb-v0.0.42-jobs-firecrest-5jobs.json": {
    family: 'db', parser: 'v0.0.42', release: '24.11.3',
    jobs: [
      { id: 10, user: "fireuser", account: "users", partition: "part01", state: "COMPLETED", start: 1787124673, end: 1787124734, hosts: ["localhost"], gpus: undefined, array: [0], limit: 7200, cpus: 1, ev: "completed" },
      { id: 11, user: "fireuser", account: "users", partition: "part01", state: "COMPLETED", start: 1787126672, end: 1787126732, hosts: ["localhost"], gpus: undefined, array: [0], limit: 7200, cpus: 1, ev: "completed" },
      { id: 12, user: "fireuser", account: "users", partition: "part01", state: "COMPLETED", start: 1787127431, end: 1787127492, hosts: ["localhost"], gpus: undefined, array: [0], limit: 7200, cpus: 1, ev: "completed" },
      { id: 13, user: "firesrv", account: "staff", partition: "part01", state: "COMPLETED", start: 1787141399, end: 1787141529, hosts: ["localhost"], gpus: undefined, array: [0], limit: 7200, cpus: 1, ev: "completed" },
      { id: 14, user: "fireuser", account: "staff", partition: "part01", state: "COMPLETED", start: 1787141530, end: 1787142131, hosts: ["localhost"], gpus: undefined, array: [0], limit: 7200, cpus: 1, ev: "completed" },
    ],
  },
  "24.11/slurmrestd-v0.0.40-jobs-firecrest-2jobs.json": {
    family: 'ctld', parser: 'v0.0.40', release: '24.11.3',
    jobs: [
      { id: 16, user: "fireuser", account: "staff", partition: "part01", state: "RUNNING", start: 1773058656, end: 1773490656, hosts: ["localhost"], gpus: 0, array: [0], limit: 7200, cpus: 1, hw: { "localhost": "0" }, ev: "start" },
      { id: 17, user: "fireuser", account: "staff", partition: "part01", state: "PENDING", start: 1773490656, end: 1773922656, hosts: [], gpus: undefined, array: [0], limit: 7200, cpus: 1, hw: undefined, ev: "none" },
    ],
  },
  "24.11/slurmrestd-v0.0.41-jobs.json": {
    family: 'ctld', parser: 'v0.0.41', release: '24.11.5',
    jobs: [
      { id: 5960, user: "tmcgrath", account: "admin", partition: "normal", state: "CANCELLED", start: 1747751507, end: 1747751507, hosts: [], gpus: undefined, array: [0], limit: 1, cpus: 32, hw: undefined, ev: "none" },
      { id: 5964, user: "tmcgrath", account: "admin", partition: "normal", state: "TIMEOUT", start: 1747751517, end: 1747751604, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "0" }, ev: "timeout" },
      { id: 5965, user: "bparks", account: "optic", partition: "normal", state: "COMPLETED", start: 1747751520, end: 1747751522, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "1" }, ev: "completed" },
      { id: 5966, user: "ksoto", account: "optic", partition: "normal", state: "FAILED", start: 1747751521, end: 1747751522, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "2" }, ev: "failed" },
      { id: 5967, user: "emendoza", account: "biology", partition: "normal", state: "COMPLETED", start: 1747751523, end: 1747751584, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 32, hw: { "cn1": "1-16,32-47" }, ev: "completed" },
      { id: 5968, user: "ksoto", account: "optic", partition: "normal", state: "COMPLETED", start: 1747751526, end: 1747751556, hosts: ["cn2"], gpus: 0, array: [0], limit: 2, cpus: 32, hw: { "cn2": "0-15,32-47" }, ev: "completed" },
      { id: 5969, user: "cbaker", account: "acoustic", partition: "normal", state: "COMPLETED", start: 1747751529, end: 1747751559, hosts: ["cn2"], gpus: 0, array: [0], limit: 2, cpus: 32, hw: { "cn2": "16-31,48-63" }, ev: "completed" },
      { id: 5970, user: "tnixon", account: "biology", partition: "normal", state: "COMPLETED", start: 1747751532, end: 1747751593, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn1": "17" }, ev: "completed" },
      { id: 5971, user: "agoodwin", account: "biology", partition: "normal", state: "COMPLETED", start: 1747751556, end: 1747751586, hosts: ["cn2"], gpus: 0, array: [0], limit: 2, cpus: 32, hw: { "cn2": "0-15,32-47" }, ev: "completed" },
      { id: 5972, user: "tmcgrath", account: "admin", partition: "normal", state: "RUNNING", start: 1747751535, end: 1747751655, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn1": "18" }, ev: "start" },
      { id: 5973, user: "tmcgrath", account: "admin", partition: "normal", state: "COMPLETED", start: 1747751538, end: 1747751569, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 16, hw: { "cn1": "19-26,48-55" }, ev: "completed" },
      { id: 5974, user: "cbaker", account: "acoustic", partition: "normal", state: "RUNNING", start: 1747751587, end: 1747751707, hosts: ["cn2"], gpus: 0, array: [0], limit: 2, cpus: 16, hw: { "cn2": "18-25,49-56" }, ev: "start" },
      { id: 5975, user: "tmcgrath", account: "admin", partition: "normal", state: "COMPLETED", start: 1747751584, end: 1747751615, hosts: ["cn1", "cn2"], gpus: 0, array: [0], limit: 2, cpus: 64, hw: { "cn1": "1-16,19-63", "cn2": "16-17,48" }, ev: "completed" },
      { id: 5976, user: "agoodwin", account: "biology", partition: "normal", state: "RUNNING", start: 1747751587, end: 1747751707, hosts: ["cn2"], gpus: 0, array: [0], limit: 2, cpus: 32, hw: { "cn2": "0-15,32-47" }, ev: "start" },
      { id: 5977, user: "tnixon", account: "biology", partition: "normal", state: "PENDING", start: 1747755144, end: 1747755204, hosts: [], gpus: undefined, array: [0], limit: 1, cpus: 64, hw: undefined, ev: "none" },
    ],
  },
  "24.11/slurmrestd-v0.0.42-job-gpus-multinode.json": {
    family: 'ctld', parser: 'v0.0.42', release: '24.11.5',
    jobs: [
      { id: 6371, user: "jthomas", account: "biology", partition: "ia", state: "RUNNING", start: 1762788887, end: 1762788947, hosts: ["ia1", "ia2"], gpus: 12, array: [0], limit: 1, cpus: 2, hw: { "ia1": "0", "ia2": "0" }, ev: "start" },
    ],
  },
  "24.11/slurmrestd-v0.0.42-jobs-16jobs.json": {
    family: 'ctld', parser: 'v0.0.42', release: '24.11.5',
    jobs: [
      { id: 6355, user: "progers", account: "biology", partition: "ia", state: "CANCELLED", start: 1762788759, end: 1762788761, hosts: ["ia1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "ia1": "0" }, ev: "cancelled" },
      { id: 6356, user: "sevans", account: "optic", partition: "ia", state: "CANCELLED", start: 1762788764, end: 1762788765, hosts: ["ia1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "ia1": "0" }, ev: "cancelled" },
      { id: 6357, user: "jbeck", account: "biology", partition: "standard", state: "TIMEOUT", start: 1762788766, end: 1762788831, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "0" }, ev: "timeout" },
      { id: 6358, user: "jbeck", account: "biology", partition: "standard", state: "COMPLETED", start: 1762788770, end: 1762788771, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "1" }, ev: "completed" },
      { id: 6359, user: "jbeck", account: "biology", partition: "standard", state: "FAILED", start: 1762788770, end: 1762788771, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "2" }, ev: "failed" },
      { id: 6360, user: "jbeck", account: "biology", partition: "standard", state: "RUNNING", start: 1762788771, end: 1762788891, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 16, hw: { "cn1": "1-8,32-39" }, ev: "start" },
      { id: 6361, user: "jbeck", account: "biology", partition: "standard", state: "COMPLETED", start: 1762788773, end: 1762788803, hosts: ["cn2"], gpus: 0, array: [0], limit: 2, cpus: 64, hw: { "cn2": "0-63" }, ev: "completed" },
      { id: 6362, user: "jbeck", account: "biology", partition: "standard", state: "COMPLETED", start: 1762788776, end: 1762788837, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 32, hw: { "cn1": "9-24,40-55" }, ev: "completed" },
      { id: 6363, user: "jbeck", account: "biology", partition: "standard", state: "RUNNING", start: 1762788776, end: 1762788896, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 16, hw: { "cn3": "0-7,32-39" }, ev: "start" },
      { id: 6364, user: "jbeck", account: "biology", partition: "standard", state: "RUNNING", start: 1762788779, end: 1762788899, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn1": "25-26,56-57" }, ev: "start" },
      { id: 6365, user: "jbeck", account: "biology", partition: "standard", state: "RUNNING", start: 1762788837, end: 1762788957, hosts: ["cn1", "cn2", "cn3"], gpus: 0, array: [0], limit: 2, cpus: 128, hw: { "cn1": "0,9-24,27-31,40-55,58-63", "cn2": "0-63", "cn3": "12-21,44-53" }, ev: "start" },
      { id: 6366, user: "jbeck", account: "biology", partition: "standard", state: "RUNNING", start: 1762788801, end: 1762788921, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn3": "8-9,40-41" }, ev: "start" },
      { id: 6367, user: "jbeck", account: "biology", partition: "standard", state: "RUNNING", start: 1762788801, end: 1762788921, hosts: ["cn4"], gpus: 0, array: [0], limit: 2, cpus: 64, hw: { "cn4": "0-63" }, ev: "start" },
      { id: 6368, user: "jbeck", account: "biology", partition: "standard", state: "RUNNING", start: 1762788801, end: 1762788921, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn3": "10-11,42-43" }, ev: "start" },
      { id: 6369, user: "jbeck", account: "biology", partition: "standard", state: "PENDING", start: 1762788921, end: 1762789041, hosts: [], gpus: undefined, array: [0], limit: 2, cpus: 64, hw: undefined, ev: "none" },
      { id: 6370, user: "jbeck", account: "biology", partition: "standard", state: "PENDING", start: 1762792385, end: 1762792445, hosts: [], gpus: undefined, array: [0], limit: 1, cpus: 4, hw: undefined, ev: "none" },
    ],
  },
  "24.11/slurmrestd-v0.0.42-jobs-firecrest-1job.json": {
    family: 'ctld', parser: 'v0.0.42', release: '24.11.3',
    jobs: [
      { id: 14, user: "test-user", account: "staff", partition: "part01", state: "COMPLETED", start: 1787141530, end: 1787142131, hosts: ["localhost"], gpus: 0, array: [0], limit: 7200, cpus: 1, hw: { "localhost": "0" }, ev: "completed" },
    ],
  },
  "25.05/slurmdb-v0.0.43-job-failed.json": {
    family: 'db', parser: 'v0.0.43', release: '25.05.4',
    jobs: [
      { id: 4732, user: "progers", account: "biology", partition: "normal", state: "FAILED", start: 1762788999, end: 1762789001, hosts: ["cn1"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "failed" },
    ],
  },
  "25.05/slurmdb-v0.0.43-job-gpus-multinode.json": {
    family: 'db', parser: 'v0.0.43', release: '25.05.4',
    jobs: [
      { id: 4746, user: "jbeck", account: "biology", partition: "gpu", state: "RUNNING", start: 1762789125, end: undefined, hosts: ["gpu1", "gpu2"], gpus: undefined, array: [0], limit: 1, cpus: 2, ev: "start" },
    ],
  },
  "25.05/slurmrestd-v0.0.43-job-gpus-multinode.json": {
    family: 'ctld', parser: 'v0.0.43', release: '25.05.4',
    jobs: [
      { id: 4746, user: "jbeck", account: "biology", partition: "gpu", state: "RUNNING", start: 1762789125, end: 1762789185, hosts: ["gpu1", "gpu2"], gpus: 8, array: [0], limit: 1, cpus: 2, hw: { "gpu1": "0", "gpu2": "0" }, ev: "start" },
    ],
  },
  "25.05/slurmrestd-v0.0.43-job-pending.json": {
    family: 'ctld', parser: 'v0.0.43', release: '25.05.4',
    jobs: [
      { id: 4743, user: "progers", account: "biology", partition: "normal", state: "PENDING", start: 1762792615, end: 1762792675, hosts: [], gpus: undefined, array: [0], limit: 1, cpus: 128, hw: undefined, ev: "none" },
    ],
  },
  "25.05/slurmrestd-v0.0.43-jobs-19jobs.json": {
    family: 'ctld', parser: 'v0.0.43', release: '25.05.4',
    jobs: [
      { id: 2195, user: "acuevas", account: "acoustic", partition: "normal", state: "CANCELLED", start: 1762788986, end: 1762788986, hosts: [], gpus: undefined, array: [0], limit: 120, cpus: 256, hw: undefined, ev: "none" },
      { id: 3575, user: "sevans", account: "optic", partition: "normal", state: "CANCELLED", start: 1762788986, end: 1762788986, hosts: [], gpus: undefined, array: [0], limit: 120, cpus: 256, hw: undefined, ev: "none" },
      { id: 4320, user: "dperez", account: "acoustic", partition: "normal", state: "CANCELLED", start: 1762788986, end: 1762788986, hosts: [], gpus: undefined, array: [0], limit: 120, cpus: 256, hw: undefined, ev: "none" },
      { id: 4728, user: "rcarson", account: "optic", partition: "gpu", state: "CANCELLED", start: 1762788990, end: 1762788991, hosts: ["gpu1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "gpu1": "0" }, ev: "cancelled" },
      { id: 4729, user: "progers", account: "biology", partition: "gpu", state: "CANCELLED", start: 1762788993, end: 1762788994, hosts: ["gpu1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "gpu1": "0" }, ev: "cancelled" },
      { id: 4730, user: "progers", account: "biology", partition: "normal", state: "TIMEOUT", start: 1762788995, end: 1762789058, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "0" }, ev: "timeout" },
      { id: 4731, user: "progers", account: "biology", partition: "normal", state: "COMPLETED", start: 1762788999, end: 1762789001, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "1" }, ev: "completed" },
      { id: 4732, user: "progers", account: "biology", partition: "normal", state: "FAILED", start: 1762788999, end: 1762789001, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "2" }, ev: "failed" },
      { id: 4733, user: "progers", account: "biology", partition: "normal", state: "COMPLETED", start: 1762789002, end: 1762789062, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 32, hw: { "cn1": "1-16,32-47" }, ev: "completed" },
      { id: 4734, user: "progers", account: "biology", partition: "normal", state: "RUNNING", start: 1762789002, end: 1762789122, hosts: ["cn1", "cn2", "cn3"], gpus: 0, array: [0], limit: 2, cpus: 128, hw: { "cn1": "17-31,48-63", "cn2": "0-63", "cn3": "0-16,32-47" }, ev: "start" },
      { id: 4735, user: "progers", account: "biology", partition: "normal", state: "RUNNING", start: 1762789005, end: 1762789125, hosts: ["cn4"], gpus: 0, array: [0], limit: 2, cpus: 64, hw: { "cn4": "0-63" }, ev: "start" },
      { id: 4736, user: "progers", account: "biology", partition: "normal", state: "RUNNING", start: 1762789005, end: 1762789125, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn3": "17" }, ev: "start" },
      { id: 4737, user: "progers", account: "biology", partition: "normal", state: "RUNNING", start: 1762789008, end: 1762789128, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn3": "18" }, ev: "start" },
      { id: 4738, user: "progers", account: "biology", partition: "normal", state: "RUNNING", start: 1762789011, end: 1762789131, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn3": "19" }, ev: "start" },
      { id: 4739, user: "progers", account: "biology", partition: "normal", state: "RUNNING", start: 1762789062, end: 1762789182, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 32, hw: { "cn1": "0-15,32-47" }, ev: "start" },
      { id: 4740, user: "progers", account: "biology", partition: "normal", state: "COMPLETED", start: 1762789017, end: 1762789077, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn3": "20" }, ev: "completed" },
      { id: 4741, user: "progers", account: "biology", partition: "normal", state: "PENDING", start: 1762789122, end: 1762789242, hosts: [], gpus: undefined, array: [0], limit: 2, cpus: 32, hw: undefined, ev: "none" },
      { id: 4742, user: "progers", account: "biology", partition: "normal", state: "COMPLETED", start: 1762789017, end: 1762789077, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 16, hw: { "cn3": "21-28,48-55" }, ev: "completed" },
      { id: 4743, user: "progers", account: "biology", partition: "normal", state: "PENDING", start: 1762792615, end: 1762792675, hosts: [], gpus: undefined, array: [0], limit: 1, cpus: 128, hw: undefined, ev: "none" },
    ],
  },
  "25.11/slurmdb-v0.0.44-job-failed.json": {
    family: 'db', parser: 'v0.0.44', release: '25.11.0',
    jobs: [
      { id: 5739, user: "vhartman", account: "biology", partition: "normal", state: "FAILED", start: 1762942460, end: 1762942462, hosts: ["cn1"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "failed" },
    ],
  },
  "25.11/slurmdb-v0.0.44-job-gpus-multinode.json": {
    family: 'db', parser: 'v0.0.44', release: '25.11.0',
    jobs: [
      { id: 5679, user: "dperez", account: "acoustic", partition: "gpu", state: "RUNNING", start: 1762788040, end: undefined, hosts: ["gpu1", "gpu2"], gpus: undefined, array: [0], limit: 1, cpus: 2, ev: "start" },
    ],
  },
  "25.11/slurmdb-v0.0.44-job-timeout.json": {
    family: 'db', parser: 'v0.0.44', release: '25.11.0',
    jobs: [
      { id: 5737, user: "vhartman", account: "biology", partition: "normal", state: "TIMEOUT", start: 1762942457, end: 1762942539, hosts: ["cn1"], gpus: undefined, array: [0], limit: 1, cpus: 1, ev: "timeout" },
    ],
  },
  "25.11/slurmrestd-v0.0.41-jobs-17jobs.json": {
    family: 'ctld', parser: 'v0.0.41', release: '25.11.0',
    jobs: [
      { id: 1, user: "jthomas", account: "biology", partition: "gpu", state: "CANCELLED", start: 1762528127, end: 1762528129, hosts: ["gpu1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "gpu1": "0" }, ev: "cancelled" },
      { id: 2, user: "dperez", account: "acoustic", partition: "gpu", state: "CANCELLED", start: 1762528131, end: 1762528133, hosts: ["gpu1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "gpu1": "0" }, ev: "cancelled" },
      { id: 3, user: "dperez", account: "acoustic", partition: "gpu", state: "CANCELLED", start: 1762528135, end: 1762528136, hosts: ["gpu1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "gpu1": "0" }, ev: "cancelled" },
      { id: 4, user: "jthomas", account: "biology", partition: "normal", state: "TIMEOUT", start: 1762528137, end: 1762528209, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "0" }, ev: "timeout" },
      { id: 5, user: "jthomas", account: "biology", partition: "normal", state: "COMPLETED", start: 1762528141, end: 1762528143, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "1" }, ev: "completed" },
      { id: 6, user: "jthomas", account: "biology", partition: "normal", state: "FAILED", start: 1762528142, end: 1762528143, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "2" }, ev: "failed" },
      { id: 7, user: "jthomas", account: "biology", partition: "normal", state: "COMPLETED", start: 1762528144, end: 1762528174, hosts: ["cn1", "cn2", "cn3"], gpus: 0, array: [0], limit: 2, cpus: 128, hw: { "cn1": "1-63", "cn2": "0-63", "cn3": "0" }, ev: "completed" },
      { id: 8, user: "jthomas", account: "biology", partition: "normal", state: "COMPLETED", start: 1762528144, end: 1762528174, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn3": "1" }, ev: "completed" },
      { id: 9, user: "jthomas", account: "biology", partition: "normal", state: "RUNNING", start: 1762528147, end: 1762528267, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn3": "2" }, ev: "start" },
      { id: 10, user: "jthomas", account: "biology", partition: "normal", state: "RUNNING", start: 1762528147, end: 1762528267, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn3": "3-4,32-33" }, ev: "start" },
      { id: 11, user: "jthomas", account: "biology", partition: "normal", state: "COMPLETED", start: 1762528151, end: 1762528211, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn3": "5" }, ev: "completed" },
      { id: 12, user: "jthomas", account: "biology", partition: "normal", state: "RUNNING", start: 1762528151, end: 1762528271, hosts: ["cn4"], gpus: 0, array: [0], limit: 2, cpus: 64, hw: { "cn4": "0-63" }, ev: "start" },
      { id: 13, user: "jthomas", account: "biology", partition: "normal", state: "COMPLETED", start: 1762528154, end: 1762528184, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn3": "6-7,34-35" }, ev: "completed" },
      { id: 14, user: "jthomas", account: "biology", partition: "normal", state: "COMPLETED", start: 1762528154, end: 1762528184, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn3": "8-9,36-37" }, ev: "completed" },
      { id: 15, user: "jthomas", account: "biology", partition: "normal", state: "RUNNING", start: 1762528174, end: 1762528294, hosts: ["cn2"], gpus: 0, array: [0], limit: 2, cpus: 64, hw: { "cn2": "0-63" }, ev: "start" },
      { id: 16, user: "jthomas", account: "biology", partition: "normal", state: "RUNNING", start: 1762528174, end: 1762528294, hosts: ["cn3"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn3": "0-1,38-39" }, ev: "start" },
      { id: 17, user: "jthomas", account: "biology", partition: "normal", state: "PENDING", start: 1762531757, end: 1762531817, hosts: [], gpus: undefined, array: [0], limit: 1, cpus: 1, hw: undefined, ev: "none" },
    ],
  },
  "25.11/slurmrestd-v0.0.44-job-gpus-multinode.json": {
    family: 'ctld', parser: 'v0.0.44', release: '25.11.0',
    jobs: [
      { id: 5679, user: "dperez", account: "acoustic", partition: "gpu", state: "RUNNING", start: 1762788040, end: 1762788100, hosts: ["gpu1", "gpu2"], gpus: 8, array: [0], limit: 1, cpus: 2, hw: { "gpu1": "0", "gpu2": "0" }, ev: "start" },
    ],
  },
  "25.11/slurmrestd-v0.0.44-jobs-15jobs.json": {
    family: 'ctld', parser: 'v0.0.44', release: '25.11.0',
    jobs: [
      { id: 5736, user: "rcarson", account: "optic", partition: "gpu", state: "CANCELLED", start: 1762942453, end: 1762942454, hosts: ["gpu1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "gpu1": "0" }, ev: "cancelled" },
      { id: 5737, user: "vhartman", account: "biology", partition: "normal", state: "TIMEOUT", start: 1762942457, end: 1762942539, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "0" }, ev: "timeout" },
      { id: 5738, user: "vhartman", account: "biology", partition: "normal", state: "COMPLETED", start: 1762942460, end: 1762942462, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "1" }, ev: "completed" },
      { id: 5739, user: "vhartman", account: "biology", partition: "normal", state: "FAILED", start: 1762942460, end: 1762942462, hosts: ["cn1"], gpus: 0, array: [0], limit: 1, cpus: 1, hw: { "cn1": "2" }, ev: "failed" },
      { id: 5740, user: "vhartman", account: "biology", partition: "normal", state: "COMPLETED", start: 1762942461, end: 1762942521, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn1": "3-4,32-33" }, ev: "completed" },
      { id: 5741, user: "vhartman", account: "biology", partition: "normal", state: "COMPLETED", start: 1762942463, end: 1762942524, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn1": "1" }, ev: "completed" },
      { id: 5742, user: "vhartman", account: "biology", partition: "normal", state: "COMPLETED", start: 1762942463, end: 1762942494, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn1": "2,5,34-35" }, ev: "completed" },
      { id: 5743, user: "vhartman", account: "biology", partition: "normal", state: "COMPLETED", start: 1762942466, end: 1762942496, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn1": "6" }, ev: "completed" },
      { id: 5744, user: "vhartman", account: "biology", partition: "normal", state: "COMPLETED", start: 1762942469, end: 1762942530, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn1": "7-8,36-37" }, ev: "completed" },
      { id: 5745, user: "vhartman", account: "biology", partition: "normal", state: "RUNNING", start: 1762942469, end: 1762942589, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn1": "9-10,38-39" }, ev: "start" },
      { id: 5746, user: "vhartman", account: "biology", partition: "normal", state: "RUNNING", start: 1762942470, end: 1762942590, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn1": "11" }, ev: "start" },
      { id: 5747, user: "vhartman", account: "biology", partition: "normal", state: "RUNNING", start: 1762942472, end: 1762942592, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn1": "12" }, ev: "start" },
      { id: 5748, user: "vhartman", account: "biology", partition: "normal", state: "RUNNING", start: 1762942475, end: 1762942595, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 1, hw: { "cn1": "13" }, ev: "start" },
      { id: 5749, user: "vhartman", account: "biology", partition: "normal", state: "COMPLETED", start: 1762942475, end: 1762942505, hosts: ["cn1"], gpus: 0, array: [0], limit: 2, cpus: 4, hw: { "cn1": "14-15,40-41" }, ev: "completed" },
      { id: 5750, user: "vhartman", account: "biology", partition: "normal", state: "PENDING", start: 1762946075, end: 1762946135, hosts: [], gpus: undefined, array: [0], limit: 1, cpus: 128, hw: undefined, ev: "none" },
    ],
  },
};

function ranges(s: string): number[] {
  const out: number[] = [];
  for (const part of s.split(',')) {
    const [a, b] = part.split('-');
    for (let i = Number(a); i <= Number(b ?? a); i++) out.push(i);
  }
  return out;
}

function listFixtures(dir = FIXTURES, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFixtures(p, out);
    else if (name.endsWith('.json')) out.push(relative(FIXTURES, p));
  }
  return out.sort();
}

function checkJob(file: string, j: SlurmJob, row: Row): void {
  const at = `${file} job ${row.id}`;
  assert.equal(j.jobId, row.id, at);
  assert.equal(j.user, row.user, `${at} user`);
  assert.equal(j.account, row.account, `${at} account`);
  assert.equal(j.partition, row.partition, `${at} partition`);
  assert.equal(j.state, row.state, `${at} state`);
  assert.equal(j.startTime, row.start, `${at} startTime`);
  assert.equal(j.endTime, row.end, `${at} endTime`);
  assert.deepEqual(j.nodes, row.hosts, `${at} nodes`);
  assert.deepEqual(j.allocation.map((a) => a.hostname), row.hosts, `${at} allocation hosts`);
  assert.equal(j.gpuCount, row.gpus, `${at} gpuCount`);
  assert.equal(j.arrayJobId, row.array[0], `${at} arrayJobId`);
  assert.equal(j.arrayTaskId, row.array[1], `${at} arrayTaskId`);
  assert.equal(j.timeLimit, row.limit, `${at} timeLimit`);
  assert.equal(j.cpus, row.cpus, `${at} cpus`);
  assert.equal(j.placeholder, row.placeholder ?? false, `${at} placeholder`);
  if (row.hw !== undefined) {
    for (const a of j.allocation) {
      const want: string | undefined = row.hw[a.hostname];
      assert.deepEqual(a.hwthreads, want === undefined ? undefined : ranges(want), `${at} hwthreads of ${a.hostname}`);
    }
  } else {
    assert.ok(j.allocation.every((a) => a.hwthreads === undefined), `${at}: no hwthreads expected`);
  }

  const m = jobEvents(j, { cluster: 'testc' });
  if (row.ev === 'none') {
    assert.equal(m.events.length, 0, `${at}: no events expected`);
    assert.ok(m.skipped, `${at}: a skip reason`);
    return;
  }
  assert.equal(m.events.length, row.ev === 'start' ? 1 : 2, `${at} event count (${m.skipped ?? ''})`);
  const start = m.events[0];
  assert.equal(start?.event, 'start_job');
  const b = start.body as StartJobBody;
  assert.equal(b.jobId, row.id);
  assert.equal(b.cluster, 'testc');
  assert.equal(b.user, row.user);
  assert.equal(b.project, row.account);
  assert.equal(b.partition, row.partition);
  assert.equal(b.startTime, row.start);
  assert.equal(b.numNodes, row.hosts.length);
  assert.deepEqual(b.resources.map((r) => r.hostname), row.hosts);
  assert.equal(b.numAcc, row.gpus ?? 0, `${at} numAcc`);
  assert.equal(b.arrayJobId, row.array[0]);
  assert.equal(b.walltime, typeof row.limit === 'number' ? row.limit * 60 : undefined, `${at} walltime`);
  const hwAll = row.hw && row.hosts.every((h) => row.hw?.[h] !== undefined);
  const wantHw = hwAll ? row.hosts.reduce((n, h) => n + ranges(row.hw?.[h] ?? '').length, 0) : undefined;
  if (wantHw !== undefined) assert.equal(b.numHwthreads, wantHw, `${at} numHwthreads`);
  else if (j.allocation.every((a) => a.cpus !== undefined)) assert.equal(b.numHwthreads, j.allocation.reduce((n, a) => n + (a.cpus ?? 0), 0));
  else assert.equal(b.numHwthreads, row.cpus, `${at} numHwthreads (cpus)`);
  if (row.ev !== 'start') {
    const stop = m.events[1];
    assert.equal(stop?.event, 'stop_job');
    const s = stop.body as StopJobBody;
    assert.deepEqual(s, { jobId: row.id, cluster: 'testc', startTime: row.start, jobState: row.ev, stopTime: Math.max(row.end ?? 0, row.start ?? 0) });
  }
}

for (const [file, exp] of Object.entries(EXPECTED)) {
  test(`fixture ${file}: ${exp.jobs.length} job(s) read and mapped`, () => {
    const r = readSlurmJobs(readFileSync(join(FIXTURES, file), 'utf8'));
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    const v = r.value;
    assert.equal(v.family, exp.family);
    assert.equal(v.parser, exp.parser);
    assert.equal(v.slurmVersion, exp.release);
    assert.equal(v.jobs.length, exp.jobs.length);
    exp.jobs.forEach((row, i) => checkJob(file, v.jobs[i] as SlurmJob, row));
    const fields = [...new Set(v.warnings.map((w) => w.field))].sort();
    assert.deepEqual(fields, EXPECTED_WARNINGS[file] ?? [], `${file} warnings: ${v.warnings.map((w) => w.message).join(' | ')}`);
  });
}

test('every fixture file has expected values, and provenance in fixtures/SOURCES.md with the same sha256', () => {
  const files = listFixtures();
  assert.equal(files.length, 68);
  assert.deepEqual(files, Object.keys(EXPECTED).sort());
  const sources = readFileSync(join(FIXTURES, 'SOURCES.md'), 'utf8');
  for (const f of files) {
    const sha = createHash('sha256').update(readFileSync(join(FIXTURES, f))).digest('hex').slice(0, 12);
    const line = sources.split('\n').find((l) => l.startsWith(`| ${f} |`));
    assert.ok(line, `${f} has a row in SOURCES.md`);
    assert.ok(line.includes(`| ${sha} |`), `${f}: sha256 prefix ${sha} matches SOURCES.md`);
  }
});
