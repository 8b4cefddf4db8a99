# Sourced by scripts/venv-install and scripts/test-sdk9 before they run uv. uv does not read
# pip's config: hand it the pip settings a machine or CI sets in the environment (index,
# find-links, constraints, CA bundle, timeout). pip's config-file extra indexes are not handed
# over, so uv resolves from the index (plus find-links), as pip does for packages on the index.
if [ -n "${PIP_INDEX_URL:-}" ]; then export UV_DEFAULT_INDEX="${UV_DEFAULT_INDEX:-$PIP_INDEX_URL}"; fi
if [ -n "${PIP_FIND_LINKS:-}" ]; then
  links=""
  for link in $PIP_FIND_LINKS; do   # local folders that are absent are skipped, as pip warns and goes on
    case "$link" in
      *://*) links="$links $link" ;;
      *) if [ -d "$link" ]; then links="$links $link"; fi ;;
    esac
  done
  links="${links# }"
  if [ -n "$links" ]; then export UV_FIND_LINKS="${UV_FIND_LINKS:-$links}"; fi
fi
if [ -n "${PIP_CONSTRAINT:-}" ]; then export UV_CONSTRAINT="${UV_CONSTRAINT:-$PIP_CONSTRAINT}"; fi
if [ -n "${PIP_CERT:-}" ] && [ -f "$PIP_CERT" ]; then export SSL_CERT_FILE="${SSL_CERT_FILE:-$PIP_CERT}"; fi
export UV_HTTP_TIMEOUT="${UV_HTTP_TIMEOUT:-${PIP_DEFAULT_TIMEOUT:-120}}"
