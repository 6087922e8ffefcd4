#!/usr/bin/env bash
# npm audit for CI: fails on any high or critical advisory. When the
# registry refuses the audit endpoint (some mirrors and proxies answer 405:
# here, 2 December 2026, the egress proxy in front of registry.npmjs.org
# allows only GET and HEAD, so POST /-/npm/v1/security/advisories/bulk gets
# "405 Method Not Allowed, Allow: GET,HEAD"), it says so, with the registry's
# answer, and passes: that is "not checked", never "clean". AUDIT_STRICT=1
# makes "not checked" fail too.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/node-env.sh
report="$(npm audit --json 2>/dev/null)"
summary="$(printf '%s' "$report" | node -e '
  let text = ""; process.stdin.on("data", (c) => (text += c)).on("end", () => {
    let parsed; try { parsed = JSON.parse(text); } catch { parsed = null; }
    const counts = parsed && parsed.metadata && parsed.metadata.vulnerabilities;
    if (!counts) {
      // npm reports a refused endpoint as { message, statusCode, uri }.
      const why = parsed && parsed.message ? String(parsed.message) : "no JSON report";
      console.log(`unavailable ${why}`);
      return;
    }
    console.log(`${counts.high + counts.critical} ${JSON.stringify(counts)}`);
  });')"
case "$summary" in
unavailable*)
	echo "npm audit: the registry's audit endpoint did not answer (${summary#unavailable }); advisories NOT checked" >&2
	[[ "${AUDIT_STRICT:-0}" == 1 ]] && exit 2
	exit 0
	;;
"0 "*)
	echo "npm audit: no high or critical advisory (${summary#0 })"
	;;
*)
	echo "npm audit: high or critical advisories (${summary#* })" >&2
	npm audit --audit-level=high
	exit 1
	;;
esac
