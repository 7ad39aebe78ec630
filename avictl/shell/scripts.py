"""bash, zsh and fish completion scripts generated from the command tree (avictl.shell.model).

Each script holds the whole tree as static data — sub-commands, options, which options take
a value and of what kind, the kind of each positional argument, fixed value lists — and a
small hand-written walker that finds the command path in the words typed so far. Only
dynamic kinds (profiles, apps, virtual services, ELBs) start a process: `avictl
__complete KIND PREFIX WORDS...` (see avictl.shell.complete), which never touches the network.

Global options may be written after the command, so every command's data includes them
(its own option of the same spelling wins).
"""

from __future__ import annotations

from .model import Command, Model

SHELLS = ("bash", "zsh", "fish")
HEADER = "Generated from the command tree by `python -m avictl.shell`; do not edit."
NOT_GLOBAL = ("--version",)


# -- the data every script carries ---------------------------------------------------------


class Spec:
    """One command's completion data with the global options merged in."""

    def __init__(self, model: Model, cmd: Command):
        self.key = " ".join(cmd.path)
        self.cmds = [(name, sub.short_help) for name, sub in cmd.commands.items()]
        own = list(cmd.options)
        if cmd.path:
            spelled = {n for o in own for n in (*o.names, *o.secondary)}
            own += [o for o in model.root.options
                    if not set(o.names) & spelled and not set(o.names) & set(NOT_GLOBAL)]
        self.opts: list[tuple[str, str]] = []  # (spelling, help)
        self.vals: list[tuple[str, str]] = []  # (spelling, kind or "-")
        for o in own:
            for n in (*o.names, *o.secondary):
                self.opts.append((n, o.help))
                if o.takes_value and n in o.names:
                    self.vals.append((n, o.kind or "-"))
        for n in model.help_options:
            self.opts.append((n, "Show this help and exit."))
        self.args = [(a.kind or "-") + ("*" if a.variadic else "") for a in cmd.arguments]


def specs(model: Model) -> list[Spec]:
    return [Spec(model, c) for c in model.commands()]


def generate(shell: str, model: Model) -> str:
    if shell == "bash":
        return bash(model)
    if shell == "zsh":
        return zsh(model)
    if shell == "fish":
        return fish(model)
    raise ValueError(f"unknown shell {shell!r}")


def _sq(text: str) -> str:
    """Single-quoted for sh-like shells (bash, zsh)."""
    return "'" + text.replace("'", "'\\''") + "'"


