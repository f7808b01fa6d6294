/*
 * template-render.c -- rendering a loaded claim email template for one
 * customer (cr_templates_render, template.h).
 *
 * Rendering is a walk over the node ranges template.c built: text is
 * copied, a value is looked up in the email (struct cr_email) and escaped
 * for HTML in .html parts, an enumerated value goes through its map, and
 * a section repeats or is kept according to its list or value.  It
 * deliberately checks nothing: every placeholder was checked at load time,
 * so no input can reach an unknown name here.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "email.h"
#include "outfile.h"
#include "template.h"
#include "template-private.h"

struct trender {
	const struct cr_template_data	*d;
	const struct tmpl		*t;
	struct cr_outfile		*out;
	int				 html;
	size_t				 item;		/* in a loop */
	char				 num[7][48];	/* expiry, count */
};

static const char *
trender_value(const struct trender *r, int v)
{
	const struct cr_email *m = r->d->email;
	const char *s = NULL;

	switch (v) {
	case V_FIRSTNAME: s = m->firstname; break;
	case V_LASTNAME: s = m->lastname; break;
	case V_EMAIL: s = m->email; break;
	case V_RESELLER: s = m->reseller; break;
	case V_CLAIM_LINK: s = r->d->claim_link; break;
	case V_EXPIRES_ISO: s = r->num[0]; break;
	case V_EXPIRES_DAY: s = r->num[1]; break;
	case V_EXPIRES_MONTH: s = r->num[2]; break;
	case V_EXPIRES_YEAR: s = r->num[3]; break;
	case V_EXPIRES_TIME: s = r->num[4]; break;
	case V_EXPIRES_WEEKDAY: s = r->num[5]; break;
	case V_IMPORT_ACCOUNT: s = m->import_account; break;
	case V_PRODUCT_COUNT: s = r->num[6]; break;
	case V_REQUEST_ID: s = m->request_id; break;
	case V_CUSTOMER_ID: s = m->customer_id; break;
	case V_RUN_ID: s = m->run_id; break;
	case V_SUBJECT: s = r->d->subject; break;
	case V_P_KIND: s = m->products[r->item].kind; break;
	case V_P_NAME: s = m->products[r->item].name; break;
	case V_S_NAME: s = m->shares[r->item].name; break;
	case V_S_USERNAME: s = m->shares[r->item].username; break;
	case V_C_NAME: s = m->contacts[r->item].name; break;
	case V_C_ROLE: s = m->contacts[r->item].role; break;
	case V_C_OLD_EMAIL: s = m->contacts[r->item].old_email; break;
	case V_C_NEW_EMAIL: s = m->contacts[r->item].new_email; break;
	default: break;
	}
	return s != NULL ? s : "";
}

static size_t
trender_count(const struct trender *r, int v)
{
	const struct cr_email *m = r->d->email;

	switch (v) {
	case V_PRODUCTS: return m->nproducts;
	case V_SHARES: return m->nshares;
	case V_CONTACTS: return m->ncontacts;
	case V_CHANGE_OWNER: return m->change_owner_required != 0;
	default: return trender_value(r, v)[0] != '\0';
	}
}

static void
trender_escaped(struct trender *r, const char *s)
{
	const char *p;

	if (!r->html) {
		cr_outfile_puts(r->out, s);
		return;
	}
	for (p = s; *p != '\0'; p++) {
		switch (*p) {
		case '&': cr_outfile_puts(r->out, "&amp;"); break;
		case '<': cr_outfile_puts(r->out, "&lt;"); break;
		case '>': cr_outfile_puts(r->out, "&gt;"); break;
		case '"': cr_outfile_puts(r->out, "&quot;"); break;
		case '\'': cr_outfile_puts(r->out, "&#39;"); break;
		default: cr_outfile_putc(r->out, *p); break;
		}
	}
}

static void
trender_range(struct trender *r, size_t i, size_t end)
{
	const struct tnode *nd;
	const char *s;
	size_t k, n;

	while (i < end) {
		nd = &r->t->nodes[i];
		switch (nd->kind) {
		case TN_TEXT:
			cr_outfile_write(r->out, r->t->text + nd->off,
			    nd->len);
			break;
		case TN_VAR:
			s = trender_value(r, nd->var);
			if (nd->map != NULL) {
				for (k = 0; template_vars[nd->var].values[k] != NULL;
				    k++)
					if (strcmp(template_vars[nd->var].values[k],
					    s) == 0)
						break;
				if (template_vars[nd->var].values[k] != NULL &&
				    nd->map[k] != NULL) {
					cr_outfile_puts(r->out, nd->map[k]);
					break;
				}
			}
			trender_escaped(r, s);
			break;
		case TN_LOOP:
			n = trender_count(r, nd->var);
			for (k = 0; k < n; k++) {
				r->item = k;
				trender_range(r, i + 1, nd->end);
			}
			i = nd->end;
			continue;
		case TN_IF:
		case TN_IFNOT:
			if ((trender_count(r, nd->var) != 0) ==
			    (nd->kind == TN_IF))
				trender_range(r, i + 1, nd->end);
			i = nd->end;
			continue;
		}
		i++;
	}
}

char *
cr_templates_render(const struct cr_templates *ts, const char *lang,
    enum cr_template_part part, const struct cr_template_data *d,
    size_t *len)
{
	const struct tlang *tl = template_find(ts, lang, strlen(lang));
	struct trender r;
	struct tm tm;
	time_t t = d->email->expires;
	char *s;

	if (tl == NULL || !tl->have[part])
		return NULL;
	memset(&r, 0, sizeof r);
	r.d = d;
	r.t = &tl->part[part];
	r.html = part == CR_TEMPLATE_HTML;
	r.out = cr_outfile_mem("template");
	if (gmtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof tm);
	snprintf(r.num[0], sizeof r.num[0], "%04d-%02d-%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
	snprintf(r.num[1], sizeof r.num[1], "%d", tm.tm_mday);
	snprintf(r.num[2], sizeof r.num[2], "%d", tm.tm_mon + 1);
	snprintf(r.num[3], sizeof r.num[3], "%d", tm.tm_year + 1900);
	snprintf(r.num[4], sizeof r.num[4], "%02d:%02d", tm.tm_hour,
	    tm.tm_min);
	/* ISO weekday: 1 = Monday. */
	snprintf(r.num[5], sizeof r.num[5], "%d",
	    tm.tm_wday == 0 ? 7 : tm.tm_wday);
	snprintf(r.num[6], sizeof r.num[6], "%zu", d->email->nproducts);
	trender_range(&r, 0, r.t->n);
	s = cr_outfile_mem_take(r.out, len);
	cr_outfile_discard(r.out);
	return s;
}
