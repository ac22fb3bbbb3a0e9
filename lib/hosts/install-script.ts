import type { TAgentBundle } from "./agent-bundle";

/** Single-quoted for sh: the only character that needs care inside '' is ' itself. */
function shQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * The POSIX sh installer `GET /api/v1/agent/install.sh` serves. The console's URL and the
 * bundle's version and SHA-256 are written into it when it is served, so a download that does not
 * match what this console built is refused before anything is installed. Nothing from the request
 * goes into it; the operator's arguments are read by the script itself on the host.
 */
export function installScript(consoleUrl: string, bundle: TAgentBundle): string {
  return `#!/bin/sh
# Berth agent installer, served by ${consoleUrl}
#   curl -fsSL ${consoleUrl}/api/v1/agent/install.sh | sh -s -- --token <token> [--zone <zone>] [--name <name>]
# Options:
#   --token T      one-use enrollment token (Hosts page → Add host), first start only
#   --zone Z       zone or room label used to spread sets (default: default)
#   --name N       host name shown in the console (default: this machine's hostname)
#   --foreground   run the agent here instead of installing a systemd unit (containers, tests)
#   --dir D        install everything under D (bundle, agent.env, state) instead of
#                  /opt/berth, /etc/berth and /var/lib/berth-agent
set -eu
CONSOLE_URL=${shQuote(consoleUrl)}
AGENT_VERSION=${shQuote(bundle.version)}
AGENT_SHA256=${shQuote(bundle.sha256)}

TOKEN="\${BERTH_ENROLL_TOKEN:-}"
ZONE="\${BERTH_ZONE:-default}"
NAME="\${BERTH_HOST_NAME:-}"
FOREGROUND=0
DIR=""
fail() { echo "berth-install: $*" >&2; exit 1; }
need_value() { [ $# -ge 2 ] && [ -n "$2" ] || fail "$1 needs a value"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --token) need_value "$@"; TOKEN="$2"; shift 2 ;;
    --zone) need_value "$@"; ZONE="$2"; shift 2 ;;
    --name) need_value "$@"; NAME="$2"; shift 2 ;;
    --dir) need_value "$@"; DIR="$2"; shift 2 ;;
    --foreground) FOREGROUND=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" 2>/dev/null || true; exit 0 ;;
    *) fail "unknown option $1 (see --help)" ;;
  esac
done
case "$ZONE" in *[!A-Za-z0-9._-]*) fail "--zone takes letters, digits, . _ -" ;; esac
case "$NAME" in *[!A-Za-z0-9._-]*) fail "--name takes letters, digits, . _ -" ;; esac

command -v node >/dev/null 2>&1 || fail "Node.js 20 or newer is needed (Debian: apt-get install nodejs)"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || fail "Node.js 20 or newer is needed; this host has $(node -v)"
case "\${DOCKER_HOST:-unix:///var/run/docker.sock}" in
  unix://*) SOCK="\${DOCKER_HOST:-unix:///var/run/docker.sock}"; SOCK="\${SOCK#unix://}"
    [ -S "$SOCK" ] || fail "no Docker engine socket at $SOCK (apt-get install docker.io, then start dockerd)" ;;
esac
command -v sha256sum >/dev/null 2>&1 || fail "sha256sum is needed (coreutils)"

if [ -n "$DIR" ]; then
  BIN_DIR="$DIR"; ETC_DIR="$DIR"; STATE_DIR="$DIR"
else
  [ "$(id -u)" = 0 ] || fail "run as root (or give --dir for a user-owned install)"
  BIN_DIR=/opt/berth; ETC_DIR=/etc/berth; STATE_DIR=/var/lib/berth-agent
fi
mkdir -p "$BIN_DIR" "$ETC_DIR" "$STATE_DIR"

DOWNLOAD="$BIN_DIR/berth-agent.cjs.download"
if command -v curl >/dev/null 2>&1; then
  curl -fsSL "$CONSOLE_URL/api/v1/agent/download" -o "$DOWNLOAD" || fail "download from $CONSOLE_URL failed"
elif command -v wget >/dev/null 2>&1; then
  wget -qO "$DOWNLOAD" "$CONSOLE_URL/api/v1/agent/download" || fail "download from $CONSOLE_URL failed"
else
  fail "curl or wget is needed"
fi
GOT=$(sha256sum "$DOWNLOAD" | cut -d' ' -f1)
if [ "$GOT" != "$AGENT_SHA256" ]; then
  rm -f "$DOWNLOAD"
  fail "checksum mismatch: the console built $AGENT_SHA256, the download is $GOT; nothing was installed"
fi
mv -f "$DOWNLOAD" "$BIN_DIR/berth-agent.cjs"
echo "berth-install: agent $AGENT_VERSION in $BIN_DIR (sha256 verified)"

OLD_UMASK=$(umask); umask 077
{
  echo "BERTH_CONSOLE_URL=$CONSOLE_URL"
  echo "BERTH_ZONE=$ZONE"
  echo "BERTH_AGENT_STATE_DIR=$STATE_DIR"
  [ -n "$NAME" ] && echo "BERTH_HOST_NAME=$NAME"
  [ -n "$TOKEN" ] && echo "BERTH_ENROLL_TOKEN=$TOKEN"
  [ -n "$DIR" ] && echo "BERTH_VOLUME_ROOT=$DIR/volumes"
  true
} > "$ETC_DIR/agent.env"
chmod 600 "$ETC_DIR/agent.env"
umask "$OLD_UMASK"

# The runner restarts the agent when it replaced its own file (exit 75: an upgrade), and puts the
# previous file back when an upgraded agent dies within two minutes.
cat > "$BIN_DIR/berth-agent-run" <<RUNNER
#!/bin/sh
set -a; . "$ETC_DIR/agent.env"; set +a
BIN="$BIN_DIR/berth-agent.cjs"
upgraded_at=0
while :; do
  rc=0; node "\\$BIN" || rc=\\$?
  now=\\$(date +%s)
  if [ "\\$rc" -eq 75 ]; then upgraded_at=\\$now; continue; fi
  if [ "\\$rc" -eq 0 ]; then exit 0; fi
  if [ -f "\\$BIN.prev" ] && [ \\$((now - upgraded_at)) -lt 120 ]; then
    echo "berth-agent: the upgraded agent exited (\\$rc) within two minutes; rolling back" >&2
    mv -f "\\$BIN.prev" "\\$BIN"; upgraded_at=0; continue
  fi
  sleep 2
done
RUNNER
chmod 755 "$BIN_DIR/berth-agent-run"

if [ "$FOREGROUND" = 1 ]; then
  echo "berth-install: running the agent in the foreground"
  exec "$BIN_DIR/berth-agent-run"
fi
command -v systemctl >/dev/null 2>&1 || fail "no systemd here: run again with --foreground under your own supervisor"
cat > /etc/systemd/system/berth-agent.service <<UNIT
[Unit]
Description=Berth host agent $AGENT_VERSION
After=network-online.target docker.service
Wants=network-online.target

[Service]
Type=simple
ExecStart=$BIN_DIR/berth-agent-run
# Killing the agent never stops containers; it adopts them by label when it comes back.
Restart=always
RestartSec=2
KillMode=mixed

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now berth-agent.service
echo "berth-install: berth-agent.service started; the host appears on $CONSOLE_URL/hosts"
`;
}
