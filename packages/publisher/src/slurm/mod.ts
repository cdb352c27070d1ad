/** Slurm JSON reading: version-tolerant job records → SlurmJob. */
export * from './job.js';
export { readSlurmJobs } from './read.js';
export { expandHostlist, tryExpandHostlist, HostlistError, MAX_HOSTLIST_HOSTS } from './hostlist.js';
export { parseGres, gresGpus, parseIndexList, type GresEntry } from './gres.js';
export { parseTres, tresGpuCount, type TresMap, type TresListItem } from './tres.js';
