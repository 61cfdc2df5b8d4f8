# fish completion for incident(1).
#
# Options (with their help text) and ids come live from the binary
# (incident --complete-options, incident CMD --help, incident list -q), so
# the script keeps up with it; only what the binary cannot tell us is
# written here.

# What operand N (1, 2, ...) of a command is, where we can tell: an
# incident id, from `incident list -q` with "all" (--all), "active" (no
# more) or "ended" (--status resolved,closed); a role; a command name; a
# subcommand (__incident_subcommands), after which the operands are those
# of "command subcommand", counted from 1 again.
# Adding a command that takes an id is one edit here.
function __incident_operand --argument-names cmd n
    switch $cmd:$n
        case show:1 log:1 'action add:1' 'action done:1'
            echo all
        case alerts:1
            echo all
        case reopen:1 review:1
            echo ended
        case note:1 triage:1 investigate:1 mitigate:1 resolve:1 \
            escalate:1 cancel:1 update:1 assign:1 edit:1 merge:1 merge:2
            echo active
        case check:1
            echo active
        case runbook:1
            echo all
        case assign:2
            echo role
        case help:1
            echo command
        case action:1 hooks:1 maintenance:1 changes:1
            echo subcommand
        case 'hooks test:2'
            echo all
        case 'maintenance remove:1'
            echo window
        case oncall:1
            echo subrota
        case 'oncall override:1' 'oncall overrides:1' 'oncall remove:1'
            echo rota
        case heartbeat:1
            echo subheartbeat
        case 'heartbeat remove:1'
            echo heartbeat
        case '*'
            return 1
    end
end

# The subcommands of a command whose first operand names one.
function __incident_subcommands --argument-names cmd
    switch $cmd
        case action
            printf '%s\n' add done list
        case hooks
            printf '%s\n' list test retry
        case oncall
            printf '%s\n' override overrides remove
        case maintenance
            printf '%s\n' add list remove
        case changes
            printf '%s\n' add
        case heartbeat
            printf '%s\n' list remove
    end
end

# Runs the binary being completed; stderr and stdin kept out of the way.
function __incident_run
    set -l prog incident
    set -l first (commandline -opc)[1]
    if string match -q -- '*/*' $first; and test -x "$first"
        set prog $first
    end
    # a missing binary is fish's own error, not one 2>/dev/null hides
    command -q $prog; or return 127
    command $prog $argv 2>/dev/null </dev/null
end

# "name<TAB>summary", from the "commands:" block of incident --help.
function __incident_commands
    set -l in
    set -l found
    for line in (__incident_run --help)
        if test "$line" = "commands:"
            set in 1
        else if set -q in[1]; and string match -qr '^  [a-z]' -- $line
            string replace -r '^ +(\S+) +' '$1\t' -- $line
            set found 1
        else if set -q in[1]
            break
        end
    end
    set -q found[1]; and return
    # --help unparsable, or the binary unavailable
    __incident_run --list-cmds
    or printf '%s\n' action alerts assign cancel changes check edit escalate export gc heartbeat \
        help hooks ingest init investigate list listen log maintenance merge mitigate note oncall open \
        rebuild reopen \
        resolve review runbook show stats sync tick triage update verify
end

# Incident ids; titles as descriptions when there are few enough to ask
# for them: `incident list` prints the same incidents in the same order,
# "shortid  SEV  status  age  title", two spaces or more between columns.
# Arguments: the scope, then "--dir DIR" when the line names a store
# (an empty one too: the binary refuses it), then the ids to leave out.
function __incident_ids --argument-names scope
    set -l skip $argv[2..-1]
    set -l args list
    if test "$skip[1]" = --dir
        set args --dir $skip[2] list
        set -e skip[1..2]
    end
    switch $scope
        case all
            set -a args --all
        case ended
            set -a args --status resolved,closed
    end
    set -l ids (__incident_run $args -q)
    set -q ids[1]; or return
    set -l out
    if test (count $ids) -le 500
        set -l rows (__incident_run $args)
        if test (count $rows) -eq (count $ids)
            for i in (seq (count $ids))
                set -l short (string split -f1 ' ' -- $rows[$i])
                string match -q -- "$short*" $ids[$i]; or break
                set -a out $ids[$i]\t(string replace -r '^(?:\S+(?: \S+)* {2,}){4}' '' -- $rows[$i])
            end
        end
    end
    test (count $out) -eq (count $ids); or set out $ids
    if not set -q skip[1]
        printf '%s\n' $out
        return
    end
    for line in $out
        contains -- (string split -f1 \t -- $line) $skip; or printf '%s\n' $line
    end
end

