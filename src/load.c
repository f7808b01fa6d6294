/*
 * load.c -- the read stage of run and plan: fills a struct cr_model (see
 * model.h) from the manifest, the committed runs of OUT and the export,
 * keeping only the rows the manifest touches.  It records what is broken
 * about the kept rows (row problems, duplicate keys, dangling references)
 * for decide.c to turn into E_EXPORT_INCONSISTENT; it decides nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "custrelease.h"
#include "err.h"
#include "export.h"
#include "hash.h"
#include "history.h"
#include "model.h"
#include "read.h"
#include "rowcheck.h"
#include "rundir.h"
#include "seen.h"
#include "stream.h"
#include "verify-stream.h"
#include "xmalloc.h"

static struct cr_map *
load_map(struct cr_map **m)
{
	if (*m == NULL)
		*m = cr_map_new();
	return *m;
}

/* Was memo c made for key v in map?  (NULL maps are never remembered.) */
static int
load_memo_same(const struct cr_memo *c, const struct cr_map *map,
    const char *v, size_t len)
{
	return map != NULL && c->map == map && c->len == len &&
	    memcmp(c->key, v, len) == 0;
}

static void
load_memo_set(struct cr_memo *c, const struct cr_map *map, const char *v,
    size_t len)
{
	if (len > sizeof c->key) {
		c->map = NULL;
		return;
	}
	c->map = map;
	c->count = cr_map_count(map);
	c->len = len;
	memcpy(c->key, v, len);
}

/* cr_map_get() through memo `which`: the next row's same key is free. */
static void **
load_get(struct cr_model *m, int which, const struct cr_map *map,
    const char *v, size_t len)
{
	struct cr_memo *c = &m->memo[which];

	if (v == NULL || map == NULL)
		return NULL;
	/* a look-up's slot holds while no key was added (none moved) */
	if (!load_memo_same(c, map, v, len) ||
	    c->count != cr_map_count(map)) {
		load_memo_set(c, map, v, len);
		c->slot = cr_map_get(map, v, len);
	}
	return c->slot;
}

/* The interned copy of s in *set, through memo `which`. */
static const char *
load_intern_as(struct cr_model *m, int which, struct cr_map **set,
    const char *s, size_t len)
{
	struct cr_memo *c = &m->memo[which];
	const char *key;

	/* an interned key stays where it is: any count will do */
	if (load_memo_same(c, *set, s, len))
		return c->interned;
	cr_map_put(load_map(set), s, len, NULL, &key);
	load_memo_set(c, *set, s, len);
	c->interned = key;
	return key;
}

static const char *
load_intern(struct cr_model *m, const char *file)
{
	return load_intern_as(m, CR_MEMO_FILE, &m->files, file, strlen(file));
}

/* Collects the row problems of one row into one sentence. */
struct load_problems {
	char	*text;
	size_t	 n;
};

static void
load_problem(void *arg, const struct cr_row *row, int column,
    const char *msg)
{
	struct load_problems *p = arg;
	char *s;

	(void)row;
	(void)column;
	if (p->text == NULL)
		p->text = xstrdup(msg);
	else {
		xasprintf(&s, "%s, %s", p->text, msg);
		free(p->text);
		p->text = s;
	}
	p->n++;
}

/*
 * The columns of a kept row that anything after load reads: a domain
 * contact's names are checked (rowcheck) but never used again, its
 * product is the one it is attached to, and there are three contacts or
 * so to every kept product.
 */
static uint32_t
load_cols_kept(const struct cr_schema *schema)
{
	if (schema->table == CR_T_DOMAIN_CONTACTS)
		return 1U << DC_ROLE | 1U << DC_ORG_ID | 1U << DC_EMAIL;
	return UINT32_MAX;
}

/*
 * The domain contacts of the kept products (about 120,000 for 10,000
 * requests) repeat the same few strings: the customer's e-mail on every
 * role of every domain, the four roles, the reseller's org_id.  Their
 * values are interned in m->strings, so a contact costs its record and
 * its pointers.
 */
static const char *
load_shared(struct cr_model *m, int col, const char *s, size_t len)
{
	int which = col == DC_ROLE ? CR_MEMO_ROLE : col == DC_ORG_ID ?
	    CR_MEMO_ORG : CR_MEMO_EMAIL;

	return load_intern_as(m, which, &m->strings, s, len);
}

/*
 * Keep a row: its values in one piece (the pointer array, then the
 * NUL-terminated strings), from the model's arena, or from the heap for
 * a row that may not stay (heap = 1: an XML product's pending children).
 */
static void
load_rec_in(struct cr_model *m, struct cr_rec *r, const struct cr_row *row,
    char *problem, int heap)
{
	size_t i, n = row->schema->ncols, total = n * sizeof(char *);
	uint32_t cols = load_cols_kept(row->schema);
	int shared = !heap && row->schema->table == CR_T_DOMAIN_CONTACTS;
	char *p;

	for (i = 0; i < n && !shared; i++) {
		if (row->val[i] != NULL && (cols & (1U << i)))
			total += row->len[i] + 1;
	}
	r->val = heap ? xmalloc(total) : cr_arena_alloc(&m->rows, total);
	p = (char *)(r->val + n);
	for (i = 0; i < n; i++) {
		if (row->val[i] == NULL || !(cols & (1U << i))) {
			r->val[i] = NULL;
			continue;
		}
		if (shared) {
			r->val[i] = (char *)load_shared(m, (int)i,
			    row->val[i], row->len[i]);
			continue;
		}
		memcpy(p, row->val[i], row->len[i]);
		p[row->len[i]] = '\0';
		r->val[i] = p;
		p += row->len[i] + 1;
	}
	r->file = load_intern(m, row->file);
	r->line = row->line;
	r->problem = problem;
}

