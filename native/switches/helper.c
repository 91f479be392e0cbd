// SPDX-License-Identifier: GPL-2.0
// cgflux-switches: loads switches.bpf.c, then answers cgflux over two FIFOs it creates in the
// directory given as its argument (cgflux reads them synchronously inside its tick):
//   cmd   ← "r\n"          → reply: "n <id> <name>\n" the first time an id is reported,
//                              "<id> <voluntary> <involuntary>\n" per cgroup, "end <dropped>\n"
//         ← "d <id>\n"     → forgets that cgroup's counters (its container left), no reply
// Lifecycle on stdout: "ready\n" once attached, or "error <reason>\n" and exit status 2.
// It exits when stdin reaches EOF (cgflux closed it or died), so it never outlives cgflux.
// `cgflux-switches --check` loads, attaches and exits 0 (a probe for humans and tests).
// `cgflux-switches --set-file-caps PATH`: see set_file_caps().
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "switches.skel.h"
#include "idset.h"

#define BATCH 512

static char last_libbpf_error[256];


static int on_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_WARN && !strstr(fmt, "RLIMIT_MEMLOCK")) {
		vsnprintf(last_libbpf_error, sizeof(last_libbpf_error), fmt, args);
		last_libbpf_error[strcspn(last_libbpf_error, "\n")] = 0;
	}
	return 0;
}

static void fail(const char *what, int err)
{
	const char *detail = last_libbpf_error;
	if (strncmp(detail, "libbpf: ", 8) == 0)
		detail += 8;
	err = err < 0 ? -err : err;
	printf("error %s: %s%s%s%s%s\n", what, strerror(err),
	       err == EPERM ? " (needs CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN)" : "",
	       detail[0] ? " (libbpf: " : "", detail, detail[0] ? ")" : "");
	fflush(stdout);
	exit(2);
}

struct out {
	int fd;
	char buf[1 << 16];
	size_t len;
};

static int out_flush(struct out *o)
{
	size_t off = 0;
	while (off < o->len) {
		ssize_t n = write(o->fd, o->buf + off, o->len - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)n;
	}
	o->len = 0;
	return 0;
}

static int out_printf(struct out *o, const char *fmt, ...)
{
	if (sizeof(o->buf) - o->len < 200 && out_flush(o) < 0)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(o->buf + o->len, sizeof(o->buf) - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n < sizeof(o->buf) - o->len ? (size_t)n : sizeof(o->buf) - o->len - 1;
	return 0;
}

struct counts {
	__u64 voluntary;
	__u64 involuntary;
};

static int ncpus;
static struct idset named;

static void report_name(struct switches_bpf *skel, struct out *o, __u64 id)
{
	if (idset_has(&named, id))
		return;
	struct { char name[80]; } n;
	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.names), &id, &n) != 0)
		return; // not recorded yet: tried again next read
	n.name[sizeof(n.name) - 1] = 0;
	n.name[strcspn(n.name, "\n ")] = 0;
	out_printf(o, "n %llu %s\n", (unsigned long long)id, n.name);
	idset_add(&named, id);
}

static void emit(struct switches_bpf *skel, struct out *o, __u64 id, const struct counts *percpu)
{
	struct counts sum = {0, 0};
	for (int c = 0; c < ncpus; c++) {
		sum.voluntary += percpu[c].voluntary;
		sum.involuntary += percpu[c].involuntary;
	}
	report_name(skel, o, id);
	out_printf(o, "%llu %llu %llu\n", (unsigned long long)id, (unsigned long long)sum.voluntary,
		   (unsigned long long)sum.involuntary);
}

// One pass over the map: batched lookups where the kernel has them, key by key otherwise.
static int dump(struct switches_bpf *skel, struct out *o)
{
	int fd = bpf_map__fd(skel->maps.switches);
	static __u64 keys[BATCH];
	static struct counts *values;
	if (!values && !(values = calloc((size_t)BATCH * ncpus, sizeof(*values))))
		return -1;
	__u64 in = 0, out_batch = 0;
	void *in_ptr = NULL;
	int batched = 1;
	for (;;) {
		__u32 count = BATCH;
		int err = bpf_map_lookup_batch(fd, in_ptr, &out_batch, keys, values, &count, NULL);
		if (err < 0 && errno != ENOENT) {
			if (in_ptr == NULL && (errno == EINVAL || errno == ENOTSUP || errno == EOPNOTSUPP)) {
				batched = 0;
				break;
			}
			return -1;
		}
		for (__u32 i = 0; i < count; i++)
			emit(skel, o, keys[i], values + (size_t)i * ncpus);
		if (err < 0) // ENOENT: that was the last batch
			break;
		in = out_batch;
		in_ptr = &in;
	}
	if (!batched) {
		__u64 key, next;
		void *prev = NULL;
		while (bpf_map_get_next_key(fd, prev, &next) == 0) {
			if (bpf_map_lookup_elem(fd, &next, values) == 0)
				emit(skel, o, next, values);
			key = next;
			prev = &key;
		}
	}
	__u64 dropped = 0;
	__u32 zero = 0;
	__u64 *d = (__u64 *)values;
	if (bpf_map_lookup_elem(bpf_map__fd(skel->maps.dropped), &zero, d) == 0)
		for (int c = 0; c < ncpus; c++)
			dropped += d[c];
	out_printf(o, "end %llu\n", (unsigned long long)dropped);
	return out_flush(o);
}

