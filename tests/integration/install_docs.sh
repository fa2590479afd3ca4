#!/bin/bash
# cmake --install puts the binary, the man page and the bash completion
# where they belong; the man page lints clean and names every command,
# option and format of `whyhung --help`; `whyhung COMMAND --help` works for
# every command; --version is the project's; the completion completes.
# Usage: install_docs.sh BUILD_DIR OUTDIR VERSION README   (issue 15 item 3)
set -eu
build=$1 out=$2 version=$3 readme=$4
rm -rf "$out" && mkdir -p "$out"
fail() { echo "FAIL: $*"; exit 1; }
cmake --install "$build" --prefix "$out/usr" >"$out/install.log"
bin=$out/usr/bin/whyhung
man=$out/usr/share/man/man1/whyhung.1
comp=$out/usr/share/bash-completion/completions/whyhung
units=$out/usr/lib/systemd/system
for f in "$bin" "$man" "$comp" "$out/usr/libexec/whyhung/whyhung-report" \
	"$units/whyhung-report.path" "$units/whyhung-report.service"; do
	[ -s "$f" ] || fail "not installed: $f"
done
# The service runs the script where the configured prefix puts it.
grep -qE "^ExecStart=/.*/libexec/whyhung/whyhung-report /var/crash$" \
	"$units/whyhung-report.service" || fail "ExecStart: $(grep ExecStart "$units/whyhung-report.service")"

# Lint: warnings and errors (style messages name manuals this machine lacks).
lint=$(mandoc -T lint -W warning "$man" 2>&1) || fail "mandoc -T lint: $lint"
[ -z "$lint" ] || fail "mandoc -T lint: $lint"
page=$(mandoc -T utf8 "$man" | sed 's/.\x08//g')

help=$("$bin" --help)
# Every option, short and long, of --help is in the man page.
opts=$(printf '%s\n' "$help" | grep -oE '^  -[a-zA-Z], --[a-z-]+' | sed 's/^ *//; s/, /:/')
[ "$(printf '%s\n' "$opts" | wc -w)" -eq 9 ] || fail "options in --help: $opts"
for o in $opts; do
	# Its own entry in OPTIONS: "     -k, --vmlinux file".
	printf '%s\n' "$page" | grep -qE "^     ${o%%:*}, ${o#*:}( |$)" ||
		fail "option ${o%%:*}, ${o#*:} of --help not in the man page's OPTIONS"
done
# Long options without a short one ("  --debug-dir DIR"), and those of the
# commands with their own option parser (batch, clusters, merge).
long=$(printf '%s\n' "$help" "$("$bin" batch --help)" "$("$bin" clusters --help)" \
	"$("$bin" merge --help)" | grep -oE -- '--[a-z][a-z-]+' | sort -u)
for o in $long; do
	printf '%s\n' "$page" | grep -qe "$o" || fail "option $o not in the man page"
done
# Every command: in the man page, and its own --help.
cmds=$(printf '%s\n' "$help" | sed -n '/^commands:/,/^$/p' | grep -oE '^  [a-z]+' | tr -d ' ')
[ "$(printf '%s\n' "$cmds" | wc -w)" -ge 9 ] || fail "commands in --help: $cmds"
for c in $cmds; do
	printf '%s\n' "$page" | grep -qE "^     $c " || fail "command $c not in the man page's COMMANDS"
	ch=$("$bin" "$c" --help) || fail "whyhung $c --help failed"
	printf '%s\n' "$ch" | head -1 | grep -qE "^usage: whyhung (\[$c\]|$c) " ||
		fail "whyhung $c --help: $(printf '%s\n' "$ch" | head -1)"
	[ "$ch" != "$help" ] || fail "whyhung $c --help is the general usage"
done
# Every format, and every exit code of README's table.
for f in text json dot html svg; do
	printf '%s\n' "$page" | grep -qw "$f" || fail "format $f not in the man page"
done
# README's table, as the man page must copy it.
codes=$(sed -n '/^### Exit codes/,/^Errors are/p' "$readme" | grep -oE '^\| [0-9]+ ' | tr -d '| ')
[ "$(printf '%s\n' "$codes" | wc -w)" -ge 10 ] || fail "exit codes in README: $codes"
for code in $codes; do
	printf '%s\n' "$page" | sed -n '/^EXIT STATUS/,/^[A-Z]/p' | grep -qE "^     $code +[^ ]" ||
		fail "exit code $code not in the man page"
done
[ "$("$bin" --version)" = "whyhung $version" ] || fail "--version: $("$bin" --version)"

# The completion, as bash-completion runs it.
complete_words() {
	bash -c '. /usr/share/bash-completion/bash_completion; . "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
		_whyhung whyhung "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}"' _ "$comp" "$@"
}
[ -f /usr/share/bash-completion/bash_completion ] || fail "bash-completion not installed"
complete_words whyhung --format "" | grep -qx html || fail "completion: --format lacks html"
complete_words whyhung log --format "" | grep -qx html && fail "completion: html offered for log"
complete_words whyhung "" | grep -qx summary || fail "completion: no commands"
complete_words whyhung bt --p | grep -qx -- --pid || fail "completion: bt lacks --pid"
complete_words whyhung batch --sh | grep -qx -- --shard || fail "completion: batch lacks --shard"
complete_words whyhung "" | grep -qx clusters || fail "completion: no clusters command"
echo "installed: $(cd "$out/usr" && find . -type f | sort | tr '\n' ' ')"
