# SPDX-License-Identifier: GPL-2.0-only
#
# bash completion for fwctl(8), the fwctl command-line tool.
#
# Installed as share/bash-completion/completions/fwctl, or sourced by hand.
# It needs nothing from the bash-completion package.

# Print the DEV names: the fwctl class devices and their parents
_fwctl_devices()
{
	local dir link

	for dir in /sys/class/fwctl/*; do
		[[ -e $dir ]] || continue
		printf '%s\n' "${dir##*/}"
		link=$(readlink "$dir/device" 2>/dev/null) || continue
		printf '%s\n' "${link##*/}"
	done
}

# Set COMPREPLY to the words of $1 that start with $2
_fwctl_words()
{
	mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}

# Set COMPREPLY to the file names that start with $1
_fwctl_files()
{
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$1")
}

# Complete the value $2 of option $1
_fwctl_value()
{
	case $1 in
	-s | --scope)
		_fwctl_words 'config read write full' "$2"
		;;
	-S | --selection)
		_fwctl_words 'current default saved' "$2"
		;;
	-i | --in | -o | --out | -f)
		_fwctl_files "$2"
		;;
	*)
		# -l/--out-len takes a number
		COMPREPLY=()
		;;
	esac
}

# Complete a DEV argument: a name from sysfs, or a path
_fwctl_dev()
{
	if [[ $1 == */* ]]; then
		_fwctl_files "$1"
	else
		_fwctl_words "$(_fwctl_devices)" "$1"
	fi
}

_fwctl()
{
	local cur cmd sub word frag opt i pos=0 strip lead
	local dashdash=0 skip=0
	local -a words=() args=()
	local line=${COMP_LINE:-}

	COMPREPLY=()

	# Glue back what COMP_WORDBREAKS split, such as "--scope" "=" "write"
	# or "0000" ":" "03:00.0": words that no blank separates on the
	# command line are one word for fwctl.
	line=${line:0:${COMP_POINT:-${#line}}}
	for ((i = 0; i <= COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		if [[ -n $line ]]; then
			lead=${line:pos}
			lead=${lead%%[![:space:]]*}
			pos=$((pos + ${#lead} + ${#word}))
			if ((i > 0 && ${#lead} == 0)); then
				words[${#words[@]} - 1]+=$word
				continue
			fi
		fi
		words+=("$word")
	done
	cur=${words[${#words[@]} - 1]}

	# Readline replaces only the text after the last word break: strip
	# what comes before it from every reply.
	frag=${COMP_WORDS[COMP_CWORD]}
	[[ $frag == [=:]* && -z ${frag//[=:]/} ]] && frag=
	strip=$((${#cur} - ${#frag}))

	# The words before the current one: the command, its subcommand, the
	# positional arguments, and whether "--" ended the options
	for ((i = 1; i < ${#words[@]} - 1; i++)); do
		word=${words[i]}
		if ((skip)); then
			skip=0
		elif ((!dashdash)) && [[ $word == -- ]]; then
			dashdash=1
		elif ((!dashdash)) && [[ $word == -?* ]]; then
			case $word in
			-s | --scope | -i | --in | -f | -o | --out | -l | \
			--out-len | -S | --selection)
				skip=1
				;;
			esac
		elif [[ -z ${cmd:-} ]]; then
			cmd=$word
		elif [[ $cmd == cxl && -z ${sub:-} ]]; then
			sub=$word
		else
			args+=("$word")
		fi
	done

	if ((skip)); then
		# The value of the option before the current word
		_fwctl_value "${words[${#words[@]} - 2]}" "$cur"
	elif ((!dashdash)) && [[ $cur == --*=* ]]; then
		opt=${cur%%=*}
		_fwctl_value "$opt" "${cur#*=}"
		COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
	elif ((!dashdash)) && [[ $cur == -* ]]; then
		case ${cmd:-}/${sub:-} in
		/)
			opt='-j --json -h --help -V --version'
			;;
		list/ | info/ | cxl/features)
			opt='-j --json -h --help'
			;;
		rpc/)
			opt='-s --scope -i --in -f -o --out -l --out-len -j --json -h --help'
			;;
		cxl/get)
			opt='-S --selection -o --out -j --json -h --help'
			;;
		cxl/set)
			opt='-i --in -s --scope -j --json -h --help'
			;;
		mock/)
			opt='-s --scope -j --json -h --help'
			;;
		*)
			opt='-h --help'
			;;
		esac
		_fwctl_words "$opt" "$cur"
	else
		case ${cmd:-}/${sub:-}/${#args[@]} in
		//0)
			_fwctl_words 'list info rpc cxl mock help' "$cur"
			;;
		help//0)
			_fwctl_words 'list info rpc cxl mock help' "$cur"
			;;
		help//1)
			[[ ${args[0]} == cxl ]] &&
				_fwctl_words 'features get set' "$cur"
			;;
		cxl//0)
			_fwctl_words 'features get set' "$cur"
			;;
		info//0 | rpc//0 | mock//0 | cxl/features/0 | cxl/get/0 | \
		cxl/set/0)
			_fwctl_dev "$cur"
			;;
		mock//1)
			opt='query echo sum obj-create read-log read-reg'
			_fwctl_words "$opt write-reg poke" "$cur"
			;;
		esac
	fi

	if ((strip > 0)); then
		for i in "${!COMPREPLY[@]}"; do
			COMPREPLY[i]=${COMPREPLY[i]:strip}
		done
	fi
	return 0
}

complete -F _fwctl fwctl
