#!/usr/bin/env bash
# Provides BIND 9.16, 9.18 and 9.20 side by side, without installing the extra versions:
#   /opt/bind/<version>/bin/<tool>   a wrapper per tool (named, rndc, nsupdate, dig, named-*…)
#   /opt/bind/<version>/root/        the packages' files, unpacked with `dpkg -x` (9.16, 9.20)
# 9.18 is the machine's own (Debian 12's bind9, installed by setup.sh); its wrappers point there.
# 9.20 comes from bookworm-backports, 9.16 from bullseye-security (plus libssl1.1 from there).
# The extra suites are read through a private apt state made from the machine's own Debian
# sources file (only its `Suites:` lines are rewritten), so the machine's apt is untouched.
# Idempotent: a version whose prefix is complete is not downloaded again.
# Environment: RNDC_BIND_ROOT (default /opt/bind), RNDC_BIND_VERSIONS (default "9.16 9.18 9.20").
set -euo pipefail

ROOT="${RNDC_BIND_ROOT:-/opt/bind}"
VERSIONS="${RNDC_BIND_VERSIONS:-9.16 9.18 9.20}"
ARCH_DIR="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
# Writes under /opt and reads apt lists: run as root (through sudo when needed).
if [ "$(id -u)" != 0 ]; then exec sudo --preserve-env=RNDC_BIND_ROOT,RNDC_BIND_VERSIONS bash "$0" "$@"; fi

say() { echo "bind-versions: $*"; }
die() {
  echo "bind-versions: error: $*" >&2
  exit 1
}

# The suite each extra version comes from, and its packages (each "name/suite").
packages_for() {
  case "$1" in
  9.20) echo "bind9/bookworm-backports bind9-libs/bookworm-backports bind9-utils/bookworm-backports bind9-dnsutils/bookworm-backports liburcu8/bookworm" ;;
  9.16) echo "bind9/bullseye-security bind9-libs/bullseye-security bind9-utils/bullseye-security bind9-dnsutils/bullseye-security libssl1.1/bullseye-security" ;;
  *) die "no source known for BIND $1 (known: 9.16, 9.18, 9.20)" ;;
  esac
}

# Writes a wrapper that runs `target` under the name `name` with the prefix's libraries.
write_wrapper() {
  local file="$1" name="$2" target="$3" libs="$4"
  {
    echo '#!/bin/bash'
    echo "# BIND $(basename "$(dirname "$(dirname "$file")")") $name, unpacked by scripts/bind-versions.sh."
    if [ -n "$libs" ]; then
      echo "export LD_LIBRARY_PATH=$libs\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"
    fi
    echo "exec -a $name $target \"\$@\""
  } >"$file.tmp"
  chmod 0755 "$file.tmp"
  mv "$file.tmp" "$file"
}

# The tools the wrappers cover: everything the packages put in bin/ and sbin/.
TOOLS_918="named rndc rndc-confgen tsig-keygen ddns-confgen nsupdate dig delv mdig nslookup \
named-checkconf named-checkzone named-compilezone named-journalprint named-rrchecker \
dnssec-keygen dnssec-signzone dnssec-verify dnssec-dsfromkey"

setup_918() {
  local prefix="$ROOT/9.18" line
  line="$(/usr/sbin/named -v 2>/dev/null || true)"
  case "$line" in
  "BIND 9.18."*) ;;
  *) die "the machine's named is not 9.18 (/usr/sbin/named -v: ${line:-missing}); run scripts/setup.sh first" ;;
  esac
  mkdir -p "$prefix/bin"
  local tool path
  for tool in $TOOLS_918; do
    path=""
    for dir in /usr/sbin /usr/bin; do
      if [ -x "$dir/$tool" ]; then path="$dir/$tool"; fi
    done
    if [ -n "$path" ]; then ln -sfn "$path" "$prefix/bin/$tool"; fi
  done
  say "9.18: ${line%% (*} (the machine's own) → $prefix/bin"
}