static void
load_rec(struct cr_model *m, struct cr_rec *r, const struct cr_row *row,
    char *problem)
{
	load_rec_in(m, r, row, problem, 0);
}

/* What a kept row owns outside the arena. */
static void
load_rec_free(struct cr_rec *r)
{
	free(r->problem);
}

static int
load_touched(const struct cr_map *set, const char *v, size_t len)
{
	return v != NULL && set != NULL && cr_map_get(set, v, len) != NULL;
}

/* --- the manifest --------------------------------------------------------- */

static void
load_touch(struct cr_map **set, const struct cr_row *row, int col)
{
	if (row->val[col] != NULL)
		cr_map_put(load_map(set), row->val[col], row->len[col], NULL,
		    NULL);
}

/*
 * A manifest value over CR_VALUE_MAX refuses the manifest: a request's
 * values are written back into decisions.csv (neutralized, so a byte
 * longer), which later runs read, so what a manifest can make a record
 * grow to is bounded here, not where it is read back.
 */
static int
load_manifest_bounded(const struct cr_row *row)
{
	size_t i;

	for (i = 0; i < row->schema->ncols; i++) {
		if (row->val[i] != NULL && row->len[i] > CR_VALUE_MAX) {
			cr_err_set(row->file, row->line, "column \"%s\": value "
			    "longer than %d bytes", row->schema->cols[i].name,
			    CR_VALUE_MAX);
			return CR_STATUS_DATA;
		}
	}
	return 0;
}

/*
 * What the model holds, roughly: the rows and their maps, the requests,
 * and the pointer lists of the kept products.  Walked every 1024 kept
 * rows when there is a budget.
 */
static size_t
load_bytes(const struct cr_model *m)
{
	const struct cr_map *const maps[] = { m->req_first, m->touched_orgs,
	    m->touched_customers, m->touched_accounts, m->orgs, m->org_ids,
	    m->customers, m->products, m->accounts, m->hist_applied,
	    m->hist_released, m->child_problems, m->files, m->strings };
	size_t i, n = cr_arena_bytes(m->rows) + m->reqcap * sizeof *m->req;

	for (i = 0; i < sizeof maps / sizeof maps[0]; i++)
		n += cr_map_bytes(maps[i]);
	return n + m->nkept * 64;
}

static int
load_over(struct cr_model *m)
{
	/* a small budget (a test's) is looked at every row */
	if (m->budget == 0 || m->over ||
	    (++m->tick % 1024 != 0 && m->budget >= 1024 * 1024))
		return m->over;
	m->over = load_bytes(m) > m->budget;
	return m->over;
}

/*
 * Is this manifest row in the part being decided?  The part's rows are
 * counted, and whether their customers' hashes differ noted: a part of
 * one hash cannot be split further.
 */
static int
load_in_part(struct cr_model *m, const struct cr_row *row)
{
	const char *cid = row->val[MAN_CUSTOMER_ID];
	uint64_t h;

	if (m->part_mod == 0) {
		m->nin++;
		return 1;
	}
	h = cr_hash_bytes(cid ? cid : "", cid ? row->len[MAN_CUSTOMER_ID] : 0);
	if (h % m->part_mod != m->part_res)
		return 0;
	if (m->nin++ == 0)
		m->part_hash = h;
	else if (h != m->part_hash)
		m->part_mixed = 1;
	return 1;
}

/*
 * Every row is bounded and counted; only the rows of the part are kept,
 * and none once the budget is passed (the manifest is then read to its
 * end, for its digest and its errors, and decided in parts).
 */
static int
load_manifest_row(void *arg, const struct cr_row *row)
{
	struct cr_model *m = arg;
	struct load_problems p = { NULL, 0 };
	struct cr_request *q;
	void **slot;

	if (load_manifest_bounded(row) != 0)
		return CR_STATUS_DATA;
	if (m->nrows == CR_REQUESTS_MAX) {
		cr_err_set(row->file, row->line, "more than %lu requests: split "
		    "the manifest into several runs", CR_REQUESTS_MAX);
		return CR_STATUS_DATA;
	}
	if (!load_in_part(m, row) || load_over(m)) {
		m->nrows++;
		return 0;
	}
	cr_rowcheck(row, load_problem, &p);
	/* doubled, not grown by one: a million requests, a million copies */
	if (m->nreq == m->reqcap) {
		m->reqcap = m->reqcap ? 2 * m->reqcap : 64;
		m->req = xreallocarray(m->req, m->reqcap, sizeof *m->req);
	}
	q = &m->req[m->nreq++];
	memset(q, 0, sizeof *q);
	q->index = m->nrows++;
	load_rec(m, &q->r, row, NULL);
	q->bad = p.text;
	if (row->val[MAN_REQUEST_ID] != NULL && cr_map_put(
	    load_map(&m->req_first), row->val[MAN_REQUEST_ID],
	    row->len[MAN_REQUEST_ID], &slot, NULL))
		*slot = (void *)(uintptr_t)(m->nreq);
	load_touch(&m->touched_orgs, row, MAN_RESELLER_ID);
	load_touch(&m->touched_customers, row, MAN_CUSTOMER_ID);
	load_touch(&m->touched_accounts, row, MAN_QUICKSHARE_TO);
	load_touch(&m->touched_accounts, row, MAN_IMPORT_TO);
	return 0;
}

