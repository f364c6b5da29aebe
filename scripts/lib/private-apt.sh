# Sourced by install-etcd.sh and gobench/build.sh: apt with a state of its own, so a script can fetch
# packages from any Debian release without touching the machine's apt sources, lists or dpkg state.
#
#   private_apt DIR SUITE [empty-status]   (re)creates DIR (its own sources file for SUITE, lists and
#                                          cache) and sets the array PRIVATE_APT: apt-get's options
#                                          for it. With empty-status, apt also sees a machine with
#                                          nothing installed, so it resolves a package's whole closure.
private_apt() {
  local dir=$1 suite=$2
  rm -rf "$dir" && mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" || return 1
  cat > "$dir/debian.sources" <<SOURCES
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
  PRIVATE_APT=(-q -o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$dir" -o "Dir::State::Lists=$dir/lists"
    -o "Dir::Cache=$dir/cache")
  if [ "${3:-}" = empty-status ]; then
    : > "$dir/status"
    PRIVATE_APT+=(-o "Dir::State::status=$dir/status")
  fi
  # As root apt downloads as the user _apt, who may not write here; the files are ours anyway.
  [ "$(id -u)" -ne 0 ] || PRIVATE_APT+=(-o APT::Sandbox::User=root)
}