apt_state=""
apt_opts=()
private_apt() {
  if [ -n "$apt_state" ]; then return; fi
  apt_state="$ROOT/.apt"
  local sources=/etc/apt/sources.list.d/debian.sources
  [ -r "$sources" ] || die "$sources not found: this setup expects Debian 12's deb822 sources file"
  mkdir -p "$apt_state/lists/partial" "$apt_state/cache/archives/partial" "$apt_state/sources.list.d"
  # Same mirrors, same keyring, other suites: bookworm (liburcu8 for 9.20) and bookworm-backports
  # from the main archive, bullseye-security from the security archive.
  sed -E \
    -e '/^URIs:.*debian-security/,/^$/ s/^Suites:.*/Suites: bullseye-security/' \
    -e '/^URIs:.*\/debian\/?$/,/^$/ s/^Suites:.*/Suites: bookworm bookworm-backports/' \
    "$sources" >"$apt_state/sources.list.d/extra.sources"
  grep -q 'bullseye-security' "$apt_state/sources.list.d/extra.sources" ||
    die "could not derive a bullseye-security source from $sources"
  apt_opts=(
    -o "Dir::State=$apt_state" -o "Dir::State::Lists=$apt_state/lists"
    -o "Dir::Cache=$apt_state/cache" -o "Dir::Etc::SourceList=/dev/null"
    -o "Dir::Etc::SourceParts=$apt_state/sources.list.d" -o "Debug::NoLocking=1"
    -o "APT::Sandbox::User=root"
  )
  say "reading the package lists of bookworm-backports and bullseye-security (private apt state $apt_state)…"
  apt-get "${apt_opts[@]}" update -qq >/dev/null
}

setup_extra() {
  local version="$1" prefix="$ROOT/$1"
  if [ -f "$prefix/.complete" ] && [ -x "$prefix/bin/named" ]; then
    say "$version: $("$prefix/bin/named" -v | sed 's/ (.*//') (cached) → $prefix/bin"
    return
  fi
  private_apt
  local work
  work="$(mktemp -d)"
  chmod 0755 "$work"
  (cd "$work" && apt-get "${apt_opts[@]}" download -qq $(packages_for "$version") >/dev/null) ||
    die "apt-get download failed for BIND $version"
  rm -rf "$prefix.new"
  mkdir -p "$prefix.new/root" "$prefix.new/bin"
  local deb pkg ver
  for deb in "$work"/*.deb; do
    pkg="$(dpkg-deb -f "$deb" Package)"
    ver="$(dpkg-deb -f "$deb" Version)"
    # Never unpack what we did not ask for: the BIND packages must be the wanted version.
    case "$pkg" in
    bind9 | bind9-libs | bind9-utils | bind9-dnsutils)
      case "$ver" in
      "1:$version."*) ;;
      *) die "$pkg has version $ver, expected 1:$version.*" ;;
      esac
      ;;
    libssl1.1 | liburcu8) ;;
    *) die "unexpected package $pkg in the download" ;;
    esac
    dpkg-deb -x "$deb" "$prefix.new/root"
  done
  rm -rf "$work"
  local libs="$prefix/root/usr/lib/$ARCH_DIR:$prefix/root/usr/lib/$ARCH_DIR/bind"
  local dir file name target
  for dir in usr/sbin usr/bin; do
    [ -d "$prefix.new/root/$dir" ] || continue
    for file in "$prefix.new/root/$dir"/*; do
      name="$(basename "$file")"
      # named-compilezone is a symlink to named-checkzone, which tells them apart by argv[0].
      target="$(readlink -f "$file")"
      target="$prefix/root/${target#"$prefix.new/root/"}"
      write_wrapper "$prefix.new/bin/$name" "$name" "$target" "$libs"
    done
  done
  rm -rf "$prefix"
  mv "$prefix.new" "$prefix"
  # Every tool must load: a missing shared library is named here, not in a test's timeout.
  local missing
  missing="$(for file in "$prefix"/root/usr/sbin/* "$prefix"/root/usr/bin/*; do
    LD_LIBRARY_PATH="$libs" ldd "$file" 2>/dev/null | grep 'not found' || true
  done | sort -u)"
  [ -z "$missing" ] || die "BIND $version needs libraries this machine lacks:\n$missing"
  local line
  line="$("$prefix/bin/named" -v)"
  case "$line" in
  "BIND $version."*) ;;
  *) die "$prefix/bin/named -v printed '$line', expected BIND $version.x" ;;
  esac
  touch "$prefix/.complete"
  say "$version: ${line%% (*} → $prefix/bin"
}

for version in $VERSIONS; do
  case "$version" in
  9.18) setup_918 ;;
  *) setup_extra "$version" ;;
  esac
done
