#!/usr/bin/env bash
# Install what tests/acceptance/test_scale_out.py needs: Debian's nginx, as the load balancer
# in front of two expresspy instances. The test starts its own nginx with its own config on
# free loopback ports; the package's own service is kept from starting (no server on :80).
# Safe to run again: it does nothing when nginx is already there. Needs root for apt-get.
set -euo pipefail

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  export DEBIAN_FRONTEND=noninteractive
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && made_policy=1
  fi
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nginx-light >/dev/null
  if [ "$made_policy" = 1 ]; then rm -f "$policy"; fi
fi

/usr/sbin/nginx -v
