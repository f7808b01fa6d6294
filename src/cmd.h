/*
 * cmd.h -- the subcommands (one file each: cmd-run.c, cmd-plan.c,
 * cmd-check.c, cmd-verify.c) and the options main.c parses for them.
 * main.c only parses; each command checks what it needs and returns an
 * exit code of custrelease.h.
 */
#ifndef CR_CMD_H
#define CR_CMD_H

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
	const char	*config;	/* --config FILE */
	int		 strict;	/* --strict */
	int		 quiet;		/* --quiet */
	int		 json;		/* --json (plan) */
	int		 argc;		/* operands after the options */
	char		**argv;
};

struct cr_cmd {
	const char	*name;
	const char	*usage;
	int		(*exec)(const struct cr_options *);
};

extern const struct cr_cmd cr_cmd_run;
extern const struct cr_cmd cr_cmd_plan;
extern const struct cr_cmd cr_cmd_check;
extern const struct cr_cmd cr_cmd_verify;
extern const struct cr_cmd cr_cmd_send;
/* send parses its own options from argv (argv[0] is "send"). */
int	cr_cmd_send_main(int argc, char **argv);

/* Print "custrelease: msg" and the command's usage line; returns 2. */
int	cr_cmd_usage_error(const struct cr_cmd *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif
