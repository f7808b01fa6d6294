/*
 * report-txt.c -- data/report.txt of the audit bundle: the run, its
 * inputs, the counts, every request and every product released, and how
 * to verify the bundle, in plain text (control characters as \xHH).  It
 * reads the records through report.c and computes nothing they do not
 * say.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <string.h>

#include <unistr.h>

#include "bag.h"
#include "outfile.h"
#include "report.h"

/* Plain text: valid UTF-8 as is, control bytes and bad bytes as \xHH. */
static void
txt_put(struct cr_outfile *o, const char *s)
{
	const uint8_t *p = (const uint8_t *)s, *end = p + strlen(s);
	ucs4_t uc;
	int n;

	while (p < end) {
		if (*p >= 0x80) {
			n = u8_mbtoucr(&uc, p, (size_t)(end - p));
			if (n > 0) {
				cr_outfile_write(o, p, (size_t)n);
				p += n;
				continue;
			}
		} else if (*p >= 0x20 && *p != 0x7f) {
			cr_outfile_putc(o, *p++);
			continue;
		}
		cr_outfile_printf(o, "\\x%02X", *p++);
	}
}

/* ---- report.txt ------------------------------------------------------------ */

static void
txt_kv(struct cr_outfile *o, const char *k, const char *v)
{
	cr_outfile_printf(o, "  %-24s ", k);
	txt_put(o, v);
	cr_outfile_putc(o, '\n');
}

static void
txt_heading(struct cr_outfile *o, const char *h)
{
	size_t n = strlen(h);

	cr_outfile_printf(o, "\n%s\n", h);
	while (n-- > 0)
		cr_outfile_putc(o, '-');
	cr_outfile_putc(o, '\n');
}

static void
txt_inputs(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const struct cr_json *ex, *e;
	size_t i;

	txt_heading(o, "Inputs (SHA-256)");
	cr_outfile_puts(o, "  manifest  ");
	txt_put(o, rep_sum_str(r, "inputs.manifest.sha256", "?"));
	cr_outfile_puts(o, "  ");
	txt_put(o, rep_sum_str(r, "inputs.manifest.name", "?"));
	if (r->in->manifest_name != NULL) {
		cr_outfile_puts(o, " (in the bag as data/");
		txt_put(o, r->in->manifest_name);
		cr_outfile_putc(o, ')');
	}
	cr_outfile_putc(o, '\n');
	ex = r->sum != NULL ? cr_json_get(r->sum, "inputs.export") : NULL;
	for (i = 0; ex != NULL && ex->type == CR_JSON_ARRAY && i < ex->n;
	    i++) {
		e = &ex->items[i];
		cr_outfile_puts(o, "  export    ");
		txt_put(o, cr_json_str(e, "sha256") ? cr_json_str(e, "sha256")
		    : "?");
		cr_outfile_puts(o, "  ");
		txt_put(o, cr_json_str(e, "name") ? cr_json_str(e, "name")
		    : "?");
		cr_outfile_putc(o, '\n');
	}
	cr_outfile_puts(o, "  (every export file is also listed in "
	    "data/inputs.sha256)\n");
}

static void
txt_run(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const struct cr_json *opt;
	const char *v;
	unsigned long n;
	char num[32];
	size_t i;

	cr_outfile_puts(o, "custrelease audit report\n"
	    "========================\n\n");
	txt_kv(o, "Run id", r->in->run_id);
	txt_kv(o, "Run time", rep_sum_str(r, "run_time", r->run_time));
	txt_kv(o, "custrelease version",
	    rep_sum_str(r, "version", PACKAGE_VERSION));
	if (r->sum != NULL && cr_json_uint(r->sum, "exit_status", &n)) {
		snprintf(num, sizeof num, "%lu", n);
		txt_kv(o, "Exit status", num);
	}
	if (r->sum == NULL)
		txt_kv(o, "summary.json", "absent or unreadable");
	txt_inputs(r);
	opt = r->sum != NULL ? cr_json_get(r->sum, "options") : NULL;
	if (opt != NULL && opt->type == CR_JSON_OBJECT && opt->n > 0) {
		txt_heading(o, "Options");
		for (i = 0; i < opt->n; i++)
			if ((v = rep_scalar(&opt->items[i])) != NULL)
				txt_kv(o, opt->keys[i], v);
	}
}

static void
txt_counts(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const struct cr_bag_counts *c = &r->counts;
	unsigned long n;
	size_t i;

	txt_heading(o, "Outcomes");
	if (r->dec == NULL) {
		cr_outfile_puts(o, "  decisions.csv is absent\n");
		return;
	}
	cr_outfile_printf(o, "  %-24s %lu\n", "requests", c->requests);
	cr_outfile_printf(o, "  %-24s %lu\n", "released", c->released);
	cr_outfile_printf(o, "  %-24s %lu\n", "skipped", c->skipped);
	cr_outfile_printf(o, "  %-24s %lu\n", "rejected", c->rejected);
	if (r->own != NULL)
		cr_outfile_printf(o, "  %-24s %zu\n", "products released",
		    r->own->nrows);
	if (r->sum != NULL && cr_json_uint(r->sum, "counts.emails", &n))
		cr_outfile_printf(o, "  %-24s %lu\n", "claim emails", n);
	txt_heading(o, "Codes (requests carrying each)");
	if (c->ncodes == 0)
		cr_outfile_puts(o, "  none\n");
	for (i = 0; i < c->ncodes; i++) {
		cr_outfile_puts(o, "  ");
		txt_put(o, c->codes[i].code);
		cr_outfile_printf(o, "%*s %lu\n",
		    (int)(strlen(c->codes[i].code) < 24 ?
		    24 - strlen(c->codes[i].code) : 0), "", c->codes[i].n);
	}
}