def _fish_sq(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _one_line(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- bash ----------------------------------------------------------------------------------


def bash(model: Model) -> str:
    cases = []
    for s in specs(model):
        cases.append(
            f"    {_sq(s.key)})\n"
            f"        cmds={_sq(' '.join(n for n, _ in s.cmds))}\n"
            f"        opts={_sq(' '.join(n for n, _ in s.opts))}\n"
            f"        vals={_sq(' '.join(f'{n}={k}' for n, k in s.vals))}\n"
            f"        args={_sq(' '.join(s.args))}\n"
            "        ;;")
    choices = "\n".join(f"    {name}) REPLY={_sq(' '.join(values))} ;;" for name, values in model.choices.items())
    return BASH.format(header=HEADER, cases="\n".join(cases), choices=choices)


BASH = r"""# bash completion for avictl                                  -*- shell-script -*-
# {header}
#
# Install: source this file from ~/.bashrc, or copy it to
#   ~/.local/share/bash-completion/completions/avictl
# (or run: avictl completion bash > ~/.local/share/bash-completion/completions/avictl)

# __avictl_spec PATH: the data of command PATH ('' is avictl itself): cmds (sub-commands),
# opts (option spellings), vals (OPTION=KIND for options taking a value; '-' = free text),
# args (the KIND of each positional argument; a trailing '*' repeats it).
__avictl_spec() {{
    case "$1" in
{cases}
    *)
        cmds='' opts='' vals='' args=''
        ;;
    esac
}}

# __avictl_choices KIND: REPLY=the fixed values of KIND.
__avictl_choices() {{
    case "$1" in
{choices}
    *) REPLY='' ;;
    esac
}}

# __avictl_kind OPTION: REPLY=KIND if OPTION takes a value in the current command.
__avictl_kind() {{
    local e
    for e in $vals; do
        if [[ ${{e%%=*}} == "$1" ]]; then
            REPLY=${{e#*=}}
            return 0
        fi
    done
    return 1
}}

# __avictl_values KIND CUR: COMPREPLY=the values of KIND starting with CUR.
__avictl_values() {{
    local kind=$1 cur=$2 prog
    COMPREPLY=()
    case "$kind" in
    '' | -) ;;
    file)
        compopt -o filenames 2>/dev/null
        local IFS=$'\n'
        COMPREPLY=($(compgen -f -- "$cur"))
        ;;
    profile | app | vs | elb | *,*)
        # Names come from the config file and a local cache: never from the network.
        prog=${{COMP_WORDS[0]}}
        command -v "$prog" >/dev/null 2>&1 || prog=avictl
        mapfile -t COMPREPLY < <("$prog" __complete "$kind" "$cur" "${{COMP_WORDS[@]:1:COMP_CWORD-1}}" 2>/dev/null)
        ;;
    *)
        __avictl_choices "$kind"
        COMPREPLY=($(compgen -W "$REPLY" -- "$cur"))
        ;;
    esac
}}

_avictl() {{
    local cur=${{COMP_WORDS[COMP_CWORD]}} cmds opts vals args REPLY
    local cpath='' w i npos=0 pending='' dd='' kind
    local -a kinds
    __avictl_spec ''
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${{COMP_WORDS[i]}}
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
            cpath=${{cpath:+$cpath }}$w
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
    if ((npos < ${{#kinds[@]}})); then
        kind=${{kinds[npos]}}
    elif ((${{#kinds[@]}})) && [[ ${{kinds[-1]}} == *'*' ]]; then
        kind=${{kinds[-1]}}
    fi
    __avictl_values "${{kind%'*'}}" "$cur"
    return 0
}}

complete -F _avictl avictl
"""


# -- zsh -----------------------------------------------------------------------------------


def _zsh_item(name: str, desc: str) -> str:
    return _sq(name.replace(":", "\\:") + (":" + _one_line(desc) if desc else ""))


def zsh(model: Model) -> str:
    cases = []
    for s in specs(model):
        def arr(items: list[str]) -> str:
            return "(" + " ".join(items) + ")"

        cases.append(
            f"    {_sq(s.key)})\n"
            f"      cmds={arr([_zsh_item(n, d) for n, d in s.cmds])}\n"
            f"      opts={arr([_zsh_item(n, d) for n, d in s.opts])}\n"
            f"      vals={arr([_sq(f'{n}={k}') for n, k in s.vals])}\n"
            f"      args={arr([_sq(a) for a in s.args])}\n"
            "      ;;")
    choices = "\n".join(f"    {name}) reply=({' '.join(_sq(v) for v in values)}) ;;"
                        for name, values in model.choices.items())
    return ZSH.format(header=HEADER, cases="\n".join(cases), choices=choices)


ZSH = r"""#compdef avictl
# zsh completion for avictl
# {header}
#
# Install: put this file, named _avictl, in a directory of $fpath before compinit runs, e.g.
#   mkdir -p ~/.zfunc && avictl completion zsh > ~/.zfunc/_avictl
#   and in ~/.zshrc: fpath=(~/.zfunc $fpath); autoload -Uz compinit; compinit
# or, after compinit: source <(avictl completion zsh)

# __avictl_spec PATH: the data of command PATH ('' is avictl itself): cmds (NAME:HELP),
# opts (OPTION:HELP), vals (OPTION=KIND for options taking a value; '-' = free text),
# args (the KIND of each positional argument; a trailing '*' repeats it).
__avictl_spec() {{
  case $1 in
{cases}
    *)
      cmds=() opts=() vals=() args=()
      ;;
  esac
}}

# __avictl_choices KIND: reply=(the fixed values of KIND).
__avictl_choices() {{
  case $1 in
{choices}
    *) reply=() ;;
  esac
}}

# __avictl_kind OPTION: REPLY=KIND if OPTION takes a value in the current command.
__avictl_kind() {{
  local e
  for e in $vals; do
    if [[ ${{e%%=*}} == $1 ]]; then
      REPLY=${{e#*=}}
      return 0
    fi
  done
  return 1
}}

# __avictl_values KIND: offer the values of KIND.
__avictl_values() {{
  local kind=$1 prog
  local -a names reply
  case $kind in
    ''|-)
      _message 'value'
      ;;
    file)
      _files
      ;;
    profile|app|vs|elb|*,*)
      # Names come from the config file and a local cache: never from the network.
      prog=${{words[1]}}
      (( $+commands[$prog] )) || [[ -x $prog ]] || prog=avictl
      names=("${{(@f)$("$prog" __complete "$kind" "${{(Q)PREFIX}}" "${{(@Q)words[2,CURRENT-1]}}" 2>/dev/null)}}")
      names=(${{names:#}})
      (( $#names )) && compadd -Q -- "${{(@q)names}}"
      ;;
    *)
      __avictl_choices $kind
      compadd -- $reply
      ;;
  esac
}}

_avictl() {{
  local -a cmds opts vals args
  local cpath='' w pending='' dd='' kind REPLY
  local -i i npos=0
  __avictl_spec ''
  for (( i = 2; i < CURRENT; i++ )); do
    w=${{words[i]}}
    if [[ -n $pending ]]; then
      pending=''
      continue
    fi
    if [[ -z $dd ]]; then
      case $w in
        --) dd=1; continue ;;
        --*=*) continue ;;
        -*) __avictl_kind $w && pending=$w; continue ;;
      esac
    fi
    if [[ -z $dd ]] && (( ${{cmds[(I)${{(b)w}}(:*|)]}} )); then
      cpath=${{cpath:+$cpath }}$w
      __avictl_spec $cpath
      npos=0
    else
      npos+=1
    fi
  done
  if [[ -n $pending ]]; then
    __avictl_kind $pending
    __avictl_values $REPLY
    return
  fi
  if [[ -z $dd && $PREFIX == --*=* ]]; then
    if __avictl_kind ${{PREFIX%%=*}}; then
      compset -P '*='
      __avictl_values $REPLY
    fi
    return
  fi
  if [[ -z $dd && $PREFIX == -* ]]; then
    _describe -t options option opts
    return
  fi
  if (( $#cmds )); then
    _describe -t commands command cmds
    return
  fi
  kind=''
  if (( npos < $#args )); then
    kind=${{args[npos+1]}}
  elif (( $#args )) && [[ ${{args[-1]}} == *'*' ]]; then
    kind=${{args[-1]}}
  fi
  __avictl_values ${{kind%'*'}}
}}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _avictl "$@"
else
  compdef _avictl avictl
fi
"""


# -- fish ----------------------------------------------------------------------------------


def fish(model: Model) -> str:
    cases = []
    for s in specs(model):
        lines = [f"        case {_fish_sq(s.key)}"]
        if s.cmds:
            lines.append("            set -g __avictl_cmds " + " ".join(
                _fish_sq(f"{n}\t{_one_line(d)}" if d else n) for n, d in s.cmds))
        lines.append("            set -g __avictl_opts " + " ".join(
            _fish_sq(f"{n}\t{_one_line(d)}" if d else n) for n, d in s.opts))
        if s.vals:
            lines.append("            set -g __avictl_vals " + " ".join(_fish_sq(f"{n}={k}") for n, k in s.vals))
        if s.args:
            lines.append("            set -g __avictl_args " + " ".join(_fish_sq(a) for a in s.args))
        cases.append("\n".join(lines))
    choices = "\n".join(f"        case {name}\n            printf '%s\\n' {' '.join(_fish_sq(v) for v in values)}"
                        for name, values in model.choices.items())
    return FISH.format(header=HEADER, cases="\n".join(cases), choices=choices)


FISH = r"""# fish completion for avictl
# {header}
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
{cases}
    end
end

# __avictl_choices KIND: the fixed values of KIND.
function __avictl_choices --argument-names kind
    switch $kind
{choices}
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
        case profile app vs elb '*,*'
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
"""
