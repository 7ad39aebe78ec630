# fish completion for avictl
# Generated from the command tree by `python -m avictl.shell`; do not edit.
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
        case ''
            set -g __avictl_cmds 'config	Manage profiles in the config file (TOML, mode 0600)' 'login	Check the controller password and keep it in the OS keyring' 'logout	End the controller session and forget the stored password and session' 'status	Reach and authenticate every configured system; exit 1 if any fails' 'app	Marathon apps: list, show, post, apply, scale, restart, delete, tasks…' 'deployment	Marathon deployments: list, watch, cancel' 'vs	Avi virtual services: list, show, and the service port of an app' 'pool	Avi pools and their members\' health' 'cloud	Avi clouds (a Mesos cloud shows its Marathon URL and port ranges)' 'api	Make an authenticated controller call and print the JSON reply (like…' 'elb	Classic ELBs and ALB/NLBs: list, show, health, retarget to a port' 'stack	CloudFormation stacks: status and outputs' 'deploy	Post an app, wait for it, find its Avi service port and point the ELB…' 'lab	Run local stand-ins of Marathon, the Avi Controller and AWS (no cloud…' 'completion	Print the completion script for bash, zsh or fish'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--version	Print the version.' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'config'
            set -g __avictl_cmds 'init	Create or update a profile (the one named by --profile, else "default…' 'show	Show the settings in effect for the selected profile (flags, environm…' 'list	List the profiles in the config file, the default one marked' 'set	Set one key of the selected profile (created if missing)' 'unset	Remove one key from the selected profile (its built-in default applie…' 'use	Make a profile the default (default_profile in the file)' 'path	Print the config file\'s path ($AVICTL_CONFIG, else $XDG_CONFIG_HOME/a…'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'config init'
            set -g __avictl_opts '--controller	Avi Controller URL.' '--username	Avi Controller user name.' '--tenant	Avi tenant (default admin).' '--api-version	X-Avi-Version to send (default: the controller\'s).' '--ca-bundle	CA bundle (PEM) for the controller.' '--insecure	Skip (or keep) TLS verification.' '--verify	Skip (or keep) TLS verification.' '--password-command	Command printing the password.' '--marathon	Marathon URL.' '--marathon-username	Marathon HTTP basic user.' '--marathon-ca-bundle	CA bundle (PEM) for Marathon.' '--aws-profile	AWS profile name.' '--aws-region	AWS region.' '--aws-endpoint-url	AWS endpoint URL.' '--elb	Default load balancer name.' '--timeout	Per-request HTTP timeout in seconds.' '--from-stack	Fill URLs and the ELB from a CloudFormation stack\'s outputs.' '--default	Make it the default profile (default: when it is the first).' '--no-default	Make it the default profile (default: when it is the first).' '--no-input	Never prompt, even on a terminal.' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--controller=-' '--username=-' '--tenant=-' '--api-version=-' '--ca-bundle=file' '--password-command=-' '--marathon=-' '--marathon-username=-' '--marathon-ca-bundle=file' '--aws-profile=-' '--aws-region=-' '--aws-endpoint-url=-' '--elb=elb' '--timeout=-' '--from-stack=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-'
        case 'config show'
            set -g __avictl_opts '--sources	Show where each value comes from.' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'config list'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'config set'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'config_key' '-'
        case 'config unset'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'config_key'
        case 'config use'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'profile'
        case 'config path'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'login'
            set -g __avictl_opts '--password-stdin	Read the password from stdin.' '--token-hours	Also obtain a controller user token valid N hours; print it.' '--no-store	Verify only; do not keep it in the keyring.' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--token-hours=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'logout'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'status'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'app'
            set -g __avictl_cmds 'list	List apps: id, tasks running of wanted, healthy, image, service ports…' 'show	Show one app: counts, image, network, service ports, deployments, las…' 'post	Create an app from a Marathon app definition and wait for its deploym…' 'apply	Create the app, or update it (PUT) to match the file; unchanged → not…' 'scale	Set the number of instances of an app' 'restart	Restart all tasks of an app (a rolling replacement by Marathon)' 'delete	Delete an app and kill its tasks (asks on a terminal; --yes in script…' 'tasks	List the tasks of an app: id, agent host, host ports, state, health' 'ports	Show container port → service port → host ports per task (and the Avi…' 'wait	Wait until the app has no deployment and runs (and passes health chec…'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'app list'
            set -g __avictl_opts '--filter	Only apps whose id contains TEXT.' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--filter=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'app show'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'app'
        case 'app post'
            set -g __avictl_opts '--set	Override a field (dotted keys, [i] indexes; values typed as JSON when…' '--dry-run	Validate and print what would be sent; send nothing.' '--wait	Wait for the deployment to finish (default).' '--no-wait	Wait for the deployment to finish (default).' '--timeout	How long to wait (exit 7 after).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--set=-' '--timeout=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--ca-bundle=file'
            set -g __avictl_args 'file'
        case 'app apply'
            set -g __avictl_opts '--set	Override a field (dotted keys, [i] indexes; values typed as JSON when…' '--dry-run	Print the field diff; change nothing.' '--force	Override a deployment in progress (Marathon ?force=true).' '--wait	Wait for the deployment to finish (default).' '--no-wait	Wait for the deployment to finish (default).' '--timeout	How long to wait (exit 7 after).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--set=-' '--timeout=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--ca-bundle=file'
            set -g __avictl_args 'file'
        case 'app scale'
            set -g __avictl_opts '--force	Override a deployment in progress.' '--wait	Wait until the app runs N instances.' '--timeout	How long to wait (exit 7 after).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--timeout=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--ca-bundle=file'
            set -g __avictl_args 'app' '-'
        case 'app restart'
            set -g __avictl_opts '--force	Override a deployment in progress.' '--wait	Wait until the new tasks are up.' '--timeout	How long to wait (exit 7 after).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--timeout=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--ca-bundle=file'
            set -g __avictl_args 'app'
        case 'app delete'
            set -g __avictl_opts '--yes	Do not ask for confirmation.' '-y	Do not ask for confirmation.' '--force	Delete even while a deployment is in progress.' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'app'
        case 'app tasks'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'app'
        case 'app ports'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'app'
        case 'app wait'
            set -g __avictl_opts '--timeout	How long to wait (exit 7 after).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--timeout=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--ca-bundle=file'
            set -g __avictl_args 'app'
        case 'deployment'
            set -g __avictl_cmds 'list	List deployments in progress: id, apps, step, current actions' 'watch	Follow deployments until they finish (exit 7 at --timeout, with the a…' 'cancel	Cancel a deployment: roll it back (a new deployment), or with --force…'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'deployment list'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'deployment watch'
            set -g __avictl_opts '--timeout	How long to wait (exit 7 after).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--timeout=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--ca-bundle=file'
            set -g __avictl_args '-'
        case 'deployment cancel'
            set -g __avictl_opts '--force	Just stop it, without a rollback deployment.' '--yes	Do not ask for confirmation.' '-y	Do not ask for confirmation.' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args '-'
        case 'vs'
            set -g __avictl_cmds 'list	List virtual services: NAME, VIP, PORTS, STATE, POOL, APP, CLOUD' 'show	Show one virtual service: VIPs, services, state, pool members with he…' 'port	Print just the service port of an app\'s virtual service (exit 3 when…'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'vs list'
            set -g __avictl_opts '--name	Only names matching this glob (web*, *-prod).' '--cloud	Only virtual services of this cloud.' '--state	up, down, disabled, ... (or OPER_UP).' '--tenant	Tenant to read (default: the profile\'s, else admin).' '--all-tenants	Read every tenant (X-Avi-Tenant: *).' '-A	Read every tenant (X-Avi-Tenant: *).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--name=-' '--cloud=-' '--state=-' '--tenant=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'vs show'
            set -g __avictl_opts '--tenant	Tenant to read (default: the profile\'s, else admin).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--tenant=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'vs,app'
        case 'vs port'
            set -g __avictl_opts '--ssl	The SSL service\'s port instead of the first non-SSL one.' '--tenant	Tenant to read (default: the profile\'s, else admin).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--tenant=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'app,vs'
        case 'pool'
            set -g __avictl_cmds 'list	List pools: NAME, SERVERS, CLOUD' 'show	Show a pool and the health of each member'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'pool list'
            set -g __avictl_opts '--name	Only names matching this glob.' '--tenant	Tenant to read (default: the profile\'s, else admin).' '--all-tenants	Read every tenant (X-Avi-Tenant: *).' '-A	Read every tenant (X-Avi-Tenant: *).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--name=-' '--tenant=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'pool show'
            set -g __avictl_opts '--tenant	Tenant to read (default: the profile\'s, else admin).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--tenant=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args '-'
        case 'cloud'
            set -g __avictl_cmds 'list	List clouds: NAME, TYPE, MARATHON (for Mesos clouds), PORT RANGES' 'show	Show a cloud; for a Mesos cloud its Marathon URL(s) and service port…'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'cloud list'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'cloud show'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args '-'
        case 'api'
            set -g __avictl_opts '--data	JSON request body from FILE or stdin.' '-d	JSON request body from FILE or stdin.' '--tenant	Tenant to read (default: the profile\'s, else admin).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--data=file' '-d=file' '--tenant=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'http_method' '-'
        case 'elb'
            set -g __avictl_cmds 'list	List the classic and v2 load balancers of the region with listeners,…' 'show	Show one load balancer: DNS name, listeners, health check, security g…' 'health	Show the health of every instance (classic) or target (ALB/NLB) behin…' 'retarget	Point a load balancer\'s listener and health check at an app\'s port'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'elb list'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'elb show'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'elb'
        case 'elb health'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'elb'
        case 'elb retarget'
            set -g __avictl_opts '--app	Marathon app whose Avi virtual service port to use.' '--port	Instance port to forward to.' '--listener-port	Load balancer port to change.' '--health-path	Health check path (default: the current one, else /).' '--health-protocol	Health check protocol (default: the current one).' '--interval	Health check interval, 5-300.' '--health-timeout	Health check timeout, 2-60 and below the interval.' '--healthy-threshold	2-10.' '--unhealthy-threshold	2-10.' '--fix-security-group	Add the missing security-group rule for the new port.' '--force	With --app: retarget even when the app\'s Mesos cloud says the ELB can…' '--dry-run	Print the plan; change nothing.' '--yes	Do not ask for confirmation.' '-y	Do not ask for confirmation.' '--wait	Wait until at least one instance is in service.' '--timeout	Limit of --wait (and of an ALB\'s new target group becoming healthy).' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--app=app' '--port=-' '--listener-port=-' '--health-path=-' '--health-protocol=health_protocol' '--interval=-' '--health-timeout=-' '--healthy-threshold=-' '--unhealthy-threshold=-' '--timeout=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--ca-bundle=file'
            set -g __avictl_args 'elb'
        case 'stack'
            set -g __avictl_cmds 'show	Show a CloudFormation stack\'s status and outputs'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'stack show'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args '-'
        case 'deploy'
            set -g __avictl_opts '--elb	Load balancer to point at the app (default: profile elb).' '--set	Override a field (repeatable).' '--listener-port	Load balancer port to retarget.' '--health-path	Health check path.' '--health-protocol	Health check protocol.' '--fix-security-group	Add the security-group rule the ELB needs, if missing.' '--check-url	Finally probe http://<ELB DNS>/PATH (or a full URL, e.g. your CNAME).' '--timeout	Limit for each wait.' '--dry-run	Show the plan of every step; change nothing.' '--yes	Do not ask before changing the load balancer.' '-y	Do not ask before changing the load balancer.' '--force	Retarget even when the app\'s Mesos cloud says the ELB cannot reach it…' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--elb=elb' '--set=-' '--listener-port=-' '--health-path=-' '--health-protocol=health_protocol' '--check-url=check_url' '--timeout=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--ca-bundle=file'
            set -g __avictl_args 'file'
        case 'lab'
            set -g __avictl_cmds 'up	Start the lab in the background on 127.0.0.1 and write a `lab` profil…' 'down	Stop every process the lab started and remove its state and its profi…' 'status	Show whether the lab runs, its PID and URLs; exit 3 when it is not ru…'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'lab up'
            set -g __avictl_opts '--marathon-version	Marathon flavour: 0.9.0, 1.4.0, 1.5.0.' '--avi-version	Controller version: 17.2, 18.2, 20.1, 22.1.' '--deploy-seconds	How long a Marathon deployment takes.' '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--marathon-version=-' '--avi-version=-' '--deploy-seconds=-' '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'lab down'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'lab status'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
        case 'completion'
            set -g __avictl_opts '--profile	Profile to use (env AVICTL_PROFILE).' '-p	Profile to use (env AVICTL_PROFILE).' '--output	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '-o	table|wide|json|jsonl|tsv|name|yaml (default: table on a terminal, ts…' '--query	JMESPath applied to the JSON form.' '--no-headers	Omit table headers.' '--no-color	No colour (also NO_COLOR).' '--timeout	Per-request HTTP timeout (default 30).' '--verbose	Log each HTTP request to stderr.' '-v	Log each HTTP request to stderr.' '--debug	Log headers and bodies (secrets redacted) and tracebacks.' '--ca-bundle	CA bundle to verify TLS servers.' '--insecure	Skip TLS verification (warns every time).' '--help	Show this help and exit.' '-h	Show this help and exit.'
            set -g __avictl_vals '--profile=profile' '-p=profile' '--output=format' '-o=format' '--query=-' '--timeout=-' '--ca-bundle=file'
            set -g __avictl_args 'shell'
    end
end

# __avictl_choices KIND: the fixed values of KIND.
function __avictl_choices --argument-names kind
    switch $kind
        case format
            printf '%s\n' 'table' 'wide' 'json' 'jsonl' 'tsv' 'name' 'yaml'
        case shell
            printf '%s\n' 'bash' 'zsh' 'fish'
        case config_key
            printf '%s\n' 'controller' 'username' 'tenant' 'api_version' 'ca_bundle' 'insecure' 'password_command' 'marathon' 'marathon_username' 'marathon_ca_bundle' 'aws_profile' 'aws_region' 'aws_endpoint_url' 'elb' 'timeout'
        case http_method
            printf '%s\n' 'GET' 'POST' 'PUT' 'PATCH' 'DELETE'
        case health_protocol
            printf '%s\n' 'HTTP' 'TCP'
        case check_url
            printf '%s\n' 'PATH' 'URL'
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