int
cr_model_load_manifest(struct cr_model *m, const char *path)
{
	const char *base = strrchr(path, '/');
	int rc;

	m->manifest_path = xstrdup(cr_manifest_display(path));
	m->manifest_name = xstrdup(base ? base + 1 :
	    cr_manifest_display(path));
	rc = cr_manifest_read(path, load_manifest_row, m, m->manifest_sha256,
	    &m->manifest_xml, &m->manifest_fd);
	m->has_manifest_fd = rc == 0;
	return rc;
}

int
cr_model_reload_manifest(struct cr_model *m, int fd, int xml,
    const char *sha256)
{
	int rc;

	m->manifest_xml = xml;
	rc = cr_manifest_reread(fd, m->manifest_path, xml, load_manifest_row,
	    m, m->manifest_sha256);
	if (rc == 0 && strcmp(m->manifest_sha256, sha256) != 0) {
		cr_err_set(m->manifest_path, 0, "changed while it was read");
		rc = CR_STATUS_DATA;
	}
	return rc;
}

size_t
cr_model_first(const struct cr_model *m, const struct cr_request *q,
    unsigned long *line)
{
	const char *rid = q->r.val[MAN_REQUEST_ID];
	size_t lo = 0, hi = m->ndups, mid, pos;
	void **slot;

	*line = q->r.line;
	if (m->part_mod == 0) {
		/* the whole manifest: req_first has the position + 1 */
		if (rid == NULL || (slot = cr_map_get(m->req_first, rid,
		    strlen(rid))) == NULL)
			return q->index;
		pos = (size_t)(uintptr_t)*slot - 1;
		*line = m->req[pos].r.line;
		return m->req[pos].index;
	}
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (m->dups[mid].index < q->index)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == m->ndups || m->dups[lo].index != q->index)
		return q->index;
	*line = m->dups[lo].line;
	return m->dups[lo].first;
}

/* --- duplicate request ids, before a manifest is decided in parts ---------- */

struct load_scan {
	struct vs_sort	*sort;
	size_t		 nrows;
	/* the group being read back */
	char		*id;
	size_t		 first;
	unsigned long	 line;
	struct cr_dup	*dups;
	size_t		 ndups, cap;
};

/*
 * A request_id as a sort field: itself, or (when it holds a NUL or
 * starts with \x01) \x01 and its bytes in hex, so that two ids are
 * equal exactly when their fields are.
 */
static char *
load_scan_key(const char *v, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	char *k;
	size_t i;

	if (memchr(v, '\0', len) == NULL && (len == 0 || v[0] != '\x01'))
		return xmemdup0(v, len);
	k = xmalloc(2 * len + 2);
	k[0] = '\x01';
	for (i = 0; i < len; i++) {
		k[1 + 2 * i] = hex[(unsigned char)v[i] >> 4];
		k[2 + 2 * i] = hex[(unsigned char)v[i] & 15];
	}
	k[2 * len + 1] = '\0';
	return k;
}

static int
load_scan_row(void *arg, const struct cr_row *row)
{
	struct load_scan *sc = arg;
	struct vs_rowbuf ib, lb;
	const char *f[3];
	char *key;

	if (row->val[MAN_REQUEST_ID] != NULL) {
		key = load_scan_key(row->val[MAN_REQUEST_ID],
		    row->len[MAN_REQUEST_ID]);
		f[0] = key;
		f[1] = vs_row(&ib, sc->nrows);
		f[2] = vs_row(&lb, row->line);
		vs_sort_add(sc->sort, 3, f);
		free(key);
	}
	sc->nrows++;
	return 0;
}

/* The rows in order of request_id, then of index: the first of each id. */
static void
load_scan_each(void *arg, const char *const *f, size_t nf)
{
	struct load_scan *sc = arg;
	size_t index = (size_t)vs_row_of(f[1]);

	(void)nf;
	if (sc->id == NULL || strcmp(sc->id, f[0]) != 0) {
		free(sc->id);
		sc->id = xstrdup(f[0]);
		sc->first = index;
		sc->line = (unsigned long)vs_row_of(f[2]);
		return;
	}
	if (sc->ndups == sc->cap) {
		sc->cap = sc->cap ? 2 * sc->cap : 64;
		sc->dups = xreallocarray(sc->dups, sc->cap, sizeof *sc->dups);
	}
	sc->dups[sc->ndups].index = index;
	sc->dups[sc->ndups].first = sc->first;
	sc->dups[sc->ndups++].line = sc->line;
}

