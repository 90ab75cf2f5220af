#!/usr/bin/env bash
# Footprint benchmark, in one run (`make bench-footprint`, after `make bundle`): release binary size,
# .deb/.rpm size, start-up (launch -> DOMContentLoaded, as tauri-apps/benchmark_results measures,
# and launch -> the catalog's cards painted; median of $RUNS warm launches beside a bare-wry
# baseline, then $RUNS with the page cache dropped; .ci/measure-startup.sh) and max RSS (/usr/bin/time -v) over a scripted session
# under Xvfb (demo catalog + one Hero Image run, .ci/footprint_session.py through tauri-driver).
# Prints a table with the goals: .deb <= 12 MB, first paint <= 0.5 s, max RSS <= 315 MiB.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-$PWD/target}
# PROFILE=debug measures the debug build instead (to try the script quickly, not for figures).
profile=${PROFILE:-release}
bin=$target/$profile/lamina-desktop
runs=${RUNS:-5}
deb=$(ls -t "$target/$profile"/bundle/deb/*.deb 2>/dev/null | head -n 1 || true)
rpm=$(ls -t "$target/$profile"/bundle/rpm/*.rpm 2>/dev/null | head -n 1 || true)
[ -x "$bin" ] && [ -n "$deb" ] || { echo "no release build or .deb: run make bundle first" >&2; exit 1; }
command -v tauri-driver >/dev/null || cargo install tauri-driver --locked
python3 -c "import selenium" 2>/dev/null || python3 -m pip install -q "selenium==4.38.0"

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.2f MB", b / 1000000 }'; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median_of() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
worst_of() { sort -n | tail -n 1; }

# Start-up, warm page cache, as tauri-apps/benchmark_results measures (3 warm-up launches, then
# $RUNS): the app and the bare-wry baseline (the floor of any Tauri app on this machine) take
# turns, so both see the same machine.
baseline=$target/$profile/examples/startup_baseline
if [ "$profile" = release ]; then
  cargo build -q --release -p lamina-desktop --example startup_baseline
else
  cargo build -q -p lamina-desktop --example startup_baseline
fi
for _ in 1 2 3; do
  MEASURE_IDLE=0 .ci/measure-startup.sh "$bin" >/dev/null
  .ci/measure-baseline.sh "$baseline" >/dev/null
done
for _ in $(seq "$runs"); do
  MEASURE_IDLE=0 .ci/measure-startup.sh "$bin" >>"$work/warm.log"
  .ci/measure-baseline.sh "$baseline" >>"$work/warm.log"
done
warm_paint=$(sed -n 's/^cold start to first paint: \([0-9]*\) ms.*/\1/p' "$work/warm.log" | median_of)
warm_dcl=$(sed -n 's/^start to DOMContentLoaded: \([0-9]*\) ms/\1/p' "$work/warm.log" | median_of)
base_dcl=$(sed -n 's/^baseline start to DOMContentLoaded: \([0-9]*\) ms/\1/p' "$work/warm.log" | median_of)
base_paint=$(sed -n 's/^baseline start to first paint: \([0-9]*\) ms/\1/p' "$work/warm.log" | median_of)
grep "page marks" "$work/warm.log" | tail -n 1 | sed 's/^ */last warm launch, /'

# Cold start: drop the page cache first when the kernel lets us (root outside a container).
cold="warm page cache"
if (sync && echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null; then cold="page cache dropped"; fi
for _ in $(seq "$runs"); do
  (sync && echo 3 >/proc/sys/vm/drop_caches) 2>/dev/null || true
  .ci/measure-startup.sh "$bin" >>"$work/startup.log"
done
median=$(sed -n 's/^cold start to first paint: \([0-9]*\) ms.*/\1/p' "$work/startup.log" | median_of)
worst=$(sed -n 's/^cold start to first paint: \([0-9]*\) ms.*/\1/p' "$work/startup.log" | worst_of)
idle=$(sed -n 's/^idle RSS after 5 s (app + WebKit processes): \([0-9]*\) MiB$/\1/p' "$work/startup.log" | worst_of)

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
deb_bytes=$(stat -c %s "$deb")
printf '\nFootprint, %s build (%s, %s, %s)\n' "$profile" "$(git describe --always --dirty 2>/dev/null || echo ?)" "$(date -u +%F)" "$(nproc) cores"
printf '%-58s %-14s %-12s %s\n' "figure" "value" "goal" "status"
printf '%-58s %-14s %-12s %s\n' "$profile binary" "$(mib "$(stat -c %s "$bin")")" "-" "-"
printf '%-58s %-14s %-12s %s\n' ".deb" "$(mb "$deb_bytes")" "<= 12 MB" "$(ok "$deb_bytes <= 12000000")"
[ -n "$rpm" ] && printf '%-58s %-14s %-12s %s\n' ".rpm" "$(mb "$(stat -c %s "$rpm")")" "-" "-"
printf '%-58s %-14s %-12s %s\n' "installed size (.deb Installed-Size)" "$(dpkg-deb -f "$deb" Installed-Size) KiB" "-" "-"
printf '%-58s %-14s %-12s %s\n' "start to DOMContentLoaded, median of $runs warm" "${warm_dcl} ms" "<= 500 ms" "$(ok "$warm_dcl <= 500")"
printf '%-58s %-14s %-12s %s\n' "  baseline: bare wry hello world, same runs" "${base_dcl} ms" "-" "-"
printf '%-58s %-14s %-12s %s\n' "start to catalog cards painted, median of $runs warm" "${warm_paint} ms" "<= 500 ms" "$(ok "$warm_paint <= 500")"
printf '%-58s %-14s %-12s %s\n' "  baseline: hello world painted, same runs" "${base_paint} ms" "-" "-"
printf '%-58s %-14s %-12s %s\n' "start to catalog cards painted, median of $runs ($cold)" "${median} ms" "-" "-"
printf '%-58s %-14s %-12s %s\n' "start to catalog cards painted, worst of $runs ($cold)" "${worst} ms" "-" "-"
printf '%-58s %-14s %-12s %s\n' "max RSS, /usr/bin/time -v (app process)" "$(mib $((maxrss_kb * 1024)))" "<= 315 MiB" "$(ok "$maxrss_kb <= 315 * 1024")"
printf '%-58s %-14s %-12s %s\n' "peak RSS sum, app + WebKit processes (sampled)" "$(mib $((peak_kb * 1024)))" "-" "-"
printf '%-58s %-14s %-12s %s\n' "idle RSS sum 5 s after first paint (worst)" "${idle} MiB" "-" "-"
[ -n "$session" ] && echo "session: $session"
