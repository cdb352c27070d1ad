#!/usr/bin/env bash
# Installs whatever the project needs and is missing, then the workspace's packages.
#   bootstrap.sh unit   – Node deps + nats-server
#   bootstrap.sh test   – the above + Slurm (for the end-to-end suite)
#   bootstrap.sh demo   – same as test
# System packages come from Debian (apt-get) and only when running as root; otherwise a clear
# message says what is missing. Idempotent and quiet when everything is there.
set -euo pipefail
trap '' PIPE
mode="${1:-test}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

say() { printf '[bootstrap] %s\n' "$*" >&2; }

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  say "Node.js 20 or newer is required (found $(node --version))"; exit 1
fi

apt_updated=0
apt_install() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "missing: $* — install these Debian packages as root (apt-get install $*)"; return 1
  fi
  if [ "$apt_updated" -eq 0 ]; then
    say "apt-get update"; DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2; apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2
}

# pnpm, at the version pinned in package.json's packageManager.
pnpm_version="$(node -p 'require("./package.json").packageManager.split("@")[1]')"
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
  say "installing pnpm $pnpm_version"
  # corepack on Node 20 can fail with "No compatible signature found in package metadata".
  if ! (corepack enable >/dev/null 2>&1 && corepack prepare "pnpm@$pnpm_version" --activate >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$pnpm_version" ]); then
    npm install -g "pnpm@$pnpm_version" >/dev/null 2>&1 || { say "could not install pnpm@$pnpm_version"; exit 1; }
  fi
fi

if ! command -v nats-server >/dev/null 2>&1 && [ ! -x /usr/sbin/nats-server ]; then
  apt_install nats-server || exit 1
fi

if [ "$mode" = test ] || [ "$mode" = demo ]; then
  need=()
  command -v slurmctld >/dev/null 2>&1 || need+=(slurm-wlm)
  command -v slurmdbd >/dev/null 2>&1 || need+=(slurmdbd)
  command -v munged >/dev/null 2>&1 || need+=(munge)
  { command -v mariadbd >/dev/null 2>&1 || [ -x /usr/sbin/mariadbd ]; } || need+=(mariadb-server)
  if [ "${#need[@]}" -gt 0 ]; then
    apt_install "${need[@]}" || {
      [ "$mode" = demo ] && say "continuing without Slurm: the demo replays real captures instead" || exit 1
    }
  fi
fi

# Workspace packages: install when node_modules is missing or older than the lockfile.
if [ ! -f node_modules/.modules.yaml ] || [ pnpm-lock.yaml -nt node_modules/.modules.yaml ]; then
  say "pnpm install --frozen-lockfile"
  pnpm install --frozen-lockfile --reporter=append-only >&2
fi