static int
load_dup_cmp(const void *a, const void *b)
{
	const struct cr_dup *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

int
cr_model_scan_manifest(int fd, const char *name, int xml,
    const char *sha256, struct cr_dup **dups, size_t *ndups, size_t *nrows)
{
	struct load_scan sc;
	char digest[65];
	int rc;

	memset(&sc, 0, sizeof sc);
	sc.sort = vs_sort_new();
	rc = cr_manifest_reread(fd, name, xml, load_scan_row, &sc, digest);
	if (rc == 0 && strcmp(digest, sha256) != 0) {
		cr_err_set(name, 0, "changed while it was read");
		rc = CR_STATUS_DATA;
	}
	vs_sort_each(sc.sort, load_scan_each, &sc);
	free(sc.id);
	if (rc != 0) {
		free(sc.dups);
		return rc;
	}
	if (sc.ndups > 1)	/* none: sc.dups is NULL */
		qsort(sc.dups, sc.ndups, sizeof *sc.dups, load_dup_cmp);
	*dups = sc.dups;
	*ndups = sc.ndups;
	*nrows = sc.nrows;
	return 0;
}

/* --- the history of committed runs ------------------------------------- */

/*
 * Only the released rows that a request of the manifest can ask about are
 * kept: its request_id (applied before?) or its customer_id (released
 * before?), the oldest first.  The manifest is read first, so memory
 * follows the manifest, never the number of runs or rows in OUT's
 * history; the history index (history.h) answers for the runs it covers,
 * so time does not follow them either.
 */
static void
load_history_found(void *arg, int kind, const char *key, size_t len,
    const char *value, size_t vlen)
{
	struct cr_model *m = arg;
	struct cr_map **map = kind == CR_HIST_REQUEST ? &m->hist_applied :
	    &m->hist_released;
	void **slot;

	if (cr_map_put(load_map(map), key, len, &slot, NULL))
		*slot = xmemdup0(value, vlen);
}

static int
load_history_row(void *arg, const struct cr_row *row)
{
	struct cr_model *m = arg;
	const char *rid = row->val[DEC_REQUEST_ID];
	const char *cid = row->val[DEC_CUSTOMER_ID];

	if (!cr_history_row_released(row))
		return 0;
	if (load_touched(m->req_first, rid, row->len[DEC_REQUEST_ID]))
		load_history_found(m, CR_HIST_REQUEST, rid,
		    row->len[DEC_REQUEST_ID], cid, row->len[DEC_CUSTOMER_ID]);
	if (load_touched(m->touched_customers, cid, row->len[DEC_CUSTOMER_ID]))
		load_history_found(m, CR_HIST_CUSTOMER, cid,
		    row->len[DEC_CUSTOMER_ID], rid, row->len[DEC_REQUEST_ID]);
	return 0;
}

static int
load_history_run(struct cr_model *m, struct cr_rundir *rd,
    const char *run_id)
{
	struct cr_stream *s;
	char *name;
	int fd, rc;

	xasprintf(&name, "%s/%s/decisions.csv", cr_rundir_path(rd), run_id);
	fd = openat(cr_rundir_fd(rd), name + strlen(cr_rundir_path(rd)) + 1,
	    O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		cr_err_set(name, 0, "cannot read a committed run: %s",
		    strerror(errno));
		free(name);
		return CR_STATUS_IO;
	}
	s = cr_stream_fd(fd, name);
	rc = cr_csv_read(s, cr_schema_get(CR_T_DECISIONS), load_history_row,
	    m);
	cr_stream_free(s);
	close(fd);
	free(name);
	return rc;
}

/* The names of the committed runs, oldest first. */
struct load_runs {
	char	**names;
	size_t	  n;
};

static int
load_collect_run(void *arg, const char *run_id)
{
	struct load_runs *r = arg;

	r->names = xreallocarray(r->names, r->n + 1, sizeof *r->names);
	r->names[r->n++] = xstrdup(run_id);
	return 0;
}

/* The history query: the manifest's request ids and customer ids. */
struct load_keys {
	void	 (*each)(void *, int, const char *, size_t);
	void	  *eacharg;
	int	   kind;
};

static void
load_key_each(void *arg, const char *key, void *value)
{
	struct load_keys *k = arg;

	(void)value;
	k->each(k->eacharg, k->kind, key, strlen(key));
}

static void
load_keys_foreach(void *arg, void (*each)(void *, int, const char *, size_t),
    void *eacharg)
{
	struct cr_model *m = arg;
	struct load_keys k = { each, eacharg, CR_HIST_REQUEST };

	if (m->req_first != NULL)
		cr_map_foreach(m->req_first, load_key_each, &k);
	k.kind = CR_HIST_CUSTOMER;
	if (m->touched_customers != NULL)
		cr_map_foreach(m->touched_customers, load_key_each, &k);
}

static int
load_keys_wants(void *arg, int kind, const char *key, size_t len)
{
	struct cr_model *m = arg;

	return load_touched(kind == CR_HIST_REQUEST ? m->req_first :
	    m->touched_customers, key, len);
}

static void	load_free_string(void *, const char *, void *);
static void	load_free_map(struct cr_map *,
		    void (*)(void *, const char *, void *), void *);

static void
load_history_forget(struct cr_model *m)
{
	load_free_map(m->hist_applied, load_free_string, NULL);
	load_free_map(m->hist_released, load_free_string, NULL);
	m->hist_applied = m->hist_released = NULL;
}

int
cr_model_load_history(struct cr_model *m, struct cr_rundir *rd,
    struct cr_history **hp)
{
	struct load_runs runs = { NULL, 0 };
	struct cr_history *h;
	struct cr_history_query q;
	size_t i;
	int rc = 0;

	if (hp != NULL)
		*hp = NULL;
	if (rd == NULL || cr_rundir_fd(rd) < 0)
		return 0;
	if ((rc = cr_rundir_foreach_run(rd, load_collect_run, &runs)) == 0) {
		h = cr_history_open(rd, runs.names, runs.n);
		memset(&q, 0, sizeof q);
		q.nkeys = (m->req_first ? cr_map_count(m->req_first) : 0) +
		    (m->touched_customers ?
		    cr_map_count(m->touched_customers) : 0);
		q.foreach = load_keys_foreach;
		q.wants = load_keys_wants;
		q.found = load_history_found;
		q.arg = m;
		while (cr_history_query(h, &q) != 0)
			load_history_forget(m);
		for (i = cr_history_covered(h); i < runs.n && rc == 0; i++)
			rc = load_history_run(m, rd, runs.names[i]);
		m->hist_runs = (unsigned)runs.n;
		if (hp != NULL && rc == 0)
			*hp = h;
		else
			cr_history_free(h);
	}
	for (i = 0; i < runs.n; i++)
		free(runs.names[i]);
	free(runs.names);
	return rc;
}

/* --- the export ------------------------------------------------------------ */

/* Does the manifest name this customer?  (Remembered: rows repeat it.) */
static int
load_touched_customer(struct cr_model *m, const char *v, size_t len)
{
	return load_get(m, CR_MEMO_CUSTOMERS, m->touched_customers, v, len) !=
	    NULL;
}

/* The kept product of this id, or NULL.  (Remembered: rows repeat it.) */
static void **
load_product_slot(struct cr_model *m, const char *v, size_t len)
{
	return load_get(m, CR_MEMO_PRODUCTS, m->products, v, len);
}

static void
load_attach(struct cr_rec ***list, size_t *n, struct cr_rec *r)
{
	*list = xreallocarray(*list, *n + 1, sizeof **list);
	(*list)[(*n)++] = r;
}

static struct cr_rec *
load_child(struct cr_model *m, const struct cr_row *row, char *problem)
{
	struct cr_rec *r = cr_arena_alloc(&m->rows, sizeof *r);

	memset(r, 0, sizeof *r);
	load_rec(m, r, row, problem);
	return r;
}

/* An XML child waiting for its product's row: on the heap until then. */
static struct cr_rec *
load_pending_child(struct cr_model *m, const struct cr_row *row,
    char *problem)
{
	struct cr_rec *r = xcalloc(1, sizeof *r);

	load_rec_in(m, r, row, problem, 1);
	return r;
}

static void
load_pending_free(struct cr_rec *r)
{
	free(r->problem);
	free(r->val);
	free(r);
}

/* Its product is kept: the child moves into the arena. */
static struct cr_rec *
load_pending_keep(struct cr_model *m, struct cr_rec *h, int contact)
{
	struct cr_rec *r = cr_arena_alloc(&m->rows, sizeof *r);
	size_t i, ncols = contact ? DC_NCOLS : SH_NCOLS;

	*r = *h;
	r->val = cr_arena_alloc(&m->rows, ncols * sizeof *r->val);
	for (i = 0; i < ncols; i++) {
		if (h->val[i] == NULL)
			r->val[i] = NULL;
		else if (contact)
			r->val[i] = (char *)load_shared(m, (int)i,
			    h->val[i], strlen(h->val[i]));
		else
			r->val[i] = cr_arena_memdup0(&m->rows, h->val[i],
			    strlen(h->val[i]));
	}
	h->problem = NULL;
	load_pending_free(h);
	return r;
}

/* Attach a contact or share row to its product, marking repeated roles. */
static void
load_child_attach(struct cr_product *p, struct cr_rec *r, int is_contact)
{
	size_t i;

	if (!is_contact) {
		load_attach(&p->shares, &p->nshares, r);
		return;
	}
	for (i = 0; i < p->ncontacts; i++) {
		if (r->val[DC_ROLE] != NULL &&
		    p->contacts[i]->val[DC_ROLE] != NULL &&
		    strcmp(r->val[DC_ROLE], p->contacts[i]->val[DC_ROLE]) == 0) {
			p->contacts[i]->dups++;
			load_rec_free(r);
			return;
		}
	}
	load_attach(&p->contacts, &p->ncontacts, r);
}

static void
load_pending_flush(struct cr_model *m, struct cr_product *p)
{
	struct cr_rec *r;
	size_t i;
	int contact;

	for (i = 0; i < m->npending; i++) {
		r = m->pending[i].rec;
		contact = m->pending[i].contact;
		if (p != NULL)
			load_child_attach(p, load_pending_keep(m, r, contact),
			    contact);
		else
			load_pending_free(r);
	}
	m->npending = 0;
}

static void
load_org(struct cr_model *m, const struct cr_row *row, char *problem)
{
	const char *id = row->val[ORG_ID];
	struct cr_rec *r;
	void **slot;

	if (id == NULL) {
		free(problem);
		return;
	}
	cr_map_put(load_map(&m->org_ids), id, row->len[ORG_ID], NULL, NULL);
	if (!load_touched(m->touched_orgs, id, row->len[ORG_ID])) {
		free(problem);
		return;
	}
	if (!cr_map_put(load_map(&m->orgs), id, row->len[ORG_ID], &slot,
	    NULL)) {
		((struct cr_rec *)*slot)->dups++;
		free(problem);
		return;
	}
	r = load_child(m, row, problem);
	*slot = r;
}

static void
load_customer(struct cr_model *m, const struct cr_row *row, char *problem)
{
	const char *id = row->val[CUS_ID], *org = row->val[CUS_RESELLER_ID];
	struct cr_customer *c;
	void **slot;

	if (!load_touched_customer(m, id, row->len[CUS_ID])) {
		free(problem);
		return;
	}
	if (!cr_map_put(load_map(&m->customers), id, row->len[CUS_ID], &slot,
	    NULL)) {
		c = *slot;
		c->r.dups++;
		free(problem);
		return;
	}
	c = cr_arena_alloc(&m->rows, sizeof *c);
	memset(c, 0, sizeof *c);
	load_rec(m, &c->r, row, problem);
	if (!(row->flags & CR_ROW_NESTED) && org != NULL &&
	    (m->org_ids == NULL ||
	    cr_map_get(m->org_ids, org, row->len[CUS_RESELLER_ID]) == NULL))
		c->dangling = 1;
	*slot = c;
}

/*
 * A product row that is not kept (no id, or an id already kept for
 * another product) still breaks its customer, when the manifest names it.
 */
static void
load_child_problem(struct cr_model *m, const struct cr_row *row,
    const char *why)
{
	const char *cid = row->val[PRD_CUSTOMER_ID];
	char q[128];
	void **slot;

	if (!load_touched_customer(m, cid,
	    row->len[PRD_CUSTOMER_ID]) ||
	    !cr_map_put(load_map(&m->child_problems), cid,
	    row->len[PRD_CUSTOMER_ID], &slot, NULL))
		return;
	if (row->val[PRD_ID] != NULL)
		xasprintf((char **)slot, "product \"%s\": %s",
		    cr_diag_quote(q, sizeof q, row->val[PRD_ID],
		    row->len[PRD_ID], 80), why);
	else
		xasprintf((char **)slot, "customer \"%s\": %s",
		    cr_diag_quote(q, sizeof q, cid, row->len[PRD_CUSTOMER_ID],
		    80), why);
}

static struct cr_product *
load_new_product(struct cr_model *m, const struct cr_row *row, char *problem)
{
	struct cr_product *p = cr_arena_alloc(&m->rows, sizeof *p);

	memset(p, 0, sizeof *p);
	load_rec(m, &p->r, row, problem);
	p->seq = m->nkept++;
	return p;
}

static void
load_product(struct cr_model *m, const struct cr_row *row, char *problem)
{
	const char *id = row->val[PRD_ID], *cid = row->val[PRD_CUSTOMER_ID];
	struct cr_product *p = NULL;
	void **slot;

	if (id == NULL) {
		/* no key: a touched customer's row is still broken */
		load_child_problem(m, row, "one of its products has no id");
		free(problem);
		if (row->flags & CR_ROW_NESTED)
			load_pending_flush(m, NULL);
		return;
	}
	slot = load_product_slot(m, id, row->len[PRD_ID]);
	if (slot != NULL) {
		((struct cr_product *)*slot)->r.dups++;
		/*
		 * Another customer's row with the id: its own product too,
		 * broken, in its place among that customer's products, as
		 * when the first row's customer is not in the manifest (a
		 * part of it) and that row is only a hash (load_earlier_dups).
		 */
		if (!cr_streq(cid, ((struct cr_product *)*slot)->r.val[
		    PRD_CUSTOMER_ID]) && load_touched_customer(m,
		    cid, row->len[PRD_CUSTOMER_ID])) {
			p = load_new_product(m, row, problem);
			p->r.dups = 1;
			m->extras = xreallocarray(m->extras, m->nextras + 1,
			    sizeof *m->extras);
			m->extras[m->nextras++] = p;
		} else
			free(problem);
	} else if (load_touched_customer(m, cid,
	    row->len[PRD_CUSTOMER_ID])) {
		cr_map_put(load_map(&m->products), id, row->len[PRD_ID],
		    &slot, NULL);
		*slot = p = load_new_product(m, row, problem);
	} else
		free(problem);
	if (row->flags & CR_ROW_NESTED)
		load_pending_flush(m, p);
}

static void
load_product_child(struct cr_model *m, const struct cr_row *row,
    char *problem, int contact)
{
	int col = contact ? DC_PRODUCT_ID : SH_PRODUCT_ID;
	const char *pid = row->val[col];
	void **slot;

	if (row->flags & CR_ROW_NESTED) {
		/* XML: the product's own row comes after its children */
		m->pending = xreallocarray(m->pending, m->npending + 1,
		    sizeof *m->pending);
		m->pending[m->npending].rec = load_pending_child(m, row,
		    problem);
		m->pending[m->npending++].contact = contact;
		return;
	}
	if ((slot = load_product_slot(m, pid, row->len[col])) == NULL) {
		free(problem);
		return;
	}
	load_child_attach(*slot, load_child(m, row, problem), contact);
}

static void
load_account(struct cr_model *m, const struct cr_row *row, char *problem)
{
	const char *u = row->val[ACC_USERNAME];
	void **slot;

	if (!load_touched(m->touched_accounts, u, row->len[ACC_USERNAME])) {
		free(problem);
		return;
	}
	if (!cr_map_put(load_map(&m->accounts), u, row->len[ACC_USERNAME],
	    &slot, NULL)) {
		((struct cr_rec *)*slot)->dups++;
		free(problem);
		return;
	}
	*slot = load_child(m, row, problem);
}

/*
 * Can this row matter to a request?  Only then are its values checked:
 * the rows no request touches are most of a big export.
 */
static int
load_relevant(struct cr_model *m, const struct cr_row *row)
{
	const char *const *v = row->val;
	const size_t *n = row->len;

	switch (row->schema->table) {
	case CR_T_ORGANIZATIONS:
		return load_touched(m->touched_orgs, v[ORG_ID], n[ORG_ID]);
	case CR_T_CUSTOMERS:
		return load_touched_customer(m, v[CUS_ID], n[CUS_ID]);
	case CR_T_PRODUCTS:
		return load_touched_customer(m, v[PRD_CUSTOMER_ID],
		    n[PRD_CUSTOMER_ID]) ||
		    load_product_slot(m, v[PRD_ID], n[PRD_ID]);
	case CR_T_DOMAIN_CONTACTS:
		return (row->flags & CR_ROW_NESTED) || load_product_slot(m,
		    v[DC_PRODUCT_ID], n[DC_PRODUCT_ID]);
	case CR_T_SHARES:
		return (row->flags & CR_ROW_NESTED) || load_product_slot(m,
		    v[SH_PRODUCT_ID], n[SH_PRODUCT_ID]);
	case CR_T_ACCOUNTS:
		return load_touched(m->touched_accounts, v[ACC_USERNAME],
		    n[ACC_USERNAME]);
	default:
		return 0;
	}
}

/*
 * The row filter (read.h): most rows of an export stop here, after one
 * look-up of their key.  A product row that is not kept leaves the hash
 * of its id behind, for load_earlier_dups() to find an earlier row of
 * another customer with the id of a product kept later.
 */
static int
load_keep(void *arg, const struct cr_row *row)
{
	struct cr_model *m = arg;
	const char *id = row->val[PRD_ID];
	int nested = (row->flags & CR_ROW_NESTED) != 0, relevant;
	uint64_t h;

	switch (row->schema->table) {
	case CR_T_PRODUCTS:
		if (id == NULL) {
			relevant = load_relevant(m, row);
		} else {
			/* one hash of the id, for the look-up and the list */
			h = cr_hash_bytes(id, row->len[PRD_ID]);
			relevant = load_touched_customer(m,
			    row->val[PRD_CUSTOMER_ID],
			    row->len[PRD_CUSTOMER_ID]) ||
			    (m->products != NULL && cr_map_get_hashed(
			    m->products, id, row->len[PRD_ID], h) != NULL);
			if (!relevant)
				cr_seen_add(m->product_ids, h);
		}
		/* XML: a product's row also ends its pending children */
		if (nested && m->npending != 0)
			relevant = 1;
		break;
	case CR_T_DOMAIN_CONTACTS:
	case CR_T_SHARES:
		/*
		 * XML: children come before their product's row, and wait
		 * for it; only a customer the manifest names can have a
		 * product kept (the reader may not say which customer).
		 */
		if (nested)
			relevant = row->nest_customer == NULL ||
			    load_touched_customer(m,
			    row->nest_customer, row->nest_customer_len);
		else
			relevant = load_relevant(m, row);
		break;
	default:
		relevant = load_relevant(m, row);
		break;
	}
	return relevant || m->strict != NULL;
}

static const struct cr_row_filter load_filters[CR_T_EXPORT_COUNT] = {
	[CR_T_ACCOUNTS] = { 1U << ACC_USERNAME, load_keep, NULL },
	[CR_T_CUSTOMERS] = { 1U << CUS_ID, load_keep, NULL },
	[CR_T_PRODUCTS] = { 1U << PRD_ID | 1U << PRD_CUSTOMER_ID, load_keep,
	    NULL },
	[CR_T_DOMAIN_CONTACTS] = { 1U << DC_PRODUCT_ID, load_keep, NULL },
	[CR_T_SHARES] = { 1U << SH_PRODUCT_ID, load_keep, NULL },
};

static int
load_earlier_dup(void *arg, uint64_t h)
{
	struct cr_model *m = arg;
	void **slot = cr_map_get_hash(m->products, h);
	struct cr_product *p;

	if (slot != NULL && (p = *slot) != NULL && !p->earlier) {
		/* an earlier row, of a customer the manifest does not name */
		p->earlier = 1;
		p->r.dups++;
	}
	return 0;
}

/*
 * A kept product whose id a row not kept also had: rows after the kept
 * one were seen as duplicates on the way (the products map has the id),
 * rows before it left their id's 64-bit hash in m->product_ids.  A false
 * match needs two ids with equal 64-bit hashes.
 */
static int
load_earlier_dups(struct cr_model *m)
{
	if (m->products == NULL || cr_seen_count(m->product_ids) == 0)
		return cr_seen_status(m->product_ids);
	return cr_seen_foreach(m->product_ids, load_earlier_dup, m);
}

static int
load_export_row(void *arg, const struct cr_row *row)
{
	struct cr_model *m = arg;
	struct load_problems p = { NULL, 0 };
	int rc;

	if (m->strict != NULL && (rc = cr_check_row(m->strict, row)) != 0)
		return rc;
	/* over the budget: read on (warnings, --strict), keeping nothing */
	if (load_over(m))
		return 0;
	if (load_relevant(m, row))
		cr_rowcheck(row, load_problem, &p);
	switch (row->schema->table) {
	case CR_T_ORGANIZATIONS:
		load_org(m, row, p.text);
		break;
	case CR_T_CUSTOMERS:
		load_customer(m, row, p.text);
		break;
	case CR_T_PRODUCTS:
		load_product(m, row, p.text);
		break;
	case CR_T_DOMAIN_CONTACTS:
		load_product_child(m, row, p.text, 1);
		break;
	case CR_T_SHARES:
		load_product_child(m, row, p.text, 0);
		break;
	case CR_T_ACCOUNTS:
		load_account(m, row, p.text);
		break;
	default:
		free(p.text);
		break;
	}
	return 0;
}

static void
load_link_product(void *arg, const char *key, void *value)
{
	struct cr_model *m = arg;
	struct cr_product *p = value;
	struct cr_customer *c;
	const char *cid = p->r.val[PRD_CUSTOMER_ID];
	void **slot;
	size_t i;

	(void)key;
	if (cid == NULL || m->customers == NULL ||
	    (slot = cr_map_get(m->customers, cid, strlen(cid))) == NULL)
		return;
	c = *slot;
	c->products = xreallocarray(c->products, c->nproducts + 1,
	    sizeof *c->products);
	/* in the order kept: an extra goes among the others (a few) */
	for (i = c->nproducts; i > 0 && c->products[i - 1]->seq > p->seq; i--)
		c->products[i] = c->products[i - 1];
	c->products[i] = p;
	c->nproducts++;
}

static int
load_input_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cr_model_input *)a)->name,
	    ((const struct cr_model_input *)b)->name);
}

