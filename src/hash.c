/*
 * hash.c -- the string map of hash.h.  Keys are copied into large arena
 * blocks (no malloc per key); entries are kept in insertion order in one
 * array and the table indexes into it.  It does not shrink or delete.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "xmalloc.h"

#define ARENA_BLOCK	(256 * 1024)

struct map_entry {
	const char	*key;
	size_t		 len;
	uint64_t	 hash;
	void		*value;
};

struct arena_block {
	struct arena_block	*next;
	size_t			 used, size;
	char			 data[];
};

struct cr_map {
	struct map_entry	*entries;	/* insertion order */
	size_t			 n, cap;
	uint64_t		*table;		/* SLOT(), 0 = empty */
	size_t			 tsize;		/* power of two */
	struct arena_block	*arena;
};

#ifdef __SIZEOF_INT128__
__extension__ typedef unsigned __int128 hash_u128;

static uint64_t
hash_mix(uint64_t a, uint64_t b)
{
	/* a 64x64->128 multiply folded to 64 bits (the wyhash mixer) */
	hash_u128 r = (hash_u128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}
#else
static uint64_t
hash_mix(uint64_t a, uint64_t b)
{
	a *= b;
	return a ^ (a >> 32);
}
#endif

uint64_t
cr_hash_bytes(const void *p, size_t len)
{
	/*
	 * Eight bytes at a time: identifiers are short, and this runs for
	 * the key of every row of the export.  Not a keyed hash: the keys
	 * are the operator's own export, and probing stays linear anyway.
	 */
	const unsigned char *s = p;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;

	while (len >= 8) {
		memcpy(&w, s, 8);
		h = hash_mix(h ^ w, 0xbf58476d1ce4e5b9ULL);
		s += 8;
		len -= 8;
	}
	w = 0;
	if (len != 0)
		memcpy(&w, s, len);
	h = hash_mix(h ^ w, 0x94d049bb133111ebULL);
	return hash_mix(h, 0x2545f4914f6cdd1dULL);
}

struct cr_map *
cr_map_new(void)
{
	struct cr_map *m = xcalloc(1, sizeof *m);

	m->tsize = 64;
	m->table = xcalloc(m->tsize, sizeof *m->table);
	return m;
}

void
cr_map_free(struct cr_map *m)
{
	struct arena_block *b, *next;

	if (m == NULL)
		return;
	for (b = m->arena; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free(m->entries);
	free(m->table);
	free(m);
}

size_t
cr_map_count(const struct cr_map *m)
{
	return m->n;
}

static const char *
map_copy_key(struct cr_map *m, const char *key, size_t len)
{
	struct arena_block *b = m->arena;
	size_t need = len + 1, size;
	char *p;

	if (b == NULL || b->size - b->used < need) {
		size = need > ARENA_BLOCK ? need : ARENA_BLOCK;
		b = xmalloc(sizeof *b + size);
		b->used = 0;
		b->size = size;
		b->next = m->arena;
		m->arena = b;
	}
	p = b->data + b->used;
	memcpy(p, key, len);
	p[len] = '\0';
	b->used += need;
	return p;
}

/* A slot: the high half of the key's hash, then its entry number + 1. */
#define SLOT(h, i)	(((h) & 0xffffffff00000000ULL) | (uint64_t)(i))
#define SLOT_TAG(s)	((s) & 0xffffffff00000000ULL)
#define SLOT_INDEX(s)	((size_t)((s) & 0xffffffffULL))

/*
 * The slot of key: its own, or the empty one where it would go.  Most
 * look-ups miss (most rows of an export are not touched), so a probe
 * first compares the hash bits kept in the table itself, and the load
 * stays at most 1/2: a miss usually reads one cache line.
 */
static size_t
map_find(const struct cr_map *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->tsize - 1, i = (size_t)h & mask;
	const struct map_entry *e;
	uint64_t s;

	for (;;) {
		s = m->table[i];
		if (s == 0)
			return i;
		if (SLOT_TAG(s) == SLOT_TAG(h)) {
			e = &m->entries[SLOT_INDEX(s) - 1];
			if (e->len == len && memcmp(e->key, key, len) == 0)
				return i;
		}
		i = (i + 1) & mask;
	}
}

static void
map_grow(struct cr_map *m)
{
	size_t i, j, mask;

	free(m->table);
	m->tsize *= 2;
	m->table = xcalloc(m->tsize, sizeof *m->table);
	mask = m->tsize - 1;
	for (i = 0; i < m->n; i++) {
		j = (size_t)m->entries[i].hash & mask;
		while (m->table[j] != 0)
			j = (j + 1) & mask;
		m->table[j] = SLOT(m->entries[i].hash, i + 1);
	}
}

void **
cr_map_get(const struct cr_map *m, const char *key, size_t len)
{
	size_t i = map_find(m, key, len, cr_hash_bytes(key, len));

	if (m->table[i] == 0)
		return NULL;
	return &m->entries[SLOT_INDEX(m->table[i]) - 1].value;
}

int
cr_map_put(struct cr_map *m, const char *key, size_t len, void ***slot,
    const char **keyp)
{
	uint64_t h = cr_hash_bytes(key, len);
	size_t i = map_find(m, key, len, h);
	struct map_entry *e;
	int inserted = 0;

	if (m->table[i] == 0) {
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 64;
			m->entries = xreallocarray(m->entries, m->cap,
			    sizeof *m->entries);
		}
		e = &m->entries[m->n++];
		e->key = map_copy_key(m, key, len);
		e->len = len;
		e->hash = h;
		e->value = NULL;
		m->table[i] = SLOT(h, m->n);
		inserted = 1;
		if (m->n * 2 > m->tsize) {
			map_grow(m);
			i = map_find(m, key, len, h);
		}
	}
	e = &m->entries[SLOT_INDEX(m->table[i]) - 1];
	if (slot != NULL)
		*slot = &e->value;
	if (keyp != NULL)
		*keyp = e->key;
	return inserted;
}

void
cr_map_foreach(const struct cr_map *m,
    void (*fn)(void *arg, const char *key, void *value), void *arg)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		fn(arg, m->entries[i].key, m->entries[i].value);
}
