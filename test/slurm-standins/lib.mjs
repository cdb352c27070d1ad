// Slurm CLI stand-ins (squeue, sacct, scontrol, sacctmgr, sinfo) for tests: they answer from a
// scenario directory named by $CCSB_STANDIN_DIR, which a test may change while a daemon runs.
//
// <dir>/scenario.json  (write it atomically: temp file + rename; see writeScenario in scenario.ts)
//   {
//     "slurm": "22.05" | "24.05",   22.05: no `scontrol --json` (G5), `squeue --json` ignores every
//                                   filter (G3). 24.05: `scontrol show job <ids> --json` answers
//                                   (data_parser v0.0.41 records), squeue honours -j.
//     "scontrolBatch": true,        24.05 only: whether `scontrol show job 1,2,3` takes a list
//     "cluster": "testcluster", "clusters": ["testcluster"],
//     "minJobAge": 300,             finished jobs stay in squeue/scontrol this long (s)
//     "fail": { "squeue": "message" }   make a command fail (exit 1, message on stderr)
//     "delayMs": { "sacct": 200 }       make a command slow
//     "jobs": [ { "id": 1, "state": "RUNNING", "submit": <epoch>, "start": <epoch>, "end": <epoch>,
//                 "nodes": ["node1"], "cpusPerNode": 1, "user": "alice", "account": "acct",
//                 "partition": "debug", "name": "job1", "limit": <minutes|null>,
//                 "arrayJobId": 5, "arrayTaskId": 1, "exit": <raw wait status>,
//                 "placeholder": true  (sacct shows a G1 "allocation" placeholder record),
//                 "dbDelay": true      (not in sacct yet) } ]
//   }
// <dir>/squeue.json, <dir>/sacct.json: when present, replayed instead of rendering (sacct still
//   filters by -j and -S/-E).
// Every call is appended to <dir>/calls.log as one JSON line {cmd, args, t}.
//
// Record shapes come from real captures (templates/*.json, provenance inside).
import { readFileSync, appendFileSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tpl = (name) => JSON.parse(readFileSync(join(here, 'templates', name), 'utf8'));

function fail(msg, code = 1) {
  process.stderr.write(`${msg}\n`);
  process.exit(code);
}

function scenarioDir() {
  const d = process.env.CCSB_STANDIN_DIR;
  if (!d) fail('slurm stand-in: CCSB_STANDIN_DIR is not set');
  return d;
}

function readScenario(dir) {
  const p = join(dir, 'scenario.json');
  if (!existsSync(p)) return { jobs: [] };
  // A writer renames a complete file into place; retry once on a (rare) parse failure anyway.
  for (let i = 0; ; i++) {
    try {
      return JSON.parse(readFileSync(p, 'utf8'));
    } catch (e) {
      if (i >= 3) fail(`slurm stand-in: cannot read ${p}: ${e.message}`);
    }
  }
}

const nowSec = (sc) => sc.now ?? Math.floor(Date.now() / 1000);
const FINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE']);

/** ["node1","node2","node4"] → "node[1-2,4]" (one prefix group per run of names). */
export function compressHostlist(hosts) {
  if (!hosts.length) return '';
  const groups = new Map();
  const order = [];
  for (const h of hosts) {
    const m = /^(.*?)(\d+)$/.exec(h);
    const key = m ? m[1] : h;
    if (!groups.has(key)) {
      groups.set(key, []);
      order.push(key);
    }
    groups.get(key).push(m ? m[2] : null);
  }
  const parts = [];
  for (const key of order) {
    const nums = groups.get(key);
    if (nums.includes(null)) {
      parts.push(key);
      continue;
    }
    if (nums.length === 1) {
      parts.push(key + nums[0]);
      continue;
    }
    const sorted = nums.map((n) => ({ s: n, v: Number(n) })).sort((a, b) => a.v - b.v);
    const ranges = [];
    let start = sorted[0];
    let prev = sorted[0];
    for (const n of sorted.slice(1)) {
      if (n.v === prev.v + 1 && n.s.length === prev.s.length) {
        prev = n;
        continue;
      }
      ranges.push(start === prev ? start.s : `${start.s}-${prev.s}`);
      start = prev = n;
    }
    ranges.push(start === prev ? start.s : `${start.s}-${prev.s}`);
    parts.push(`${key}[${ranges.join(',')}]`);
  }
  return parts.join(',');
}

function jobDefaults(j, sc) {
  const nodes = j.nodes ?? (j.state === 'PENDING' ? [] : ['node1']);
  return {
    cluster: sc.cluster ?? 'testcluster',
    user: 'alice',
    account: 'testacct',
    partition: 'debug',
    name: `job${j.id}`,
    cpusPerNode: 1,
    limit: 60,
    submit: (j.start ?? nowSec(sc)) - 10,
    exit: 0,
    ...j,
    nodes,
  };
}

// ------------------------------------------------------------------ slurmctld view (squeue, scontrol)

function inCtld(j, sc) {
  if (j.placeholder && FINAL.has(j.state)) return true;
  if (!FINAL.has(j.state)) return true;
  return (j.end ?? 0) >= nowSec(sc) - (sc.minJobAge ?? 300);
}

function ctld38(j, sc) {
  const t = tpl('squeue-v0.0.38.json').job;
  const started = j.state !== 'PENDING';
  const r = { ...t };
  const hosts = compressHostlist(j.nodes);
  Object.assign(r, {
    account: j.account,
    accrue_time: j.submit,
    array_job_id: j.arrayJobId ?? 0,
    array_task_id: j.arrayTaskId ?? null,
    batch_host: started ? j.nodes[0] ?? '' : '',
    cluster: j.cluster,
    derived_exit_code: 0,
    eligible_time: j.submit,
    end_time: FINAL.has(j.state) ? j.end : started ? j.start + (j.limit ?? 525600) * 60 : 0,
    exit_code: FINAL.has(j.state) ? j.exit : 0,
    group_name: j.user,
    job_id: j.id,
    job_state: j.state,
    name: j.name,
    nodes: started ? hosts : '',
    node_count: Math.max(1, j.nodes.length),
    cpus: Math.max(1, j.nodes.length) * j.cpusPerNode,
    partition: j.partition,
    start_time: started ? j.start : 0,
    state_reason: started ? 'None' : 'Priority',
    submit_time: j.submit,
    time_limit: j.limit,
    tres_alloc_str: started ? `cpu=${j.nodes.length * j.cpusPerNode},node=${j.nodes.length},billing=${j.nodes.length * j.cpusPerNode}${j.gpus ? `,gres/gpu=${j.gpus * j.nodes.length}` : ''}` : '',
    tres_req_str: `cpu=${Math.max(1, j.nodes.length) * j.cpusPerNode},mem=1000M,node=${Math.max(1, j.nodes.length)},billing=1`,
    user_name: j.user,
    current_working_directory: '/tmp',
  });
  if (started) {
    const cores = {};
    for (let c = 0; c < j.cpusPerNode; c++) cores[String(c)] = 'allocated';
    r.job_resources = {
      nodes: hosts,
      allocated_cores: j.nodes.length * j.cpusPerNode,
      allocated_hosts: j.nodes.length,
      allocated_nodes: j.nodes.map((n) => ({ sockets: { 0: { cores: { ...cores } } }, nodename: n, cpus_used: 0, memory_used: 0, memory_allocated: 0 })),
    };
  } else delete r.job_resources;
  return r;
}

const num = (v, set = true) => ({ set, infinite: false, number: v ?? 0 });

function ctld41(j, sc) {
  const t = tpl('ctld-v0.0.41.json').job;
  const r = structuredClone(t);
  const started = j.state !== 'PENDING';
  const hosts = compressHostlist(j.nodes);
  Object.assign(r, {
    account: j.account,
    array_job_id: num(j.arrayJobId ?? 0),
    array_task_id: num(j.arrayTaskId ?? 0, j.arrayTaskId !== undefined),
    batch_host: started ? j.nodes[0] ?? '' : '',
    cluster: j.cluster,
    end_time: num(FINAL.has(j.state) ? j.end : started ? j.start + (j.limit ?? 525600) * 60 : 0),
    exit_code: { status: [j.exit ? 'ERROR' : 'SUCCESS'], return_code: num(j.exit >> 8), signal: { id: num(j.exit & 127, (j.exit & 127) !== 0), name: '' } },
    group_name: j.user,
    job_id: j.id,
    job_state: [j.state],
    name: j.name,
    nodes: started ? hosts : '',
    node_count: num(Math.max(1, j.nodes.length)),
    cpus: num(Math.max(1, j.nodes.length) * j.cpusPerNode),
    partition: j.partition,
    start_time: num(started ? j.start : 0),
    submit_time: num(j.submit),
    eligible_time: num(j.submit),
    time_limit: j.limit === null ? { set: false, infinite: true, number: 0 } : num(j.limit),
    tres_alloc_str: started ? `cpu=${j.nodes.length * j.cpusPerNode},node=${j.nodes.length},billing=${j.nodes.length * j.cpusPerNode}` : '',
    user_name: j.user,
  });
  if (started) {
    r.job_resources.nodes.count = j.nodes.length;
    r.job_resources.nodes.list = hosts;
    r.job_resources.cpus = j.nodes.length * j.cpusPerNode;
    r.job_resources.nodes.allocation = j.nodes.map((n, i) => ({
      index: i,
      name: n,
      cpus: { count: j.cpusPerNode, used: 0 },
      memory: { used: 0, allocated: 512 },
      sockets: [{ index: 0, cores: Array.from({ length: j.cpusPerNode }, (_, c) => ({ index: c, status: ['ALLOCATED'] })) }],
    }));
  } else delete r.job_resources;
  return r;
}

// ------------------------------------------------------------------ accounting view (sacct)

function db38(j) {
  const t = tpl('sacct-dbv0.0.38.json').job;
  const r = structuredClone(t);
  const started = j.state !== 'PENDING' && j.start;
  Object.assign(r, {
    account: j.account,
    allocation_nodes: j.nodes.length,
    cluster: j.cluster,
    job_id: j.id,
    name: j.name,
    nodes: started ? compressHostlist(j.nodes) : 'None assigned',
    partition: j.partition,
    user: j.user,
    group: j.user,
    state: { current: j.state, reason: 'None' },
    exit_code: j.exit & 127 ? { status: 'SIGNALED', return_code: null, signal: { signal_id: j.exit & 127, name: 'Killed' } } : { status: 'SUCCESS', return_code: 0 },
    working_directory: '/tmp',
  });
  r.association = { ...r.association, account: j.account, cluster: j.cluster, user: j.user };
  r.array = { ...r.array, job_id: j.arrayJobId ?? 0, task_id: j.arrayTaskId ?? null };
  const end = FINAL.has(j.state) ? j.end : 0;
  r.time = { ...r.time, submission: j.submit, eligible: j.submit, start: started ? j.start : 0, end, elapsed: started ? Math.max(0, (end || Math.floor(Date.now() / 1000)) - j.start) : 0, limit: j.limit };
  const n = j.nodes.length;
  r.tres = {
    allocated: started
      ? [
          { type: 'cpu', name: null, id: 1, count: n * j.cpusPerNode },
          { type: 'energy', name: null, id: 3, count: null },
          { type: 'node', name: null, id: 4, count: n },
          { type: 'billing', name: null, id: 5, count: n * j.cpusPerNode },
          ...(j.gpus ? [{ type: 'gres', name: 'gpu', id: 1001, count: j.gpus * n }] : []),
        ]
      : [],
    requested: [
      { type: 'cpu', name: null, id: 1, count: Math.max(1, n) * j.cpusPerNode },
      { type: 'mem', name: null, id: 2, count: 1000 },
      { type: 'node', name: null, id: 4, count: Math.max(1, n) },
      { type: 'billing', name: null, id: 5, count: 1 },
    ],
  };
  if (j.placeholder) {
    // G1: slurmdbd made the row from a step record; the job record has not arrived yet.
    Object.assign(r, { name: 'allocation', partition: '', qos: null, priority: 0, flags: [], working_directory: '' });
    r.time = { ...r.time, eligible: 0, limit: 0 };
    r.tres = { ...r.tres, requested: [] };
  }
  return r;
}

// ------------------------------------------------------------------ argument helpers

function optValue(args, ...names) {
  for (let i = 0; i < args.length; i++) {
    for (const n of names) {
      if (args[i] === n) return args[i + 1];
      if (n.startsWith('--') && args[i].startsWith(`${n}=`)) return args[i].slice(n.length + 1);
    }
  }
  return undefined;
}

/** Slurm time: YYYY-MM-DD[THH:MM[:SS]] (in TZ=UTC), `now`, or now-<n>[units]. */
function parseSlurmTime(s, now) {
  if (s === undefined) return undefined;
  if (s === 'now') return now;
  const rel = /^now-(\d+)(seconds|minutes|hours|days)?$/.exec(s);
  if (rel) return now - Number(rel[1]) * ({ seconds: 1, minutes: 60, hours: 3600, days: 86400 }[rel[2] ?? 'seconds']);
  if (process.env.TZ !== 'UTC') fail(`slurm stand-in: run with TZ=UTC (got TZ=${process.env.TZ ?? ''}); times would be local`);
  const ms = Date.parse(`${s.length === 10 ? `${s}T00:00:00` : s}Z`);
  if (!Number.isFinite(ms)) fail(`sacct: error: Invalid time specification: ${s}`);
  return Math.floor(ms / 1000);
}

function ids(s) {
  return new Set(
    String(s)
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)
      .map((x) => Number(x.split('_')[0])),
  );
}

