#compdef avictl
# zsh completion for avictl
# @HEADER@
#
# Install: put this file, named _avictl, in a directory of $fpath before compinit runs, e.g.
#   mkdir -p ~/.zfunc && avictl completion zsh > ~/.zfunc/_avictl
#   and in ~/.zshrc: fpath=(~/.zfunc $fpath); autoload -Uz compinit; compinit
# or, after compinit: source <(avictl completion zsh)

# __avictl_spec PATH: the data of command PATH ('' is avictl itself): cmds (NAME:HELP),
# opts (OPTION:HELP), vals (OPTION=KIND for options taking a value; '-' = free text),
# args (the KIND of each positional argument; a trailing '*' repeats it).
__avictl_spec() {
  case $1 in
#@CASES@
    *)
      cmds=() opts=() vals=() args=()
      ;;
  esac
}

# __avictl_choices KIND: reply=(the fixed values of KIND).
__avictl_choices() {
  case $1 in
#@CHOICES@
    *) reply=() ;;
  esac
}

# __avictl_kind OPTION: REPLY=KIND if OPTION takes a value in the current command.
__avictl_kind() {
  local e
  for e in $vals; do
    if [[ ${e%%=*} == $1 ]]; then
      REPLY=${e#*=}
      return 0
    fi
  done
  return 1
}

# __avictl_values KIND: offer the values of KIND.
__avictl_values() {
  local kind=$1 prog
  local -a names reply
  case $kind in
    ''|-)
      _message 'value'
      ;;
    file)
      _files
      ;;
    profile|app|vs|elb|se|node|stack|*,*)
      # Names come from the config file and a local cache: never from the network.
      prog=${words[1]}
      (( $+commands[$prog] )) || [[ -x $prog ]] || prog=avictl
      names=("${(@f)$("$prog" __complete "$kind" "${(Q)PREFIX}" "${(@Q)words[2,CURRENT-1]}" 2>/dev/null)}")
      names=(${names:#})
      (( $#names )) && compadd -Q -- "${(@q)names}"
      ;;
    *)
      __avictl_choices $kind
      compadd -- $reply
      ;;
  esac
}

_avictl() {
  local -a cmds opts vals args
  local cpath='' w pending='' dd='' kind REPLY
  local -i i npos=0
  __avictl_spec ''
  for (( i = 2; i < CURRENT; i++ )); do
    w=${words[i]}
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
    if [[ -z $dd ]] && (( ${cmds[(I)${(b)w}(:*|)]} )); then
      cpath=${cpath:+$cpath }$w
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
    if __avictl_kind ${PREFIX%%=*}; then
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
    kind=${args[npos+1]}
  elif (( $#args )) && [[ ${args[-1]} == *'*' ]]; then
    kind=${args[-1]}
  fi
  __avictl_values ${kind%'*'}
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
  _avictl "$@"
else
  compdef _avictl avictl
fi
