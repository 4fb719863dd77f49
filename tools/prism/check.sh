#!/usr/bin/env bash
# Prove that generic OpenAPI tooling routes the portable vSphere spec: Prism
# (pinned by package-lock.json here) mocks spec/portable/vcha.yaml and must
# route and validate the vendor URLs. Run by `make portable-check`.
set -euo pipefail
cd "$(dirname "$0")/../.."
spec=spec/portable/vcha.yaml
port=${PRISM_PORT:-$((20000 + RANDOM % 20000))}  # random: several checks may run on one machine
base=http://127.0.0.1:$port
log=$(mktemp)
tools/prism/node_modules/.bin/prism mock --host 127.0.0.1 --port "$port" --errors "$spec" >"$log" 2>&1 &
prism=$!
trap 'kill "$prism" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 120); do
	curl -s --max-time 2 -o /dev/null "$base/api/session" && break
	kill -0 "$prism" 2>/dev/null || { cat "$log"; echo "prism exited"; exit 1; }
	sleep 0.5
done

fail=0
# expect STATUS METHOD PATH [BODY] [extra curl args...]: the status Prism answers.
expect() {
	local want=$1 method=$2 path=$3 body=${4:-} got
	shift 4 || shift $#
	got=$(curl -s --max-time 10 -D /tmp/prism-head.$$ -o /tmp/prism-body.$$ -w '%{http_code}' -X "$method" "$base$path" \
		-H 'vmware-api-session-id: 0123456789abcdef' -H 'Content-Type: application/json' \
		${body:+--data-binary "$body"} "$@")
	# A refusal must come from Prism's request validation (sl-violations
	# names the broken rule), answered with the spec's vendor-shaped 400.
	if [ "$want" = 400 ] && ! grep -qi '^sl-violations:.*' /tmp/prism-head.$$; then
		got="$got without an sl-violations header"
	fi
	if [ "$got" = "$want" ]; then
		echo "ok   $want $method $path $body"
	else
		echo "FAIL $method $path $body: want $want, got $got: $(head -c 400 /tmp/prism-body.$$)"
		fail=1
	fi
	rm -f /tmp/prism-body.$$ /tmp/prism-head.$$
}

# The failover: routed, body and query validated, the task id answered. The
# merged POST operation also answers the cluster get (200); Prism returns the
# lowest 2xx unless asked, hence Prefer (see spec/portable/vcha.yaml).
expect 202 POST '/api/vcenter/vcha/cluster?action=failover&vmw-task=true' '{"planned":true}' -H 'Prefer: code=202'
expect 200 POST '/api/vcenter/vcha/cluster?action=get' '{"partial":true}'
expect 202 PUT  '/api/vcenter/vcha/cluster/mode?vmw-task=true' '{"mode":"MAINTENANCE"}'
expect 200 GET  '/api/vcenter/vcha/cluster/mode'
# The declared query parameters are enforced: a missing or unknown action,
# and the non-task form of the mode set, are refused by Prism's validation
# with the spec's 400 (the vendor's error shape).
expect 400 POST '/api/vcenter/vcha/cluster?vmw-task=true' '{"planned":true}'
expect 400 POST '/api/vcenter/vcha/cluster?action=reboot&vmw-task=true' '{"planned":true}'
expect 400 PUT  '/api/vcenter/vcha/cluster/mode' '{"mode":"MAINTENANCE"}'
expect 400 PUT  '/api/vcenter/vcha/cluster/mode?vmw-task=true' '{"mode":"SIDEWAYS"}'
exit $fail
