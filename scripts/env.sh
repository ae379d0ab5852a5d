# Sourced by the other scripts: puts a Node.js that current Backstage supports (22 or 24)
# first on PATH, and installs the workspace's dependencies when they are missing or stale.
# Uses the system Node when it is new enough; otherwise fetches Node 22 from the npm
# registry (the node-linux-<arch> package carries bin/node and its headers) into
# .toolchain/, and points native builds (better-sqlite3) at those headers.

set -euo pipefail

PR_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PR_NODE_VERSION="22.23.3"
export PR_ROOT

pr_log() { printf '\033[1;34m[paved-road]\033[0m %s\n' "$*" >&2; }

pr_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

pr_ensure_node() {
  local major
  major="$(pr_node_major)"
  if [ "$major" = 22 ] || [ "$major" = 24 ]; then
    return 0
  fi
  local dir="$PR_ROOT/.toolchain/node-$PR_NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "Paved Road needs Node.js 22 or 24, or npm to fetch it; neither was found." >&2
      exit 1
    fi
    local arch
    case "$(uname -m)" in
      x86_64) arch=x64 ;;
      aarch64 | arm64) arch=arm64 ;;
      *) echo "No Node.js package for $(uname -m); install Node.js 22 or 24 yourself." >&2; exit 1 ;;
    esac
    pr_log "system Node is ${major:-missing}; fetching Node $PR_NODE_VERSION from the npm registry"
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent "node-linux-$arch@$PR_NODE_VERSION" >/dev/null)
    mkdir -p "$dir"
    tar -xzf "$tmp"/node-linux-*.tgz -C "$dir" --strip-components=1
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  # Native addons must be built against this Node's headers, not the system's.
  export npm_config_nodedir="$dir"
}

pr_ensure_deps() {
  local stamp="$PR_ROOT/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$PR_ROOT/package-lock.json" -nt "$stamp" ] ||
    [ "$(cat "$PR_ROOT/node_modules/.paved-road-node" 2>/dev/null)" != "$(node -v)" ]; then
    # `npm install` rather than `npm ci`: the registry reachable here lacks some optional
    # platform packages (e.g. @swc/core-darwin-arm64), so they are absent from the lock and
    # `npm ci` refuses it as out of sync. With the committed lock, `npm install` installs
    # the locked tree and leaves the lock unchanged.
    pr_log "installing dependencies (npm install, from package-lock.json)"
    (cd "$PR_ROOT" && npm install --no-audit --no-fund)
    node -v >"$PR_ROOT/node_modules/.paved-road-node"
  fi
}

pr_ensure_node
