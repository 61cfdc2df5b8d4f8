# fish completion for incident(1).
#
# Options (with their help text) and ids come live from the binary
# (incident --complete-options, incident CMD --help, incident list -q), so
# the script keeps up with it; only what the binary cannot tell us is
# written here.

# The commands whose first operand is an incident id, and which incidents
# they take: "all" (incident list -q --all) or "active" (incident list -q).
# Adding such a command is one edit here.
function __incident_id_scope --argument-names cmd
    switch $cmd
        case show log reopen review action edit
            echo all
        case note triage escalate mitigate resolve cancel merge assign update
            echo active
        case '*'
            return 1
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
    __incident_run --list-cmds; or printf '%s\n' help init list log note open show
end

# Incident ids; titles as descriptions when there are few enough to ask
# for them: `incident list` prints the same incidents in the same order,
# "shortid  SEV  status  age  title", two spaces or more between columns.
function __incident_ids --argument-names scope dir
    set -l args list
    test -n "$dir"; and set args --dir $dir list
    test "$scope" = all; and set -a args --all
    set -l ids (__incident_run $args -q)
    set -q ids[1]; or return
    if test (count $ids) -le 500
        set -l rows (__incident_run $args)
        if test (count $rows) -eq (count $ids)
            set -l out
            for i in (seq (count $ids))
                set -l short (string split -f1 ' ' -- $rows[$i])
                string match -q -- "$short*" $ids[$i]; or break
                set -a out $ids[$i]\t(string replace -r '^(?:\S+(?: \S+)* {2,}){4}' '' -- $rows[$i])
            end
            if test (count $out) -eq (count $ids)
                printf '%s\n' $out
                return
            end
        end
    end
    printf '%s\n' $ids
end

function __incident_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -e tokens[1]

    # global options, up to the command name
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
        else if string match -q -- '--dir=*' $cur
            __fish_complete_directories (string replace -- --dir= '' $cur) |
                string replace -r '^' -- --dir=
        else if string match -q -- '-*' $cur
            printf '%s\t%s\n' --dir 'use the store in dir' \
                --version 'print the version' \
                -h 'show the help' --help 'show the help'
        else
            __incident_commands
        end
        return
    end

    # The command's options; "-s" on the line before "--severity=" is its
    # short form, so it takes a value too.
    set -l takes
    set -l longof
    set -l opts
    set -l short
    for line in (__incident_run --complete-options $cmd)
        switch $line
            case '--*='
                set -l name (string trim -r -c = -- $line)
                set -a opts $name
                set -a takes $name
                if test -n "$short"
                    set -a takes $short
                    set -a longof "$short$name"
                end
                set short
            case '--*'
                set -a opts $line
                set short
            case '-?'
                set -a opts $line
                set short $line
        end
    end

    # Walk the command's words: count operands, find the option whose
    # value is being typed.
    set -l nops 0
    set -l endopts
    set -l n (count $tokens)
    set -l j 1
    while test $j -le $n
        set -l w $tokens[$j]
        if set -q endopts[1]; or not string match -q -- '-?*' $w
            set nops (math $nops + 1)
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
            case --dir
                __fish_complete_directories $cur | string replace -r '^' -- $prefix
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

    test $nops -eq 0; or return
    if test "$cmd" = help
        __incident_commands
    else if set -l scope (__incident_id_scope $cmd)
        __incident_ids $scope $dir
    end
end

complete -c incident -f -a '(__incident_complete)'
