#!/bin/bash
# grader-docker-cleanup: make a stopped Docker engine start with no containers and no volumes.
#
# Installed as /usr/local/libexec/grader/docker-cleanup and run by the docker.service
# drop-in (10-grader.conf) as ExecStartPre=, so on every start of dockerd: at boot, after a
# crash (Restart=always) and when the grader recycles a wedged host. A grading host holds no
# container worth keeping: each one is single-use, and a run that was in flight is already
# lost (the worker retries it elsewhere). Images are never touched.
#
# Deleting /var/lib/docker/containers/* alone is not enough, hence the four steps:
#   1. Kill what still runs. Debian's docker.service has KillMode=process and uses the
#      system containerd: stopping (or SIGKILLing) dockerd leaves every container running
#      under its containerd shim. Once its state is deleted, dockerd no longer knows it and
#      it would run forever. Kill them through containerd (ctr); if containerd does not
#      answer, kill the shims of this containerd and the containers under them directly.
#   2. Unmount their root filesystems: a dockerd killed mid-run leaves them mounted.
#   3. Delete their writable layers (overlay2 only). dockerd forgets them with the
#      containers, and otherwise keeps one orphan per container in
#      image/overlay2/layerdb/mounts and overlay2/, for ever.
#   4. Delete <data-root>/containers/* and <data-root>/volumes/*.
#
# Environment (the defaults fit Debian's docker.io package):
#   DOCKER_DATA_ROOT      dockerd's --data-root                        /var/lib/docker
#   CONTAINERD_ADDRESS    dockerd's --containerd socket                /run/containerd/containerd.sock
#   CONTAINERD_NAMESPACE  containerd namespace dockerd uses            moby
#   DOCKERD_PIDFILE       dockerd's --pidfile; refuses to run while it runs   /var/run/docker.pid
#   CTR_TIMEOUT_S         longest wait for one ctr call (a wedged containerd) 10
#
# Exit status: 0 when done, even if a step could only partly succeed (each problem is
# logged: a host that starts with a leak is better than one that stays down; the grader's
# probes decide whether it grades); 1 when dockerd still runs or the settings are unusable.
set -euo pipefail

DATA_ROOT=${DOCKER_DATA_ROOT:-/var/lib/docker}
ADDRESS=${CONTAINERD_ADDRESS:-/run/containerd/containerd.sock}
NS=${CONTAINERD_NAMESPACE:-moby}
PIDFILE=${DOCKERD_PIDFILE:-/var/run/docker.pid}
CTR_TIMEOUT_S=${CTR_TIMEOUT_S:-10}

log () { echo "grader-docker-cleanup: $*" >&2; }
die () { log "$*"; exit 1; }

# A mistyped root must never become `rm -rf /containers/*`.
[[ $DATA_ROOT == /?* && $DATA_ROOT != *..* ]] || die "DOCKER_DATA_ROOT must be an absolute path, not '$DATA_ROOT'"
DATA_ROOT=${DATA_ROOT%/}
[[ -d $DATA_ROOT ]] || { log "$DATA_ROOT does not exist: nothing to clean"; exit 0; }

# Field 3 of /proc/<pid>/stat (the state), read after the command name, which may hold spaces.
proc_state () {
  local line
  line=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  line=${line##*) }
  echo "${line%% *}"
}

proc_alive () {
  local state
  state=$(proc_state "$1") || return 1
  [[ $state != Z && $state != X ]]
}

# Running on the state of a live dockerd would corrupt it. A stopped (SIGSTOP) one is
# allowed: the chaos tests freeze the engine they recycle, then kill it.
if [[ -r $PIDFILE ]]; then
  pid=$(cat "$PIDFILE" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]] && proc_alive "$pid" && [[ $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]]; then
    state=$(proc_state "$pid" || true)
    [[ $state == T || $state == t ]] || die "dockerd (pid $pid, $PIDFILE) is running: stop it first"
  fi
fi

# --- 1. kill the containers that still run ----------------------------------------------

ctr_ () { timeout "$CTR_TIMEOUT_S" ctr --address "$ADDRESS" --namespace "$NS" "$@"; }

