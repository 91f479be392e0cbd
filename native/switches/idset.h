// SPDX-License-Identifier: GPL-2.0
// A small open-addressing set of cgroup ids: which ids had their name reported already.
#ifndef CGFLUX_IDSET_H
#define CGFLUX_IDSET_H
#include <stdint.h>
#include <stdlib.h>

struct idset {
	uint64_t *slots; // 0 = empty, UINT64_MAX = deleted (cgroup ids are never 0 nor ~0)
	size_t cap, used;
};

static size_t idset_slot(const struct idset *s, uint64_t id)
{
	return (size_t)((id * 0x9E3779B97F4A7C15ull) >> 20) & (s->cap - 1);
}

static int idset_has(const struct idset *s, uint64_t id)
{
	if (!s->cap)
		return 0;
	for (size_t i = idset_slot(s, id), n = 0; n < s->cap; i = (i + 1) & (s->cap - 1), n++) {
		if (s->slots[i] == id)
			return 1;
		if (s->slots[i] == 0)
			return 0;
	}
	return 0;
}

static void idset_add(struct idset *s, uint64_t id);

static void idset_grow(struct idset *s)
{
	struct idset bigger = { calloc(s->cap ? s->cap * 2 : 1024, sizeof(uint64_t)), s->cap ? s->cap * 2 : 1024, 0 };
	if (!bigger.slots)
		return;
	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i] != 0 && s->slots[i] != UINT64_MAX)
			idset_add(&bigger, s->slots[i]);
	free(s->slots);
	*s = bigger;
}

static void idset_add(struct idset *s, uint64_t id)
{
	if ((s->used + 1) * 2 > s->cap)
		idset_grow(s);
	if (!s->cap)
		return;
	size_t i = idset_slot(s, id);
	while (s->slots[i] != 0 && s->slots[i] != UINT64_MAX && s->slots[i] != id)
		i = (i + 1) & (s->cap - 1);
	if (s->slots[i] != id) {
		s->slots[i] = id;
		s->used++;
	}
}

static void idset_del(struct idset *s, uint64_t id)
{
	if (!s->cap)
		return;
	for (size_t i = idset_slot(s, id), n = 0; n < s->cap; i = (i + 1) & (s->cap - 1), n++) {
		if (s->slots[i] == id) {
			s->slots[i] = UINT64_MAX; // tombstones still count in `used`: a later grow drops them
			return;
		}
		if (s->slots[i] == 0)
			return;
	}
}
#endif
