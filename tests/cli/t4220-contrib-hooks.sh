#!/bin/bash
# contrib/hooks: each example hook, installed as a hook, against a
# listener on 127.0.0.1 (tests/cli/lib-listen.py): what arrives is the
# JSON or text expected, and an incident's texts are never evaluated.
. "$(dirname "$0")/test-lib.sh"

HOOKS="$INCIDENT_DIR/hooks"
CONTRIB="$SOURCE_ROOT/contrib/hooks"

test_lazy_prereq PYTHON 'python3 -c "import http.server"' 'no python3'
test_lazy_prereq CURL 'curl --version' 'no curl'
test_lazy_prereq MSMTP 'msmtp --version' 'no msmtp'

# listen MODE DIR: a listener recording into DIR; its port in DIR/port
listen() {
	mkdir -p "$2" &&
	{ python3 "$TEST_DIRECTORY/lib-listen.py" "$1" "$2" >/dev/null 2>&1 &
	  echo $! >"$2/pid"; } &&
	for i in $(seq 200); do test -s "$2/port" && return 0; sleep 0.05; done
	return 1
}

# install NAME HOOK: contrib/hooks/NAME as the store's hook HOOK
install_hook() {
	mkdir -p "$HOOKS" && rm -f "$HOOKS"/* &&
	cp "$CONTRIB/$1" "$HOOKS/$2" && chmod 755 "$HOOKS/$2"
}

TITLE='A & B <!channel> $(touch pwned1) `touch pwned2`; "quoted"'
NOTE="$(printf 'line one\n$(touch pwned3)\n`touch pwned4`; touch pwned5')"

test_expect_success 'setup: an incident with a tricky title' '
	incident open -q -s 2 "$TITLE" >id &&
	short=$(incident show --json "$(cat id)" | jq -r .incident.short_id) &&
	echo "$short" >short &&
	cat >>"$INCIDENT_DIR/config" <<-EOF
	[hooks]
		timeout = 8s
		retries = 1
		env = INCIDENT_WEBHOOK_URL SLACK_WEBHOOK_URL MATTERMOST_WEBHOOK_URL
		env = NTFY_URL NTFY_TOPIC INCIDENT_MAIL_TO SENDMAIL
	EOF
'

no_pwned() {
	for i in 1 2 3 4 5; do
		test ! -e "pwned$i" && test ! -e "$INCIDENT_DIR/pwned$i" &&
		test ! -e "$HOOKS/pwned$i" || return 1
	done
}

test_expect_success PYTHON,CURL 'webhook POSTs the hook document as it is' '
	listen http web &&
	test_when_finished "kill $(cat web/pid)" &&
	install_hook webhook post-note &&
	INCIDENT_WEBHOOK_URL="http://127.0.0.1:$(cat web/port)/hook" \
		incident note "$(cat id)" "$NOTE" >/dev/null 2>err &&
	test_line_count = 0 err &&
	test -e web/1.json && test ! -e web/2.json &&
	test "$(jq -r .method web/1.json)" = POST &&
	test "$(jq -r .path web/1.json)" = /hook &&
	test "$(jq -r ".headers[\"content-type\"]" web/1.json)" = application/json &&
	jq -r ".headers[\"x-incident-delivery\"]" web/1.json | grep -x "[0-9a-f]\{64\}" &&
	test "$(jq -r ".headers[\"x-incident-event\"]" web/1.json)" = noted &&
	jq -r .body web/1.json >body.json &&
	test "$(jq -r .event.kind body.json)" = noted &&
	test "$(jq -r .event.payload.text body.json)" = "$NOTE" &&
	test "$(jq -r .incident.title body.json)" = "$TITLE" &&
	test "$(jq -r .incident.id body.json)" = "$(cat id)" &&
	no_pwned
'

test_expect_success PYTHON,CURL 'webhook: a receiver that fails is a failed delivery' '
	listen http web2 &&
	test_when_finished "kill $(cat web2/pid)" &&
	echo 500 >web2/status &&
	INCIDENT_WEBHOOK_URL="http://127.0.0.1:$(cat web2/port)/hook" \
		incident note "$(cat id)" "to a broken receiver" >/dev/null 2>err &&
	test -e web2/1.json &&
	grep "the receiver answered HTTP 500" err &&
	grep "warning: hook post-note failed for $(cat short): exit status 1" err &&
	# a redirect is no delivery either (curl --fail lets 3xx through)
	echo 302 >web2/status &&
	INCIDENT_WEBHOOK_URL="http://127.0.0.1:$(cat web2/port)/hook" \
		incident note "$(cat id)" "to a moved receiver" >/dev/null 2>err &&
	grep "the receiver answered HTTP 302" err &&
	grep "warning: hook post-note failed for $(cat short): exit status 1" err
'

test_expect_success PYTHON,CURL 'slack posts {"text"} with the texts escaped' '
	listen http slack &&
	test_when_finished "kill $(cat slack/pid)" &&
	install_hook slack post-note &&
	SLACK_WEBHOOK_URL="http://127.0.0.1:$(cat slack/port)/services/T0/B0/x" \
		incident note "$(cat id)" "$NOTE" >/dev/null 2>err &&
	test_line_count = 0 err &&
	test "$(jq -r .path slack/1.json)" = /services/T0/B0/x &&
	jq -r .body slack/1.json >body.json &&
	test "$(jq -r "keys | join(\",\")" body.json)" = text &&
	esc_title=$(printf "%s" "$TITLE" | sed "s/&/\&amp;/g;s/</\&lt;/g;s/>/\&gt;/g") &&
	{ printf "[SEV2] %s %s: noted (open) by tester\n" "$(cat short)" "$esc_title" &&
	  printf "%s\n" "$NOTE"; } >expect &&
	jq -r .text body.json >actual &&
	test_cmp expect actual &&
	! grep "<!channel>" actual &&
	no_pwned
'

test_expect_success PYTHON,CURL 'mattermost posts {"text"} as Markdown' '
	listen http mm &&
	test_when_finished "kill $(cat mm/pid)" &&
	install_hook mattermost post-note &&
	MATTERMOST_WEBHOOK_URL="http://127.0.0.1:$(cat mm/port)/hooks/abc" \
		incident note "$(cat id)" "$NOTE" >/dev/null 2>err &&
	test_line_count = 0 err &&
	jq -r .body mm/1.json >body.json &&
	test "$(jq -r .username body.json)" = incident &&
	{ printf "**[SEV2] %s** %s: noted (open) by tester\n" "$(cat short)" "$TITLE" &&
	  printf "%s\n" "$NOTE"; } >expect &&
	jq -r .text body.json >actual &&
	test_cmp expect actual &&
	no_pwned &&
	# a mention of everyone is defused with a zero-width joiner
	MATTERMOST_WEBHOOK_URL="http://127.0.0.1:$(cat mm/port)/hooks/abc" \
		incident note "$(cat id)" "ping @channel @ALL @here" >/dev/null 2>err &&
	jq -r .body mm/2.json | jq -r .text >actual &&
	zwj=$(printf "\342\200\215") &&
	grep "ping @${zwj}channel @${zwj}ALL @${zwj}here" actual &&
	! grep "@channel" actual
'

test_expect_success PYTHON,CURL 'ntfy posts to the topic with Title, Priority, Tags' '
	listen http ntfy &&
	test_when_finished "kill $(cat ntfy/pid)" &&
	install_hook ntfy post-note &&
	NTFY_URL="http://127.0.0.1:$(cat ntfy/port)" NTFY_TOPIC=oncall-db \
		incident note "$(cat id)" "$NOTE" >/dev/null 2>err &&
	test_line_count = 0 err &&
	test "$(jq -r .path ntfy/1.json)" = /oncall-db &&
	test "$(jq -r .headers.title ntfy/1.json)" = "[SEV2] $TITLE" &&
	test "$(jq -r .headers.priority ntfy/1.json)" = high &&
	test "$(jq -r .headers.tags ntfy/1.json)" = rotating_light,noted &&
	{ printf "%s open: noted by tester\n" "$(cat short)" &&
	  printf "%s\n" "$NOTE"; } >expect &&
	jq -r .body ntfy/1.json >actual &&
	test_cmp expect actual &&
	no_pwned
'

test_expect_success PYTHON,MSMTP 'mail sends one message through sendmail (msmtp)' '
	listen smtp smtp &&
	test_when_finished "kill $(cat smtp/pid)" &&
	install_hook mail post-note &&
	INCIDENT_MAIL_TO=oncall@example.com \
	SENDMAIL="msmtp -t --host=127.0.0.1 --port=$(cat smtp/port) --from=incident@example.com --auth=off --tls=off" \
		incident note "$(cat id)" "$NOTE" >/dev/null 2>err &&
	test_line_count = 0 err &&
	echo oncall@example.com >expect &&
	test_cmp expect smtp/1.rcpt &&
	grep "^To: oncall@example.com" smtp/2.eml &&
	grep -F "Subject: [SEV2] $(cat short) $TITLE: noted" smtp/2.eml &&
	delivery=$(sqlite3 "$INCIDENT_DIR/incident.db" "SELECT delivery FROM outbox ORDER BY seq DESC LIMIT 1") &&
	grep "^Message-ID: <$delivery@incident>" smtp/2.eml &&
	sed "1,/^\$/d" smtp/2.eml >body &&
	{ printf "%s\n\nStatus: open, SEV2\n" "$TITLE" &&
	  ev=$(incident log --json "$(cat id)" | jq -r "[.events[] | select(.kind == \"noted\")][-1].at") &&
	  printf "Event: noted by tester at %s\nIncident: %s\n\n%s\n" "$ev" "$(cat id)" "$NOTE"; } >expect &&
	test_cmp expect body &&
	no_pwned
'

test_done
