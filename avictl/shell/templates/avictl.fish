# fish completion for avictl
# @HEADER@
#
# Install: avictl completion fish > ~/.config/fish/completions/avictl.fish

# __avictl_spec PATH: the data of command PATH ('' is avictl itself): __avictl_cmds
# (NAME<tab>HELP), __avictl_opts (OPTION<tab>HELP), __avictl_vals (OPTION=KIND for options
# taking a value; '-' = free text), __avictl_args (KIND per positional; trailing '*' repeats).
function __avictl_spec --argument-names p
    set -g __avictl_cmds
    set -g __avictl_opts
    set -g __avictl_vals
    set -g __avictl_args
    switch "$p"
#@CASES@
    end
end

# __avictl_choices KIND: the fixed values of KIND.
function __avictl_choices --argument-names kind
    switch $kind
#@CHOICES@
    end
end

# __avictl_kind OPTION: prints KIND if OPTION takes a value in the current command.
function __avictl_kind --argument-names opt
    for e in $__avictl_vals
        set -l parts (string split -m 1 = -- $e)
        if test "$parts[1]" = "$opt"
            echo $parts[2]
            return 0
        end
    end
    return 1
end

# __avictl_values KIND CUR PREFIX: the values of KIND for the token CUR, each after PREFIX.
function __avictl_values --argument-names kind cur prefix
    switch "$kind"
        case '' -
            return
        case file
            __fish_complete_path "$cur"
        case profile app vs elb se node stack '*,*'
            # Names come from the config file and a local cache: never from the network.
            set -l toks (commandline -opc)
            set -l prog $toks[1]
            command -q $prog; or set prog avictl
            for c in (command $prog __complete $kind "$cur" $toks[2..-1] 2>/dev/null)
                echo $prefix$c
            end
        case '*'
            for c in (__avictl_choices $kind)
                echo $prefix$c
            end
    end
end

function __avictl_complete
    set -l toks (commandline -opc)
    set -l cur (commandline -ct)
    set -l cpath ''
    set -l pending ''
    set -l dd ''
    set -l npos 0
    __avictl_spec ''
    for w in $toks[2..-1]
        if test -n "$pending"
            set pending ''
            continue
        end
        if test -z "$dd"
            switch "$w"
                case '--'
                    set dd 1
                    continue
                case '--*=*'
                    continue
                case '-*'
                    __avictl_kind $w >/dev/null; and set pending $w
                    continue
            end
        end
        if test -z "$dd"; and contains -- $w (string replace -r '\t.*' '' -- $__avictl_cmds)
            set cpath (string trim -- "$cpath $w")
            __avictl_spec $cpath
            set npos 0
        else
            set npos (math $npos + 1)
        end
    end
    if test -n "$pending"
        __avictl_values (__avictl_kind $pending) "$cur" ''
        return
    end
    if test -z "$dd"; and string match -q -- '--*=*' "$cur"
        set -l opt (string split -m 1 = -- "$cur")
        set -l kind (__avictl_kind $opt[1]); or return
        __avictl_values "$kind" "$opt[2]" "$opt[1]="
        return
    end
    if test -z "$dd"; and string match -q -- '-*' "$cur"
        printf '%s\n' $__avictl_opts
        return
    end
    if set -q __avictl_cmds[1]
        printf '%s\n' $__avictl_cmds
        return
    end
    set -l kind ''
    set -l i (math $npos + 1)
    if set -q __avictl_args[$i]
        set kind $__avictl_args[$i]
    else if set -q __avictl_args[1]; and string match -q -- '*\*' $__avictl_args[-1]
        set kind $__avictl_args[-1]
    end
    __avictl_values (string trim -r -c '*' -- "$kind") "$cur" ''
end

complete -c avictl -e
complete -c avictl -f -a '(__avictl_complete)'