int
cr_model_load_export(struct cr_model *m, struct cr_export *e, int strict)
{
	struct cr_row_filter filters[CR_T_EXPORT_COUNT];
	size_t i;
	int rc;

	m->product_ids = cr_seen_new(0);
	if (strict)
		m->strict = cr_check_new(1, NULL, NULL);	/* export rows only */
	for (i = 0; i < CR_T_EXPORT_COUNT; i++) {
		filters[i] = load_filters[i];
		filters[i].arg = m;
	}
	cr_export_set_filters(e, filters);
	rc = cr_export_read(e, load_export_row, m);
	cr_export_set_filters(e, NULL);
	load_pending_flush(m, NULL);
	if (rc == 0)
		rc = load_earlier_dups(m);
	/* its temporary file goes now, not with the model */
	cr_seen_free(m->product_ids);
	m->product_ids = NULL;
	if (rc != 0)
		return rc;
	m->export_xml = cr_export_is_xml(e);
	m->ninputs = cr_export_ninputs(e);
	m->inputs = xcalloc(m->ninputs, sizeof *m->inputs);
	for (i = 0; i < m->ninputs; i++) {
		m->inputs[i].name = xstrdup(cr_export_input_name(e, i));
		memcpy(m->inputs[i].sha256, cr_export_input_sha256(e, i), 65);
	}
	qsort(m->inputs, m->ninputs, sizeof *m->inputs, load_input_cmp);
	if (m->products != NULL)
		cr_map_foreach(m->products, load_link_product, m);
	for (i = 0; i < m->nextras; i++)
		load_link_product(m, NULL, m->extras[i]);
	return 0;
}

