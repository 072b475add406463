#!/usr/bin/env bash
# Shows that the README's two commands pass on a machine that has only Node and npm:
# `npm install && npm test` in a fresh clone of HEAD, with a PATH holding this machine's
# programs minus those a bare machine lacks and .ci/run would install (a system Chromium,
# docker, docker-compose, redis-server, python3), CHROMIUM_PATH unset, an empty HOME (no
# npm cache) and CI unset — so the tests needing those programs are skipped, by name.
#
#   bash scripts/bare-machine-check.sh        # about ten minutes; prints the test summary
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d /tmp/oatnut-bare-XXXX)
git clone -q "$repo" "$work/oatnut"
mkdir "$work/bin" "$work/home"
hidden=" chromium chromium-browser google-chrome google-chrome-stable docker docker-compose redis-server redis-cli python3 python "
for dir in /usr/local/bin /usr/bin /bin; do
  for file in "$dir"/*; do
    name=$(basename "$file")
    case "$hidden" in *" $name "*) continue ;; esac
    [ -e "$work/bin/$name" ] || ln -s "$file" "$work/bin/$name"
  done
done
cd "$work/oatnut"
echo "bare machine: $work (PATH without:$hidden)"
set +e
env -i HOME="$work/home" PATH="$work/bin" TERM=dumb bash -c 'npm install --no-audit --no-fund && npm test' > "$work/test.log" 2>&1
status=$?
set -e
grep -E "^ℹ (tests|pass|fail|skipped)|# .*is not installed|e2e: Chromium from|^npm error|^✖" "$work/test.log" | sort | uniq -c || true
echo "exit status: $status (full log: $work/test.log)"
exit "$status"
