/*
 * hash.h -- a string-keyed hash map (open addressing, linear probing) whose
 * keys live in an arena owned by the map.  Used for the id sets of `check`
 * and the manifest-touched keys of `run`.  Values are one pointer-sized
 * slot, owned by the caller.  No deletion: nothing in custrelease needs it.
 */
#ifndef CR_HASH_H
#define CR_HASH_H

#include <stddef.h>
#include <stdint.h>

struct cr_map;

struct cr_map	*cr_map_new(void);
void		 cr_map_free(struct cr_map *);
size_t		 cr_map_count(const struct cr_map *);
/* The bytes a map holds: its entries, table, filter and keys. */
size_t		 cr_map_bytes(const struct cr_map *);

/* The value slot of key, or NULL when absent. */
void		**cr_map_get(const struct cr_map *, const char *key, size_t len);
/* The same, with h = cr_hash_bytes(key, len) computed by the caller. */
void		**cr_map_get_hashed(const struct cr_map *, const char *key,
		    size_t len, uint64_t h);
/*
 * The value slot of the first key inserted whose cr_hash_bytes() is h, or
 * NULL: a look-up by hash alone, for callers that kept only hashes.
 */
void		**cr_map_get_hash(const struct cr_map *, uint64_t h);
/*
 * Insert key when absent.  Returns 1 when inserted (the slot is NULL), 0
 * when it was there; *slot points at the value either way, *keyp (when not
 * NULL) at the map's NUL-terminated copy of the key.
 */
int		 cr_map_put(struct cr_map *, const char *key, size_t len,
		    void ***slot, const char **keyp);

/*
 * Free the look-up index (the table and its filter) of a map that will
 * only be visited and freed from now on: the keys and values stay.  A
 * look-up then finds nothing; an insert aborts.
 */
void		 cr_map_drop_index(struct cr_map *);

/* Visit every entry in insertion order. */
void		 cr_map_foreach(const struct cr_map *,
		    void (*fn)(void *arg, const char *key, void *value),
		    void *arg);

/*
 * SipHash-2-4 of the bytes under a key drawn at random once per process:
 * stable within a process, different across processes.  Never write it
 * out or compare it with another process's.
 */
uint64_t	 cr_hash_bytes(const void *, size_t);

/*
 * The longest distance of an entry from its home slot: a check for the
 * tests that crafted keys do not pile up, never used by custrelease.
 */
size_t		 cr_map_max_probe(const struct cr_map *);

#endif
