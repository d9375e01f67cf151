#!/bin/bash
# Makes a Debian machine a grading Docker host. Safe to run again: every step checks first.
#
#   sudo deploy/bootstrap-host.sh [options]
#
#   --user NAME        Unix user the grader connects as (ssh:// endpoints, recycle-host.sh); it
#                      joins the docker group and may restart docker through sudo. Default: grader
#   --ssh-key FILE     authorise this public key for that user (repeatable)
#   --tls DIR          DIR holds ca.pem, server-cert.pem and server-key.pem: dockerd also listens
#                      on tcp://<--tls-listen> and accepts only clients with a certificate of that CA
#   --tls-listen ADDR  address:port for TLS. Default: 0.0.0.0:2376
#   --no-restart       install everything but do not restart docker now (it kills running containers)
#
# What it does, from this folder: installs Debian's docker.io (with containerd and ctr),
# docker/daemon.json as /etc/docker/daemon.json (an existing different one is kept as
# daemon.json.<date>.bak), systemd/grader-docker-cleanup.sh as
# /usr/local/libexec/grader/docker-cleanup, the docker.service drop-in, the user, and restarts
# docker. See README.md.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
USER_NAME=grader
SSH_KEYS=()
TLS_DIR=
TLS_LISTEN=0.0.0.0:2376
RESTART=1

say () { echo "bootstrap-host: $*" >&2; }
die () { say "$*"; exit 1; }

while (( $# > 0 )); do
  case $1 in
    --user) USER_NAME=${2:?--user needs a name}; shift 2 ;;
    --ssh-key) SSH_KEYS+=("${2:?--ssh-key needs a file}"); shift 2 ;;
    --tls) TLS_DIR=${2:?--tls needs a folder}; shift 2 ;;
    --tls-listen) TLS_LISTEN=${2:?--tls-listen needs address:port}; shift 2 ;;
    --no-restart) RESTART=0; shift ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

(( EUID == 0 )) || die "run as root (sudo $0)"
if [[ ! -r /etc/debian_version ]] || ! command -v apt-get >/dev/null; then
  die "this script is for Debian (apt-get); see README.md for the steps"
fi
[[ $USER_NAME =~ ^[a-z_][a-z0-9_-]*$ ]] || die "--user '$USER_NAME' is not a valid user name"
[[ $TLS_LISTEN =~ ^[^[:space:]/]+:[0-9]+$ ]] || die "--tls-listen '$TLS_LISTEN' is not address:port"
for key in "${SSH_KEYS[@]}"; do [[ -r $key ]] || die "cannot read ssh key $key"; done
if [[ -n $TLS_DIR ]]; then
  for f in ca.pem server-cert.pem server-key.pem; do [[ -r $TLS_DIR/$f ]] || die "--tls: $TLS_DIR/$f is missing"; done
fi

changed=0
# Installs $1 as $2 with mode $3 when the content differs; sets `changed`.
put () {
  if ! cmp -s "$1" "$2"; then
    install -D -m "$3" "$1" "$2"
    say "installed $2"
    changed=1
  fi
}

# --- packages ----------------------------------------------------------------------------

