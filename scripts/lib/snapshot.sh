# Sourced by the long-running scripts: build once (outside any timing), then run the whole script on a copy of
# that build, so that rebuilding the project meanwhile cannot change what it measures. The copy goes at exit.
snapshot_build() {
  ./ncelab --version >/dev/null
  snapshot="$(mktemp -d)"
  cp -r runners/target/ncelab.jar runners/target/lib "$snapshot/"
  export NCELAB_TARGET="$snapshot" NCELAB_NO_BUILD=1
  trap 'rm -rf "$snapshot"' EXIT
}