/* --- freeing ---------------------------------------------------------------- */

static void
load_free_rec(void *arg, const char *key, void *value)
{
	struct cr_rec *r = value;

	(void)key;
	(void)arg;
	load_rec_free(r);
}

static void
load_free_customer(void *arg, const char *key, void *value)
{
	struct cr_customer *c = value;

	(void)arg;
	(void)key;
	load_rec_free(&c->r);
	free(c->products);
}

static void
load_free_product(void *arg, const char *key, void *value)
{
	struct cr_product *p = value;
	size_t i;

	(void)arg;
	(void)key;
	for (i = 0; i < p->ncontacts; i++)
		load_rec_free(p->contacts[i]);
	for (i = 0; i < p->nshares; i++)
		load_rec_free(p->shares[i]);
	free(p->contacts);
	free(p->shares);
	load_rec_free(&p->r);
}

static void
load_free_string(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	free(value);
}

static void
load_free_map(struct cr_map *map, void (*fn)(void *, const char *, void *),
    void *arg)
{
	if (map == NULL)
		return;
	if (fn != NULL)
		cr_map_foreach(map, fn, arg);
	cr_map_free(map);
}

void
cr_model_drop_indexes(struct cr_model *m)
{
	load_free_map(m->req_first, NULL, NULL);
	load_free_map(m->touched_orgs, NULL, NULL);
	load_free_map(m->touched_customers, NULL, NULL);
	load_free_map(m->touched_accounts, NULL, NULL);
	load_free_map(m->org_ids, NULL, NULL);
	load_free_map(m->hist_applied, load_free_string, NULL);
	load_free_map(m->hist_released, load_free_string, NULL);
	load_free_map(m->child_problems, load_free_string, NULL);
	m->req_first = m->touched_orgs = m->touched_customers = NULL;
	m->touched_accounts = m->org_ids = m->hist_applied = NULL;
	m->hist_released = m->child_problems = NULL;
	cr_seen_free(m->product_ids);
	m->product_ids = NULL;
	/* what the records point into stays; only the look-ups go */
	cr_map_drop_index(m->orgs);
	cr_map_drop_index(m->customers);
	cr_map_drop_index(m->products);
	cr_map_drop_index(m->accounts);
	cr_map_drop_index(m->files);
	cr_map_drop_index(m->strings);
}

