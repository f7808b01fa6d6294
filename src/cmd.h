/*
 * cmd.h -- the subcommands (one file each: cmd-run.c, cmd-plan.c,
 * cmd-check.c, cmd-verify.c) and the options main.c parses for them.
 * main.c only parses; each command checks what it needs and returns a
 * status of err.h, which main.c turns into the exit code, once.
 */
#ifndef CR_CMD_H
#define CR_CMD_H

/* Process exit codes (docs/format.md 5): one enum, as jq keeps them. */
enum cr_exit {
	CR_EXIT_OK = 0,		/* committed; every request released or skipped */
	CR_EXIT_REJECTED = 1,	/* committed; at least one rejected (check: problems) */
	CR_EXIT_USAGE = 2,	/* bad command line, key, URL, template */
	CR_EXIT_DATAERR = 65,	/* input data error: nothing written */
	CR_EXIT_SOFTWARE = 70,	/* a status no command should return: a bug */
	CR_EXIT_CANTCREAT = 73,	/* output directory cannot be created */
	CR_EXIT_IOERR = 74,	/* read or write failed: nothing committed */
	CR_EXIT_LOCKED = 75	/* OUT is locked (send: the MTA kept failing for now) */
};

/* The exit code of a status (cmd-diag.c): the one place they are mapped. */
int	cr_cmd_exit_code(int status);

struct cr_options {
	const char	*export_path;	/* --export */
	const char	*manifest_path;	/* --manifest */
	const char	*out_dir;	/* --out */
	const char	*now;		/* --now, unparsed */
	const char	*token_key;	/* --token-key FILE */
	const char	*claim_url;	/* --claim-url */
	const char	*claim_ttl;	/* --claim-ttl, unparsed */
	const char	*from;		/* --from */
	const char	*templates;	/* --templates DIR */
	const char	*bundle_format;	/* --bundle-format */
	const char	*signing_key;	/* --signing-key FILE */
	const char	*allowed_signers; /* --allowed-signers FILE */
	const char	*config;	/* --config FILE */
	const char	*memory;	/* --memory MB, unparsed (plan) */
	int		 strict;	/* --strict */
	int		 quiet;		/* --quiet */
	int		 json;		/* --json (plan) */
	int		 require_signature; /* --require-signature (verify) */
	int		 chain;		/* --chain (verify) */
	int		 argc;		/* operands after the options */
	char		**argv;
};

/*
 * The options, one bit each: a command lists those it takes in
 * cr_cmd.options, and any other is a usage error naming the command (as
 * tmux's cmd_entry declares its .args).  A --config file may hold keys of
 * options a command does not take (one file serves run, plan and check):
 * those are not applied.
 */
enum cr_opt {
	CR_OPT_EXPORT		= 1u << 0,
	CR_OPT_MANIFEST		= 1u << 1,
	CR_OPT_OUT		= 1u << 2,
	CR_OPT_NOW		= 1u << 3,
	CR_OPT_TOKEN_KEY	= 1u << 4,
	CR_OPT_CLAIM_URL	= 1u << 5,
	CR_OPT_CLAIM_TTL	= 1u << 6,
	CR_OPT_FROM		= 1u << 7,
	CR_OPT_TEMPLATES	= 1u << 8,
	CR_OPT_BUNDLE_FORMAT	= 1u << 9,
	CR_OPT_CONFIG		= 1u << 10,
	CR_OPT_STRICT		= 1u << 11,
	CR_OPT_QUIET		= 1u << 12,
	CR_OPT_JSON		= 1u << 13,
	CR_OPT_SIGNING_KEY	= 1u << 14,
	CR_OPT_ALLOWED_SIGNERS	= 1u << 15,
	CR_OPT_REQUIRE_SIGNATURE = 1u << 16,
	CR_OPT_CHAIN		= 1u << 17,
	CR_OPT_MEMORY		= 1u << 18
};

/* What shapes a run: run takes them, and plan, its dry run, too. */
#define CR_OPTS_RUN	(CR_OPT_EXPORT | CR_OPT_MANIFEST | CR_OPT_OUT | \
	CR_OPT_NOW | CR_OPT_TOKEN_KEY | CR_OPT_CLAIM_URL | CR_OPT_CLAIM_TTL | \
	CR_OPT_FROM | CR_OPT_TEMPLATES | CR_OPT_BUNDLE_FORMAT | \
	CR_OPT_CONFIG | CR_OPT_STRICT | CR_OPT_QUIET | CR_OPT_SIGNING_KEY)

struct cr_cmd {
	const char	*name;
	const char	*usage;
	int		(*exec)(const struct cr_options *);	/* a status */
	unsigned	 options;	/* enum cr_opt bits it takes */
};

extern const struct cr_cmd cr_cmd_run;
extern const struct cr_cmd cr_cmd_plan;
extern const struct cr_cmd cr_cmd_check;
extern const struct cr_cmd cr_cmd_verify;
extern const struct cr_cmd cr_cmd_send;
/* send parses its own options from argv (argv[0] is "send"); a status. */
int	cr_cmd_send_main(int argc, char **argv);

/*
 * Print "custrelease: msg" and the command's usage line (cmd-usage.c, in
 * the library so that anything linking a command links it); returns
 * CR_STATUS_USAGE.
 */
int	cr_cmd_usage_error(const struct cr_cmd *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
