/**
 * metaData.slurmInfo: a short, human-readable summary in the style of `scontrol show job`
 * (key=value, continuation lines indented by three spaces). It describes the job as it
 * started — no JobState, EndTime or ExitCode — so the start event built from a squeue record
 * and the one built later from a sacct record read the same. Times are UTC, printed like
 * scontrol under TZ=UTC (no zone suffix).
 */
import type { SlurmJob } from '../slurm/job.js';

export function slurmInfo(job: SlurmJob): string {
  const lines: string[][] = [];
  lines.push([`JobId=${job.jobId}`, `JobName=${job.name ?? ''}`]);
  if (job.arrayJobId > 0) {
    const arr = [`ArrayJobId=${job.arrayJobId}`];
    if (job.arrayTaskId !== undefined) arr.push(`ArrayTaskId=${job.arrayTaskId}`);
    lines.push(arr);
  }
  if (job.hetJobId !== undefined) lines.push([`HetJobId=${job.hetJobId}`, `HetJobOffset=${job.hetJobOffset ?? 0}`]);
  lines.push([
    `UserId=${job.user ?? ''}${job.userId !== undefined ? `(${job.userId})` : ''}`,
    ...(job.group !== undefined ? [`GroupId=${job.group}`] : []),
    `Account=${job.account ?? ''}`,
    `QOS=${job.qos ?? ''}`,
  ]);
  lines.push([`SubmitTime=${time(job.submitTime)}`, `EligibleTime=${time(job.eligibleTime)}`, `StartTime=${time(job.startTime)}`]);
  lines.push([`TimeLimit=${limit(job.timeLimit)}`]);
  lines.push([`Partition=${job.partition ?? ''}`, `NodeList=${job.nodeList ?? ''}`]);
  const sizes = [`NumNodes=${job.nodeCount ?? job.nodes.length}`, `NumCPUs=${job.cpus ?? ''}`];
  if (job.gpuCount !== undefined) sizes.push(`NumGPUs=${job.gpuCount}`);
  lines.push(sizes);
  if (job.tresAlloc) lines.push([`AllocTRES=${tres(job.tresAlloc)}`]);
  if (job.workDir !== undefined) lines.push([`WorkDir=${job.workDir}`]);
  if (job.command !== undefined) lines.push([`Command=${job.command}`]);
  if (job.submitLine !== undefined) lines.push([`SubmitLine=${job.submitLine}`]);
  return lines.map((l, i) => (i === 0 ? '' : '   ') + l.join(' ')).join('\n');
}

const dayText = new Map<number, string>();

/**
 * `new Date(t * 1000).toISOString().slice(0, 19)`, without a Date and an ISO string per call:
 * the date part ("2024-12-03T") is cached per day, the time of day is arithmetic.
 */
function time(t: number | undefined): string {
  if (t === undefined) return 'Unknown';
  // Whole seconds in years 1970–9999 only; anything else the slow, exact way.
  if (!Number.isInteger(t) || t < 0 || t >= 253402300800) return new Date(t * 1000).toISOString().slice(0, 19);
  const day = Math.floor(t / 86400);
  let date = dayText.get(day);
  if (date === undefined) {
    if (dayText.size >= 4096) dayText.clear();
    date = new Date(day * 86400000).toISOString().slice(0, 11);
    dayText.set(day, date);
  }
  const sec = t - day * 86400;
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  return `${date}${two(h)}:${two(m)}:${two(sec % 60)}`;
}

/** Minutes → scontrol's [days-]HH:MM:SS, or UNLIMITED. */
function limit(m: number | 'infinite' | undefined): string {
  if (m === 'infinite') return 'UNLIMITED';
  if (m === undefined) return 'Unknown';
  const days = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  const hms = `${pad(h)}:${pad(min)}:00`;
  return days > 0 ? `${days}-${hms}` : hms;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** pad() of an integer in 0…99. */
function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function tres(t: Record<string, number>): string {
  return Object.entries(t)
    .map(([k, v]) => (k === 'mem' ? `${k}=${formatMem(v)}` : `${k}=${v}`))
    .join(',');
}

function formatMem(mib: number): string {
  if (mib >= 1024 && mib % 1024 === 0) return `${mib / 1024}G`;
  return `${Math.round(mib * 100) / 100}M`;
}
