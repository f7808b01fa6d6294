/*
 * main.c -- the custrelease command line: picks the subcommand, parses the
 * long options with getopt_long and hands them to the command, and turns
 * the status the command returns into the exit code (cr_cmd_exit_code).
 * It decides nothing else; every command lives in its own cmd-*.c file.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "conffile.h"
#include "custrelease.h"
#include "diag.h"

static const struct cr_cmd *const commands[] = {
	&cr_cmd_run, &cr_cmd_plan, &cr_cmd_check, &cr_cmd_verify, &cr_cmd_send,
	NULL
};

enum {
	OPT_EXPORT = 256, OPT_MANIFEST, OPT_OUT, OPT_NOW, OPT_TOKEN_KEY,
	OPT_CLAIM_URL, OPT_CLAIM_TTL, OPT_FROM, OPT_TEMPLATES,
	OPT_BUNDLE_FORMAT, OPT_STRICT, OPT_QUIET, OPT_JSON, OPT_HELP,
	OPT_VERSION, OPT_CONFIG, OPT_SIGNING_KEY, OPT_ALLOWED_SIGNERS,
	OPT_REQUIRE_SIGNATURE, OPT_CHAIN, OPT_MEMORY
};

/* The cr_opt bit of each option (0: taken by every command). */
static unsigned
opt_bit(int ch)
{
	static const struct { int ch; unsigned bit; } bits[] = {
		{ OPT_EXPORT, CR_OPT_EXPORT }, { OPT_MANIFEST, CR_OPT_MANIFEST },
		{ OPT_OUT, CR_OPT_OUT }, { OPT_NOW, CR_OPT_NOW },
		{ OPT_TOKEN_KEY, CR_OPT_TOKEN_KEY },
		{ OPT_CLAIM_URL, CR_OPT_CLAIM_URL },
		{ OPT_CLAIM_TTL, CR_OPT_CLAIM_TTL }, { OPT_FROM, CR_OPT_FROM },
		{ OPT_TEMPLATES, CR_OPT_TEMPLATES },
		{ OPT_BUNDLE_FORMAT, CR_OPT_BUNDLE_FORMAT },
		{ OPT_CONFIG, CR_OPT_CONFIG }, { OPT_STRICT, CR_OPT_STRICT },
		{ OPT_QUIET, CR_OPT_QUIET }, { OPT_JSON, CR_OPT_JSON },
		{ OPT_SIGNING_KEY, CR_OPT_SIGNING_KEY },
		{ OPT_ALLOWED_SIGNERS, CR_OPT_ALLOWED_SIGNERS },
		{ OPT_REQUIRE_SIGNATURE, CR_OPT_REQUIRE_SIGNATURE },
		{ OPT_CHAIN, CR_OPT_CHAIN }, { OPT_MEMORY, CR_OPT_MEMORY },
	};
	size_t i;

	for (i = 0; i < sizeof bits / sizeof bits[0]; i++)
		if (bits[i].ch == ch)
			return bits[i].bit;
	return 0;
}

static const struct option long_options[] = {
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "manifest", required_argument, NULL, OPT_MANIFEST },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "now", required_argument, NULL, OPT_NOW },
	{ "token-key", required_argument, NULL, OPT_TOKEN_KEY },
	{ "claim-url", required_argument, NULL, OPT_CLAIM_URL },
	{ "claim-ttl", required_argument, NULL, OPT_CLAIM_TTL },
	{ "from", required_argument, NULL, OPT_FROM },
	{ "templates", required_argument, NULL, OPT_TEMPLATES },
	{ "bundle-format", required_argument, NULL, OPT_BUNDLE_FORMAT },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "signing-key", required_argument, NULL, OPT_SIGNING_KEY },
	{ "allowed-signers", required_argument, NULL, OPT_ALLOWED_SIGNERS },
	{ "require-signature", no_argument, NULL, OPT_REQUIRE_SIGNATURE },
	{ "chain", no_argument, NULL, OPT_CHAIN },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "quiet", no_argument, NULL, OPT_QUIET },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f)
{
	const struct cr_cmd *const *c;

	fputs("usage:\n", f);
	for (c = commands; *c != NULL; c++)
		fprintf(f, "  custrelease %s %s\n", (*c)->name, (*c)->usage);
	fputs("  custrelease --help | --version\n"
	    "\n"
	    "Release reseller customers and all their products, offline and "
	    "in bulk.\n"
	    "\n"
	    "options:\n"
	    "  --export PATH         organization export: CSV folder, archive "
	    "or XML file\n"
	    "  --manifest PATH       release requests (CSV or XML)\n"
	    "  --out DIR             where runs are committed\n"
	    "  --now TIME            run time, 2026-11-30T02:00:00Z (else "
	    "SOURCE_DATE_EPOCH,\n"
	    "                        else the clock)\n"
	    "  --token-key FILE      HMAC key for claim tokens (>= 32 bytes)\n"
	    "  --claim-url URL       claim link prefix\n"
	    "  --claim-ttl DAYS      claim link lifetime (default 14)\n"
	    "  --from ADDR           From address of the claim emails\n"
	    "  --templates DIR       claim email templates\n"
	    "  --bundle-format FMT   tar.gz (default), tar.zst or zip\n"
	    "  --config FILE         key = value defaults (the command line "
	    "wins)\n"
	    "  --strict              any broken export row is an input error\n"
	    "  --quiet               no progress line, no summary on stdout\n"
	    "  --json                plan: machine-readable output\n"
	    "  --memory MB           plan: memory budget (default 256); a "
	    "larger manifest\n"
	    "                        is decided in parts\n"
	    "  --signing-key FILE    run: sign the bundle with this OpenSSH "
	    "Ed25519 key\n"
	    "  --allowed-signers FILE  verify: check the signature against "
	    "these keys\n"
	    "  --require-signature   verify: an unsigned bundle is a problem\n"
	    "  --chain               verify: bundles (or OUT) as one chain of "
	    "nights\n"
	    "\n"
	    "exit: 0 done, 1 some rejected (check: problems), 2 usage, "
	    "65 bad input,\n"
	    "      73 cannot create OUT, 74 I/O error, 75 OUT is locked\n"
	    "See custrelease(1).\n", f);
}