function __incident_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -e tokens[1]

    # global options, up to the command name; an empty --dir= is kept,
    # the binary refuses it and so offers no ids
    set -l dir
    set -l cmd
    set -l valopt
    while set -q tokens[1]
        switch $tokens[1]
            case --dir
                if set -q tokens[2]
                    set dir $tokens[2]
                    set -e tokens[1]
                else
                    set valopt --dir
                end
            case '--dir=*'
                set dir (string replace -- --dir= '' $tokens[1])
            case --actor
                if set -q tokens[2]
                    set -e tokens[1]
                else
                    set valopt --actor
                end
            case '-*'
            case '*'
                set cmd $tokens[1]
                set -e tokens[1]
                break
        end
        set -e tokens[1]
    end
    string match -q -- '~*' $dir; and set dir (string replace -r '^~' -- $HOME $dir)

    if test -z "$cmd"
        if test "$valopt" = --dir
            __fish_complete_directories $cur
        else if test "$valopt" = --actor
            return
        else if string match -q -- '--dir=*' $cur
            __fish_complete_directories (string replace -- --dir= '' $cur) |
                string replace -r '^' -- --dir=
        else if string match -q -- '-*' $cur
            printf '%s\t%s\n' --dir 'use the store in dir' \
                --actor 'write events as name' \
                --version 'print the version' \
                -h 'show the help' --help 'show the help'
        else
            __incident_commands
        end
        return
    end

    # The command's options: a trailing "=" says it takes a value, "-s="
    # as well as "--severity=". A short option is printed just before its
    # long form, so "-s=" followed by "--severity=" pairs them; that only
    # tells which values to offer after -s.
    set -l takes
    set -l longof
    set -l opts
    set -l short
    for line in (__incident_run --complete-options $cmd)
        switch $line
            case '-?='
                set short (string sub -l 2 -- $line)
                set -a opts $short
                set -a takes $short
                continue
            case '-?'
                set -a opts $line
            case '--*='
                set -l name (string sub -e -1 -- $line)
                set -a opts $name
                set -a takes $name
                test -n "$short"; and set -a longof "$short$name"
            case '--*'
                set -a opts $line
        end
        set short
    end

    # Walk the command's words: collect the operands, find the option
    # whose value is being typed.
    set -l ops
    set -l endopts
    set -l n (count $tokens)
    set -l j 1
    while test $j -le $n
        set -l w $tokens[$j]
        if set -q endopts[1]; or not string match -q -- '-?*' $w
            set -a ops $w
        else if test "$w" = --
            set endopts 1
        else if string match -q -- '--*=*' $w
        else if string match -q -- '--*' $w
            if contains -- $w $takes
                test $j -eq $n; and set valopt $w
                set j (math $j + 1)
            end
        else
            # a cluster of short options: -qs sev
            for c in (string sub -s 2 -- $w | string split '')
                contains -- -$c $takes; or continue
                if string match -q -- "*$c" $w; and test $j -eq $n
                    set valopt -$c
                end
                string match -q -- "*$c" $w; and set j (math $j + 1)
                break
            end
        end
        set j (math $j + 1)
    end

    set -l prefix
    if not set -q endopts[1]; and string match -qr -- '^--[^=]+=' $cur
        set valopt (string replace -r -- '=.*' '' $cur)
        set prefix (string replace -r -- '=.*' '=' $cur)
        set cur (string replace -r -- '^[^=]*=' '' $cur)
    end
    for pair in $longof
        string match -q -- "$valopt--*" $pair
        and set valopt (string sub -s 3 -- $pair)
    end

    if test -n "$valopt"
        switch $valopt
            case --severity
                printf "$prefix%s\n" 1 2 3 4 SEV1 SEV2 SEV3 SEV4
            case --status
                # comma-separated: complete the last one
                set -l done (string match -r -- '^.*,' $cur)
                printf "$prefix$done%s\n" open triaged investigating \
                    mitigated resolved closed cancelled merged
            case --impact --urgency
                printf "$prefix%s\n" high medium low
            case --priority
                # an action's priority is a level, an incident's P1..P4
                if test "$cmd" = action
                    printf "$prefix%s\n" high medium low
                else
                    printf "$prefix%s\n" P1 P2 P3 P4
                end
            case --type
                printf "$prefix%s\n" detective preventive corrective
            case --by
                printf "$prefix%s\n" severity service tag month
            case --shared
                printf "$prefix%s\n" private group
            case --format
                printf "$prefix%s\n" auto alertmanager pagerduty pagerduty-change
            case --dir
                __fish_complete_directories $cur | string replace -r '^' -- "$prefix"
            case --output
                __fish_complete_path $cur | string replace -r '^' -- "$prefix"
            case --token-file
                __fish_complete_path $cur | string replace -r '^' -- "$prefix"
        end
        return
    end

    if string match -q -- '-*' $cur; and not set -q endopts[1]
        # descriptions from `incident CMD --help`
        set -l help (__incident_run $cmd --help)
        for o in $opts
            set -l d
            if string match -q -- '--*' $o
                set d (string match -r -- "^ +(?:-., )?$o(?: \S+)? +(.*)" $help)[2]
            else
                set d (string match -r -- "^ +$o, --\S+(?: \S+)? +(.*)" $help)[2]
            end
            printf '%s\t%s\n' $o "$d"
        end
        return
    end

    # after a subcommand, its operands count from 1
    set -l key $cmd
    set -l n (math (count $ops) + 1)
    set -l first (__incident_operand $cmd 1)
    if test $n -gt 1; and string match -q 'sub*' -- "$first"
        set key "$cmd $ops[1]"
        set n (math $n - 1)
    end
    set -l what (__incident_operand $key $n); or return
    switch $what
        case command
            __incident_commands
        case subcommand
            __incident_subcommands $cmd
        case role
            printf '%s\n' commander comms ops scribe
        case window
            # the maintenance windows active or to come, by short id
            set -l args maintenance list
            set -q dir[1]; and set -p args --dir $dir
            __incident_run $args | string replace -r ' .*' ''
        case subrota rota
            # oncall's: a subcommand or a rota, the rotas from the config
            test $what = subrota; and __incident_subcommands $cmd
            set -l args oncall --names
            set -q dir[1]; and set -p args --dir $dir
            __incident_run $args
        case subheartbeat heartbeat
            # a subcommand or a heartbeat, the heartbeats of the store
            test $what = subheartbeat; and __incident_subcommands $cmd
            set -l args heartbeat list --names
            set -q dir[1]; and set -p args --dir $dir
            __incident_run $args
        case '*'
            set -q dir[1]; and set -p ops --dir $dir
            __incident_ids $what $ops
    end
end

complete -c incident -f -a '(__incident_complete)'
