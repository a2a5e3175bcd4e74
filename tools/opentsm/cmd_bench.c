/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * opentsm bench: the socket round trip of the connect flow, in one process:
 * a device (`opentsm device`'s DSM, DMTF sample P-384 identity) served on a
 * loopback port by a thread, and `opentsm connect` run against it N times
 * (TCP connect, DOE discovery, VCA, certificates, CHALLENGE, signed
 * measurements, KEY_EXCHANGE/FINISH, the report's second certificate and
 * measurement fetch, HEARTBEAT, END_SESSION). Wall time per run: median,
 * minimum, maximum. With --flow full each run is `connect --flow full` (the
 * recorded flow: IDE_KM for one stream, TDISP LOCK/report/START/STOP,
 * K_SET_STOP, then END_SESSION), and the SPDM-only flow is timed too, for
 * comparison. The many-device benchmark (issue 7 §8) is
 * bench/bench_connect; this one measures the socket path a user runs.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli_util.h"
#include "commands.h"

#define USAGE "usage: opentsm bench [--runs N] [--keys DIR] [--flow spdm|full]\n"

const char ot_usage_bench[] =
    USAGE "Serves the simulated device on a loopback port in a thread and runs the connect\n"
          "flow against it N times (default 10) over the spdm-emu socket protocol; prints\n"
          "each run's wall time and the median, minimum and maximum.\n"
          "  --flow spdm  (default) the SPDM flow of `connect`\n"
          "  --flow full  `connect --flow full` (IDE_KM for one stream, TDISP lock/report/\n"
          "               start/stop, K_SET_STOP, END_SESSION), then the SPDM flow again\n"
          "               for comparison\n"
          "exit codes: 0 all runs connected, 1 a run failed, 2 usage, 3 I/O\n";

#define MAX_RUNS 1000u

static int usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "opentsm bench: %s%s%s\n" USAGE, msg, arg ? ": " : "", arg ? arg : "");
  return OT_EXIT_USAGE;
}

typedef struct bench_server {
  cli_device *dev;
  ot_doe_socket_server srv;
  ot_status result;
} bench_server;

/* Serves connections until one ends with SHUTDOWN. */
static void *serve_thread(void *arg) {
  bench_server *b = arg;
  for (;;) {
    int fd = -1;
    ot_status st = ot_doe_socket_accept(&b->srv, &fd);
    if (!ot_ok(st)) {
      b->result = st;
      return NULL;
    }
    ot_doe_serve_end end = OT_DOE_SERVE_CLOSED;
    st = ot_doe_socket_serve(fd, cli_device_doe(b->dev), b->dev->rx, sizeof(b->dev->rx), b->dev->tx,
                             sizeof(b->dev->tx), &end);
    close(fd);
    if (!ot_ok(st)) b->result = st;
    if (end == OT_DOE_SERVE_SHUTDOWN) return NULL;
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* N runs of one flow against target; prints the table and the summary into
 * *median. The last run of the last flow sends SHUTDOWN (last). */
static int time_flow(const char *target, const char *anchor, bool full, uint64_t runs, bool last,
                     double *ms, double *median) {
  printf("%s flow, %llu runs\n", full ? "full" : "spdm", (unsigned long long)runs);
  printf("%5s %12s\n", "run", "wall ms");
  for (uint64_t run = 0; run < runs; run++) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int r = cli_connect_quiet(target, anchor, last && run + 1 == runs, full);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms[run] = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    printf("%5llu %12.3f%s\n", (unsigned long long)run + 1, ms[run], r == 0 ? "" : "  FAILED");
    if (r != OT_EXIT_OK) return r;
  }
  qsort(ms, runs, sizeof(double), cmp_double);
  *median = runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
  printf("median %.3f ms  min %.3f ms  max %.3f ms  (%llu runs, %s flow)\n", *median, ms[0],
         ms[runs - 1], (unsigned long long)runs, full ? "full" : "spdm");
  return OT_EXIT_OK;
}

int ot_cmd_bench(int argc, char **argv) {
  uint64_t runs = 10;
  const char *keys = cli_default_key_dir();
  bool full = false;
  int i = 0;
  while (++i < argc) {
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(argv[i], "--runs") == 0 && v) {
      if (!cli_parse_u64(v, MAX_RUNS, &runs) || runs == 0) return usage_error("bad --runs", v);
    } else if (strcmp(argv[i], "--keys") == 0 && v) {
      keys = v;
    } else if (strcmp(argv[i], "--flow") == 0 && v) {
      if (strcmp(v, "full") == 0)
        full = true;
      else if (strcmp(v, "spdm") != 0)
        return usage_error("bad --flow (spdm or full)", v);
    } else {
      return usage_error("unknown option or missing value", argv[i]);
    }
    i++;
  }
  char anchor[4096];
  snprintf(anchor, sizeof(anchor), "%s/ecp384/ca.cert.der", keys);
  bench_server *b = calloc(1, sizeof(*b));
  cli_device *dev = calloc(1, sizeof(*dev));
  double *ms = calloc(runs, sizeof(double));
  int rc = OT_EXIT_FAILURE;
  bool thread_up = false;
  pthread_t th;
  if (b == NULL || dev == NULL || ms == NULL) goto out_free;
  b->dev = dev;
  b->srv.listen_fd = -1;
  b->result = OT_SUCCESS;
  cli_device_opts o = {.identity = CLI_ID_SAMPLE_P384, .key_dir = keys};
  const char *what = "";
  ot_status st = cli_device_init(dev, &o, &what);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm bench: %s failed (%s); keys in %s\n", what, ot_status_message(st),
            keys);
    rc = OT_EXIT_IO;
    goto out_free;
  }
  st = ot_doe_socket_listen(&b->srv, "127.0.0.1", 0);
  if (!ot_ok(st)) {
    fprintf(stderr, "opentsm bench: listen failed (%s)\n", ot_status_message(st));
    rc = OT_EXIT_IO;
    goto out_dev;
  }
  if (pthread_create(&th, NULL, serve_thread, b) != 0) goto out_srv;
  thread_up = true;
  char target[32];
  snprintf(target, sizeof(target), "127.0.0.1:%u", b->srv.port);
  printf("connect against device over loopback %s (spdm-emu protocol)\n", target);
  double med_full = 0, med_spdm = 0;
  rc = OT_EXIT_OK;
  if (full) rc = time_flow(target, anchor, true, runs, false, ms, &med_full);
  if (rc == OT_EXIT_OK) rc = time_flow(target, anchor, false, runs, true, ms, &med_spdm);
  if (rc == OT_EXIT_OK && full)
    printf("full flow median %.3f ms = spdm flow median %.3f ms + %.3f ms (IDE_KM, TDISP)\n",
           med_full, med_spdm, med_full - med_spdm);
out_srv:
  if (thread_up) {
    /* A failed run may leave the server waiting: closing the listener ends accept(). */
    if (rc != OT_EXIT_OK) shutdown(b->srv.listen_fd, 2);
    pthread_join(th, NULL);
  }
  ot_doe_socket_server_close(&b->srv);
out_dev:
  cli_device_free(dev);
out_free:
  free(ms);
  free(dev);
  free(b);
  return rc;
}
