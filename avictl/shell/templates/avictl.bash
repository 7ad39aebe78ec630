# bash completion for avictl                                  -*- shell-script -*-
# @HEADER@
#
# Install: source this file from ~/.bashrc, or copy it to
#   ~/.local/share/bash-completion/completions/avictl
# (or run: avictl completion bash > ~/.local/share/bash-completion/completions/avictl)

# __avictl_spec PATH: the data of command PATH ('' is avictl itself): cmds (sub-commands),
# opts (option spellings), vals (OPTION=KIND for options taking a value; '-' = free text),
# args (the KIND of each positional argument; a trailing '*' repeats it).
__avictl_spec() {
    case "$1" in
#@CASES@
    *)
        cmds='' opts='' vals='' args=''
        ;;
    esac
}

# __avictl_choices KIND: REPLY=the fixed values of KIND.
__avictl_choices() {
    case "$1" in
#@CHOICES@
    *) REPLY='' ;;
    esac
}

# __avictl_kind OPTION: REPLY=KIND if OPTION takes a value in the current command.
__avictl_kind() {
    local e
    for e in $vals; do
        if [[ ${e%%=*} == "$1" ]]; then
            REPLY=${e#*=}
            return 0
        fi
    done
    return 1
}

# __avictl_values KIND CUR: COMPREPLY=the values of KIND starting with CUR.
__avictl_values() {
    local kind=$1 cur=$2 prog
    COMPREPLY=()
    case "$kind" in
    '' | -) ;;
    file)
        compopt -o filenames 2>/dev/null
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$cur"))
        ;;
    profile | app | vs | elb | se | node | stack | *,*)
        # Names come from the config file and a local cache: never from the network.
        prog=${COMP_WORDS[0]}
        command -v "$prog" >/dev/null 2>&1 || prog=avictl
        mapfile -t COMPREPLY < <("$prog" __complete "$kind" "$cur" "${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)
        ;;
    *)
        __avictl_choices "$kind"
        COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
        ;;
    esac
}

_avictl() {
    local cur=${COMP_WORDS[COMP_CWORD]} cmds opts vals args REPLY
    local cpath='' w i npos=0 pending='' dd='' kind
    local -a kinds
    __avictl_spec ''
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -n $pending ]]; then
            [[ $w == '=' ]] && continue # --opt=value is split at '='
            pending=''
            continue
        fi
        if [[ -z $dd ]]; then
            case "$w" in
            --)
                dd=1
                continue
                ;;
            --*=* | =) continue ;;
            -*)
                __avictl_kind "$w" && pending=$w
                continue
                ;;
            esac
        fi
        if [[ -z $dd && -n $cmds && " $cmds " == *" $w "* ]]; then
            cpath=${cpath:+$cpath }$w
            __avictl_spec "$cpath"
            npos=0
        else
            npos=$((npos + 1))
        fi
    done
    if [[ -n $pending ]]; then
        [[ $cur == '=' ]] && cur=''
        __avictl_kind "$pending"
        __avictl_values "$REPLY" "$cur"
        return 0
    fi
    if [[ -z $dd && $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return 0
    fi
    if [[ -n $cmds ]]; then
        COMPREPLY=($(compgen -W "$cmds" -- "$cur"))
        return 0
    fi
    kinds=($args)
    kind=''
    if ((npos < ${#kinds[@]})); then
        kind=${kinds[npos]}
    elif ((${#kinds[@]})) && [[ ${kinds[-1]} == *'*' ]]; then
        kind=${kinds[-1]}
    fi
    __avictl_values "${kind%'*'}" "$cur"
    return 0
}

complete -F _avictl avictl
