#!/usr/bin/env bash
# Client CLI benchmark (issue 3): fills a client database with 100,000 visits across 500 subjects through the
# real pull path (`mimamori sync` against fake_feed.py), then times whole-process runs of `mimamori visit log`
# and `mimamori visit list --month`. Usage: Benchmarks/client-cli/run.sh   (from the package root)
set -euo pipefail
swift build -c release --product mimamori >/dev/null
M="$(swift build -c release --show-bin-path)/mimamori"
DIR="$(mktemp -d)"; PORT=59996
python3 "$(dirname "$0")/fake_feed.py" "$PORT" 100000 500 & FEED=$!
trap 'kill $FEED; rm -rf "$DIR"' EXIT
sleep 1
"$M" --data-dir "$DIR" init --visitor-id V-001 --name bench --role fureai_member >/dev/null
"$M" --data-dir "$DIR" login --server "http://127.0.0.1:$PORT" --token bench >/dev/null
t0=$(date +%s.%N); "$M" --data-dir "$DIR" sync 2>/dev/null; t1=$(date +%s.%N)
echo "sync (pull+apply 100,500 documents, incl. Python feed): $(echo "$t1 - $t0" | bc) s"
"$M" --data-dir "$DIR" status | grep -E "visits|pending"
ms() { local a b; a=$(date +%s%N); "$@" >/dev/null; b=$(date +%s%N); echo $(( (b - a) / 1000000 )); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "visit log (ms, 21 runs): median $(for i in $(seq 21); do ms "$M" --data-dir "$DIR" visit log --subject S-0001 --kind fureai_watch --date 2025-06-01; done | median)"
echo "visit list --month 2025-06 (ms, 11 runs, $("$M" --data-dir "$DIR" visit list --month 2025-06 | wc -l) rows): median $(for i in $(seq 11); do ms "$M" --data-dir "$DIR" visit list --month 2025-06; done | median)"
echo "visit list --month 2025-06 --json (ms, 11 runs): median $(for i in $(seq 11); do ms "$M" --data-dir "$DIR" visit list --month 2025-06 --json; done | median)"
echo "due (ms, 11 runs): median $(for i in $(seq 11); do ms "$M" --data-dir "$DIR" due; done | median)"
echo "totals (ms, 11 runs): median $(for i in $(seq 11); do ms "$M" --data-dir "$DIR" totals --fy 2025; done | median)"
