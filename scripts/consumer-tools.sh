#!/usr/bin/env bash
# Installs the tools that consume what the golden paths generate, for the verification tests
# (plugins/scaffolder-backend-module-paved-road/src/templates/verify/): shellcheck and yamllint
# from Debian's packages, and promtool from Debian's prometheus package, unpacked into
# .cache/tools/ (not installed, so no Prometheus server is set up). terraform and kubectl
# (with kustomize) are not in Debian's archive: they must already be on PATH.
# Idempotent; run as root (apt-get). Usage: scripts/consumer-tools.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$root/.cache/tools/bin"
mkdir -p "$bin"

need=()
command -v shellcheck >/dev/null 2>&1 || need+=(shellcheck)
command -v yamllint >/dev/null 2>&1 || need+=(yamllint)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! command -v promtool >/dev/null 2>&1 && [ ! -x "$bin/promtool" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get download prometheus >/dev/null 2>&1 || { apt-get update -qq && apt-get download prometheus >/dev/null; })
  dpkg -x "$tmp"/prometheus_*.deb "$tmp/x"
  cp "$tmp/x/usr/bin/promtool" "$bin/promtool"
  rm -rf "$tmp"
fi

missing=0
for tool in shellcheck yamllint promtool terraform kubectl; do
  if path="$(PATH="$bin:$PATH" command -v "$tool")"; then
    printf '%-10s %s\n' "$tool" "$path"
  else
    printf '%-10s MISSING\n' "$tool" >&2
    missing=1
  fi
done
exit $missing
