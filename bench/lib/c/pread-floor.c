/* The kernel's floor for reading a set of files: every path (one per line on stdin) opened once,
 * then ROUNDS rounds of one pread from offset 0 of each into one buffer. Prints the CPU time
 * (user + system, getrusage) of each round in microseconds, one per line. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

static double cpu_us(void) {
  struct rusage u;
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
}

int main(int argc, char **argv) {
  int rounds = argc > 1 ? atoi(argv[1]) : 100;
  static char line[4096], buf[65536];
  int *fds = NULL, n = 0, cap = 0;
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\n")] = 0;
    int fd = open(line, O_RDONLY);
    if (fd < 0) continue; /* vanished: left out, as the sampler would skip it */
    if (n == cap) fds = realloc(fds, (cap = cap ? cap * 2 : 256) * sizeof *fds);
    fds[n++] = fd;
  }
  printf("files %d\n", n);
  for (int r = 0; r < rounds; r++) {
    double t0 = cpu_us();
    for (int i = 0; i < n; i++) (void)!pread(fds[i], buf, sizeof buf, 0);
    printf("%.1f\n", cpu_us() - t0);
  }
  return 0;
}
