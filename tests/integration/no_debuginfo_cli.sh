#!/bin/sh
# --no-debuginfo and the fallback to it on a kernel without BTF (the
# committed fixtures are built without CONFIG_DEBUG_INFO_BTF): one line
# saying what is missing, exit 7 (no debug info); with -k, a usage error;
# no -k and no vmlinux found, the missing vmlinux is reported (exit 6)
# together with why the dump alone does not do. Where the dump has BTF the
# report must equal the DWARF one without file:line and inlined frames:
# fixtures/README.md ("Without debug info") says where that was checked.
# With BTF, modules' types come from their BTF: the DWARF report to compare
# with is the one with every module's debug file, MODULE_DIR.
# usage: no_debuginfo_cli.sh WHYHUNG VMCORE VMLINUX [MODULE_DIR]
set -u
whyhung=$1 vmcore=$2 vmlinux=$3 modules=${4:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# Stack lines without what only DWARF gives: " (FILE:LINE)" and inlined frames.
strip_dwarf() {
	sed -E 's/ \([^()]*:[0-9]+\)//' "$1" | grep -Ev '^ +[A-Za-z_0-9.]+ \(inlined\)'
}

"$whyhung" "$vmcore" --no-debuginfo >"$work/out" 2>"$work/err"
rc=$?
if [ $rc = 0 ]; then
	# This kernel has BTF: the report is the DWARF one minus file:line and
	# inlined frames, plus the header line saying so.
	"$whyhung" "$vmcore" -k "$vmlinux" ${modules:+-m "$modules"} >"$work/dwarf" 2>/dev/null ||
		fail "report -k exits $?"
	grep -q "^debuginfo:  BTF and kallsyms" "$work/out" || fail "no debuginfo line"
	grep -v "^debuginfo:" "$work/out" >"$work/btf"
	strip_dwarf "$work/dwarf" | diff - "$work/btf" >"$work/diff" ||
		fail "reports differ: $(head -20 "$work/diff")"
	echo "ok: no_debuginfo_cli (BTF: the reports agree)"
	exit 0
fi
[ $rc = 7 ] || fail "--no-debuginfo on a kernel without BTF exits $rc"
[ ! -s "$work/out" ] || fail "output on failure: $(head -3 "$work/out")"
[ "$(wc -l <"$work/err")" = 1 ] || fail "not one line: $(cat "$work/err")"
# Before 6.0 VMCOREINFO does not record kallsyms' tables: that is said first.
grep -q "reading the kernel's BTF: no BTF in the kernel" "$work/err" ||
	grep -q "reading the kernel's kallsyms: VMCOREINFO has no SYMBOL(kallsyms_num_syms)" "$work/err" ||
	fail "the line does not say BTF or kallsyms is missing: $(cat "$work/err")"

"$whyhung" "$vmcore" --no-debuginfo -k "$vmlinux" >"$work/out" 2>"$work/err"
rc=$?
[ $rc = 2 ] || fail "--no-debuginfo with -k exits $rc"
grep -q "exclude each other" "$work/err" || fail "usage line: $(cat "$work/err")"

# No -k, an empty debug tree: the vmlinux lookup fails first.
mkdir "$work/debug"
"$whyhung" summary "$vmcore" --debug-dir "$work/debug" >"$work/out" 2>"$work/err"
rc=$?
[ $rc = 6 ] || fail "no vmlinux found and no BTF exits $rc: $(cat "$work/err")"
grep -Eq "no debug info found for kernel .*; and without it: .*(no BTF in the kernel|no SYMBOL\(kallsyms_num_syms\))" \
	"$work/err" || fail "the line does not give both reasons: $(cat "$work/err")"

# The same dump with its vmlinux still says nothing about debug info.
"$whyhung" summary "$vmcore" -k "$vmlinux" >"$work/out" 2>"$work/err" ||
	fail "summary with -k exits $?"
! grep -q "^debuginfo:" "$work/out" || fail "a debuginfo line with DWARF"
"$whyhung" summary "$vmcore" -k "$vmlinux" -f json >"$work/json" ||
	fail "summary json exits $?"
grep -q '"debuginfo":"DWARF"' "$work/json" || fail "JSON does not say DWARF"
echo "ok: no_debuginfo_cli"