static void forget(struct switches_bpf *skel, const char *arg)
{
	__u64 id = strtoull(arg, NULL, 10);
	bpf_map_delete_elem(bpf_map__fd(skel->maps.switches), &id);
	bpf_map_delete_elem(bpf_map__fd(skel->maps.names), &id);
	idset_del(&named, id);
}

// Installed with file capabilities in the permitted set only (setcap cap_bpf,cap_perfmon+p), so
// exec never fails where the container lacks them; the helper makes them effective itself.
static void raise_permitted_caps(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	if (syscall(SYS_capget, &hdr, data) != 0)
		return;
	for (int i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		data[i].effective = data[i].permitted;
	syscall(SYS_capset, &hdr, data);
}

// `--set-file-caps PATH` (run as root by the image build): gives PATH CAP_BPF, CAP_PERFMON and
// CAP_SYS_ADMIN in its permitted set, without libcap or setcap in the build stage. Only the
// capabilities the container is granted (cap_add) take effect; none is given to cgflux itself.
static int set_file_caps(const char *path)
{
	struct vfs_cap_data data = { .magic_etc = VFS_CAP_REVISION_2 };
	data.data[0].permitted = 1u << CAP_SYS_ADMIN;
	data.data[1].permitted = (1u << (CAP_PERFMON - 32)) | (1u << (CAP_BPF - 32));
	if (setxattr(path, "security.capability", &data, XATTR_CAPS_SZ_2, 0) != 0) {
		fprintf(stderr, "cgflux-switches: setting file capabilities on %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--set-file-caps") == 0)
		return set_file_caps(argv[2]);
	int check = argc == 2 && strcmp(argv[1], "--check") == 0;
	if (argc != 2) {
		fprintf(stderr, "usage: cgflux-switches DIR | --check | --set-file-caps PATH\n");
		return 64;
	}
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	raise_permitted_caps();
	signal(SIGPIPE, SIG_IGN);
	libbpf_set_print(on_libbpf_print);
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0)
		fail("counting possible CPUs", ncpus);

	struct switches_bpf *skel = switches_bpf__open_and_load();
	if (!skel)
		fail("loading the BPF program", errno);
	int err = switches_bpf__attach(skel);
	if (err)
		fail("attaching to sched_switch", err);
	if (check) {
		printf("ok: counting sched_switch per cgroup on %d possible CPUs\n", ncpus);
		return 0;
	}

	char cmd_path[4096], reply_path[4096];
	snprintf(cmd_path, sizeof(cmd_path), "%s/cmd", argv[1]);
	snprintf(reply_path, sizeof(reply_path), "%s/reply", argv[1]);
	if (mkfifo(cmd_path, 0600) < 0 && errno != EEXIST)
		fail("creating the command FIFO", errno);
	if (mkfifo(reply_path, 0600) < 0 && errno != EEXIST)
		fail("creating the reply FIFO", errno);
	// O_RDWR, both: neither open waits for the other side, and both are open before "ready", so
	// cgflux may remove the names as soon as it has opened its ends.
	int cmd = open(cmd_path, O_RDWR | O_CLOEXEC);
	if (cmd < 0)
		fail("opening the command FIFO", errno);
	struct out *o = calloc(1, sizeof(*o));
	if (!o)
		fail("allocating the reply buffer", ENOMEM);
	o->fd = open(reply_path, O_RDWR | O_CLOEXEC);
	if (o->fd < 0)
		fail("opening the reply FIFO", errno);
	printf("ready\n");
	fflush(stdout);

	char line[256];
	size_t have = 0;
	struct pollfd fds[2] = { { .fd = 0, .events = POLLIN }, { .fd = cmd, .events = POLLIN } };
	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		if (fds[0].revents) {
			char tmp[64];
			if (read(0, tmp, sizeof(tmp)) <= 0)
				return 0; // cgflux is gone or closed us
		}
		if (!(fds[1].revents & POLLIN))
			continue;
		ssize_t n = read(cmd, line + have, sizeof(line) - 1 - have);
		if (n <= 0)
			continue;
		have += (size_t)n;
		char *start = line, *nl;
		while ((nl = memchr(start, '\n', have - (size_t)(start - line)))) {
			*nl = 0;
			if (start[0] == 'r') {
				if (dump(skel, o) < 0)
					return 1; // cgflux closed the reply FIFO
			} else if (start[0] == 'd' && start[1] == ' ') {
				forget(skel, start + 2);
			}
			start = nl + 1;
		}
		have -= (size_t)(start - line);
		memmove(line, start, have);
		if (have == sizeof(line) - 1)
			have = 0; // a line too long to be a command
	}
}
