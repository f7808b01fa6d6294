/*
 * hash.c -- the string map of hash.h.  Keys are copied into large arena
 * blocks (no malloc per key); entries are kept in insertion order in one
 * array and the table indexes into it.  It does not shrink or delete.
 * The hash is keyed per process (see cr_hash_bytes), so a table's layout
 * differs from run to run; only insertion order is ever visited.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "hash.h"
#include "xmalloc.h"

struct map_entry {
	const char	*key;
	size_t		 len;
	uint64_t	 hash;
	void		*value;
};

struct cr_map {
	struct map_entry	*entries;	/* insertion order */
	size_t			 n, cap;
	uint64_t		*table;		/* SLOT(), 0 = empty */
	size_t			 tsize;		/* power of two */
	uint64_t		*bits;		/* tsize / 8 words: two bits
						   a key (map_bits) */
	struct cr_arena		*arena;		/* the keys */
};

/*
 * A filter in front of the table: two bits of one word per key, 16 to 32
 * bits per key, so a miss usually stops in a bitmap of 1/8 the table's
 * size, which stays in the cache when the table does not (1 MiB of table
 * for 36,000 kept products, against 128 KiB of bits).
 */
static inline uint64_t
map_bits(uint64_t h)
{
	return 1ULL << ((h >> 40) & 63) | 1ULL << ((h >> 46) & 63);
}

static inline size_t
map_word(const struct cr_map *m, uint64_t h)
{
	return (size_t)(h >> 12) & (m->tsize / 8 - 1);
}

/*
 * The per-process key of cr_hash_bytes(): 16 random bytes from the kernel
 * (libsodium's randombytes_buf, getrandom(2)), drawn once, before the
 * first hash, by whichever thread gets there first.
 */
static unsigned char	hash_key[crypto_shorthash_KEYBYTES];
static pthread_once_t	hash_key_once = PTHREAD_ONCE_INIT;

static void
hash_key_init(void)
{
	if (sodium_init() < 0) {
		cr_err_note("libsodium cannot be initialised");
		abort();
	}
	randombytes_buf(hash_key, sizeof hash_key);
}

uint64_t
cr_hash_bytes(const void *p, size_t len)
{
	/*
	 * SipHash-2-4 (libsodium's crypto_shorthash) under a key random per
	 * process: the ids come from files an attacker may write, and ids
	 * crafted to collide under a fixed hash would make every table
	 * linear.  Nothing that custrelease writes depends on these values
	 * or on the order of a table.
	 */
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;

	(void)pthread_once(&hash_key_once, hash_key_init);
	crypto_shorthash(out, p, len, hash_key);
	memcpy(&h, out, sizeof h);
	return h;
}

struct cr_map *
cr_map_new(void)
{
	struct cr_map *m = xcalloc(1, sizeof *m);

	m->tsize = 64;
	m->table = xcalloc(m->tsize, sizeof *m->table);
	m->bits = xcalloc(m->tsize / 8, sizeof *m->bits);
	return m;
}

size_t
cr_map_bytes(const struct cr_map *m)
{
	if (m == NULL)
		return 0;
	return sizeof *m + m->cap * sizeof *m->entries +
	    (m->table != NULL ? m->tsize * sizeof *m->table : 0) +
	    (m->bits != NULL ? m->tsize / 8 * sizeof *m->bits : 0) +
	    cr_arena_bytes(m->arena);
}

void
cr_map_free(struct cr_map *m)
{
	if (m == NULL)
		return;
	cr_arena_free(m->arena);
	free(m->entries);
	free(m->table);
	free(m->bits);
	free(m);
}

void
cr_map_drop_index(struct cr_map *m)
{
	if (m == NULL)
		return;
	free(m->table);
	free(m->bits);
	m->table = NULL;
	m->bits = NULL;
	m->tsize = 0;
	if (m->n < m->cap && m->n > 0) {
		m->entries = xreallocarray(m->entries, m->n, sizeof *m->entries);
		m->cap = m->n;
	}
}

size_t
cr_map_count(const struct cr_map *m)
{
	return m->n;
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
	free(m->bits);
	m->tsize *= 2;
	m->table = xcalloc(m->tsize, sizeof *m->table);
	m->bits = xcalloc(m->tsize / 8, sizeof *m->bits);
	mask = m->tsize - 1;
	for (i = 0; i < m->n; i++) {
		j = (size_t)m->entries[i].hash & mask;
		while (m->table[j] != 0)
			j = (j + 1) & mask;
		m->table[j] = SLOT(m->entries[i].hash, i + 1);
		m->bits[map_word(m, m->entries[i].hash)] |=
		    map_bits(m->entries[i].hash);
	}
}

void **
cr_map_get(const struct cr_map *m, const char *key, size_t len)
{
	return cr_map_get_hashed(m, key, len, cr_hash_bytes(key, len));
}

void **
cr_map_get_hashed(const struct cr_map *m, const char *key, size_t len,
    uint64_t h)
{
	uint64_t b = map_bits(h);
	size_t i;

	if (m->bits == NULL || (m->bits[map_word(m, h)] & b) != b)
		return NULL;
	i = map_find(m, key, len, h);
	if (m->table[i] == 0)
		return NULL;
	return &m->entries[SLOT_INDEX(m->table[i]) - 1].value;
}

void **
cr_map_get_hash(const struct cr_map *m, uint64_t h)
{
	size_t mask = m->tsize - 1, i = (size_t)h & mask;
	uint64_t s;

	if (m->table == NULL)
		return NULL;
	for (; (s = m->table[i]) != 0; i = (i + 1) & mask) {
		if (SLOT_TAG(s) == SLOT_TAG(h) &&
		    m->entries[SLOT_INDEX(s) - 1].hash == h)
			return &m->entries[SLOT_INDEX(s) - 1].value;
	}
	return NULL;
}

int
cr_map_put(struct cr_map *m, const char *key, size_t len, void ***slot,
    const char **keyp)
{
	uint64_t h = cr_hash_bytes(key, len);
	size_t i;
	struct map_entry *e;
	int inserted = 0;

	if (m->table == NULL)
		abort();	/* cr_map_drop_index() was called */
	i = map_find(m, key, len, h);

	if (m->table[i] == 0) {
		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 64;
			m->entries = xreallocarray(m->entries, m->cap,
			    sizeof *m->entries);
		}
		e = &m->entries[m->n++];
		e->key = cr_arena_memdup0(&m->arena, key, len);
		e->len = len;
		e->hash = h;
		e->value = NULL;
		m->table[i] = SLOT(h, m->n);
		m->bits[map_word(m, h)] |= map_bits(h);
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

size_t
cr_map_max_probe(const struct cr_map *m)
{
	size_t i, home, d, max = 0, mask;
	uint64_t s;

	if (m->table == NULL)
		return 0;
	mask = m->tsize - 1;
	for (i = 0; i < m->tsize; i++) {
		if ((s = m->table[i]) == 0)
			continue;
		home = (size_t)m->entries[SLOT_INDEX(s) - 1].hash & mask;
		d = (i - home) & mask;
		if (d > max)
			max = d;
	}
	return max;
}
