/** Normalised Slurm job → cc-backend start/stop events. */
export { jobEvents, type MappingOptions, type MappingResult } from './events.js';
