#!/bin/sh
# PrologSlurmctld / EpilogSlurmctld: tell the publisher daemon about this job. The hook sends one
# message over the daemon's socket and always exits 0 within about a second, even when the
# daemon is down (the daemon's poll catches up then), so it never holds up slurmctld.
exec /usr/bin/node /opt/cc-slurm-bridge/packages/publisher/dist/cli.js hook --config /etc/cc-slurm-bridge/publisher.json
