/*
 * mailer.c -- the claim emails of a run: copied out of the model, the
 * bundle's copies rendered on the caller's thread, the customers' copies
 * written by a thread of their own; see mailer.h.
 *
 * The two threads share the copied emails (read-only) and, under one
 * mutex, how many of them the caller has rendered and whether it is done
 * or has failed.  The mailer makes the only system calls of the emails/
 * directory: openat, fchmod, write and close through outfile.c, so that
 * a fault-injection shim sees them like any other.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "custrelease.h"
#include "decide.h"
#include "err.h"
#include "email.h"
#include "emit.h"
#include "mailer.h"
#include "outfile.h"
#include "rowcheck.h"
#include "xmalloc.h"

struct mailer_mail {
	struct cr_email	 em;
	char		*token;		/* in the arena: wiped at the end */
	size_t		 tokenlen;
};

struct cr_mailer {
	struct mailer_mail		*mails;
	size_t				 n;
	struct cr_arena			*arena;	/* every string and array */
	const struct cr_templates	*templates;
	int				 emails_fd;
	char				*display;

	pthread_mutex_t			 lock;
	pthread_cond_t			 cond;
	size_t				 ready;	/* mails [0, ready) may go */
	int				 done;	/* no more will come */
	int				 stop;	/* the caller failed */
	int				 rc;	/* the mailer's exit code */
	int				 running;
	pthread_t			 thread;
};

static const char *
mailer_dup(struct cr_arena **a, const char *s)
{
	return s != NULL ? cr_arena_memdup0(a, s, strlen(s)) : NULL;
}

/*
 * A value the email shows that docs/format.md 3 does not check (the reseller's name,
 * product and contact names, a replaced contact's email): each control
 * character (Cc: C0, DEL, C1) as one space, so that one stray newline in
 * an export row neither breaks the run nor reaches a header.  The records
 * keep the value as exported.
 */
static const char *
mailer_text(struct cr_arena **a, const char *s)
{
	char *d;
	size_t i, j, n;

	if (s == NULL)
		return NULL;
	d = cr_arena_memdup0(a, s, strlen(s));
	for (i = j = 0; d[i] != '\0'; i += n != 0 ? n : 1, j++) {
		n = cr_email_cc_len(d + i);
		d[j] = n != 0 ? ' ' : d[i];
	}
	d[j] = '\0';
	return d;
}

static void *
mailer_array(struct cr_arena **a, size_t n, size_t size)
{
	/* one spare element: never a zero-sized allocation */
	void *p = cr_arena_alloc(a, (n + 1) * size);

	memset(p, 0, (n + 1) * size);
	return p;
}

static const char *
mailer_reseller_name(const struct cr_rec *org)
{
	return org->val[ORG_ORGNAME] ? org->val[ORG_ORGNAME] :
	    org->val[ORG_NAME] ? org->val[ORG_NAME] : org->val[ORG_ID];
}

/* Copy what the email of request q needs into x. */
static void
mailer_copy(struct cr_mailer *ml, const struct cr_emit_opts *o,
    const struct cr_request *q, struct mailer_mail *x)
{
	const struct cr_customer *c = q->customer;
	struct cr_arena **a = &ml->arena;
	struct cr_email *em = &x->em;
	struct cr_email_product *prods;
	struct cr_email_share *shares;
	struct cr_email_contact *contacts;
	size_t i;

	memset(x, 0, sizeof *x);
	em->run_id = o->run_id;
	em->from = o->from;
	em->claim_url = o->claim_url;
	em->run_time = o->run_time;
	em->expires = cr_claim_expiry(o->run_time, o->ttl_days);
	em->request_id = mailer_dup(a, q->r.val[MAN_REQUEST_ID]);
	em->customer_id = mailer_dup(a, q->r.val[MAN_CUSTOMER_ID]);
	em->firstname = mailer_dup(a, c->r.val[CUS_FIRSTNAME]);
	em->lastname = mailer_dup(a, c->r.val[CUS_LASTNAME]);
	em->email = mailer_dup(a, c->r.val[CUS_EMAIL]);
	em->lang = mailer_dup(a, q->lang);
	em->reseller = mailer_text(a, mailer_reseller_name(q->org));
	x->tokenlen = strlen(q->token);
	x->token = cr_arena_memdup0(a, q->token, x->tokenlen);
	em->token = x->token;
	em->import_account = q->import_account != NULL ?
	    mailer_dup(a, q->import_account->val[ACC_USERNAME]) : NULL;
	em->change_owner_required = q->change_owner;

	prods = mailer_array(a, c->nproducts, sizeof *prods);
	for (i = 0; i < c->nproducts; i++) {
		prods[i].kind = mailer_dup(a, c->products[i]->r.val[PRD_KIND]);
		prods[i].name = mailer_text(a, c->products[i]->r.val[PRD_NAME]);
	}
	em->products = prods;
	em->nproducts = c->nproducts;
	shares = mailer_array(a, q->ngrants, sizeof *shares);
	for (i = 0; i < q->ngrants; i++) {
		shares[i].name = mailer_text(a, q->grants[i]->r.val[PRD_NAME]);
		shares[i].username = mailer_dup(a,
		    q->r.val[MAN_QUICKSHARE_TO]);
	}
	em->shares = shares;
	em->nshares = q->ngrants;
	contacts = mailer_array(a, q->nupdates, sizeof *contacts);
	for (i = 0; i < q->nupdates; i++) {
		contacts[i].name = mailer_text(a,
		    q->updates[i].product->r.val[PRD_NAME]);
		contacts[i].role = mailer_dup(a,
		    q->updates[i].contact->val[DC_ROLE]);
		contacts[i].old_email = mailer_text(a,
		    q->updates[i].contact->val[DC_EMAIL]);
		contacts[i].new_email = em->email;
	}
	em->contacts = contacts;
	em->ncontacts = q->nupdates;
}

