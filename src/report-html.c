/*
 * report-html.c -- data/report.html of the audit bundle: the same as
 * report.txt as one self-contained page, readable offline (inline CSS and
 * an inline SVG chart; no script, font, image or link to anything outside
 * it, as its Content-Security-Policy says), every value HTML-escaped.  It
 * reads the records through report.c and computes nothing they do not
 * say.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistr.h>

#include "bag.h"
#include "outfile.h"
#include "report.h"
#include "xmalloc.h"

/* HTML text or attribute value: & < > " ' escaped, bad UTF-8 as U+FFFD. */
static void
html_put(struct cr_outfile *o, const char *s)
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
			} else {
				cr_outfile_puts(o, "\xEF\xBF\xBD");
				p++;
			}
			continue;
		}
		switch (*p) {
		case '&': cr_outfile_puts(o, "&amp;"); break;
		case '<': cr_outfile_puts(o, "&lt;"); break;
		case '>': cr_outfile_puts(o, "&gt;"); break;
		case '"': cr_outfile_puts(o, "&quot;"); break;
		case '\'': cr_outfile_puts(o, "&#39;"); break;
		case '\t': case '\n':
			cr_outfile_putc(o, *p);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				cr_outfile_printf(o, "\\x%02X", *p);
			else
				cr_outfile_putc(o, *p);
		}
		p++;
	}
}

/* ---- report.html ------------------------------------------------------------ */

static const char rep_css[] =
    "body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;"
    "max-width:72rem;padding:1.5rem;color:#1d2329;background:#fff}"
    "h1{margin:0 0 .25rem;font-size:1.6rem}"
    "h2{margin-top:2rem;border-bottom:2px solid #d8dee4;"
    "padding-bottom:.2rem;font-size:1.2rem}"
    "h3{font-size:1rem;margin:1.2rem 0 .3rem}"
    "table{border-collapse:collapse;width:100%;margin:.4rem 0}"
    "th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;"
    "border-bottom:1px solid #e4e8ec}"
    "th{background:#f3f5f7;font-weight:600}"
    "table.kv th{width:14rem}"
    "code,.mono{font-family:ui-monospace,monospace;font-size:.88em;"
    "overflow-wrap:anywhere}"
    ".scroll{overflow-x:auto}td.msg{min-width:12rem}"
    ".codes{font-family:ui-monospace,monospace;font-size:.88em;"
    "white-space:nowrap}"
    ".badge{display:inline-block;padding:0 .45rem;border-radius:.6rem;"
    "font-size:.85em;font-weight:600}"
    ".released{background:#dcf2e0;color:#14532d}"
    ".skipped{background:#e8eaed;color:#333}"
    ".rejected{background:#fbe0e0;color:#7f1d1d}"
    "pre{background:#f3f5f7;padding:.6rem .8rem;overflow-x:auto}"
    "svg text{font:13px system-ui,sans-serif;fill:#1d2329}"
    "footer{margin-top:2rem;color:#5b6670;font-size:.85em}"
    /* on paper: A4, nothing scrolled out of sight, no row split */
    "@page{size:A4;margin:12mm}"
    "@media print{body{max-width:none;margin:0;font-size:9pt}"
    ".scroll{overflow:visible}"
    "table{table-layout:auto}thead{display:table-header-group}"
    "tr,pre,svg{break-inside:avoid}"
    "h2,h3{break-after:avoid}"
    "td,th,.codes{white-space:normal;overflow-wrap:anywhere}}";

static void
html_kv(struct cr_outfile *o, const char *k, const char *v, int mono)
{
	cr_outfile_puts(o, "<tr><th>");
	html_put(o, k);
	cr_outfile_puts(o, mono ? "</th><td class=\"mono\">" : "</th><td>");
	html_put(o, v);
	cr_outfile_puts(o, "</td></tr>\n");
}

