#!/usr/bin/env bash
# The phone gateway's French prompts, built from text (sip-gateway/ivr/prompt-texts.ts)
# with espeak-ng and sox into 8 kHz mono 16-bit WAV files: one per prompt, the
# numbers 0-59 for times, and the soft waiting tone. Skips files that are
# newer than the texts, so running it again costs nothing.
#   scripts/build-prompts.sh [--if-available] [out-dir]   (default dist/sip-prompts)
# --if-available (used by npm run build): without espeak-ng or sox, say so and
# succeed; the gateway then refuses to start until prompts exist.
set -euo pipefail
cd "$(dirname "$0")/.."
optional=0
if [[ "${1:-}" == --if-available ]]; then
	optional=1
	shift
fi
out="${1:-dist/sip-prompts}"
texts=sip-gateway/ivr/prompt-texts.ts
for tool in espeak-ng sox; do
	if ! command -v "$tool" >/dev/null; then
		echo "build-prompts: $tool is missing (apt-get install espeak-ng sox); no phone prompts built" >&2
		exit $((1 - optional))
	fi
done
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# name<TAB>text, printed by the TypeScript table itself so the two never disagree.
npx tsx -e "
import { PROMPT_TEXTS } from './$texts';
for (const [name, text] of Object.entries(PROMPT_TEXTS)) console.log(name + '\t' + text);
for (let n = 0; n < 60; n++) console.log('n' + n + '\t' + n);
" >"$tmp/list"

built=0
while IFS=$'\t' read -r name text; do
	target="$out/$name.wav"
	[[ -f "$target" && "$target" -nt "$texts" ]] && continue
	espeak-ng -v fr -s 150 -w "$tmp/raw.wav" "$text"
	# 8 kHz for the phone line; a little gain and 150 ms of silence after each prompt.
	sox "$tmp/raw.wav" -r 8000 -c 1 -b 16 "$target" gain -n -3 pad 0 0.15
	built=$((built + 1))
done <"$tmp/list"

if [[ ! -f "$out/tone.wav" ]]; then
	# Soft and short: 440 Hz, 300 ms, faded in and out, about -20 dBFS.
	sox -n -r 8000 -c 1 -b 16 "$out/tone.wav" synth 0.3 sine 440 fade h 0.05 0.3 0.05 gain -20
	built=$((built + 1))
fi
echo "build-prompts: $built built in $out"
