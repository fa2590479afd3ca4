#!/bin/sh
# The dropped-error check must flag exactly the lines marked DROPPED in
# samples/sample.c, and nothing else.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(python3 "$here/dropped_errors.py" "$here/samples" 2>/dev/null) && {
	echo "the check passed a file with dropped errors" >&2
	exit 1
}
got=$(printf '%s\n' "$out" | sed -n 's/^.*sample\.c:\([0-9]*\):.*/\1/p' | tr '\n' ' ')
want=$(grep -n 'DROPPED' "$here/samples/sample.c" | grep -v 'lines marked' | cut -d: -f1 | tr '\n' ' ')
if [ "$got" != "$want" ]; then
	echo "flagged lines: $got; expected: $want" >&2
	exit 1
fi
