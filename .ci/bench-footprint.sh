#!/usr/bin/env bash
# Footprint benchmark, in one run (`make bench-footprint`, after `make bundle`): release binary size,
# .deb/.rpm size; start-up as a ratio to this machine's floor: launch -> the catalog's cards
# painted beside launch -> a bare wry web view's hello world painted (src-tauri/examples/
# startup_baseline.rs), median of $RUNS launches taking turns with the baseline, warm and with the
# page cache dropped (.ci/measure-startup.sh, .ci/measure-baseline.sh); idle RSS summed over the
# process and its WebKit processes, as a ratio to the baseline's; an A/B against the release build
# of $AB_REF (default: main) in the same launches; and max RSS (/usr/bin/time -v) over a scripted
# session under Xvfb (demo catalog + one Hero Image run, .ci/footprint_session.py, tauri-driver).
# Goals: cards painted <= 1.25x the floor (warm and cold), idle RSS <= 1.3x the floor's,
# .deb <= 12 MB, max RSS <= 315 MiB.
#
# The app is launched as a returning user launches it: on one demo data folder, started once
# (unmeasured) before the runs, so its saved catalog and first screen are there. The A/B binary
# gets its own folder, prepared the same way.
# A/B binary: $AB_BIN if set; else a copy kept in target/ab/<commit>/ (built once: a git worktree
# of $AB_REF, its UI built, `cargo build --release` in target/ab-target, ~20 min on 2 cores);
# AB=0 leaves the A/B out.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-$PWD/target}
# PROFILE=debug measures the debug build instead (to try the script quickly, not for figures).
profile=${PROFILE:-release}
bin=$target/$profile/lamina-desktop
runs=${RUNS:-7}
deb=$(ls -t "$target/$profile"/bundle/deb/*.deb 2>/dev/null | head -n 1 || true)
rpm=$(ls -t "$target/$profile"/bundle/rpm/*.rpm 2>/dev/null | head -n 1 || true)
[ -x "$bin" ] && [ -n "$deb" ] || { echo "no release build or .deb: run make bundle first" >&2; exit 1; }
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q "selenium==4.38.0"

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1000000 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "?" }'; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median_of() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
worst_of() { sort -n | tail -n 1; }
# The figure after "<label>: " in a log, one per launch.
figures() { sed -n "s/^$2: \([0-9]*\) .*/\1/p" "$1"; }

# The A/B binary (see the header).
ab_bin=""
ab_label=""
if [ "${AB:-1}" != 0 ]; then
  ab_ref=${AB_REF:-main}
  ab_commit=$(git rev-parse --short "$ab_ref")
  ab_label="$ab_ref ($ab_commit)"
  if [ -n "${AB_BIN:-}" ]; then
    ab_bin=$AB_BIN
    ab_label="$AB_BIN"
  else
    ab_bin=$target/ab/$ab_commit/lamina-desktop
    if [ ! -x "$ab_bin" ]; then
      echo "building the A/B binary of $ab_label (once)" >&2
      tree=$work/ab-tree
      git worktree add --detach "$tree" "$ab_commit" >&2
      ln -s "$PWD/ui/node_modules" "$tree/ui/node_modules"
      npm --prefix "$tree/ui" run build >&2
      (cd "$tree" && CARGO_TARGET_DIR=$target/ab-target cargo build -q --release -p lamina-desktop)
      mkdir -p "$(dirname "$ab_bin")"
      cp "$target/ab-target/release/lamina-desktop" "$ab_bin"
      git worktree remove --force "$tree"
    fi
  fi
fi

baseline=$target/$profile/examples/startup_baseline
if [ "$profile" = release ]; then
  cargo build -q --release -p lamina-desktop --example startup_baseline
else
  cargo build -q -p lamina-desktop --example startup_baseline
fi

# One launch of the app (or of the A/B binary) on its data folder; $1 = app|ab, $2 = log.
launch() {
  local which=$1 log=$2
  local binary=$bin
  [ "$which" = ab ] && binary=$ab_bin
  LAMINA_DATA_DIR=$work/data-$which .ci/measure-startup.sh "$binary" | sed "s/^/$which /" >>"$log"
}
# The baseline (its lines start with "baseline").
launch_baseline() { .ci/measure-baseline.sh "$baseline" >>"$1"; }
contenders="app${ab_bin:+ ab}"
drop_caches() { (sync && echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null || true; }

# The first start of each (its catalog and first screen saved), then 3 warm-up rounds.
for which in $contenders; do
  mkdir -p "$work/data-$which"
  launch "$which" "$work/first.log"
done
for _ in 1 2 3; do
  for which in $contenders; do MEASURE_IDLE=0 launch "$which" /dev/null; done
  launch_baseline /dev/null
done

# Warm: app, baseline, A/B, in turns.
for _ in $(seq "$runs"); do
  MEASURE_IDLE=0 launch app "$work/warm.log"
  launch_baseline "$work/warm.log"
  [ -z "$ab_bin" ] || MEASURE_IDLE=0 launch ab "$work/warm.log"
done

# Cold: the page cache dropped before each launch, when the kernel lets us (root outside a container).
cold="page cache dropped"
(sync && echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null || cold="page cache NOT dropped (not allowed here)"
for _ in $(seq "$runs"); do
  drop_caches; MEASURE_IDLE=0 launch app "$work/cold.log"
  drop_caches; launch_baseline "$work/cold.log"
  if [ -n "$ab_bin" ]; then drop_caches; MEASURE_IDLE=0 launch ab "$work/cold.log"; fi
done

# Idle RSS 5 s after the first paint, in turns.
for _ in $(seq "$runs"); do
  MEASURE_IDLE=1 launch app "$work/idle.log"
  MEASURE_IDLE=1 launch_baseline "$work/idle.log"
  [ -z "$ab_bin" ] || MEASURE_IDLE=1 launch ab "$work/idle.log"
done

paint() { figures "$1" "$2 cold start to first paint" | median_of; }
warm_paint=$(paint "$work/warm.log" app)
warm_ab=$(paint "$work/warm.log" ab)
warm_dcl=$(figures "$work/warm.log" "app start to DOMContentLoaded" | median_of)
base_dcl=$(figures "$work/warm.log" "baseline start to DOMContentLoaded" | median_of)
base_paint=$(figures "$work/warm.log" "baseline start to first paint" | median_of)
cold_paint=$(paint "$work/cold.log" app)
cold_worst=$(figures "$work/cold.log" "app cold start to first paint" | worst_of)
cold_ab=$(paint "$work/cold.log" ab)
cold_base=$(figures "$work/cold.log" "baseline start to first paint" | median_of)
idle=$(figures "$work/idle.log" "app idle RSS after 5 s (app + WebKit processes)" | median_of)
idle_ab=$(figures "$work/idle.log" "ab idle RSS after 5 s (app + WebKit processes)" | median_of)
idle_base=$(figures "$work/idle.log" "baseline idle RSS after 5 s (process + WebKit processes)" | median_of)
grep "app   page marks" "$work/warm.log" | tail -n 1 | sed 's/^app *page marks/last warm launch, page marks/'
grep "ab   page marks" "$work/warm.log" | tail -n 1 | sed 's/^ab *page marks/last warm A\/B launch, page marks/' || true

# Max RSS over the scripted session: tauri-driver launches a wrapper that runs the release binary
# under /usr/bin/time -v; a sampler adds up the RSS of the app and its WebKit processes.
cat >"$work/app" <<WRAP
#!/usr/bin/env bash
echo \$\$ >"$work/app.pid"
exec /usr/bin/time -v -o "$work/time.txt" "$bin" "\$@"
WRAP
chmod +x "$work/app"
: >"$work/time.txt"
# Under tauri-driver the app keeps WebKit's GL compositing (src-tauri/src/rendering.rs: WebDriver
# screenshots need it); this session takes none, so it draws as the app does for users without a GPU.
if ! ls /dev/dri/renderD* >/dev/null 2>&1; then export WEBKIT_DISABLE_COMPOSITING_MODE=1; fi
export LAMINA_DEMO=1 LAMINA_DATA_DIR=$work/data LAMINA_APP_BINARY=$work/app WORK=$work
export FOOTPRINT_PID_FILE=$work/app.pid FOOTPRINT_TIME_FILE=$work/time.txt
.ci/with-keyring.sh xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  port=4462
  tauri-driver --port $port --native-port $((port + 1)) >"$WORK/tauri-driver.log" 2>&1 &
  driver=$!
  for _ in $(seq 300); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && break; sleep 0.1; done
  (
    peak=0
    while [ ! -f "$WORK/app.pid" ]; do sleep 0.05; done
    root=$(cat "$WORK/app.pid")
    while kill -0 "$root" 2>/dev/null; do
      total=0
      for pid in $(pstree -pT "$root" | grep -o "([0-9]*)" | tr -d "()"); do
        kb=$(awk "/VmRSS/ {print \$2}" /proc/$pid/status 2>/dev/null || echo 0); total=$((total + ${kb:-0}))
      done
      [ "$total" -gt "$peak" ] && peak=$total && echo $peak >"$WORK/peak.kb"
      sleep 0.1
    done
  ) &
  sampler=$!
  set +e
  TAURI_DRIVER_URL=http://127.0.0.1:$port python3 .ci/footprint_session.py 2>"$WORK/session.log"
  status=$?
  for _ in $(seq 100); do [ -s "$WORK/time.txt" ] && break; sleep 0.1; done
  kill $sampler $driver 2>/dev/null
  cat "$WORK/session.log" >&2
  exit $status'
[ -s "$work/time.txt" ] || { echo "/usr/bin/time reported nothing (the app did not exit by itself)" >&2; exit 1; }
maxrss_kb=$(sed -n 's/^\s*Maximum resident set size (kbytes): //p' "$work/time.txt")
peak_kb=$(cat "$work/peak.kb" 2>/dev/null || echo 0)
session=$(sed -n 's/^session: //p' "$work/session.log" 2>/dev/null || true)

ok() { if awk "BEGIN { exit !($1) }"; then echo "met"; else echo "MISSED"; fi; }
row() { printf '%-62s %-14s %-12s %s\n' "$@"; }
deb_bytes=$(stat -c %s "$deb")
printf '\nFootprint, %s build (%s, %s, %s)\n' "$profile" "$(git describe --always --dirty 2>/dev/null || echo ?)" "$(date -u +%F)" "$(nproc) cores"
row "figure" "value" "goal" "status"
row "$profile binary" "$(mib "$(stat -c %s "$bin")")" "-" "-"
row ".deb" "$(mb "$deb_bytes")" "<= 12 MB" "$(ok "$deb_bytes <= 12000000")"
[ -n "$rpm" ] && row ".rpm" "$(mb "$(stat -c %s "$rpm")")" "-" "-"
row "installed size (.deb Installed-Size)" "$(dpkg-deb -f "$deb" Installed-Size) KiB" "-" "-"
r=$(ratio "$warm_paint" "$base_paint")
row "cards painted / baseline painted, warm (median of $runs)" "${r}x" "<= 1.25x" "$(ok "$r <= 1.25")"
row "  cards painted, warm" "${warm_paint} ms" "-" "-"
row "  baseline hello world painted, warm" "${base_paint} ms" "-" "-"
r=$(ratio "$cold_paint" "$cold_base")
row "cards painted / baseline painted, $cold" "${r}x" "<= 1.25x" "$(ok "$r <= 1.25")"
row "  cards painted, $cold (worst ${cold_worst} ms)" "${cold_paint} ms" "-" "-"
row "  baseline hello world painted, $cold" "${cold_base} ms" "-" "-"
r=$(ratio "$idle" "$idle_base")
row "idle RSS sum / baseline idle RSS sum, 5 s after paint" "${r}x" "<= 1.3x" "$(ok "$r <= 1.3")"
row "  idle RSS sum, app + WebKit processes (median of $runs)" "${idle} MiB" "-" "-"
row "  idle RSS sum, baseline + WebKit processes" "${idle_base} MiB" "-" "-"
row "start to DOMContentLoaded, warm (baseline ${base_dcl} ms)" "${warm_dcl} ms" "-" "-"
if [ -n "$ab_bin" ]; then
  row "A/B $ab_label: cards painted / baseline, warm" "$(ratio "$warm_ab" "$base_paint")x (${warm_ab} ms)" "-" "-"
  row "A/B $ab_label: cards painted / baseline, $cold" "$(ratio "$cold_ab" "$cold_base")x (${cold_ab} ms)" "-" "-"
  row "A/B $ab_label: idle RSS sum / baseline" "$(ratio "$idle_ab" "$idle_base")x (${idle_ab} MiB)" "-" "-"
fi
row "max RSS, /usr/bin/time -v (app process)" "$(mib $((maxrss_kb * 1024)))" "<= 315 MiB" "$(ok "$maxrss_kb <= 315 * 1024")"
row "peak RSS sum, app + WebKit processes (sampled)" "$(mib $((peak_kb * 1024)))" "-" "-"
[ -n "$session" ] && echo "session: $session"
