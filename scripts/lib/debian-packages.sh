# Sourced by the scripts that install Debian packages (test-env.sh, build-native.sh).
# missing_packages NAME...: prints the names not installed, one per line.
missing_packages() {
  local p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || echo "$p"
  done
}

# install_packages LOG NAME...: apt-get update and install, quietly; the output goes to LOG.
install_packages() {
  local log=$1; shift
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"; } >"$log" 2>&1
}
