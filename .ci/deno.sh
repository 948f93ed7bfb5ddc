# shellcheck shell=bash
# Sourced by .ci/run: puts Deno $POSTIE_DENO_VERSION on PATH and exports DENO.
# Uses the deno on PATH if it is that version, else installs the npm package `deno`
# (which carries the release binary) once under ~/.cache/postie.

POSTIE_DENO_VERSION=2.9.6

postie_deno_ok() {
  [[ "$("$1" --version 2>/dev/null | head -n 1)" == "deno $POSTIE_DENO_VERSION "* ]]
}

if command -v deno >/dev/null 2>&1 && postie_deno_ok "$(command -v deno)"; then
  DENO="$(command -v deno)"
else
  postie_deno_prefix="$HOME/.cache/postie/deno-$POSTIE_DENO_VERSION"
  if ! postie_deno_ok "$postie_deno_prefix/node_modules/.bin/deno"; then
    echo "installing deno $POSTIE_DENO_VERSION with npm into $postie_deno_prefix" >&2
    mkdir -p "$postie_deno_prefix"
    npm install --prefix "$postie_deno_prefix" --save-exact --no-audit --no-fund --update-notifier=false \
      --loglevel=error "deno@$POSTIE_DENO_VERSION" </dev/null >/dev/null
  fi
  PATH="$postie_deno_prefix/node_modules/.bin:$PATH"
  DENO="$postie_deno_prefix/node_modules/.bin/deno"
  postie_deno_ok "$DENO" || { echo "deno $POSTIE_DENO_VERSION not usable at $DENO" >&2; return 1; }
fi
export DENO PATH
