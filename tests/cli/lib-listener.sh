# incident listen for tests: sourced by a test script after test-lib.sh.
#
#   start_listen NAME [options]   incident listen on a free port
#   stop_listen NAME              SIGTERM it (or any process whose pid
#                                 is in NAME.pid), wait until it is gone
#   alive PID                     running, and not a zombie

# start_listen NAME [options]: incident listen on a free port (port 0,
# which it says on stderr); stderr in NAME.log, pid in NAME.pid, port in
# NAME.port. Register stop_listen NAME at once.
start_listen() {
	local name=$1 i port
	shift
	# emptied here, not by the child's redirection, which may come after
	# the first look below (and find the last listener's port)
	rm -f "$name.port" && : >"$name.log"
	incident listen --address 127.0.0.1:0 "$@" 2>>"$name.log" &
	echo $! >"$name.pid"
	for i in $(seq 600); do
		port=$(sed -n "s|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p" "$name.log")
		if test -n "$port"; then
			echo "$port" >"$name.port"
			return 0
		fi
		alive "$(cat "$name.pid")" || { cat "$name.log"; return 1; }
		sleep 0.05
	done
	return 1
}

# alive PID: running, not a zombie (a test's child outlives its shell,
# and whoever reaps it then may take its time)
alive() {
	local state
	state=$(sed "s/.*) //" "/proc/$1/stat" 2>/dev/null | cut -d" " -f1) &&
	test -n "$state" && test "$state" != Z
}

# stop_listen NAME: SIGTERM, then wait until it is gone (KILL after 20 s)
stop_listen() {
	local pid i
	pid=$(cat "$1.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	for i in $(seq 400); do
		alive "$pid" || return 0
		sleep 0.05
	done
	kill -9 "$pid" 2>/dev/null
	return 0
}

