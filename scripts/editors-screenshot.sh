#!/usr/bin/env bash
# Takes docs/editors-neovim.png, the picture of docs/editors.md: a real
# Neovim (0.10 or later: inlay hints) in tmux, configured with the Neovim
# 0.11 block of docs/editors.md, against the real `planc lsp`, on
# samples/website-relaunch.plan, with the hover of task `build` open. tmux
# gives the screen with its colours (capture-pane -e), aha makes it HTML,
# headless Chromium photographs it.
#
#   scripts/editors-screenshot.sh [NVIM] [PLANC]
#
# NVIM defaults to `nvim`, PLANC to target/release/planc (build it first).
# Needs tmux, aha and chromium (apt-get install tmux aha chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

nvim=$(command -v "${1:-nvim}")
planc=$(realpath "${2:-${CARGO_TARGET_DIR:-target}/release/planc}")
out=docs/editors-neovim.png
work=$(mktemp -d)
socket="planc-shot-$$"
trap 'tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir "$work/bin"
ln -s "$planc" "$work/bin/planc"
cp samples/website-relaunch.plan "$work/"
# The configuration exactly as the docs give it, then a border for the
# hover so that it stands out in a still picture.
awk '/<!-- neovim-0.11 -->/ { found = 1; next }
     found && /^```lua/ { inside = 1; next }
     inside && /^```/ { exit }
     inside { print }' docs/editors.md >"$work/init.lua"
echo 'vim.o.winborder = "rounded"' >>"$work/init.lua"
cat >"$work/tmux.conf" <<'CONF'
set -g default-terminal "tmux-256color"
set -as terminal-features ",*:RGB"
set -g status off
CONF

tmux -L "$socket" -f "$work/tmux.conf" new-session -d -x 100 -y 30 -c "$work" \
  "env COLORTERM=truecolor PATH=$work/bin:\$PATH $nvim -u init.lua -i NONE -n website-relaunch.plan"
sleep 2
# The cursor on `build` of `task build`, a few lines of context above.
tmux -L "$socket" send-keys "/task build" Enter ":noh" Enter "w" "zt" C-y C-y C-y C-y ":" Escape
sleep 2
tmux -L "$socket" send-keys "K"
sleep 1.5
tmux -L "$socket" capture-pane -e -p >"$work/screen.ans"

# Neovim's default dark background (#14161b) behind the whole picture.
aha --title "planc lsp in Neovim" <"$work/screen.ans" |
  sed 's|<pre>|<pre style="font-family: DejaVu Sans Mono, monospace; font-size: 14px; line-height: 1.17; margin: 0; padding: 10px; background: #14161b; color: #e0e2ea">|;
       s|<body>|<body style="margin: 0; background: #14161b">|' >"$work/screen.html"
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
  --window-size=860,560 --screenshot="$work/shot.png" "file://$work/screen.html" 2>/dev/null
cp "$work/shot.png" "$out"
echo "wrote $out"
