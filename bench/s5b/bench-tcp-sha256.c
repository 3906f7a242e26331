/* bench-tcp-sha256.c — the plain baseline beside an S5B transfer: reads
 * FILE, sends it over loopback TCP to a receiver thread of the same process,
 * which hashes every byte with SHA-256 (gnutls_hash) as it writes the copy to
 * OUT. Prints one line: bytes, seconds (connect to the last byte written and
 * hashed), MB/s and the sha256. Run by bench/s5b/run.sh, never as a test.
 *
 *   bench-tcp-sha256 FILE OUT [BLOCK]      (BLOCK default 131072)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static size_t block = 131072;

struct rx {
  int lfd;
  const char *out;
  unsigned long long bytes;
  unsigned char digest[32];
  int err;
};

static int
write_all (int fd, const char *p, size_t n)
{
  while (n > 0) {
    ssize_t w = write (fd, p, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    p += w;
    n -= (size_t) w;
  }
  return 0;
}

static void *
receiver (void *arg)
{
  struct rx *rx = arg;
  int c = accept (rx->lfd, NULL, NULL);
  int o = open (rx->out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  gnutls_hash_hd_t h;
  char *buf = malloc (block);
  if (c < 0 || o < 0 || buf == NULL
      || gnutls_hash_init (&h, GNUTLS_DIG_SHA256) < 0) {
    rx->err = 1;
    return NULL;
  }
  for (;;) {
    ssize_t r = read (c, buf, block);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      rx->err = 1;
      break;
    }
    if (r == 0)
      break;
    gnutls_hash (h, buf, (size_t) r);
    if (write_all (o, buf, (size_t) r) < 0) {
      rx->err = 1;
      break;
    }
    rx->bytes += (unsigned long long) r;
  }
  gnutls_hash_deinit (h, rx->digest);
  if (close (o) < 0)
    rx->err = 1;
  close (c);
  free (buf);
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc < 3 || argc > 4) {
    fprintf (stderr, "usage: %s FILE OUT [BLOCK]\n", argv[0]);
    return 2;
  }
  if (argc == 4)
    block = strtoul (argv[3], NULL, 10);
  if (block == 0)
    block = 131072;

  int in = open (argv[1], O_RDONLY);
  if (in < 0) {
    perror (argv[1]);
    return 1;
  }
  struct sockaddr_in a = { .sin_family = AF_INET };
  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  socklen_t al = sizeof a;
  struct rx rx = { .out = argv[2] };
  rx.lfd = socket (AF_INET, SOCK_STREAM, 0);
  if (rx.lfd < 0 || bind (rx.lfd, (struct sockaddr *) &a, sizeof a) < 0
      || listen (rx.lfd, 1) < 0
      || getsockname (rx.lfd, (struct sockaddr *) &a, &al) < 0) {
    perror ("listen");
    return 1;
  }

  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  pthread_t th;
  pthread_create (&th, NULL, receiver, &rx);
  int s = socket (AF_INET, SOCK_STREAM, 0);
  if (s < 0 || connect (s, (struct sockaddr *) &a, sizeof a) < 0) {
    perror ("connect");
    return 1;
  }
  char *buf = malloc (block);
  unsigned long long sent = 0;
  for (;;) {
    ssize_t r = read (in, buf, block);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      perror ("read");
      return 1;
    }
    if (r == 0)
      break;
    if (write_all (s, buf, (size_t) r) < 0) {
      perror ("send");
      return 1;
    }
    sent += (unsigned long long) r;
  }
  close (s);
  pthread_join (th, NULL);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  if (rx.err || rx.bytes != sent) {
    fprintf (stderr, "receiver failed (%llu of %llu bytes)\n", rx.bytes, sent);
    return 1;
  }
  double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf ("%llu bytes %.6f s %.2f MB/s sha256 ", sent, secs, sent / secs / 1e6);
  for (int i = 0; i < 32; i++)
    printf ("%02x", rx.digest[i]);
  printf ("\n");
  free (buf);
  close (in);
  return 0;
}
