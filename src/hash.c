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
	uint32_t		*table;		/* index + 1, 0 = empty */
	size_t			 tsize;		/* power of two */
	struct arena_block	*arena;
};

uint64_t
cr_hash_bytes(const void *p, size_t len)
{
	/* FNV-1a, 64 bit, with a final avalanche (splitmix64 finaliser). */
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
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

static size_t
map_find(const struct cr_map *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->tsize - 1, i = (size_t)h & mask;
	const struct map_entry *e;

	for (;;) {
		if (m->table[i] == 0)
			return i;
		e = &m->entries[m->table[i] - 1];
		if (e->hash == h && e->len == len &&
		    memcmp(e->key, key, len) == 0)
			return i;
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
		m->table[j] = (uint32_t)(i + 1);
	}
}

void **
cr_map_get(const struct cr_map *m, const char *key, size_t len)
{
	size_t i = map_find(m, key, len, cr_hash_bytes(key, len));

	if (m->table[i] == 0)
		return NULL;
	return &m->entries[m->table[i] - 1].value;
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
		m->table[i] = (uint32_t)m->n;
		inserted = 1;
		if (m->n * 4 > m->tsize * 3) {
			map_grow(m);
			i = map_find(m, key, len, h);
		}
	}
	e = &m->entries[m->table[i] - 1];
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

/* --- sets of 64-bit hashes ---------------------------------------------- */

struct cr_set64 {
	uint64_t	*slot;		/* 0 = empty; the value 0 is kept apart */
	size_t		 size, n;
	int		 has_zero;
};

struct cr_set64 *
cr_set64_new(void)
{
	struct cr_set64 *s = xcalloc(1, sizeof *s);

	s->size = 1024;
	s->slot = xcalloc(s->size, sizeof *s->slot);
	return s;
}

void
cr_set64_free(struct cr_set64 *s)
{
	if (s == NULL)
		return;
	free(s->slot);
	free(s);
}

static size_t
set64_find(const uint64_t *slot, size_t size, uint64_t h)
{
	size_t i = (size_t)h & (size - 1);

	while (slot[i] != 0 && slot[i] != h)
		i = (i + 1) & (size - 1);
	return i;
}

int
cr_set64_has(const struct cr_set64 *s, uint64_t h)
{
	if (h == 0)
		return s->has_zero;
	return s->slot[set64_find(s->slot, s->size, h)] == h;
}

int
cr_set64_add(struct cr_set64 *s, uint64_t h)
{
	uint64_t *old;
	size_t i, oldsize;

	if (h == 0) {
		if (s->has_zero)
			return 1;
		s->has_zero = 1;
		return 0;
	}
	i = set64_find(s->slot, s->size, h);
	if (s->slot[i] == h)
		return 1;
	s->slot[i] = h;
	if (++s->n * 2 > s->size) {
		old = s->slot;
		oldsize = s->size;
		s->size *= 2;
		s->slot = xcalloc(s->size, sizeof *s->slot);
		for (i = 0; i < oldsize; i++) {
			if (old[i] != 0)
				s->slot[set64_find(s->slot, s->size,
				    old[i])] = old[i];
		}
		free(old);
	}
	return 0;
}
