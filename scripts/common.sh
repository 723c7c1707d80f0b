# Shared by scripts/demo and scripts/test (sourced, not run).
#
# ensure_apt PKG...      installs the Debian packages among PKG that are
#                        missing, with apt-get (as root, or through sudo
#                        when it needs no password); `apt-get update` runs
#                        at most once per script run.
# ensure_venv            creates .venv in the repository with python3 -m venv,
#                        or reuses it; sets VENV and VPY.
# install_w2c SPEC       pip-installs SPEC (e.g. "-e .[test]") into .venv,
#                        skipped when pyproject.toml has not changed since
#                        the last install of the same SPEC.
#
# Environment: PYTHON (interpreter to make the venv with, default python3),
# W2C_VENV (venv folder, default <repo>/.venv).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${W2C_VENV:-$ROOT/.venv}"
VPY="$VENV/bin/python"
_APT_UPDATED=0

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

_as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo "$@"
    else
        return 127
    fi
}

ensure_apt() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' \
            || missing+=("$pkg")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        die "missing system packages (${missing[*]}) and no apt-get: install them by hand"
    fi
    say "installing system packages: ${missing[*]}"
    if [ "$_APT_UPDATED" -eq 0 ]; then
        _as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq \
            || die "cannot run apt-get as root: run 'sudo apt-get install ${missing[*]}' first"
        _APT_UPDATED=1
    fi
    _as_root env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        || die "apt-get install ${missing[*]} failed"
}

ensure_venv() {
    local python="${PYTHON:-python3}"
    if [ -x "$VPY" ] && "$VPY" -c 'import sys, pip' >/dev/null 2>&1; then
        return 0
    fi
    command -v "$python" >/dev/null 2>&1 || ensure_apt python3 python3-venv
    "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' \
        || die "w2c needs Python >= 3.10 ($python is $("$python" --version 2>&1))"
    if [ -e "$VENV" ]; then
        [ -f "$VENV/pyvenv.cfg" ] || die "$VENV exists and is not a venv: move it away"
        say "$VENV is broken: making it anew"
        rm -rf "$VENV"
    fi
    say "creating $VENV"
    if ! "$python" -m venv "$VENV" >/dev/null 2>&1; then
        # Debian and Ubuntu ship venv's pip bootstrap separately.
        rm -rf "$VENV"
        local minor
        minor="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        ensure_apt "python$minor-venv"
        "$python" -m venv "$VENV" || die "$python -m venv $VENV failed"
    fi
    "$VPY" -m pip install -q --disable-pip-version-check --upgrade pip \
        || die "cannot upgrade pip in $VENV (is PyPI reachable?)"
}

install_w2c() {
    local spec="$*" stamp="$VENV/.w2c-install-stamp" log="$VENV/pip-install.log" hash
    hash="$(sha256sum < "$ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ -f "$stamp" ] && grep -qxF -- "$spec $hash" "$stamp" \
        && (cd / && "$VPY" -c 'import sys, w2c; sys.exit(not w2c.__file__.startswith(sys.argv[1]))' \
                "$ROOT/") >/dev/null 2>&1; then
        return 0
    fi
    say "pip install $spec"
    if ! (cd "$ROOT" && "$VPY" -m pip install --disable-pip-version-check $spec) >"$log" 2>&1; then
        cat "$log" >&2
        die "pip install $spec failed (log: $log)"
    fi
    # `-e .` after `-e .[test]` keeps the test tools: every spec installed
    # for this pyproject.toml stays recorded.
    if [ -f "$stamp" ] && grep -q -- " $hash\$" "$stamp"; then
        echo "$spec $hash" >> "$stamp"
    else
        echo "$spec $hash" > "$stamp"
    fi
}