static void
txt_requests(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const char *v;
	size_t j;
	int more;

	if (r->dec == NULL)
		return;
	txt_heading(o, "Requests (manifest order)");
	for (more = rep_first(r, r->dec); more; more = rep_next(r)) {
		cr_outfile_putc(o, '\n');
		for (j = 0; j < REP_NREQ; j++) {
			v = rep_cell(r, r->dec, rep_req_cols[j]);
			if (*v == '\0' && (j == 5 || j == 7))
				continue;
			txt_kv(o, rep_req_cols[j], v);
		}
	}
}

static void
txt_products(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const char *cust, *prev;
	int more;

	txt_heading(o, "Products released, per customer");
	if (r->own == NULL || r->own->nrows == 0) {
		cr_outfile_puts(o, "  none\n");
		return;
	}
	for (more = rep_first(r, r->own); more; more = rep_next(r)) {
		cust = cr_bag_value(rep_custkey(r));
		prev = rep_prevkey(r);
		if (prev == NULL || strcmp(cr_bag_value(prev), cust) != 0) {
			cr_outfile_puts(o, "\n  customer ");
			txt_put(o, cust);
			cr_outfile_puts(o, " (request ");
			txt_put(o, rep_cell(r, r->own, "request_id"));
			cr_outfile_puts(o, ", from ");
			txt_put(o, rep_cell(r, r->own, "from_reseller_id"));
			cr_outfile_puts(o, " to ");
			txt_put(o, rep_cell(r, r->own, "to"));
			if (strcmp(rep_cell(r, r->own,
			    "change_owner_required"), "true") == 0)
				cr_outfile_puts(o, ", change of owner "
				    "required");
			cr_outfile_puts(o, ")\n");
		}
		cr_outfile_puts(o, "    ");
		txt_put(o, rep_cell(r, r->own, "kind"));
		cr_outfile_puts(o, "  ");
		txt_put(o, rep_cell(r, r->own, "name"));
		cr_outfile_puts(o, "  (");
		txt_put(o, rep_cell(r, r->own, "product_id"));
		cr_outfile_puts(o, ")\n");
	}
}

static void
txt_signature(struct cr_report *r)
{
	struct cr_outfile *o = r->o;

	if (r->in->signer == NULL) {
		cr_outfile_puts(o, "\n  This bundle is not signed: its "
		    "checksums show that the files are\n  the ones bagged, not "
		    "who bagged them.\n");
		return;
	}
	cr_outfile_puts(o, "\n  This bundle is signed by the Ed25519 key\n"
	    "  ");
	txt_put(o, r->in->signer);
	cr_outfile_puts(o, "\n  (the signer's own claim).  With OpenSSH, in "
	    "the extracted directory,\n  and the signer's public key in an "
	    "allowed_signers file:\n\n"
	    "      ssh-keygen -Y verify -f allowed_signers -I SIGNER "
	    "-n custrelease \\\n"
	    "          -s tagmanifest-sha256.txt.sig < tagmanifest-sha256.txt"
	    "\n\n  or custrelease verify --allowed-signers allowed_signers "
	    "on the bundle.\n");
}

static void
txt_verify(struct cr_report *r)
{
	struct cr_outfile *o = r->o;

	txt_heading(o, "How to verify this bundle");
	cr_outfile_puts(o,
	    "  This bundle is a BagIt 1.0 bag (RFC 8493).  With custrelease:\n"
	    "\n      custrelease verify ");
	if (r->in->bundle_name != NULL)
		txt_put(o, r->in->bundle_name);
	else {
		cr_outfile_puts(o, "audit-");
		txt_put(o, r->in->run_id);
		cr_outfile_puts(o, ".tar.gz");
	}
	cr_outfile_puts(o, "\n\n"
	    "  checks every checksum, that no file is missing or added, the\n"
	    "  Payload-Oxum, and that the records agree with each other and\n"
	    "  with summary.json.  Without it, in the extracted directory\n"
	    "  audit-");
	txt_put(o, r->in->run_id);
	cr_outfile_puts(o, "/:\n\n"
	    "      sha256sum -c tagmanifest-sha256.txt\n"
	    "      sha256sum -c manifest-sha256.txt\n\n"
	    "  and compare Payload-Oxum in bag-info.txt (bytes.files under "
	    "data/)\n  with the files present; no file under data/ may be "
	    "missing from\n  manifest-sha256.txt.  Claim tokens never appear "
	    "in this bundle:\n  emails carry REDACTED instead.\n");
	txt_signature(r);
}

int
cr_report_txt(struct cr_report *r, struct cr_outfile *o)
{
	r->o = o;
	txt_run(r);
	txt_counts(r);
	txt_requests(r);
	txt_products(r);
	txt_verify(r);
	cr_bag_row_free(&r->cur);
	return r->rc;
}
