#!/usr/bin/env bash
# Installs everything Signpost needs on a fresh Debian machine with only the package registries
# reachable. Each step checks first, so a second run does nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# Debian packages: Chromium and its driver for the browser tests, brotli for pre-compression,
# Python's venv and openssl for the email tests, PostgreSQL (server and pg_dump) for the second
# engine's tests, and nginx as the load balancer in front of two instances.
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v brotli >/dev/null || missing+=(brotli)
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v openssl >/dev/null || missing+=(openssl)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
if ((${#missing[@]})); then
  say "installing ${missing[*]} (apt)"
  sudo_cmd=(); [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# wasm-bindgen-cli must match the wasm-bindgen crate exactly; read the version from Cargo.lock.
bindgen_version=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (about 2 minutes)"
  # Not --locked: its lockfile pins a crate version the registry here lacks (TOOLCHAIN.md).
  cargo install --quiet wasm-bindgen-cli --version "$bindgen_version"
fi

if [ "$(wasm-pack --version 2>/dev/null)" != "wasm-pack 0.15.1" ]; then
  say "installing wasm-pack 0.15.1 (about 2 minutes)"
  cargo install --quiet wasm-pack --version 0.15.1 --locked
fi

# npm: playwright-core and axe-core for the browser tests, binaryen 132 for wasm-opt, esbuild to
# bundle embed.js, terser and csso to minify the scripts and the style sheet.
if [ ! -x node_modules/.bin/wasm-opt ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

# aiosmtpd, the real SMTP server the service's notification tests start on 127.0.0.1
# (crates/server/tests/smtp/sink.py), in a virtual environment of its own under .tools/ (which
# git ignores), so nothing is installed into the system's Python.
if ! .tools/smtp/bin/python -c 'import aiosmtpd' 2>/dev/null; then
  say "installing aiosmtpd 1.4.6 for the email tests (pip, in .tools/smtp)"
  python3 -m venv .tools/smtp
  .tools/smtp/bin/python -m pip install --quiet --disable-pip-version-check aiosmtpd==1.4.6
fi
