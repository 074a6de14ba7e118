#!/usr/bin/env bash
# The built srinit is one self-contained static binary: it runs in an empty root directory
# (as in a FROM scratch image), stays within its size budget, and links srinit's own
# std::terminate handler instead of libstdc++'s verbose one with its demangler.
source "$(dirname "$0")/lib.sh"
require_root
require_srinit

max_size=2000000
size=$(stat -c %s "$SRINIT")
if ((size <= max_size)); then
    pass "static binary: at most $max_size bytes"
else
    fail "static binary: at most $max_size bytes" "$size bytes, $((size - max_size)) over"
fi

check_line "static binary: file says statically linked" 'statically linked' file -L "$SRINIT"

# The verbose handler's message is in the binary only when libstdc++'s handler is linked.
if grep -q 'terminate called after throwing' "$SRINIT"; then
    fail "static binary: no verbose terminate handler" "libstdc++'s handler is linked"
else
    pass "static binary: no verbose terminate handler"
fi

root=$KT_TMP/empty-root
mkdir -p "$root"
cp "$SRINIT" "$root/srinit"
version=$(unshare --net chroot "$root" /srinit --version 2>&1)
check_status "static binary: runs in an empty root" 0 $?
check_line "static binary: prints its version there" '^srinit [0-9]' echo "$version"
finish
