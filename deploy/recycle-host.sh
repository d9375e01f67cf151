#!/bin/bash
# An example GRADER_RECYCLE_COMMAND: restarts the Docker engine of one grading host and
# waits until it answers again. The grader runs it, with GRADER_HOST_ID and
# GRADER_HOST_ENDPOINT set, for a host whose daemon stopped answering.
#
#   unix:///var/run/docker.sock   this machine: systemctl restart docker
#   tcp://dock-1:2376             ssh to dock-1 (as $RECYCLE_SSH_USER, port $RECYCLE_SSH_PORT)
#   ssh://user@dock-1[:port]      ssh to dock-1 as user (default $RECYCLE_SSH_USER) on that port
#
# On the host (deploy/bootstrap-host.sh sets this up): the user may run, through sudo without
# a password, exactly `systemctl restart docker.service`, `systemctl reset-failed
# docker.service` and `systemctl kill --signal=SIGKILL --kill-who=main docker.service`, and
# is in the docker group (to run `docker info`).
#
# Environment:
#   RECYCLE_TIMEOUT_S  longest wait for the restart and for docker to answer; keep it
#                      under the grader's GRADER_RECYCLE_TIMEOUT_MS (120 s), which kills
#                      this command's process group when it runs out             default 90
#   RECYCLE_KILL       1: SIGKILL dockerd first instead of a clean stop, which a wedged
#                      dockerd ignores until TimeoutStopSec (20 s in the drop-in)    default 0
#   RECYCLE_SSH_USER   ssh user for tcp:// endpoints and ssh:// ones without a user  default grader
#   RECYCLE_SSH_PORT   ssh port for tcp:// endpoints                               default 22
#   RECYCLE_SSH_OPTS   more ssh options, split on spaces (e.g. "-i /etc/grader/id_ed25519")
#   RECYCLE_DRY_RUN    1: print what would run and exit 0
#
# Exit status:
#   0  the daemon answers again
#   2  GRADER_HOST_ENDPOINT missing or not understood
#   3  could not reach the host, or systemctl could not restart docker
#   4  docker was restarted but did not answer within RECYCLE_TIMEOUT_S
set -uo pipefail

ENDPOINT=${GRADER_HOST_ENDPOINT:-}
HOST_ID=${GRADER_HOST_ID:-$ENDPOINT}
TIMEOUT_S=${RECYCLE_TIMEOUT_S:-90}
KILL_FIRST=${RECYCLE_KILL:-0}
SSH_USER=${RECYCLE_SSH_USER:-grader}
SSH_PORT=${RECYCLE_SSH_PORT:-22}

say () { echo "recycle-host: ${HOST_ID:-?}: $*" >&2; }
usage () { say "$*"; exit 2; }

[[ -n $ENDPOINT ]] || usage "GRADER_HOST_ENDPOINT is not set"
[[ $TIMEOUT_S =~ ^[0-9]+$ ]] || usage "RECYCLE_TIMEOUT_S must be a number of seconds"

# Runs on the Docker host, as the ssh user or locally: restart, then wait for `docker info`.
# Its exit status is this script's (3 or 4 on failure).
# shellcheck disable=SC2016 # expanded on the host, not here
REMOTE='
set -u
timeout_s=$1 kill_first=$2
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo -n"
deadline=$(( $(date +%s) + timeout_s ))
# A recycle counts as a start: clear an earlier start-limit hit so this one is not refused.
$sudo systemctl reset-failed docker.service 2>/dev/null
if [ "$kill_first" = 1 ]; then
  $sudo systemctl kill --signal=SIGKILL --kill-who=main docker.service || echo "SIGKILL failed, restarting anyway" >&2
fi
if ! timeout "$timeout_s" $sudo systemctl restart docker.service; then
  echo "systemctl restart docker.service failed or timed out" >&2
  exit 3
fi
until docker info >/dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then echo "docker did not answer within ${timeout_s} s" >&2; exit 4; fi
  sleep 1
done
'

host='' user='' port=''
case $ENDPOINT in
  unix://*) ;;
  tcp://*|https://*|http://*)
    authority=${ENDPOINT#*://}; authority=${authority%%/*}
    host=${authority%:*}; user=$SSH_USER; port=$SSH_PORT ;;
  ssh://*)
    authority=${ENDPOINT#ssh://}; authority=${authority%%/*}
    if [[ $authority == *@* ]]; then user=${authority%%@*}; authority=${authority#*@}; else user=$SSH_USER; fi
    if [[ $authority =~ ^(.+):([0-9]+)$ && $authority != *:*:* ]]; then host=${BASH_REMATCH[1]}; port=${BASH_REMATCH[2]}
    elif [[ $authority =~ ^\[(.+)\]:([0-9]+)$ ]]; then host=${BASH_REMATCH[1]}; port=${BASH_REMATCH[2]}
    else host=$authority; port=22; fi ;;
  *) usage "unsupported endpoint $ENDPOINT (unix://, tcp://, ssh://)" ;;
esac
host=${host#[}; host=${host%]}
if [[ -n $host ]]; then
  # Never let an endpoint smuggle an ssh option in (a host starting with "-").
  [[ $host =~ ^[A-Za-z0-9][A-Za-z0-9._:-]*$ ]] || usage "odd host name '$host' in $ENDPOINT"
  [[ $user =~ ^[a-z_][a-z0-9_.-]*$ ]] || usage "odd ssh user '$user'"
  [[ $port =~ ^[0-9]+$ ]] || usage "odd ssh port '$port'"
fi

started=$(date +%s)
if [[ -z $host ]]; then
  cmd=(bash -c "$REMOTE" recycle "$TIMEOUT_S" "$KILL_FIRST")
  where="this machine"
else
  # shellcheck disable=SC2206 # options are meant to be split
  extra=(${RECYCLE_SSH_OPTS:-})
  # BatchMode: never wait for a password prompt nobody will answer. The outer timeout
  # bounds a host that accepts the connection and then hangs.
  cmd=(timeout $((TIMEOUT_S + 20)) ssh -o BatchMode=yes -o ConnectTimeout=10 -o ServerAliveInterval=10
       -p "$port" "${extra[@]}" -- "$user@$host" bash -s -- "$TIMEOUT_S" "$KILL_FIRST")
  where="$user@$host:$port"
fi

if [[ ${RECYCLE_DRY_RUN:-0} == 1 ]]; then
  if [[ -z $host ]]; then say "would restart docker.service on this machine"
  else say "would run: $(printf '%q ' "${cmd[@]}")< (restart script)"; fi
  exit 0
fi

say "restarting docker on $where"
if [[ -z $host ]]; then "${cmd[@]}"; else "${cmd[@]}" <<< "$REMOTE"; fi
status=$?
case $status in
  0) say "docker answers again after $(( $(date +%s) - started )) s"; exit 0 ;;
  4|124) say "docker did not answer within ${TIMEOUT_S} s"; exit 4 ;;
  255) say "ssh to $where failed"; exit 3 ;;
  *) say "restart failed (status $status)"; exit 3 ;;
esac
