/* SPDX-License-Identifier: GPL-2.0 */
/* The few kernel types switches.bpf.c touches. preserve_access_index makes libbpf relocate
 * each field against the running kernel's BTF (CO-RE), so no vmlinux.h of the build machine
 * is needed and the object loads on any kernel with BTF. */
#ifndef CGFLUX_VMLINUX_MIN_H
#define CGFLUX_VMLINUX_MIN_H

typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed int __s32;
typedef signed long long __s64;
typedef _Bool bool;
typedef __u32 __be32;
typedef __u16 __be16;
typedef __u32 __wsum;

enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
};

enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
};

struct kernfs_node {
	const char *name;
} __attribute__((preserve_access_index));

struct cgroup {
	struct kernfs_node *kn;
} __attribute__((preserve_access_index));

struct css_set {
	struct cgroup *dfl_cgrp;
} __attribute__((preserve_access_index));

struct task_struct {
	struct css_set *cgroups;
} __attribute__((preserve_access_index));

#endif
