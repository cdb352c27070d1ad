#!/usr/bin/env node
/** cc-slurm-forwarder: run | status | dlq list|replay|purge | check-config (see cli-main.ts). */
import { main } from './cli-main.js';

process.exitCode = await main(process.argv);