missing=()
for pkg in docker.io containerd sudo; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if (( ${#missing[@]} > 0 )); then
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# --- daemon.json, clean-up script, drop-ins ----------------------------------------------

if [[ -f /etc/docker/daemon.json ]] && ! cmp -s "$HERE/docker/daemon.json" /etc/docker/daemon.json; then
  backup=/etc/docker/daemon.json.$(date +%Y%m%d-%H%M%S).bak
  cp -p /etc/docker/daemon.json "$backup"
  say "kept the previous /etc/docker/daemon.json as $backup"
fi
put "$HERE/docker/daemon.json" /etc/docker/daemon.json 0644
put "$HERE/systemd/grader-docker-cleanup.sh" /usr/local/libexec/grader/docker-cleanup 0755
put "$HERE/systemd/docker.service.d/10-grader.conf" /etc/systemd/system/docker.service.d/10-grader.conf 0644

if [[ -n $TLS_DIR ]]; then
  put "$TLS_DIR/ca.pem" /etc/docker/tls/ca.pem 0644
  put "$TLS_DIR/server-cert.pem" /etc/docker/tls/server-cert.pem 0644
  put "$TLS_DIR/server-key.pem" /etc/docker/tls/server-key.pem 0600
  # The listeners must be flags: Debian's unit passes -H fd://, and dockerd refuses
  # "hosts" in daemon.json next to a -H flag. Same command line as Debian's otherwise.
  tls_conf=$(mktemp)
  cat > "$tls_conf" <<EOF
# Written by deploy/bootstrap-host.sh --tls: the Docker API on tcp://$TLS_LISTEN, clients
# must present a certificate signed by /etc/docker/tls/ca.pem. Delete this file (then
# systemctl daemon-reload && systemctl restart docker) to stop listening on TCP.
[Service]
ExecStart=
ExecStart=/usr/sbin/dockerd -H fd:// -H tcp://$TLS_LISTEN --tlsverify --tlscacert=/etc/docker/tls/ca.pem --tlscert=/etc/docker/tls/server-cert.pem --tlskey=/etc/docker/tls/server-key.pem --containerd=/run/containerd/containerd.sock \$DOCKER_OPTS
EOF
  put "$tls_conf" /etc/systemd/system/docker.service.d/20-grader-tls.conf 0644
  rm -f "$tls_conf"
fi

# --- the grader's user -------------------------------------------------------------------

if ! id "$USER_NAME" >/dev/null 2>&1; then
  useradd --system --create-home --shell /bin/bash "$USER_NAME"
  say "created user $USER_NAME"
fi
getent group docker >/dev/null || groupadd --system docker
if ! id -nG "$USER_NAME" | tr ' ' '\n' | grep -qx docker; then
  usermod -aG docker "$USER_NAME"
  say "added $USER_NAME to the docker group"
fi

home=$(getent passwd "$USER_NAME" | cut -d: -f6)
for key in "${SSH_KEYS[@]}"; do
  install -d -m 0700 -o "$USER_NAME" -g "$USER_NAME" "$home/.ssh"
  touch "$home/.ssh/authorized_keys"
  chown "$USER_NAME:$USER_NAME" "$home/.ssh/authorized_keys"
  chmod 0600 "$home/.ssh/authorized_keys"
  line=$(head -n 1 "$key")
  if ! grep -qxF "$line" "$home/.ssh/authorized_keys"; then
    echo "$line" >> "$home/.ssh/authorized_keys"
    say "authorised $key for $USER_NAME"
  fi
done

# Exactly what recycle-host.sh runs, nothing more.
systemctl_bin=$(command -v systemctl || echo /usr/bin/systemctl)
sudoers=$(mktemp)
cat > "$sudoers" <<EOF
# Written by deploy/bootstrap-host.sh: lets the grader recycle this host (deploy/recycle-host.sh).
$USER_NAME ALL=(root) NOPASSWD: $systemctl_bin restart docker.service, $systemctl_bin reset-failed docker.service, $systemctl_bin kill --signal=SIGKILL --kill-who=main docker.service
EOF
if visudo -cqf "$sudoers"; then
  put "$sudoers" /etc/sudoers.d/grader-recycle 0440
else
  say "the sudoers rule did not validate; recycle-host.sh will need root"
fi
rm -f "$sudoers"

# --- systemd -----------------------------------------------------------------------------

if [[ ! -d /run/systemd/system ]]; then
  say "systemd is not running here (a container?): files are installed; start dockerd yourself"
  exit 0
fi
systemctl daemon-reload
systemctl enable --quiet containerd.service docker.service
if (( RESTART == 0 )); then
  (( changed == 0 )) || say "restart docker to apply the changes (systemctl restart docker): it kills running containers"
  exit 0
fi
if (( changed == 1 )) || ! systemctl is-active --quiet docker.service; then
  systemctl reset-failed docker.service 2>/dev/null || true
  say "restarting docker (running containers are killed: a grading host keeps none)"
  systemctl restart docker.service
fi
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then
    say "docker answers: $(docker info --format 'server {{.ServerVersion}}, logging {{.LoggingDriver}}, live-restore {{.LiveRestoreEnabled}}')"
    exit 0
  fi
  sleep 1
done
die "docker did not answer within 60 s: journalctl -u docker"
