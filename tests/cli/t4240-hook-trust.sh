#!/bin/bash
# Which hooks are trusted: symbolic links are judged by the link and by
# its target, and a hooks folder others may write runs nothing.
. "$(dirname "$0")/test-lib.sh"

HOOKS="$INCIDENT_DIR/hooks"
DB="$INCIDENT_DIR/incident.db"

test_expect_success 'setup' '
	incident init >/dev/null &&
	incident open -q "trust" >id &&
	mkdir -p "$HOOKS" bin &&
	chmod 755 "$HOOKS" bin &&
	printf "#!/bin/sh\necho ran >>\"%s/ran\"\n" "$TRASH" >bin/hook &&
	chmod 755 bin/hook
'

pending() {
	sqlite3 "$DB" "SELECT count(*) FROM outbox WHERE state = \"pending\" AND attempts = 0"
}

test_expect_success 'a symbolic link of another user is refused' '
	ln -s /bin/sh "$HOOKS/post-note" &&
	chown -h 65534 "$HOOKS/post-note" &&
	echo "echo ran >>$TRASH/ran" | incident note "$(cat id)" "x" >/dev/null 2>err &&
	grep "post-note failed .*refused: a symbolic link owned by another user (uid 65534)" err &&
	test ! -e ran &&
	incident hooks list >list &&
	grep "post-note *refused" list
'

test_expect_success 'a link of ours to a file in a folder others may write is refused' '
	rm -f "$HOOKS"/* &&
	sqlite3 "$DB" "DELETE FROM outbox" &&
	chmod 777 bin &&
	ln -s "$TRASH/bin/hook" "$HOOKS/post-note" &&
	incident note "$(cat id)" "x" >/dev/null 2>err &&
	grep "refused: the hooks folder $TRASH/bin is writable by others" err &&
	test ! -e ran
'

test_expect_success 'a link of ours to a trusted file runs it' '
	sqlite3 "$DB" "DELETE FROM outbox" &&
	chmod 755 bin &&
	incident note "$(cat id)" "x" >/dev/null 2>err &&
	test_line_count = 0 err &&
	test_line_count = 1 ran
'

test_expect_success 'a hooks folder others may write runs nothing; the deliveries wait' '
	rm -f "$HOOKS"/* ran &&
	sqlite3 "$DB" "DELETE FROM outbox" &&
	cp bin/hook "$HOOKS/post-note" &&
	chmod 777 "$HOOKS" &&
	incident note "$(cat id)" "x" >/dev/null 2>err &&
	grep "hooks not run: refused: the hooks folder $HOOKS is writable by others (the deliveries stay queued)" err &&
	test ! -e ran &&
	test "$(pending)" = 1 &&
	test_expect_code 1 incident hooks retry 2>err &&
	grep "writable by others" err &&
	incident hooks list >list &&
	grep "post-note *refused" list &&
	chmod 775 "$HOOKS" &&
	incident note "$(cat id)" "y" >/dev/null 2>err &&
	grep "hooks folder $HOOKS is writable by its group" err &&
	test "$(pending)" = 2 &&
	chmod 755 "$HOOKS" &&
	incident hooks retry >/dev/null 2>&1 &&
	test_line_count = 2 ran
'

test_expect_success 'a hooks folder of another user runs nothing' '
	rm -f ran &&
	sqlite3 "$DB" "DELETE FROM outbox" &&
	chown 65534 "$HOOKS" &&
	test_when_finished "chown 0 \"$HOOKS\"" &&
	incident note "$(cat id)" "x" >/dev/null 2>err &&
	grep "hooks folder $HOOKS is owned by another user (uid 65534)" err &&
	test ! -e ran
'

test_done
