#!/bin/sh
# Installs the Debian packages the project uses when they are missing:
#   graphviz  - renders architecture diagrams (without it, projects still carry DOT and Mermaid files)
#   chromium  - headless browser for the browser tests
#   wrk       - HTTP load generator for `make bench` (asked for by name only)
# With arguments, installs only those. Never fails the caller: it says what is missing.
set -u
wanted="${*:-graphviz chromium}"
missing=""
for package in $wanted; do
  case "$package" in
    graphviz) command -v dot >/dev/null 2>&1 || missing="$missing graphviz" ;;
    chromium) command -v chromium >/dev/null 2>&1 || missing="$missing chromium" ;;
    wrk) command -v wrk >/dev/null 2>&1 || missing="$missing wrk" ;;
  esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
  echo "note: please install these Debian packages:$missing" >&2; exit 0
fi
echo "installing Debian packages:$missing"
$sudo apt-get update -qq >/dev/null 2>&1 || true
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null 2>&1 \
  || echo "note: could not install$missing; diagrams are then left as DOT/Mermaid text and browser tests are skipped" >&2
exit 0