/*
 * A closed stdin, stdout or stderr (2>&- in a crontab) would be the next
 * file opened: a diagnostic would then be written into a record.  Such a
 * descriptor is opened on /dev/null first.
 */
static void
std_fds_open(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
			continue;
		if (open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) != fd)
			abort();	/* the lowest free descriptor is fd */
	}
}

int
main(int argc, char **argv)
{
	const struct cr_cmd *const *c, *cmd = NULL;
	struct cr_options o;
	int ch, rc, longindex = 0;

	setlocale(LC_CTYPE, "C.UTF-8");
	std_fds_open();
	cr_diag_set_stream(stderr);	/* the error handle's records */
	memset(&o, 0, sizeof o);

	if (argc < 2)
		return cr_cmd_exit_code(cr_cmd_usage_error(NULL,
		    "no command given"));
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return CR_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("custrelease %s\n", PACKAGE_VERSION);
		return CR_EXIT_OK;
	}
	for (c = commands; *c != NULL; c++) {
		if (strcmp((*c)->name, argv[1]) == 0)
			cmd = *c;
	}
	if (cmd == NULL)
		return cr_cmd_exit_code(cr_cmd_usage_error(NULL,
		    "unknown command \"%s\"", argv[1]));

	argc--;
	argv++;
	if (cmd == &cr_cmd_send)	/* parses its own options */
		return cr_cmd_exit_code(cr_cmd_send_main(argc, argv));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", long_options,
	    &longindex)) != -1) {
		if (opt_bit(ch) != 0 && (cmd->options & opt_bit(ch)) == 0)
			return cr_cmd_exit_code(cr_cmd_usage_error(cmd,
			    "%s does not take --%s", cmd->name,
			    long_options[longindex].name));
		switch (ch) {
		case OPT_EXPORT: o.export_path = optarg; break;
		case OPT_MANIFEST: o.manifest_path = optarg; break;
		case OPT_OUT: o.out_dir = optarg; break;
		case OPT_NOW: o.now = optarg; break;
		case OPT_TOKEN_KEY: o.token_key = optarg; break;
		case OPT_CLAIM_URL: o.claim_url = optarg; break;
		case OPT_CLAIM_TTL: o.claim_ttl = optarg; break;
		case OPT_FROM: o.from = optarg; break;
		case OPT_TEMPLATES: o.templates = optarg; break;
		case OPT_BUNDLE_FORMAT: o.bundle_format = optarg; break;
		case OPT_CONFIG: o.config = optarg; break;
		case OPT_SIGNING_KEY: o.signing_key = optarg; break;
		case OPT_ALLOWED_SIGNERS: o.allowed_signers = optarg; break;
		case OPT_REQUIRE_SIGNATURE: o.require_signature = 1; break;
		case OPT_CHAIN: o.chain = 1; break;
		case OPT_MEMORY: o.memory = optarg; break;
		case OPT_STRICT: o.strict = 1; break;
		case OPT_QUIET: o.quiet = 1; break;
		case OPT_JSON: o.json = 1; break;
		case 'h':
		case OPT_HELP:
			usage(stdout);
			return CR_EXIT_OK;
		case OPT_VERSION:
			printf("custrelease %s\n", PACKAGE_VERSION);
			return CR_EXIT_OK;
		case ':':
			return cr_cmd_exit_code(cr_cmd_usage_error(cmd,
			    "option %s needs a value", argv[optind - 1]));
		default:
			return cr_cmd_exit_code(cr_cmd_usage_error(cmd,
			    "unknown option %s", argv[optind - 1]));
		}
	}
	o.argc = argc - optind;
	o.argv = argv + optind;
	if (o.config != NULL &&
	    (rc = cr_config_apply(o.config, cmd->options, &o)) != 0)
		return cr_cmd_exit_code(rc);
	rc = cmd->exec(&o);
	cr_config_free();
	return cr_cmd_exit_code(rc);
}