void
cr_model_free(struct cr_model *m)
{
	size_t i;

	for (i = 0; i < m->nreq; i++) {
		load_rec_free(&m->req[i].r);
		free(m->req[i].bad);
		free(m->req[i].message);
		free(m->req[i].grants);
		free(m->req[i].updates);
	}
	free(m->req);
	for (i = 0; i < m->ninputs; i++)
		free(m->inputs[i].name);
	free(m->inputs);
	free(m->manifest_path);
	free(m->manifest_name);
	if (m->has_manifest_fd)
		close(m->manifest_fd);
	load_free_map(m->req_first, NULL, NULL);
	load_free_map(m->touched_orgs, NULL, NULL);
	load_free_map(m->touched_customers, NULL, NULL);
	load_free_map(m->touched_accounts, NULL, NULL);
	load_free_map(m->orgs, load_free_rec, NULL);
	load_free_map(m->org_ids, NULL, NULL);
	load_free_map(m->customers, load_free_customer, NULL);
	load_free_map(m->products, load_free_product, NULL);
	for (i = 0; i < m->nextras; i++)
		load_free_product(NULL, NULL, m->extras[i]);
	free(m->extras);
	load_free_map(m->accounts, load_free_rec, NULL);
	load_free_map(m->hist_applied, load_free_string, NULL);
	load_free_map(m->hist_released, load_free_string, NULL);
	load_free_map(m->files, NULL, NULL);
	load_free_map(m->strings, NULL, NULL);
	load_free_map(m->child_problems, load_free_string, NULL);
	cr_seen_free(m->product_ids);
	for (i = 0; i < m->npending; i++)
		load_pending_free(m->pending[i].rec);
	free(m->pending);
	cr_arena_free(m->rows);
	cr_check_free(m->strict);
	memset(m, 0, sizeof *m);
}