static void
html_run(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const struct cr_json *ex, *e, *opt;
	unsigned long n;
	const char *v;
	char num[32];
	size_t i;

	cr_outfile_puts(o, "<section id=\"run\"><h2>Run</h2>\n"
	    "<table class=\"kv\">\n");
	html_kv(o, "Run id", r->in->run_id, 1);
	html_kv(o, "Run time", rep_sum_str(r, "run_time", r->run_time), 1);
	html_kv(o, "custrelease version",
	    rep_sum_str(r, "version", PACKAGE_VERSION), 0);
	if (r->sum != NULL && cr_json_uint(r->sum, "exit_status", &n)) {
		snprintf(num, sizeof num, "%lu", n);
		html_kv(o, "Exit status", num, 0);
	}
	if (r->sum == NULL)
		html_kv(o, "summary.json", "absent or unreadable", 0);
	opt = r->sum != NULL ? cr_json_get(r->sum, "options") : NULL;
	for (i = 0; opt != NULL && opt->type == CR_JSON_OBJECT && i < opt->n;
	    i++)
		if ((v = rep_scalar(&opt->items[i])) != NULL) {
			char *k;

			xasprintf(&k, "option %s", opt->keys[i]);
			html_kv(o, k, v, 0);
			free(k);
		}
	cr_outfile_puts(o, "</table></section>\n");

	cr_outfile_puts(o, "<section id=\"inputs\"><h2>Inputs</h2>\n"
	    "<table><tr><th>Role</th><th>File</th><th>SHA-256</th></tr>\n"
	    "<tr><td>manifest</td><td>");
	html_put(o, rep_sum_str(r, "inputs.manifest.name", "?"));
	if (r->in->manifest_name != NULL) {
		cr_outfile_puts(o, " (in the bag: <code>data/");
		html_put(o, r->in->manifest_name);
		cr_outfile_puts(o, "</code>)");
	}
	cr_outfile_puts(o, "</td><td class=\"mono\">");
	html_put(o, rep_sum_str(r, "inputs.manifest.sha256", "?"));
	cr_outfile_puts(o, "</td></tr>\n");
	ex = r->sum != NULL ? cr_json_get(r->sum, "inputs.export") : NULL;
	for (i = 0; ex != NULL && ex->type == CR_JSON_ARRAY && i < ex->n;
	    i++) {
		e = &ex->items[i];
		cr_outfile_puts(o, "<tr><td>export</td><td>");
		html_put(o, cr_json_str(e, "name") ? cr_json_str(e, "name")
		    : "?");
		cr_outfile_puts(o, "</td><td class=\"mono\">");
		html_put(o, cr_json_str(e, "sha256") ? cr_json_str(e, "sha256")
		    : "?");
		cr_outfile_puts(o, "</td></tr>\n");
	}
	cr_outfile_puts(o, "</table>\n<p>Every export file is also listed in "
	    "<code>data/inputs.sha256</code>.</p></section>\n");
}

static const char *
rep_color(const char *label)
{
	if (strcmp(label, "released") == 0)
		return "#2f855a";
	if (strcmp(label, "rejected") == 0 || label[0] == 'E')
		return "#c53030";
	if (label[0] == 'W')
		return "#b7791f";
	return "#718096";
}

static void
html_bar(struct cr_outfile *o, unsigned y, const char *label,
    unsigned long n, unsigned long max)
{
	unsigned w = max > 0 ? (unsigned)((n * 420 + max - 1) / max) : 0;

	cr_outfile_printf(o, "<text x=\"210\" y=\"%u\" text-anchor=\"end\">",
	    y + 14);
	html_put(o, label);
	cr_outfile_printf(o, "</text><rect x=\"220\" y=\"%u\" width=\"%u\" "
	    "height=\"18\" fill=\"%s\"><title>", y + 1, w, rep_color(label));
	html_put(o, label);
	cr_outfile_printf(o, ": %lu</title></rect><text x=\"%u\" y=\"%u\">"
	    "%lu</text>\n", n, 226 + w, y + 14, n);
}

static void
html_counts(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const struct cr_bag_counts *c = &r->counts;
	unsigned long max, n;
	unsigned y, h;
	size_t i;

	cr_outfile_puts(o, "<section id=\"counts\"><h2>Outcomes and "
	    "codes</h2>\n");
	if (r->dec == NULL) {
		cr_outfile_puts(o, "<p>decisions.csv is absent.</p>"
		    "</section>\n");
		return;
	}
	cr_outfile_printf(o, "<p>%lu requests: %lu released, %lu skipped, "
	    "%lu rejected", c->requests, c->released, c->skipped,
	    c->rejected);
	if (r->own != NULL)
		cr_outfile_printf(o, "; %zu products released", r->own->nrows);
	if (r->sum != NULL && cr_json_uint(r->sum, "counts.emails", &n))
		cr_outfile_printf(o, "; %lu claim emails", n);
	cr_outfile_puts(o, ".</p>\n");
	max = c->released;
	if (c->skipped > max)
		max = c->skipped;
	if (c->rejected > max)
		max = c->rejected;
	for (i = 0; i < c->ncodes; i++)
		if (c->codes[i].n > max)
			max = c->codes[i].n;
	h = (unsigned)(3 + c->ncodes) * 24 + (c->ncodes > 0 ? 16 : 0) + 8;
	cr_outfile_printf(o, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
	    "role=\"img\" width=\"720\" height=\"%u\" viewBox=\"0 0 720 %u\" "
	    "aria-labelledby=\"chart-title\"><title id=\"chart-title\">"
	    "Requests by outcome and by code</title>\n", h, h);
	y = 4;
	html_bar(o, y, "released", c->released, max);
	html_bar(o, y += 24, "skipped", c->skipped, max);
	html_bar(o, y += 24, "rejected", c->rejected, max);
	y += 24;
	if (c->ncodes > 0) {
		cr_outfile_printf(o, "<line x1=\"0\" x2=\"720\" y1=\"%u\" "
		    "y2=\"%u\" stroke=\"#d8dee4\"/>\n", y + 7, y + 7);
		y += 16;
	}
	for (i = 0; i < c->ncodes; i++, y += 24)
		html_bar(o, y, c->codes[i].code, c->codes[i].n, max);
	cr_outfile_puts(o, "</svg>\n<table><tr><th>Code</th><th>Requests"
	    "</th></tr>\n");
	for (i = 0; i < c->ncodes; i++) {
		cr_outfile_puts(o, "<tr><td><code>");
		html_put(o, c->codes[i].code);
		cr_outfile_printf(o, "</code></td><td>%lu</td></tr>\n",
		    c->codes[i].n);
	}
	cr_outfile_puts(o, "</table></section>\n");
}