function out(doc) {
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

const STATE_ABBR = { CA: 'CANCELLED', CD: 'COMPLETED', F: 'FAILED', TO: 'TIMEOUT', NF: 'NODE_FAIL', PD: 'PENDING', R: 'RUNNING', OOM: 'OUT_OF_MEMORY', DL: 'DEADLINE', PR: 'PREEMPTED', BF: 'BOOT_FAIL', S: 'SUSPENDED' };

// ------------------------------------------------------------------ commands

export async function main(cmd) {
  const args = process.argv.slice(2);
  const dir = scenarioDir();
  try {
    appendFileSync(join(dir, 'calls.log'), `${JSON.stringify({ cmd, args, t: Date.now() })}\n`);
  } catch {
    // the scenario dir may be read-only in some tests
  }
  const sc = readScenario(dir);
  const version = String(sc.slurm ?? '22.05');
  const is2205 = version.startsWith('22.');
  const release = is2205 ? '22.05.8' : '24.05.3';
  if (args.includes('--version') || args.includes('-V')) {
    process.stdout.write(`slurm ${release}\n`);
    return;
  }
  const delay = sc.delayMs?.[cmd];
  if (delay) await new Promise((r) => setTimeout(r, delay));
  if (sc.fail?.[cmd]) fail(`${cmd}: error: ${sc.fail[cmd]}`);
  const now = nowSec(sc);
  const jobs = (sc.jobs ?? []).map((j) => jobDefaults(j, sc));
  switch (cmd) {
    case 'squeue':
      return squeue(args, sc, jobs, dir, is2205);
    case 'sacct':
      return sacct(args, sc, jobs, dir, now);
    case 'scontrol':
      return scontrol(args, sc, jobs, is2205);
    case 'sacctmgr':
      return sacctmgr(args, sc);
    case 'sinfo':
      fail('sinfo: this stand-in only answers --version');
      return;
    default:
      fail(`unknown stand-in ${cmd}`);
  }
}

function squeue(args, sc, jobs, dir, is2205) {
  if (!args.includes('--json')) fail('squeue stand-in: only --json output is implemented');
  const raw = join(dir, 'squeue.json');
  if (existsSync(raw)) {
    process.stdout.write(readFileSync(raw, 'utf8'));
    return;
  }
  let list = jobs.filter((j) => !j.dbOnly && inCtld(j, sc) && !j.placeholder);
  // 22.05: --json ignores every filter (REPORT G3). Later versions honour -j.
  if (!is2205) {
    const j = optValue(args, '-j', '--jobs');
    if (j) {
      const want = ids(j);
      list = list.filter((x) => want.has(x.id));
    }
  }
  if (is2205) out({ meta: tpl('squeue-v0.0.38.json').meta, errors: [], jobs: list.map((j) => ctld38(j, sc)) });
  else out({ jobs: list.map((j) => ctld41(j, sc)), last_backfill: num(0), last_update: num(Math.floor(Date.now() / 1000)), meta: tpl('ctld-v0.0.41.json').meta, errors: [], warnings: [] });
}

function sacct(args, sc, jobs, dir, now) {
  if (!args.includes('--json')) fail('sacct stand-in: only --json output is implemented');
  const jArg = optValue(args, '-j', '--jobs');
  const sArg = optValue(args, '-S', '--starttime');
  const eArg = optValue(args, '-E', '--endtime');
  const stArg = optValue(args, '-s', '--state');
  let docJobs;
  const raw = join(dir, 'sacct.json');
  let meta = tpl('sacct-dbv0.0.38.json').meta;
  if (existsSync(raw)) {
    const d = JSON.parse(readFileSync(raw, 'utf8'));
    meta = d.meta ?? meta;
    docJobs = d.jobs.map((r) => ({
      r,
      id: r.job_id,
      state: r.state?.current,
      submit: r.time?.submission,
      start: r.time?.start,
      end: r.time?.end,
    }));
  } else {
    docJobs = jobs.filter((j) => !j.dbDelay).map((j) => ({ r: db38(j), id: j.id, state: j.state, submit: j.submit, start: j.start, end: FINAL.has(j.state) ? j.end : 0 }));
  }
  let list = docJobs;
  if (jArg) {
    const want = ids(jArg);
    list = list.filter((x) => want.has(x.id));
  } else {
    // G4: -s without -E returns nothing useful; default -S is midnight today.
    if (stArg && !eArg) list = [];
    const S = parseSlurmTime(sArg, now) ?? Math.floor(now / 86400) * 86400;
    const E = parseSlurmTime(eArg, now) ?? now;
    const states = stArg ? new Set(stArg.split(',').map((s) => STATE_ABBR[s.toUpperCase()] ?? s.toUpperCase())) : undefined;
    list = list.filter((x) => {
      const activeFrom = x.start || x.submit || 0;
      const activeTo = x.end || now;
      if (!(activeFrom <= E && activeTo >= S)) return false;
      if (!states) return x.state !== 'PENDING' || false;
      return states.has(x.state);
    });
  }
  out({ meta, errors: [], jobs: list.map((x) => x.r) });
}

function scontrol(args, sc, jobs, is2205) {
  if (args.includes('--json') && is2205) {
    // G5: exactly what 22.05 says.
    fail(`scontrol: unrecognized option '--json'\nTry "scontrol --help" for more information`);
  }
  if (args[0] !== 'show' || args[1] !== 'job') fail('scontrol stand-in: only `show job <ids> --json` is implemented');
  if (!args.includes('--json')) fail('scontrol stand-in: only --json output is implemented');
  const idArg = args[2] && args[2] !== '--json' ? args[2] : undefined;
  let list = jobs.filter((j) => inCtld(j, sc) && !j.placeholder && !j.dbOnly);
  if (idArg) {
    if (idArg.includes(',') && sc.scontrolBatch === false) fail('slurm_load_jobs error: Invalid job id specified');
    const want = ids(idArg);
    list = list.filter((j) => want.has(j.id));
    if (!list.length) fail('slurm_load_jobs error: Invalid job id specified');
  }
  out({ jobs: list.map((j) => ctld41(j, sc)), last_backfill: num(0), last_update: num(Math.floor(Date.now() / 1000)), meta: tpl('ctld-v0.0.41.json').meta, errors: [], warnings: [] });
}

function sacctmgr(args, sc) {
  if (args[0] === 'list' && args[1] === 'clusters') {
    const clusters = sc.clusters ?? [sc.cluster ?? 'testcluster'];
    process.stdout.write(clusters.map((c) => `${c}\n`).join(''));
    return;
  }
  fail('sacctmgr stand-in: only `list clusters -n -P format=cluster` is implemented');
}