struct cr_mailer *
cr_mailer_new(const struct cr_model *m, const struct cr_emit_opts *o,
    int emails_fd, const char *display)
{
	struct cr_mailer *ml = xcalloc(1, sizeof *ml);
	size_t i, n = 0;

	for (i = 0; i < m->nreq; i++)
		if (m->req[i].outcome == CR_RELEASED)
			n++;
	ml->mails = xcalloc(n + 1, sizeof *ml->mails);
	for (i = 0; i < m->nreq; i++)
		if (m->req[i].outcome == CR_RELEASED)
			mailer_copy(ml, o, &m->req[i], &ml->mails[ml->n++]);
	ml->templates = o->templates;
	ml->emails_fd = emails_fd;
	ml->display = xstrdup(display);
	return ml;
}

size_t
cr_mailer_count(const struct cr_mailer *ml)
{
	return ml->n;
}

const char *
cr_mailer_customer_id(const struct cr_mailer *ml, size_t i)
{
	return ml->mails[i].em.customer_id;
}

/* The customer's copy, with its token, into emails/<customer_id>.eml. */
static int
mailer_write(const struct cr_mailer *ml, const struct mailer_mail *x)
{
	struct cr_outfile *f;
	char *name, *display;
	int rc;

	xasprintf(&name, "%s.eml", x->em.customer_id);
	xasprintf(&display, "%s/emails/%s", ml->display, name);
	f = cr_outfile_open(ml->emails_fd, name, display);
	free(display);
	free(name);
	if (f == NULL)
		return CR_STATUS_IO;
	cr_outfile_nodigest(f);
	rc = cr_email_render(ml->templates, &x->em, 0, f);
	if (rc != 0) {
		cr_outfile_discard(f);
		return rc;
	}
	return cr_outfile_close(f);
}

static void *
mailer_main(void *arg)
{
	struct cr_mailer *ml = arg;
	size_t i = 0, avail;
	int rc = 0;

	while (rc == 0) {
		pthread_mutex_lock(&ml->lock);
		while (ml->ready <= i && !ml->done && !ml->stop)
			pthread_cond_wait(&ml->cond, &ml->lock);
		avail = ml->stop ? i : ml->ready;
		pthread_mutex_unlock(&ml->lock);
		if (avail <= i)
			break;
		for (; rc == 0 && i < avail; i++)
			rc = mailer_write(ml, &ml->mails[i]);
	}
	ml->rc = rc;
	return NULL;
}

int
cr_mailer_start(struct cr_mailer *ml)
{
	int err;

	pthread_mutex_init(&ml->lock, NULL);
	pthread_cond_init(&ml->cond, NULL);
	if ((err = pthread_create(&ml->thread, NULL, mailer_main, ml)) != 0) {
		pthread_cond_destroy(&ml->cond);
		pthread_mutex_destroy(&ml->lock);
		cr_err_set(ml->display, 0, "cannot start a thread: %s",
		    strerror(err));
		return CR_STATUS_IO;
	}
	ml->running = 1;
	return 0;
}

/* Mails [0, n) may go; done: no more will; stop: the caller failed. */
static void
mailer_publish(struct cr_mailer *ml, size_t n, int done, int stop)
{
	pthread_mutex_lock(&ml->lock);
	if (n > ml->ready)
		ml->ready = n;
	ml->done |= done;
	ml->stop |= stop;
	pthread_cond_signal(&ml->cond);
	pthread_mutex_unlock(&ml->lock);
}

int
cr_mailer_redacted(struct cr_mailer *ml, size_t i, struct cr_outfile *out)
{
	int rc = cr_email_render(ml->templates, &ml->mails[i].em, 1, out);

	if (rc == 0 && ml->running)
		mailer_publish(ml, i + 1, 0, 0);
	return rc;
}

int
cr_mailer_join(struct cr_mailer *ml, int failed)
{
	if (ml == NULL || !ml->running)
		return 0;
	mailer_publish(ml, 0, 1, failed);
	pthread_join(ml->thread, NULL);
	ml->running = 0;
	pthread_cond_destroy(&ml->cond);
	pthread_mutex_destroy(&ml->lock);
	return ml->rc;
}

void
cr_mailer_stop_fatal(void *arg)
{
	struct cr_mailer *ml = arg;

	if (ml != NULL && ml->running &&
	    !pthread_equal(pthread_self(), ml->thread))
		(void)cr_mailer_join(ml, 1);
}

void
cr_mailer_free(struct cr_mailer *ml)
{
	size_t i;

	if (ml == NULL)
		return;
	(void)cr_mailer_join(ml, 1);
	for (i = 0; i < ml->n; i++)
		explicit_bzero(ml->mails[i].token, ml->mails[i].tokenlen);
	cr_arena_free(ml->arena);
	free(ml->mails);
	free(ml->display);
	free(ml);
}
