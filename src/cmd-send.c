/*
 * cmd-send.c -- `custrelease send [options] OUT/<run_id>`: pipe the claim
 * emails of a committed run to sendmail, exactly once (send.h).  Parses
 * its own options (a table below), prints the progress line on a
 * terminal, the dry-run list, the summary and the error, and picks the
 * exit code.  It deliberately leaves everything else to send.c.
 *
 * --sendmail CMD is split at spaces and tabs into argv (no shell, no
 * quoting); a word "%f" becomes the email's From address.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "custrelease.h"
#include "diag.h"
#include "send.h"
#include "xmalloc.h"

#define SEND_DEFAULT_CMD	"/usr/sbin/sendmail -t -i -f %f"

static int	send_exec(const struct cr_options *);

const struct cr_cmd cr_cmd_send = {
	"send",
	"[--sendmail CMD] [--timeout S] [--tries N] [--retry-delay S] "
	    "[--rate N] [--dry-run] [--delete-sent] [--quiet] OUT/RUN_ID",
	send_exec, 0	/* its own options: cr_cmd_send_main */
};

enum { O_SENDMAIL = 256, O_TIMEOUT, O_TRIES, O_DELAY, O_RATE, O_DRY,
	O_DELETE, O_QUIET, O_HELP };

static const struct option send_options[] = {
	{ "sendmail", required_argument, NULL, O_SENDMAIL },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "tries", required_argument, NULL, O_TRIES },
	{ "retry-delay", required_argument, NULL, O_DELAY },
	{ "rate", required_argument, NULL, O_RATE },
	{ "dry-run", no_argument, NULL, O_DRY },
	{ "delete-sent", no_argument, NULL, O_DELETE },
	{ "quiet", no_argument, NULL, O_QUIET },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 }
};

struct send_cli {
	struct cr_send_opts	 o;
	const char		*cmd;
	int			 quiet;
	int			 tty;
};

static int
number(const char *s, double min, double max, double *out)
{
	char *end;

	*out = strtod(s, &end);
	return end != s && *end == '\0' && *out >= min && *out <= max;
}

/* CMD split at blanks; the words point into a copy kept in argv[0]'s
 * allocation owner *keep. */
static char **
split(const char *cmd, char **keep)
{
	char **argv = NULL, *w;
	size_t n = 0;

	*keep = xstrdup(cmd);
	for (w = strtok(*keep, " \t"); w != NULL; w = strtok(NULL, " \t")) {
		argv = xreallocarray(argv, n + 2, sizeof *argv);
		argv[n++] = w;
	}
	if (argv != NULL)
		argv[n] = NULL;
	return argv;
}

static int
parse(int argc, char **argv, struct send_cli *c)
{
	double v;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", send_options, NULL)) != -1) {
		switch (ch) {
		case O_SENDMAIL: c->cmd = optarg; break;
		case O_TIMEOUT:
			if (!number(optarg, 0.001, 86400, &c->o.timeout))
				return cr_cmd_usage_error(&cr_cmd_send,
				    "--timeout: seconds, 0.001 to 86400");
			break;
		case O_TRIES:
			if (!number(optarg, 1, 100, &v))
				return cr_cmd_usage_error(&cr_cmd_send,
				    "--tries: 1 to 100");
			c->o.tries = (unsigned)v;
			break;
		case O_DELAY:
			if (!number(optarg, 0, 3600, &c->o.retry_delay))
				return cr_cmd_usage_error(&cr_cmd_send,
				    "--retry-delay: seconds, 0 to 3600");
			break;
		case O_RATE:
			if (!number(optarg, 0.001, 1e6, &c->o.rate))
				return cr_cmd_usage_error(&cr_cmd_send,
				    "--rate: emails per minute, > 0");
			break;
		case O_DRY: c->o.dry_run = 1; break;
		case O_DELETE: c->o.delete_sent = 1; break;
		case O_QUIET: c->quiet = 1; break;
		case 'h':
		case O_HELP:
			printf("usage: custrelease send %s\n", cr_cmd_send.usage);
			return -1;
		case ':':
			return cr_cmd_usage_error(&cr_cmd_send,
			    "option %s needs a value", argv[optind - 1]);
		default:
			return cr_cmd_usage_error(&cr_cmd_send,
			    "unknown option %s", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return cr_cmd_usage_error(&cr_cmd_send,
		    "one run directory expected");
	c->o.run = argv[optind];
	return 0;
}

static void
each(void *arg, const char *id, const char *from, size_t done, size_t total)
{
	struct send_cli *c = arg;

	if (c->o.dry_run)
		printf("would send %s.eml (from %s)\n", id, from);
	else if (c->tty && !c->quiet)
		fprintf(stderr, "\rsend: %zu/%zu %s\033[K", done + 1, total,
		    id);
}

int
cr_cmd_send_main(int argc, char **argv)
{
	struct send_cli c;
	struct cr_send_result r;
	char *keep;
	int rc;

	memset(&c, 0, sizeof c);
	c.o.timeout = 60;
	c.o.tries = 3;
	c.o.retry_delay = 1;
	c.cmd = SEND_DEFAULT_CMD;
	if ((rc = parse(argc, argv, &c)) != 0)
		return rc < 0 ? CR_STATUS_OK : rc;
	if ((c.o.argv = split(c.cmd, &keep)) == NULL) {
		free(keep);
		return cr_cmd_usage_error(&cr_cmd_send, "--sendmail: empty");
	}
	c.tty = isatty(2);
	c.o.each = each;
	c.o.arg = &c;
	rc = cr_send(&c.o, &r);
	if (c.tty && !c.quiet && !c.o.dry_run && r.total > 0)
		fputs("\r\033[K", stderr);
	if (rc != 0)
		cr_err_note("%s", r.err);
	if (!c.quiet)
		printf("send: %s %zu, already sent %zu, %s %zu, deleted %zu, "
		    "of %zu\n", c.o.dry_run ? "would send" : "sent",
		    c.o.dry_run ? r.pending : r.sent, r.already,
		    "not sent", c.o.dry_run ? (size_t)0 : r.total - r.sent -
		    r.already, r.deleted, r.total);
	free(c.o.argv);
	free(keep);
	return rc;
}

static int
send_exec(const struct cr_options *o)
{
	(void)o;	/* main.c hands send its raw argv instead */
	return CR_STATUS_USAGE;
}
