. "$(dirname "$0")/test-lib.sh"

# The completion scripts, checked through the shells themselves: bash
# through bash-completion and a faked COMP_* state, fish through
# `complete -C`, zsh through a real line editor in a pseudo-terminal.
# That every command is in every script is t0001-meta's.

BASH_SCRIPT=$SOURCE_ROOT/completions/bash/incident
ZSH_SCRIPT=$SOURCE_ROOT/completions/zsh/_incident
FISH_SCRIPT=$SOURCE_ROOT/completions/fish/incident.fish
BASH_COMPLETION=/usr/share/bash-completion/bash_completion
export BASH_COMPLETION

# Every call of the binary a completion makes, logged with its arguments.
mkdir -p wrap &&
cat >wrap/incident <<EOF &&
#!/bin/sh
printf '%s\n' "\$*" >>"$TRASH/calls"
exec "$INCIDENT" "\$@"
EOF
chmod +x wrap/incident || exit 1
PATH="$TRASH/wrap:$PATH"

# A binary that answers nothing, for the scripts' own list of commands.
mkdir -p broken &&
printf '#!/bin/sh\nexit 1\n' >broken/incident &&
chmod +x broken/incident || exit 1

# bash: complete "$1" with the cursor at its end, as readline would
# split it (words at blanks, "=" a word of its own); one match a line.
cat >comp.bash <<'EOF'
if [ "$COMP_MODE" = full ]; then
	. "$BASH_COMPLETION" || exit 1
fi
. "$1" || exit 1
line=$2
out=()
COMP_LINE=$line COMP_POINT=${#line}
read -ra COMP_WORDS <<<"$line"
[[ $line == *' ' ]] && COMP_WORDS+=('')
for w in "${COMP_WORDS[@]}"; do
	if [[ $w == *=* ]]; then
		out+=("${w%%=*}" "=")
		[[ -n ${w#*=} ]] && out+=("${w#*=}")
	else
		out+=("$w")
	fi
done
COMP_WORDS=("${out[@]}") COMP_CWORD=$((${#out[@]} - 1))
COMPREPLY=()
_incident incident "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}"
EOF
bash_complete() {
	COMP_MODE=${COMP_MODE:-full} bash comp.bash "$BASH_SCRIPT" "$1" | sort
}

fish_complete() {
	fish --no-config -c 'source $argv[1]; complete -C $argv[2]' \
		"$FISH_SCRIPT" "$1" | sort
}

# zsh: types "$2" and TAB into an interactive zsh in a pseudo-terminal,
# with compadd wrapped to print what it is given: "match<TAB>display".
cat >zcap-init.zsh <<'EOF'
PROMPT= RPROMPT= PS2=
fpath=($ZCAP_FPATH $fpath)
autoload -Uz compinit && compinit -u -D
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
compadd() {
	if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then
		builtin compadd "$@"
		return
	fi
	local -a __hits __dscr
	local __h __d
	(( $@[(I)-d] )) && __dscr=("${(@P)${@[$@[(I)-d]+1]}}")
	builtin compadd -A __hits "$@"
	(( $#__hits )) || return 1
	for __h in $__hits; do
		__d=${${(M)__dscr:#${(b)__h}(|[[:space:]]*)}[1]}
		print -r -- $'\n'"<M>$__h"$'\t'"$__d"
	done
	builtin compadd "$@"
}
_zcap_done() { print -r -- '<DONE>'; exit }
comppostfuncs=(_zcap_done)
bindkey '^I' complete-word
print -r -- '<READY>'
EOF
cat >zcap.zsh <<'EOF'
zmodload zsh/zpty || exit 2
export ZCAP_FPATH=$1 TERM=dumb
zpty z zsh -f -i || exit 2
zpty -w z ". ${(q)PWD}/zcap-init.zsh"
local out= chunk
while zpty -r z chunk; do out+=$chunk; [[ $out == *'<READY>'* ]] && break; done
zpty -w -n z "$2"$'\t'
out=
while zpty -r z chunk; do out+=$chunk; [[ $out == *'<DONE>'* ]] && break; done
print -r -- ${(F)${(M)${(f)out//$'\r'/}:#'<M>'*}#'<M>'}
zpty -d z
EOF
mkdir -p zfp && cp "$ZSH_SCRIPT" zfp/_incident || exit 1
zsh_complete() {
	timeout 10 zsh -f zcap.zsh "$TRASH/zfp" "$1" >zsh-out &&
	cut -f1 zsh-out | sed '/^$/d' | sort
}

# the other shells are optional: without one, its tests say skip
test_lazy_prereq ZSH 'command -v zsh' 'no zsh'
test_lazy_prereq FISH 'command -v fish' 'no fish'

test_expect_success 'bash: the script parses' '
	bash -n "$BASH_SCRIPT"
'

test_expect_success ZSH 'zsh: the script parses' '
	zsh -n "$ZSH_SCRIPT"
'

test_expect_success FISH 'fish: the script parses' '
	fish --no-config -n "$FISH_SCRIPT"
'

# ids: the active incidents; ids-all: those and the resolved one
test_expect_success 'setup: incidents in two stores, one resolved' '
	incident --list-cmds >cmds &&
	test -s cmds &&
	incident open -q "API down" -s 1 --service api >id-api &&
	incident open -q "DB slow" -s 3 >id-db &&
	incident open -q "Disk full" -s 2 >id-disk &&
	incident resolve -q "$(cat id-disk)" >id-resolved &&
	test_cmp id-disk id-resolved &&
	incident --dir "$TRASH/other" open -q "Other store" >id-other &&
	sort id-api id-db >ids &&
	sort id-api id-db id-resolved >ids-all &&
	printf "%s\n" commander comms ops scribe >roles &&
	printf "%s\n" high low medium >levels &&
	printf "%s\n" P1 P2 P3 P4 >priorities &&
	printf "%s\n" 1 2 3 4 SEV1 SEV2 SEV3 SEV4 >sevs &&
	: >file-here
'

# review, action and stats: their values, sorted as the shells' output is
test_expect_success 'setup: subcommands and values of action and stats' '
	printf "%s\n" add done list >subcmds &&
	printf "%s\n" corrective detective preventive >types &&
	printf "%s\n" month service severity tag >groups
'

test_expect_success 'setup: two rotas for oncall' '
	printf "[rota \"db\"]\n\tmember = a\n[rota \"web\"]\n\tmember = b\n" \
		>>"$INCIDENT_DIR/config" &&
	printf "%s\n" db web >rotas &&
	printf "%s\n" db override overrides remove web >subrotas
'

test_expect_success 'bash: command names' '
	bash_complete "incident o" >actual &&
	printf "%s\n" oncall open >expect &&
	test_cmp expect actual &&
	bash_complete "incident " >actual &&
	sort cmds >expect &&
	test_cmp expect actual
'

test_expect_success 'bash: command names after global options' '
	bash_complete "incident --dir $TRASH/other sh" >actual &&
	echo show >expect &&
	test_cmp expect actual &&
	bash_complete "incident --dir=$TRASH/other sh" >actual &&
	test_cmp expect actual &&
	bash_complete "incident --ver" >actual &&
	echo --version >expect &&
	test_cmp expect actual
'

test_expect_success 'bash: directories for --dir' '
	mkdir -p dirs/alpha dirs/beta &&
	: >dirs/afile &&
	bash_complete "incident --dir dirs/a" >actual &&
	echo dirs/alpha >expect &&
	test_cmp expect actual &&
	bash_complete "incident init --dir dirs/a" >actual &&
	test_cmp expect actual
'

test_expect_success 'bash: options, live from the binary' '
	bash_complete "incident open --sev" >actual &&
	echo --severity= >expect &&
	test_cmp expect actual &&
	bash_complete "incident list -" >actual &&
	incident --complete-options list | sed "s/^\(-[^-]\)=\$/\1/" |
		sort >expect &&
	test_cmp expect actual
'

test_expect_success 'bash: severities' '
	printf "%s\n" 1 2 3 4 SEV1 SEV2 SEV3 SEV4 >expect &&
	bash_complete "incident open -s " >actual &&
	test_cmp expect actual &&
	bash_complete "incident open \"a title\" --severity " >actual &&
	test_cmp expect actual &&
	bash_complete "incident list -qs " >actual &&
	test_cmp expect actual &&
	bash_complete "incident open --severity=SEV" >actual &&
	printf "%s\n" SEV1 SEV2 SEV3 SEV4 >expect &&
	test_cmp expect actual
'

test_expect_success 'bash: statuses, comma-separated too' '
	bash_complete "incident list --status re" >actual &&
	echo resolved >expect &&
	test_cmp expect actual &&
	bash_complete "incident list --status=open,re" >actual &&
	echo open,resolved >expect &&
	test_cmp expect actual &&
	bash_complete "incident list --status " >actual &&
	test_line_count = 8 actual
'

test_expect_success 'bash: incident ids' '
	id=$(cat id-api) &&
	bash_complete "incident show ${id%???????????}" >actual &&
	echo "$id" >expect &&
	test_cmp expect actual &&
	bash_complete "incident log " >actual &&
	test_cmp ids-all actual &&
	bash_complete "incident note --at 5m " >actual &&
	test_cmp ids actual
'

test_expect_success 'bash: ids from the store --dir names' '
	bash_complete "incident --dir $TRASH/other show " >actual &&
	test_cmp id-other actual &&
	bash_complete "incident --dir=$TRASH/other log " >actual &&
	test_cmp id-other actual &&
	: >"$TRASH/calls" &&
	bash_complete "incident --dir= show " >actual &&
	test ! -s actual &&
	grep -x -e "--dir  list -q --all" "$TRASH/calls" &&
	COMP_MODE=plain bash_complete "incident --dir= show " >actual &&
	test ! -s actual
'

test_expect_success 'bash: show and log take any incident, note an active one' '
	: >"$TRASH/calls" &&
	bash_complete "incident show " >/dev/null &&
	grep -x "list -q --all" "$TRASH/calls" &&
	: >"$TRASH/calls" &&
	bash_complete "incident note " >/dev/null &&
	grep -x "list -q" "$TRASH/calls"
'

test_expect_success 'bash: commands after help' '
	bash_complete "incident help l" >actual &&
	printf "%s\n" list listen log >expect &&
	test_cmp expect actual
'

test_expect_success 'bash: the lifecycle commands by name' '
	bash_complete "incident tri" >actual &&
	echo triage >expect &&
	test_cmp expect actual &&
	bash_complete "incident help tri" >actual &&
	test_cmp expect actual
'

test_expect_success 'bash: its own list of commands when the binary fails' '
	PATH="$TRASH/broken:$PATH" bash_complete "incident tri" >actual &&
	echo triage >expect &&
	test_cmp expect actual &&
	PATH="$TRASH/broken:$PATH" bash_complete "incident " >actual &&
	sort cmds >expect &&
	test_cmp expect actual
'

test_expect_success 'bash: reopen takes a resolved incident, mitigate an active one' '
	r=$(cat id-resolved) &&
	bash_complete "incident reopen ${r%???????????}" >actual &&
	test_cmp id-resolved actual &&
	bash_complete "incident reopen --reason flapped " >actual &&
	test_cmp id-resolved actual &&
	grep -x "list -q --status resolved,closed" "$TRASH/calls" &&
	id=$(cat id-api) &&
	bash_complete "incident mitigate ${id%???????????}" >actual &&
	test_cmp id-api actual &&
	bash_complete "incident mitigate " >actual &&
	test_cmp ids actual &&
	bash_complete "incident mitigate $r" >actual &&
	test ! -s actual
'

test_expect_success 'bash: assign takes an id, then a role' '
	id=$(cat id-api) &&
	bash_complete "incident assign " >actual &&
	test_cmp ids actual &&
	bash_complete "incident assign $id " >actual &&
	test_cmp roles actual &&
	bash_complete "incident assign --remove $id c" >actual &&
	printf "%s\n" commander comms >expect &&
	test_cmp expect actual &&
	bash_complete "incident assign $id ops " >actual &&
	test ! -s actual
'

test_expect_success 'bash: merge takes two active ids, not the same twice' '
	id=$(cat id-api) &&
	bash_complete "incident merge " >actual &&
	test_cmp ids actual &&
	bash_complete "incident merge $id " >actual &&
	test_cmp id-db actual
'

test_expect_success 'bash: triage values' '
	id=$(cat id-api) &&
	bash_complete "incident triage $id --impact " >actual &&
	test_cmp levels actual &&
	bash_complete "incident triage --urgency=m" >actual &&
	echo medium >expect &&
	test_cmp expect actual &&
	bash_complete "incident triage --priority " >actual &&
	test_cmp priorities actual &&
	bash_complete "incident list --priority=" >actual &&
	test_cmp priorities actual &&
	bash_complete "incident triage $id -qs " >actual &&
	test_cmp sevs actual &&
	bash_complete "incident list --field " >actual &&
	test ! -s actual &&
	bash_complete "incident edit $id --field " >actual &&
	test ! -s actual
'

test_expect_success 'bash: short options that take a value, by their marker' '
	incident --complete-options open | grep -x -- -s= &&
	bash_complete "incident open -s " >actual &&
	test_cmp sevs actual &&
	COMP_MODE=plain bash_complete "incident open -s " >actual &&
	test_cmp sevs actual &&
	bash_complete "incident open -" >actual &&
	grep -x -- -s actual &&
	! grep -e "-s=" actual &&
	grep -x -- --drill actual &&
	bash_complete "incident open --drill " >actual &&
	test ! -s actual &&
	bash_complete "incident list -n " >actual &&
	test ! -s actual &&
	bash_complete "incident open -s=" >actual &&
	test ! -s actual
'

test_expect_success 'bash: no files where nothing is known' '
	id=$(cat id-api) &&
	for line in "incident open " "incident note $id " "incident show $id " \
		"incident open --at " "incident list -n " "incident nosuch "; do
		bash_complete "$line" >actual &&
		test ! -s actual || exit 1
	done
'

test_expect_success 'bash: works without bash-completion' '
	COMP_MODE=plain bash_complete "incident open --severity=S" >actual &&
	printf "%s\n" SEV1 SEV2 SEV3 SEV4 >expect &&
	test_cmp expect actual &&
	id=$(cat id-db) &&
	COMP_MODE=plain bash_complete "incident show ${id%??????????}" >actual &&
	test_cmp id-db actual &&
	COMP_MODE=plain bash_complete "incident --dir=$TRASH/other log " >actual &&
	test_cmp id-other actual
'

test_expect_success 'bash: review takes a resolved incident, --output a file' '
	: >"$TRASH/calls" &&
	bash_complete "incident review " >actual &&
	test_cmp id-resolved actual &&
	grep -x "list -q --status resolved,closed" "$TRASH/calls" &&
	bash_complete "incident review --done --at now " >actual &&
	test_cmp id-resolved actual &&
	bash_complete "incident review $(cat id-resolved) " >actual &&
	test ! -s actual &&
	bash_complete "incident review --output file-h" >actual &&
	echo file-here >expect &&
	test_cmp expect actual
'

test_expect_success 'bash: action takes a subcommand, then any incident' '
	bash_complete "incident action " >actual &&
	test_cmp subcmds actual &&
	bash_complete "incident action --dry-run d" >actual &&
	echo done >expect &&
	test_cmp expect actual &&
	: >"$TRASH/calls" &&
	bash_complete "incident action add " >actual &&
	test_cmp ids-all actual &&
	grep -x "list -q --all" "$TRASH/calls" &&
	bash_complete "incident action done --at now " >actual &&
	test_cmp ids-all actual &&
	COMP_MODE=plain bash_complete "incident action done " >actual &&
	test_cmp ids-all actual &&
	id=$(cat id-api) &&
	for line in "incident action list " "incident action add $id " \
		"incident action done $id " "incident action nosuch "; do
		bash_complete "$line" >actual &&
		test ! -s actual || exit 1
	done
'

test_expect_success 'bash: oncall takes a subcommand or a rota, then a rota' '
	bash_complete "incident oncall " >actual &&
	test_cmp subrotas actual &&
	bash_complete "incident oncall override " >actual &&
	test_cmp rotas actual &&
	bash_complete "incident oncall remove w" >actual &&
	echo web >expect && test_cmp expect actual &&
	bash_complete "incident oncall db " >actual &&
	test ! -s actual
'

test_expect_success 'bash: action types and priorities, stats groups' '
	bash_complete "incident action add --type " >actual &&
	test_cmp types actual &&
	bash_complete "incident action add --priority " >actual &&
	test_cmp levels actual &&
	COMP_MODE=plain bash_complete "incident action add --priority=h" >actual &&
	echo high >expect &&
	test_cmp expect actual &&
	bash_complete "incident triage --priority " >actual &&
	test_cmp priorities actual &&
	bash_complete "incident stats --by " >actual &&
	test_cmp groups actual &&
	bash_complete "incident stats --by=se" >actual &&
	printf "%s\n" service severity >expect &&
	test_cmp expect actual &&
	bash_complete "incident stats " >actual &&
	test ! -s actual
'

test_expect_success FISH 'fish: command names with their summaries' '
	fish_complete "incident sh" >actual &&
	printf "show\tShow everything known about an incident.\n" >expect &&
	test_cmp expect actual &&
	fish_complete "incident " | cut -f1 >actual &&
	sort cmds >expect &&
	test_cmp expect actual
'

test_expect_success FISH 'fish: options and their values' '
	fish_complete "incident open --sev" | cut -f1 >actual &&
	echo --severity >expect &&
	test_cmp expect actual &&
	printf "%s\n" 1 2 3 4 SEV1 SEV2 SEV3 SEV4 >expect &&
	fish_complete "incident open -s " >actual &&
	test_cmp expect actual &&
	fish_complete "incident list -qs " >actual &&
	test_cmp expect actual &&
	fish_complete "incident open --severity=SEV4" >actual &&
	echo --severity=SEV4 >expect &&
	test_cmp expect actual &&
	fish_complete "incident list --status re" >actual &&
	echo resolved >expect &&
	test_cmp expect actual
'

test_expect_success FISH 'fish: ids with titles, from the store --dir names' '
	id=$(cat id-api) &&
	fish_complete "incident show ${id%???????????}" >actual &&
	printf "%s\tAPI down\n" "$id" >expect &&
	test_cmp expect actual &&
	fish_complete "incident --dir $TRASH/other log " | cut -f1 >actual &&
	test_cmp id-other actual &&
	fish_complete "incident note " | cut -f1 >actual &&
	test_cmp ids actual &&
	: >"$TRASH/calls" &&
	fish_complete "incident --dir= show " >actual &&
	test ! -s actual &&
	grep -x -e "--dir  list --all -q" "$TRASH/calls"
'

test_expect_success FISH 'fish: show takes any incident, note an active one' '
	: >"$TRASH/calls" &&
	fish_complete "incident show " >/dev/null &&
	grep "^list.* --all" "$TRASH/calls" &&
	: >"$TRASH/calls" &&
	fish_complete "incident note " >/dev/null &&
	grep "^list" "$TRASH/calls" &&
	! grep -e --all "$TRASH/calls"
'

test_expect_success FISH 'fish: commands after help, no files elsewhere' '
	fish_complete "incident help l" | cut -f1 >actual &&
	printf "%s\n" list listen log >expect &&
	test_cmp expect actual &&
	fish_complete "incident open " >actual &&
	test ! -s actual
'

test_expect_success FISH 'fish: the lifecycle commands, ids and roles' '
	fish_complete "incident tri" | cut -f1 >actual &&
	echo triage >expect &&
	test_cmp expect actual &&
	r=$(cat id-resolved) id=$(cat id-api) &&
	: >"$TRASH/calls" &&
	fish_complete "incident reopen ${r%???????????}" | cut -f1 >actual &&
	test_cmp id-resolved actual &&
	grep -x "list --status resolved,closed -q" "$TRASH/calls" &&
	fish_complete "incident mitigate " | cut -f1 >actual &&
	test_cmp ids actual &&
	fish_complete "incident mitigate $r" >actual &&
	test ! -s actual &&
	fish_complete "incident assign $id " >actual &&
	test_cmp roles actual &&
	fish_complete "incident merge $id " | cut -f1 >actual &&
	test_cmp id-db actual
'

test_expect_success FISH 'fish: its own list of commands when the binary fails' '
	PATH="$TRASH/broken:$PATH" fish_complete "incident " >actual &&
	sort cmds >expect &&
	test_cmp expect actual
'

test_expect_success FISH 'fish: triage values, short options by their marker' '
	id=$(cat id-api) &&
	fish_complete "incident triage $id --impact " >actual &&
	test_cmp levels actual &&
	fish_complete "incident triage --priority " >actual &&
	test_cmp priorities actual &&
	fish_complete "incident triage -s " >actual &&
	test_cmp sevs actual &&
	fish_complete "incident open -" | cut -f1 >actual &&
	grep -x -- -s actual &&
	! grep -e "-s=" actual &&
	fish_complete "incident open -s=" >actual &&
	test ! -s actual &&
	fish_complete "incident edit $id --field " >actual &&
	test ! -s actual
'

test_expect_success FISH 'fish: oncall takes a subcommand or a rota, then a rota' '
	fish_complete "incident oncall " | cut -f1 | sort >actual &&
	test_cmp subrotas actual &&
	fish_complete "incident oncall overrides " | cut -f1 >actual &&
	test_cmp rotas actual
'

test_expect_success FISH 'fish: review, action and stats' '
	: >"$TRASH/calls" &&
	fish_complete "incident review " | cut -f1 >actual &&
	test_cmp id-resolved actual &&
	grep -x "list --status resolved,closed -q" "$TRASH/calls" &&
	fish_complete "incident review --output file-h" | cut -f1 >actual &&
	echo file-here >expect &&
	test_cmp expect actual &&
	fish_complete "incident init --dir dirs/a" | cut -f1 >actual &&
	echo dirs/alpha/ >expect &&
	test_cmp expect actual &&
	fish_complete "incident action " >actual &&
	test_cmp subcmds actual &&
	: >"$TRASH/calls" &&
	fish_complete "incident action add " | cut -f1 >actual &&
	test_cmp ids-all actual &&
	grep -x "list --all -q" "$TRASH/calls" &&
	fish_complete "incident action done --at now " | cut -f1 >actual &&
	test_cmp ids-all actual &&
	id=$(cat id-api) &&
	fish_complete "incident action list " >actual &&
	test ! -s actual &&
	fish_complete "incident action add $id " >actual &&
	test ! -s actual &&
	fish_complete "incident action add --type " >actual &&
	test_cmp types actual &&
	fish_complete "incident action add --priority " >actual &&
	test_cmp levels actual &&
	fish_complete "incident triage --priority " >actual &&
	test_cmp priorities actual &&
	fish_complete "incident stats --by " >actual &&
	test_cmp groups actual
'

# zsh's line editor needs a pseudo-terminal: the zsh/zpty module, and
# one it can open (not in a container without /dev/pts)
test_lazy_prereq ZPTY '
	command -v zsh && command -v timeout &&
	zsh -fc "zmodload zsh/zpty && zpty t true && zpty -d t"
' 'zsh cannot open a pseudo-terminal (no zsh, no zsh/zpty module, no /dev/pts) or no timeout(1)'

test_expect_success ZPTY 'zsh: command names' '
	zsh_complete "incident sh" >actual &&
	echo show >expect &&
	test_cmp expect actual &&
	zsh_complete "incident " >actual &&
	sort cmds >expect &&
	test_cmp expect actual
'

test_expect_success ZPTY 'zsh: options and their values' '
	zsh_complete "incident open --sev" >actual &&
	echo --severity >expect &&
	test_cmp expect actual &&
	printf "%s\n" 1 2 3 4 SEV1 SEV2 SEV3 SEV4 >expect &&
	zsh_complete "incident open -s " >actual &&
	test_cmp expect actual &&
	zsh_complete "incident list --status re" >actual &&
	echo resolved >expect &&
	test_cmp expect actual
'

test_expect_success ZPTY 'zsh: ids with titles, from the store --dir names' '
	id=$(cat id-api) &&
	zsh_complete "incident show " >actual &&
	test_cmp ids-all actual &&
	grep "^$id	.*API down" zsh-out &&
	zsh_complete "incident --dir $TRASH/other log " >actual &&
	test_cmp id-other actual &&
	: >"$TRASH/calls" &&
	zsh_complete "incident --dir= show " >actual &&
	test ! -s actual &&
	grep -x -e "--dir  list -q --all" "$TRASH/calls"
'

test_expect_success ZPTY 'zsh: show takes any incident, note an active one' '
	: >"$TRASH/calls" &&
	zsh_complete "incident show " >/dev/null &&
	grep -x "list -q --all" "$TRASH/calls" &&
	: >"$TRASH/calls" &&
	zsh_complete "incident note " >actual &&
	test_cmp ids actual &&
	grep -x "list -q" "$TRASH/calls" &&
	! grep -e --all "$TRASH/calls"
'

test_expect_success ZPTY 'zsh: the lifecycle commands, ids and roles' '
	zsh_complete "incident tri" >actual &&
	echo triage >expect &&
	test_cmp expect actual &&
	r=$(cat id-resolved) id=$(cat id-api) &&
	: >"$TRASH/calls" &&
	zsh_complete "incident reopen " >actual &&
	test_cmp id-resolved actual &&
	grep -x "list -q --status resolved,closed" "$TRASH/calls" &&
	zsh_complete "incident mitigate " >actual &&
	test_cmp ids actual &&
	zsh_complete "incident assign $id " >actual &&
	test_cmp roles actual &&
	zsh_complete "incident merge $id " >actual &&
	test_cmp id-db actual
'

test_expect_success ZPTY 'zsh: its own list of commands when the binary fails' '
	PATH="$TRASH/broken:$PATH" zsh_complete "incident " >actual &&
	sort cmds >expect &&
	test_cmp expect actual
'

test_expect_success ZPTY 'zsh: triage values, short options by their marker' '
	id=$(cat id-api) &&
	zsh_complete "incident triage $id --impact " >actual &&
	test_cmp levels actual &&
	zsh_complete "incident triage --priority " >actual &&
	test_cmp priorities actual &&
	zsh_complete "incident triage -s " >actual &&
	test_cmp sevs actual &&
	zsh_complete "incident open -" >actual &&
	grep -x -- -s actual &&
	! grep -e "-s=" actual
'

test_expect_success ZPTY 'zsh: review, action and stats' '
	: >"$TRASH/calls" &&
	zsh_complete "incident review " >actual &&
	test_cmp id-resolved actual &&
	grep -x "list -q --status resolved,closed" "$TRASH/calls" &&
	zsh_complete "incident action " >actual &&
	test_cmp subcmds actual &&
	: >"$TRASH/calls" &&
	zsh_complete "incident action add " >actual &&
	test_cmp ids-all actual &&
	grep -x "list -q --all" "$TRASH/calls" &&
	zsh_complete "incident action add --priority " >actual &&
	test_cmp levels actual &&
	zsh_complete "incident stats --by " >actual &&
	test_cmp groups actual
'

test_expect_success ZPTY 'zsh: oncall takes a subcommand or a rota, then a rota' '
	zsh_complete "incident oncall " >actual &&
	test_cmp subrotas actual &&
	zsh_complete "incident oncall remove " >actual &&
	test_cmp rotas actual
'

test_expect_success 'setup: a maintenance window' '
	incident maintenance add --service api --from now --until 2099-01-01 >window &&
	printf "%s\n" add list remove >msubs
'

test_expect_success 'bash: maintenance takes a subcommand, remove a window id' '
	bash_complete "incident maintenance " >actual &&
	test_cmp msubs actual &&
	bash_complete "incident maintenance remove " >actual &&
	test_cmp window actual &&
	bash_complete "incident changes " >actual &&
	test "$(cat actual)" = add
'

test_expect_success FISH 'fish: maintenance remove takes a window id' '
	fish_complete "incident maintenance " | cut -f1 | sort >actual &&
	test_cmp msubs actual &&
	fish_complete "incident maintenance remove " | cut -f1 >actual &&
	test_cmp window actual
'

test_expect_success ZPTY 'zsh: maintenance remove takes a window id' '
	zsh_complete "incident maintenance " >actual &&
	test_cmp msubs actual &&
	zsh_complete "incident maintenance remove " >actual &&
	test_cmp window actual
'

test_expect_success 'setup: two heartbeats' '
	incident heartbeat backup --every 1d -q &&
	incident heartbeat watchdog --every 1m -q &&
	printf "%s\n" backup watchdog >beats &&
	printf "%s\n" backup list remove watchdog >subbeats
'

test_expect_success 'bash: heartbeat takes a subcommand or a heartbeat, then a heartbeat' '
	bash_complete "incident heartbeat " >actual &&
	test_cmp subbeats actual &&
	bash_complete "incident heartbeat remove " >actual &&
	test_cmp beats actual &&
	bash_complete "incident heartbeat remove w" >actual &&
	echo watchdog >expect && test_cmp expect actual
'

test_expect_success FISH 'fish: heartbeat takes a subcommand or a heartbeat, then a heartbeat' '
	fish_complete "incident heartbeat " | cut -f1 | sort >actual &&
	test_cmp subbeats actual &&
	fish_complete "incident heartbeat remove " | cut -f1 >actual &&
	test_cmp beats actual
'

test_expect_success ZPTY 'zsh: heartbeat takes a subcommand or a heartbeat, then a heartbeat' '
	zsh_complete "incident heartbeat " >actual &&
	test_cmp subbeats actual &&
	zsh_complete "incident heartbeat remove " >actual &&
	test_cmp beats actual
'

test_done
