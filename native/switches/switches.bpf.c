// SPDX-License-Identifier: GPL-2.0
// Counts context switches per cgroup v2 id, split as the kernel splits nvcsw/nivcsw in
// __schedule(): a switch is voluntary when the task was not preempted and its state was not
// TASK_RUNNING (it blocked or slept), involuntary otherwise. sched_switch runs in the context
// of the task being switched out, so the current cgroup id is that task's cgroup.
#include "vmlinux-min.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

char LICENSE[] SEC("license") = "GPL";

struct counts {
	__u64 voluntary;
	__u64 involuntary;
};

// Per CPU: no atomics on the scheduler's hot path; user space sums the CPUs.
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct counts);
} switches SEC(".maps");

#define NAME_LEN 80
struct cgroup_name {
	char name[NAME_LEN];
};

// The directory name of each counted cgroup, recorded once, so a container whose cgroup is
// already removed when cgflux reads can still be matched by its id.
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct cgroup_name);
} names SEC(".maps");

// Switches not counted because the map was full.
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} dropped SEC(".maps");

static __always_inline void remember_name(__u64 id, struct task_struct *prev)
{
	struct cgroup_name n = {};
	const char *name = BPF_CORE_READ(prev, cgroups, dfl_cgrp, kn, name);
	if (bpf_probe_read_kernel_str(n.name, sizeof(n.name), name) > 1)
		bpf_map_update_elem(&names, &id, &n, BPF_NOEXIST);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(on_switch, bool preempt, struct task_struct *prev, struct task_struct *next,
	     unsigned int prev_state)
{
	__u64 id = bpf_get_current_cgroup_id();
	struct counts *c = bpf_map_lookup_elem(&switches, &id);
	if (!c) {
		struct counts zero = {};
		bpf_map_update_elem(&switches, &id, &zero, BPF_NOEXIST);
		c = bpf_map_lookup_elem(&switches, &id);
		if (!c) {
			__u32 k = 0;
			__u64 *d = bpf_map_lookup_elem(&dropped, &k);
			if (d)
				(*d)++;
			return 0;
		}
		remember_name(id, prev);
	}
	if (!preempt && prev_state != 0)
		c->voluntary++;
	else
		c->involuntary++;
	return 0;
}