/* A codes cell: one code a line, never broken inside a code. */
static void
html_codes(struct cr_outfile *o, const char *codes)
{
	const char *p = codes;
	size_t n;
	char *one;

	cr_outfile_puts(o, "<td class=\"codes\">");
	while (*p != '\0') {
		n = strcspn(p, ";");
		one = xmemdup0(p, n);
		html_put(o, one);
		free(one);
		p += n;
		if (*p == ';') {
			cr_outfile_puts(o, ";<br>");
			p++;
		}
	}
	cr_outfile_puts(o, "</td>");
}

static void
html_requests(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const char *out, *v;
	size_t j;
	int more;

	if (r->dec == NULL)
		return;
	cr_outfile_puts(o, "<section id=\"requests\"><h2>Requests</h2>\n"
	    "<p>In manifest order; <em>line</em> is the manifest line.</p>\n"
	    "<div class=\"scroll\"><table><tr>");
	for (j = 0; j < REP_NREQ; j++) {
		cr_outfile_puts(o, "<th>");
		html_put(o, rep_req_cols[j]);
		cr_outfile_puts(o, "</th>");
	}
	cr_outfile_puts(o, "</tr>\n");
	for (more = rep_first(r, r->dec); more; more = rep_next(r)) {
		cr_outfile_puts(o, "<tr>");
		for (j = 0; j < REP_NREQ; j++) {
			v = rep_cell(r, r->dec, rep_req_cols[j]);
			if (j == 4) {
				out = strcmp(v, "released") == 0 ||
				    strcmp(v, "skipped") == 0 ||
				    strcmp(v, "rejected") == 0 ? v : "skipped";
				cr_outfile_printf(o, "<td><span class=\"badge "
				    "%s\">", out);
				html_put(o, v);
				cr_outfile_puts(o, "</span></td>");
				continue;
			}
			if (j == 5) {
				html_codes(o, v);
				continue;
			}
			cr_outfile_puts(o, j == 1 || j == 2 || j == 3 ?
			    "<td class=\"mono\">" : j == 7 ?
			    "<td class=\"msg\">" : "<td>");
			html_put(o, v);
			cr_outfile_puts(o, "</td>");
		}
		cr_outfile_puts(o, "</tr>\n");
	}
	cr_outfile_puts(o, "</table></div></section>\n");
}

static void
html_products(struct cr_report *r)
{
	struct cr_outfile *o = r->o;
	const char *cust, *prev;
	int more;

	cr_outfile_puts(o, "<section id=\"products\"><h2>Products released, "
	    "per customer</h2>\n");
	if (r->own == NULL || r->own->nrows == 0) {
		cr_outfile_puts(o, "<p>None.</p></section>\n");
		return;
	}
	for (more = rep_first(r, r->own); more; more = rep_next(r)) {
		cust = cr_bag_value(rep_custkey(r));
		prev = rep_prevkey(r);
		if (prev == NULL || strcmp(cr_bag_value(prev), cust) != 0) {
			if (prev != NULL)
				cr_outfile_puts(o, "</table>\n");
			cr_outfile_puts(o, "<h3>Customer <code>");
			html_put(o, cust);
			cr_outfile_puts(o, "</code></h3>\n<p>Request <code>");
			html_put(o, rep_cell(r, r->own, "request_id"));
			cr_outfile_puts(o, "</code>, released by <code>");
			html_put(o, rep_cell(r, r->own, "from_reseller_id"));
			cr_outfile_puts(o, "</code> to <code>");
			html_put(o, rep_cell(r, r->own, "to"));
			cr_outfile_puts(o, "</code>");
			if (strcmp(rep_cell(r, r->own,
			    "change_owner_required"), "true") == 0)
				cr_outfile_puts(o, "; change of owner "
				    "required");
			cr_outfile_puts(o, ".</p>\n<table><tr><th>Kind</th>"
			    "<th>Name</th><th>Product id</th>"
			    "<th>Effective at</th></tr>\n");
		}
		cr_outfile_puts(o, "<tr><td>");
		html_put(o, rep_cell(r, r->own, "kind"));
		cr_outfile_puts(o, "</td><td>");
		html_put(o, rep_cell(r, r->own, "name"));
		cr_outfile_puts(o, "</td><td class=\"mono\">");
		html_put(o, rep_cell(r, r->own, "product_id"));
		cr_outfile_puts(o, "</td><td class=\"mono\">");
		html_put(o, rep_cell(r, r->own, "effective_at"));
		cr_outfile_puts(o, "</td></tr>\n");
	}
	cr_outfile_puts(o, "</table></section>\n");
}

/* The bundle's file name, as the run named it. */
static void
html_bundle_name(struct cr_report *r)
{
	if (r->in->bundle_name != NULL)
		html_put(r->o, r->in->bundle_name);
	else {
		cr_outfile_puts(r->o, "audit-");
		html_put(r->o, r->in->run_id);
		cr_outfile_puts(r->o, ".tar.gz");
	}
}

static void
html_signature(struct cr_report *r)
{
	struct cr_outfile *o = r->o;

	if (r->in->signer == NULL) {
		cr_outfile_puts(o, "<p>This bundle is <strong>not signed"
		    "</strong>: its checksums show that the files are the ones "
		    "bagged, not who bagged them.</p>\n");
		return;
	}
	cr_outfile_puts(o, "<p>This bundle is <strong>signed</strong> by the "
	    "Ed25519 key <code>");
	html_put(o, r->in->signer);
	cr_outfile_puts(o, "</code> (the signer's own claim: the check is "
	    "below). With OpenSSH, in the extracted directory, and the "
	    "signer's public key in an <code>allowed_signers</code> file:"
	    "</p>\n<pre>ssh-keygen -Y verify -f allowed_signers -I SIGNER "
	    "-n custrelease \\\n    -s tagmanifest-sha256.txt.sig &lt; "
	    "tagmanifest-sha256.txt</pre>\n<p>or <code>custrelease verify "
	    "--allowed-signers allowed_signers</code> on the bundle.</p>\n");
}

static void
html_verify(struct cr_report *r)
{
	struct cr_outfile *o = r->o;

	cr_outfile_puts(o, "<section id=\"verify\"><h2>How to verify this "
	    "bundle</h2>\n<p>This bundle is a BagIt 1.0 bag (RFC 8493). "
	    "With custrelease:</p>\n<pre>custrelease verify ");
	html_bundle_name(r);
	cr_outfile_puts(o, "</pre>\n<p>checks every "
	    "checksum, that no file is missing or added, the Payload-Oxum, "
	    "and that the records agree with each other and with "
	    "<code>summary.json</code>. Without it, in the extracted "
	    "directory <code>audit-");
	html_put(o, r->in->run_id);
	cr_outfile_puts(o, "/</code>:</p>\n<pre>sha256sum -c "
	    "tagmanifest-sha256.txt\nsha256sum -c manifest-sha256.txt</pre>\n"
	    "<p>and compare <code>Payload-Oxum</code> in "
	    "<code>bag-info.txt</code> (bytes.files under <code>data/</code>) "
	    "with the files present; no file under <code>data/</code> may be "
	    "missing from <code>manifest-sha256.txt</code>. Claim tokens never "
	    "appear in this bundle: emails carry <code>REDACTED</code> "
	    "instead.</p>\n");
	html_signature(r);
	cr_outfile_puts(o, "</section>\n");
}

static void
html_page(struct cr_report *r)
{
	struct cr_outfile *o = r->o;

	cr_outfile_puts(o, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\""
	    "default-src 'none'; style-src 'unsafe-inline'\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>Audit report, run ");
	html_put(o, r->in->run_id);
	cr_outfile_printf(o, "</title>\n<style>%s</style>\n</head>\n<body>\n"
	    "<header><h1>custrelease audit report</h1><p>Run <code>",
	    rep_css);
	html_put(o, r->in->run_id);
	cr_outfile_puts(o, "</code></p></header>\n<main>\n");
	html_run(r);
	html_counts(r);
	html_requests(r);
	html_products(r);
	html_verify(r);
	cr_outfile_printf(o, "</main>\n<footer>Written by custrelease %s. "
	    "This page loads nothing from outside itself.</footer>\n"
	    "</body>\n</html>\n", PACKAGE_VERSION);
}

int
cr_report_html(struct cr_report *r, struct cr_outfile *o)
{
	r->o = o;
	html_page(r);
	cr_bag_row_free(&r->cur);
	return r->rc;
}
