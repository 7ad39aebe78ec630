# bash completion for avictl                                  -*- shell-script -*-
# Generated from the command tree by `python -m avictl.shell`; do not edit.
#
# Install: source this file from ~/.bashrc, or copy it to
#   ~/.local/share/bash-completion/completions/avictl
# (or run: avictl completion bash > ~/.local/share/bash-completion/completions/avictl)

# __avictl_spec PATH: the data of command PATH ('' is avictl itself): cmds (sub-commands),
# opts (option spellings), vals (OPTION=KIND for options taking a value; '-' = free text),
# args (the KIND of each positional argument; a trailing '*' repeats it).
__avictl_spec() {
    case "$1" in
    '')
        cmds='config login logout status app deployment vs pool cloud se api node elb stack deploy history undo lab completion help'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --version --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'config')
        cmds='init show list set unset use path'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'config init')
        cmds=''
        opts='--controller --username --tenant --api-version --ca-bundle --insecure --verify --password-command --marathon --marathon-username --marathon-ca-bundle --mesos --aws-profile --aws-region --aws-endpoint-url --elb --elb-url --request-timeout --from-stack --default --no-input --profile -p --output -o --query --no-headers --no-color --verbose -v --debug --help -h'
        vals='--controller=- --username=- --tenant=- --api-version=- --ca-bundle=file --password-command=- --marathon=- --marathon-username=- --marathon-ca-bundle=file --mesos=- --aws-profile=- --aws-region=- --aws-endpoint-url=- --elb=elb --elb-url=- --request-timeout=- --from-stack=stack --profile=profile -p=profile --output=format -o=format --query=-'
        args=''
        ;;
    'config show')
        cmds=''
        opts='--sources --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'config list')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'config set')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='config_key -'
        ;;
    'config unset')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='config_key'
        ;;
    'config use')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='profile'
        ;;
    'config path')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'login')
        cmds=''
        opts='--password-stdin --token-hours --no-store --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--token-hours=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'logout')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'status')
        cmds=''
        opts='--app --elb --wait --timeout --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--app=app --elb=elb --timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'app')
        cmds='list show post apply scale restart delete tasks ports wait'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'app list')
        cmds=''
        opts='--filter --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--filter=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'app show')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='app'
        ;;
    'app post')
        cmds=''
        opts='--set --dry-run --wait --no-wait --timeout --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--set=- --timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='file'
        ;;
    'app apply')
        cmds=''
        opts='--set --dry-run --force --wait --no-wait --timeout --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--set=- --timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='file'
        ;;
    'app scale')
        cmds=''
        opts='--force --wait --timeout --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='app -'
        ;;
    'app restart')
        cmds=''
        opts='--force --wait --timeout --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='app'
        ;;
    'app delete')
        cmds=''
        opts='--yes -y --force --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='app'
        ;;
    'app tasks')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='app'
        ;;
    'app ports')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='app'
        ;;
    'app wait')
        cmds=''
        opts='--timeout --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='app'
        ;;
    'deployment')
        cmds='list watch cancel'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'deployment list')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'deployment watch')
        cmds=''
        opts='--timeout --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='-'
        ;;
    'deployment cancel')
        cmds=''
        opts='--force --yes -y --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='-'
        ;;
    'vs')
        cmds='list show port'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'vs list')
        cmds=''
        opts='--name --cloud --state --tenant --all-tenants -A --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--name=- --cloud=- --state=- --tenant=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'vs show')
        cmds=''
        opts='--tenant --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--tenant=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='vs,app'
        ;;
    'vs port')
        cmds=''
        opts='--ssl --tenant --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--tenant=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='app,vs'
        ;;
    'pool')
        cmds='list show'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'pool list')
        cmds=''
        opts='--name --tenant --all-tenants -A --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--name=- --tenant=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'pool show')
        cmds=''
        opts='--tenant --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--tenant=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='-'
        ;;
    'cloud')
        cmds='list show status'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'cloud list')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'cloud show')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='-'
        ;;
    'cloud status')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='-'
        ;;
    'se')
        cmds='list show'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'se list')
        cmds=''
        opts='--cloud --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--cloud=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'se show')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='se'
        ;;
    'api')
        cmds=''
        opts='--method -X --raw-field -f --field -F --data --input -d --paginate --tenant --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--method=- -X=- --raw-field=- -f=- --field=- -F=- --data=file --input=file -d=file --tenant=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='-'
        ;;
    'node')
        cmds='list show'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'node list')
        cmds=''
        opts='--check --mesos --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--mesos=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'node show')
        cmds=''
        opts='--mesos --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--mesos=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='node'
        ;;
    'elb')
        cmds='list show health url retarget'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'elb list')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'elb show')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='elb'
        ;;
    'elb health')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='elb'
        ;;
    'elb url')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='elb'
        ;;
    'elb retarget')
        cmds=''
        opts='--app --port --listener-port --health-path --health-protocol --interval --health-timeout --healthy-threshold --unhealthy-threshold --fix-security-group --force --dry-run --yes -y --wait --timeout --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--app=app --port=- --listener-port=- --health-path=- --health-protocol=health_protocol --interval=- --health-timeout=- --healthy-threshold=- --unhealthy-threshold=- --timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='elb'
        ;;
    'stack')
        cmds='create wait events list show delete'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'stack create')
        cmds=''
        opts='--template-file --template-url --parameter --capability --tag --on-failure --no-wait --timeout --configure --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--template-file=file --template-url=- --parameter=- --capability=- --tag=- --on-failure=on_failure --timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='stack'
        ;;
    'stack wait')
        cmds=''
        opts='--timeout --configure --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='stack'
        ;;
    'stack events')
        cmds=''
        opts='--follow -f --limit --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--limit=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='stack'
        ;;
    'stack list')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'stack show')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='stack'
        ;;
    'stack delete')
        cmds=''
        opts='--yes -y --no-wait --timeout --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='stack'
        ;;
    'deploy')
        cmds=''
        opts='--elb --set --listener-port --health-path --health-protocol --fix-security-group --check-url --timeout --dry-run --yes -y --force --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--elb=elb --set=- --listener-port=- --health-path=- --health-protocol=health_protocol --check-url=check_url --timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='file'
        ;;
    'history')
        cmds=''
        opts='--limit -n --object --since --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--limit=- -n=- --object=- --since=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'undo')
        cmds=''
        opts='--yes -y --dry-run --force --timeout --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--timeout=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='-'
        ;;
    'lab')
        cmds='up down status'
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'lab up')
        cmds=''
        opts='--marathon-version --avi-version --mesos-version --deploy-seconds --profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--marathon-version=- --avi-version=- --mesos-version=- --deploy-seconds=- --profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'lab down')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'lab status')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args=''
        ;;
    'completion')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='shell'
        ;;
    'help')
        cmds=''
        opts='--profile -p --output -o --query --no-headers --no-color --request-timeout --verbose -v --debug --ca-bundle --insecure --help -h'
        vals='--profile=profile -p=profile --output=format -o=format --query=- --request-timeout=- --ca-bundle=file'
        args='-*'
        ;;
    *)
        cmds='' opts='' vals='' args=''
        ;;
    esac
}

# __avictl_choices KIND: REPLY=the fixed values of KIND.
__avictl_choices() {
    case "$1" in
    format) REPLY='table wide json jsonl tsv name yaml' ;;
    shell) REPLY='bash zsh fish' ;;
    config_key) REPLY='controller username tenant api_version ca_bundle insecure password_command marathon marathon_username marathon_ca_bundle mesos aws_profile aws_region aws_endpoint_url elb elb_url request_timeout' ;;
    http_method) REPLY='GET POST PUT PATCH DELETE' ;;
    health_protocol) REPLY='HTTP TCP' ;;
    on_failure) REPLY='ROLLBACK DELETE DO_NOTHING' ;;
    check_url) REPLY='PATH URL' ;;
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
