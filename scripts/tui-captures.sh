#!/usr/bin/env bash
# Captures every screen of the interactive front end at 80x24 with tmux, as
# text, for docs/tui.md: `bash scripts/tui-captures.sh OUTDIR` (needs tmux and
# a built dist/). Each capture is OUTDIR/<name>.txt.
set -euo pipefail
out=${1:?usage: scripts/tui-captures.sh OUTDIR}
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
work=$(mktemp -d)
trap 'tmux kill-session -t cap 2>/dev/null || true; rm -rf "$work"' EXIT
cli="node $root/dist/cli.js"

start() { # start COLSxROWS command...
  local size=$1; shift
  tmux kill-session -t cap 2>/dev/null || true
  tmux new-session -d -s cap -x "${size%x*}" -y "${size#*x}" "cd $work && $* ; sleep 600"
  sleep 3
}
keys() { for k in "$@"; do tmux send-keys -t cap "$k"; sleep 0.5; done; }
snap() { sleep "${2:-0.6}"; tmux capture-pane -p -t cap > "$out/$1.txt"; }

cat > "$work/slow.yaml" <<'YAML'
format: cutover-runbook/v1
id: slow
title: Slow steps
version: "1"
modes: [rehearsal]
baseline: { release_tag: v1, commit: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa }
target: { release_tag: v2, commit: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb }
roles: [{ id: captain, title: Captain, side: joint }]
sections:
  - id: s
    title: Work
    steps:
      - { id: fast, kind: command, title: Fast step, run: [sh, -c, "echo fast"] }
      - { id: slow, kind: command, title: Slow step printing lines, shell: true, run: "for i in $(seq 1 300); do echo line $i of the slow step; sleep 0.05; done" }
YAML

# The demo: first screen, the forms, the gates, the sign-off and the decision.
start 80x24 "$cli demo --evidence-dir ev"
snap start
keys Enter; snap confirm-form
keys Enter Enter; snap confirm-link-form
keys Enter; keys Enter; snap input-form
keys Enter Enter Enter
keys s; snap skip-form
keys Escape Enter Enter
keys a; snap section-run 4
keys a; sleep 3; keys Enter; snap after-handoff 1
keys Enter; keys a; sleep 2; keys Enter Enter Enter Enter Enter Enter Enter
snap impact-input 1
keys Enter Enter Enter Enter Enter; snap notice-form
keys Enter; keys a; sleep 4
snap consumer-suite 1
keys Enter Enter Enter Enter Enter
keys j; keys Enter; snap decision-locked
keys Enter Enter; snap decision-refused
keys Escape k Enter; snap signoff-form
keys Enter Enter Enter Enter; keys Enter; snap decision-form
keys Enter Enter; snap decided 1
keys '?'; snap help
keys Escape R; snap trigger-form
keys Escape q; snap quit-form
keys n

# A failing gate and its output.
start 80x24 "$cli demo --scenario drift --evidence-dir ev2"
keys g j j j j a; snap drift-failed 4
keys o; snap output-viewer
keys / M I S M A T C H Enter; snap output-search

# A step running, its live tail and the viewer following it.
start 80x24 "$cli run slow.yaml --evidence-dir ev3 --operator Olga"
keys a; snap running 3
keys o; snap output-follow 1
keys q; keys C-c; snap interrupted 3

# Too small.
start 50x12 "$cli demo --evidence-dir ev4"
snap too-small
echo "captured: $(ls "$out" | wc -l) screens in $out"