if [[ -S $ADDRESS ]] && command -v ctr >/dev/null && ctr_ version >/dev/null 2>&1; then
  for id in $(ctr_ tasks list --quiet 2>/dev/null || true); do
    # --force kills the task (SIGKILL) and waits for it before deleting it.
    ctr_ tasks delete --force "$id" >/dev/null 2>&1 || log "could not delete task $id"
  done
  for id in $(ctr_ containers list --quiet 2>/dev/null || true); do
    ctr_ containers delete "$id" >/dev/null 2>&1 || log "could not delete containerd container $id"
  done
else
  log "containerd does not answer on $ADDRESS: killing its shims directly"
fi

# Whatever ctr could not reach: the shims serving this containerd and namespace, and their
# children. A child of a shim is a container's init (or a `docker exec`); SIGKILL to the
# init of a PID namespace kills every process in it.
shims=() children=()
for dir in /proc/[0-9]*; do
  args=$(tr '\0' ' ' < "$dir/cmdline" 2>/dev/null) || continue
  if [[ $args == *containerd-shim* && $args == *" -namespace $NS "* && $args == *" -address $ADDRESS "* ]]; then
    shims+=("${dir#/proc/}")
  fi
done
if (( ${#shims[@]} > 0 )); then
  for stat in /proc/[0-9]*/stat; do
    line=$(cat "$stat" 2>/dev/null) || continue
    read -r _ ppid _ <<< "${line##*) }"
    for shim in "${shims[@]}"; do
      if [[ $ppid == "$shim" ]]; then pid=${stat#/proc/}; children+=("${pid%/stat}"); fi
    done
  done
  log "killing ${#shims[@]} leftover shim(s) and ${#children[@]} container process(es)"
  # Children first: a shim killed first would hand its container to init, still running.
  for pid in "${children[@]}" "${shims[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for _ in $(seq 1 100); do
    left=0
    for pid in "${children[@]}" "${shims[@]}"; do if proc_alive "$pid"; then left=1; fi; done
    (( left == 0 )) && break
    sleep 0.1
  done
  (( left == 0 )) || log "some container processes survived SIGKILL (uninterruptible sleep?)"
fi

# --- 2. unmount their root filesystems ---------------------------------------------------

# Mount points below a folder, deepest first (field 5 of mountinfo, octal escapes decoded).
mounts_under () {
  local prefix=$1/ mp
  while read -r _ _ _ _ mp _; do
    mp=$(printf '%b' "${mp//\\/\\0}")
    if [[ $mp == "$prefix"* ]]; then echo "$mp"; fi
  done < /proc/self/mountinfo | sort -r
}

for dir in "$DATA_ROOT/overlay2" "$DATA_ROOT/containers"; do
  while read -r mp; do
    [[ -n $mp ]] || continue
    umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || log "could not unmount $mp"
  done < <(mounts_under "$dir")
done

# --- 3. delete the containers' writable layers (overlay2) ---------------------------------

layerdb=$DATA_ROOT/image/overlay2/layerdb/mounts
if [[ -d $layerdb ]]; then
  removed=0
  for mount in "$layerdb"/*/; do
    [[ -d $mount ]] || continue
    for file in mount-id init-id; do
      [[ -r $mount/$file ]] || continue
      layer=$(cat "$mount/$file")
      # Only ever a layer id: never let an empty or odd value widen the rm below.
      [[ $layer =~ ^[0-9a-f]{64}(-init)?$ ]] || { log "odd $file in $mount: '$layer'"; continue; }
      if [[ -r $DATA_ROOT/overlay2/$layer/link ]]; then
        link=$(cat "$DATA_ROOT/overlay2/$layer/link")
        [[ $link =~ ^[A-Z0-9]+$ ]] && rm -f "$DATA_ROOT/overlay2/l/$link"
      fi
      rm -rf "${DATA_ROOT:?}/overlay2/$layer" || log "could not delete layer $layer"
    done
    if rm -rf "$mount"; then removed=$((removed + 1)); else log "could not delete $mount"; fi
  done
  (( removed == 0 )) || log "deleted the writable layers of $removed container(s)"
fi

# --- 4. delete containers and volumes ----------------------------------------------------

for dir in containers volumes; do
  [[ -d $DATA_ROOT/$dir ]] || continue
  find "$DATA_ROOT/$dir" -mindepth 1 -maxdepth 1 -exec rm -rf -- {} + || log "could not empty $DATA_ROOT/$dir"
done
log "$DATA_ROOT: containers and volumes cleared"
