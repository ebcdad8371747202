#!/usr/bin/env bash
# Runs every pair, then prints benchstat's side-by-side table (embedfin as
# the base) and the ratio table of the README (medians, embedfin/stripe-go).
#
#   ./compare.sh                 # one run, -count=3, raw output in results.txt
#   COUNT=5 OUT=r.txt ./compare.sh
#   ./compare.sh -ratios a.txt b.txt   # only the tables, from earlier outputs
set -euo pipefail
cd "$(dirname "$0")"

if [[ "${1:-}" == "-ratios" ]]; then
	shift
	files=("$@")
else
	out=${OUT:-results.txt}
	go test -run '^$' -bench . -benchmem -count "${COUNT:-3}" | tee "$out"
	files=("$out")
fi

# benchstat compares by key: BenchmarkX/embedfin-2 becomes BenchmarkX/sdk=embedfin.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cat "${files[@]}" | sed -E 's#/(embedfin|stripe-go|net-http)-[0-9]+([[:space:]])#/sdk=\1\2#' >"$tmp"
if command -v benchstat >/dev/null || [[ -x "$(go env GOPATH)/bin/benchstat" ]]; then
	PATH="$PATH:$(go env GOPATH)/bin" benchstat -col /sdk "$tmp"
else
	echo "benchstat not found: go install golang.org/x/perf/cmd/benchstat@latest" >&2
fi

echo
echo "| Benchmark | embedfin ns/op | stripe-go ns/op | ratio | embedfin allocs/op | stripe-go allocs/op | ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|"
awk '
/^Benchmark.*\/sdk=/ {
	split($1, p, "/sdk="); name = substr(p[1], 10); sdk = p[2]
	for (i = 2; i < NF; i++) {
		if ($(i+1) == "ns/op") ns[name, sdk] = ns[name, sdk] " " $i
		if ($(i+1) == "allocs/op") al[name, sdk] = al[name, sdk] " " $i
	}
	if (!(name in seen)) { seen[name] = 1; order[++n] = name }
}
function median(s,    a, k, i, j, t) {
	k = split(s, a, " ")
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (a[j] + 0 < a[i] + 0) { t = a[i]; a[i] = a[j]; a[j] = t }
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
END {
	for (i = 1; i <= n; i++) {
		b = order[i]
		if (!((b, "stripe-go") in ns)) continue
		en = median(ns[b, "embedfin"]); sn = median(ns[b, "stripe-go"])
		ea = median(al[b, "embedfin"]); sa = median(al[b, "stripe-go"])
		printf "| %s | %.0f | %.0f | %.2f | %d | %d | %.2f |\n", b, en, sn, en / sn, ea, sa, (sa > 0 ? ea / sa : 0)
	}
}' "$tmp"
