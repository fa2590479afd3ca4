#!/bin/sh
# One dump saved again in another form whyhung reads gives the same report
# (JSON, all but dump.source) and the same output of every other command
# (text, all but the source line), and the report says what was done.
# usage: dump_forms.sh WHYHUNG JSON_EQUAL VMLINUX PLAIN FORM WORKDIR
# FORM: flat (makedumpfile -F of a kdump-compressed PLAIN), flat-elf
# (makedumpfile -F -E of an ELF PLAIN), flat.gz flat.bz2 flat.lz4 flat.xz
# flat.zst (the flattened stream compressed as kdump-tools does), gz (PLAIN
# itself compressed), split (makedumpfile --split into 3 files), dir (the
# split files in a directory), or file:PATH (a dump saved elsewhere, e.g. by a
# real capture kernel, compared as it is).
# PLAIN may itself be a flattened capture (kdump-tools' dump.STAMP): it is
# rebuilt first (makedumpfile -R), and the forms are made from the capture.
set -eu
whyhung=$1 json_equal=$2 vmlinux=$3 plain=$4 form=$5 work=$6
rm -rf "$work"
mkdir -p "$work"
fail() { echo "FAIL ($form): $*"; exit 1; }
mdf() { makedumpfile "$@" >"$work/makedumpfile.log" 2>&1 || { cat "$work/makedumpfile.log"; fail "makedumpfile $*"; }; }
if [ "$(head -c 12 "$plain")" = makedumpfile ]; then
	makedumpfile -R "$work/capture" <"$plain" >"$work/makedumpfile.log" 2>&1 ||
		{ cat "$work/makedumpfile.log"; fail "makedumpfile -R"; }
	plain=$work/capture
fi

flatten() {
	case $form in
	flat-elf*) makedumpfile -F -E -d 0 "$plain" >"$work/dump.flat" 2>"$work/makedumpfile.log" ;;
	*) makedumpfile -F -c -d 31 "$plain" >"$work/dump.flat" 2>"$work/makedumpfile.log" ;;
	esac || { cat "$work/makedumpfile.log"; fail "makedumpfile -F"; }
}

compress() { # TOOL FILE: the file compressed by the tool's CLI, as kdump-tools runs it
	case $1 in
	gz) gzip -c "$2" ;;
	bz2) bzip2 -c "$2" ;;
	lz4) lz4 -q -c "$2" ;;
	xz) xz -T1 -c "$2" ;;
	zst) zstd -q -c "$2" ;;
	esac >"$work/dump.$1"
}

want=""
case $form in
flat | flat-elf)
	flatten
	set -- "$work/dump.flat"
	want="dump.flat: flattened"
	;;
flat.* | flat-elf.*)
	flatten
	compress "${form##*.}" "$work/dump.flat"
	rm "$work/dump.flat"
	# Named without a suffix: recognised by content.
	mv "$work/dump.${form##*.}" "$work/dump.202612020301"
	set -- "$work/dump.202612020301"
	want="dump.202612020301: "
	;;
gz)
	compress gz "$plain"
	set -- "$work/dump.gz"
	want="dump.gz: gzip-compressed"
	;;
split | dir)
	mkdir "$work/set"
	# Small split blocks: the fixture's pages are few and sit low.
	mdf --split -c -d 31 --splitblock-size 4 "$plain" "$work/set/dump.1" "$work/set/dump.2" \
		"$work/set/dump.3"
	if [ "$form" = dir ]; then
		set -- "$work/set"
	else
		# Not in pfn order on the command line.
		set -- "$work/set/dump.3" "$work/set/dump.1" "$work/set/dump.2"
	fi
	want="split dump in 3 files"
	;;
file:*)
	set -- "${form#file:}"
	;;
*) fail "unknown form" ;;
esac

"$whyhung" report "$plain" -k "$vmlinux" --format json >"$work/plain.json" ||
	fail "report on the plain dump"
"$whyhung" report "$@" -k "$vmlinux" --format json >"$work/form.json" ||
	fail "report on $*"
"$json_equal" "$work/plain.json" "$work/form.json" || fail "reports differ"
# Every command reads it: the same text but for the source line.
for cmd in summary tasks bt cpus log; do
	"$whyhung" "$cmd" "$plain" -k "$vmlinux" >"$work/plain.$cmd" 2>&1 || fail "$cmd on plain"
	"$whyhung" "$cmd" "$@" -k "$vmlinux" 2>&1 | grep -v '^source: ' >"$work/form.$cmd" ||
		fail "$cmd on $*"
	cmp -s "$work/plain.$cmd" "$work/form.$cmd" || fail "$cmd output differs"
done
if [ -n "$want" ]; then
	grep -q "\"source\":\"[^\"]*$want" "$work/form.json" || fail "dump.source lacks '$want'"
	"$whyhung" summary "$@" -k "$vmlinux" | grep -q "^source: .*$want" ||
		fail "summary text lacks 'source: ...$want'"
fi
rm -rf "$work"
echo "ok: $form"
