/** Normalised Slurm job → cc-backend start/stop events. */
export { jobEvents, sharedFor, type MappingOptions, type MappingResult, type ValidatedEvent } from './events.js';
export { stopState, hasRun, ENDED_STATES, type StopStateDecision } from './state.js';
export { slurmInfo } from './slurm-info.js';
