/* bench-media-floor.c — the floor of a secure Opus call: the per-packet work
 * any implementation has, without signalling, ICE, a jitter buffer or an
 * event loop. For N simulated calls in ONE thread, every 20 ms of audio,
 * each call does what one side of a call does: libopus encodes a 20 ms
 * 48 kHz mono frame of a sine (the settings of media/audio-native.c and
 * bench-opus: OPUS_APPLICATION_VOIP, 64 kbit/s constrained VBR, complexity
 * 10, fullband), writes a 12-byte RTP header, libsrtp2 protects it
 * (AES_CM_128_HMAC_SHA1_80, replay window 1024, as media/srtp.c sets it up),
 * sendto() on its own loopback UDP socket, recv() on the connected peer
 * socket, unprotects it and decodes it. As fast as it can (no sleeping):
 * CPU per second of audio is the cost at any load below saturation (the
 * paced mode below adds what real time costs).
 *
 * Modes, interleaved round by round so they share the machine's state:
 *   opus   encode + decode only (bench-opus's ceiling, the same loop)
 *   srtp   the encoded frames' sizes, RTP + protect + unprotect only
 *   udp    the SRTP packets' sizes, sendto + recv only
 *   floor  all of it: the bare minimum of a secure Opus call
 *   paced  (with "paced") the floor in real time: all the calls' frames,
 *          then a sleep to the next 20 ms tick, as one media thread would
 * CPU is getrusage(RUSAGE_SELF) utime + stime over each round; the best of
 * ROUNDS rounds is printed per mode with its % of a core per call (per
 * call = one encode + one decode + one packet each way per 20 ms: one
 * agent's share of a call), the calls one core / all cores could carry,
 * and floor vs opus: the fraction of the Opus ceiling a perfect
 * implementation could reach. Never a test; run on demand:
 *
 *   build/bench/bench-media-floor [CALLS [SECONDS_PER_CALL [ROUNDS [paced]]]]
 *     (default 20 calls, 15 s of audio each, 3 rounds; a paced round takes
 *     SECONDS_PER_CALL of wall time) */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <opus.h>
#include <srtp2/srtp.h>

#define RATE 48000
#define FRAME (RATE / 50)       /* 20 ms */
#define HEADER 12
#define MAX_PAYLOAD 1275
#define PACKET_MAX (HEADER + MAX_PAYLOAD + SRTP_MAX_TRAILER_LEN)
#define REPLAY_WINDOW 1024      /* media/srtp.c */

enum { MODE_OPUS = 1, MODE_SRTP = 2, MODE_UDP = 4, MODE_PACED = 8 };

typedef struct {
  OpusEncoder *enc;
  OpusDecoder *dec;
  srtp_t tx, rx;
  int send_fd, recv_fd;
  struct sockaddr_in to;        /* recv_fd's address */
  unsigned short seq;
  unsigned int ts, ssrc;
  long phase;
} Call;

static opus_int16 sine[RATE];   /* 1 s of 440 Hz, loops exactly */
static volatile unsigned long sink_sum;

static double
cpu_now (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6
      + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static double
wall_now (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
die (const char *what, const char *why)
{
  fprintf (stderr, "bench-media-floor: %s: %s\n", what, why);
  exit (1);
}

static void
srtp_check (srtp_err_status_t s, const char *what)
{
  if (s != srtp_err_status_ok) {
    char why[32];

    snprintf (why, sizeof why, "srtp error %d", (int) s);
    die (what, why);
  }
}

static srtp_t
make_session (int outbound, unsigned char *master)
{
  srtp_policy_t policy;
  srtp_t session;

  memset (&policy, 0, sizeof policy);
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (&policy.rtp);
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (&policy.rtcp);
  policy.key = master;
  policy.ssrc.type = outbound ? ssrc_any_outbound : ssrc_any_inbound;
  policy.window_size = REPLAY_WINDOW;
  policy.allow_repeat_tx = 0;
  srtp_check (srtp_create (&session, &policy), "srtp_create");
  return session;
}

/* A connected pair of loopback UDP sockets: send_fd → recv_fd. */
static void
make_sockets (Call *c)
{
  struct sockaddr_in a = { .sin_family = AF_INET };
  socklen_t len = sizeof a;
  int fds[2];

  a.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  for (int i = 0; i < 2; i++) {
    fds[i] = socket (AF_INET, SOCK_DGRAM, 0);
    if (fds[i] < 0 || bind (fds[i], (struct sockaddr *) &a, sizeof a) < 0)
      die ("socket/bind", strerror (errno));
  }
  if (getsockname (fds[1], (struct sockaddr *) &c->to, &len) < 0)
    die ("getsockname", strerror (errno));
  c->send_fd = fds[0];
  c->recv_fd = fds[1];
  /* Not connected: sendto() with an address per packet, as libnice does. */
  c->ssrc = ntohs (c->to.sin_port);
}

static void
call_init (Call *c, int index)
{
  unsigned char master[30];
  int err;

  memset (c, 0, sizeof *c);
  c->enc = opus_encoder_create (RATE, 1, OPUS_APPLICATION_VOIP, &err);
  if (c->enc == NULL)
    die ("opus_encoder_create", opus_strerror (err));
  c->dec = opus_decoder_create (RATE, 1, &err);
  if (c->dec == NULL)
    die ("opus_decoder_create", opus_strerror (err));
  opus_encoder_ctl (c->enc, OPUS_SET_BITRATE (64000));
  opus_encoder_ctl (c->enc, OPUS_SET_COMPLEXITY (10));
  opus_encoder_ctl (c->enc, OPUS_SET_VBR (1));
  opus_encoder_ctl (c->enc, OPUS_SET_VBR_CONSTRAINT (1));
  opus_encoder_ctl (c->enc, OPUS_SET_BANDWIDTH (OPUS_BANDWIDTH_FULLBAND));
  for (int i = 0; i < 30; i++)
    master[i] = (unsigned char) (i * 7 + index * 13 + 1);
  c->tx = make_session (1, master);
  c->rx = make_session (0, master);
  make_sockets (c);
  c->seq = (unsigned short) (index * 1000);
  c->ts = (unsigned int) index * 100000u;
  c->phase = (index * 97) % 50;
}

static void
call_clear (Call *c)
{
  opus_encoder_destroy (c->enc);
  opus_decoder_destroy (c->dec);
  srtp_dealloc (c->tx);
  srtp_dealloc (c->rx);
  close (c->send_fd);
  close (c->recv_fd);
}

static void
rtp_header (Call *c, unsigned char *buf)
{
  buf[0] = 0x80;
  buf[1] = 111;
  buf[2] = (unsigned char) (c->seq >> 8);
  buf[3] = (unsigned char) c->seq;
  buf[4] = (unsigned char) (c->ts >> 24);
  buf[5] = (unsigned char) (c->ts >> 16);
  buf[6] = (unsigned char) (c->ts >> 8);
  buf[7] = (unsigned char) c->ts;
  buf[8] = (unsigned char) (c->ssrc >> 24);
  buf[9] = (unsigned char) (c->ssrc >> 16);
  buf[10] = (unsigned char) (c->ssrc >> 8);
  buf[11] = (unsigned char) c->ssrc;
  c->seq++;
  c->ts += FRAME;
}

/* One 20 ms frame of one call through the parts MODE selects. Without
 * opus, the payload is the size the encoder gave this call last time
 * (*last_len); without SRTP, the packet is sent as it would be protected
 * (10 bytes of tag added). */
static void
call_tick (Call *c, long frame, int mode, int *last_len)
{
  unsigned char buf[PACKET_MAX];
  unsigned char in[PACKET_MAX];
  opus_int16 out[FRAME];
  int len = *last_len;
  int plen = HEADER + len;
  ssize_t got;

  if (mode & MODE_OPUS) {
    const opus_int16 *pcm = sine + ((frame + c->phase) % 50) * FRAME;

    len = opus_encode (c->enc, pcm, FRAME, buf + HEADER, MAX_PAYLOAD);
    if (len < 0)
      die ("opus_encode", opus_strerror (len));
    *last_len = len;
    plen = HEADER + len;
  } else {
    memset (buf + HEADER, (int) (frame & 0xff), (size_t) len);
  }
  rtp_header (c, buf);
  if (mode & MODE_SRTP)
    srtp_check (srtp_protect (c->tx, buf, &plen), "srtp_protect");
  else if (mode & MODE_UDP)
    plen += 10;
  if (mode & MODE_UDP) {
    if (sendto (c->send_fd, buf, (size_t) plen, 0,
            (const struct sockaddr *) &c->to, sizeof c->to) != plen)
      die ("sendto", strerror (errno));
    got = recv (c->recv_fd, in, sizeof in, MSG_DONTWAIT);
    if (got != plen)
      die ("recv", got < 0 ? strerror (errno) : "short datagram");
  } else {
    memcpy (in, buf, (size_t) plen);
    got = plen;
  }
  if (mode & MODE_SRTP) {
    int ilen = (int) got;

    srtp_check (srtp_unprotect (c->rx, in, &ilen), "srtp_unprotect");
    if (ilen != HEADER + len)
      die ("srtp_unprotect", "length");
  }
  if (mode & MODE_OPUS) {
    int d = opus_decode (c->dec, in + HEADER, len, out, FRAME, 0);

    if (d != FRAME)
      die ("opus_decode", opus_strerror (d));
    sink_sum += (unsigned long) out[FRAME / 2];
  } else {
    sink_sum += in[HEADER];
  }
}

/* CPU seconds for SECONDS of audio on every one of N calls. */
static double
run_round (Call *calls, int n, long seconds, int mode, long *frame0,
    int *last_len, double *wall)
{
  long frames = seconds * 50;
  double c0 = cpu_now (), w0 = wall_now ();
  struct timespec next;

  clock_gettime (CLOCK_MONOTONIC, &next);
  for (long f = 0; f < frames; f++) {
    for (int i = 0; i < n; i++)
      call_tick (&calls[i], *frame0 + f, mode, &last_len[i]);
    if (mode & MODE_PACED) {
      /* One wake-up per 20 ms for all the calls, like the native engine's
       * media thread: what real time adds (a sleep, cold caches). */
      next.tv_nsec += 20000000;
      if (next.tv_nsec >= 1000000000) {
        next.tv_nsec -= 1000000000;
        next.tv_sec++;
      }
      while (clock_nanosleep (CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL)
          == EINTR)
        ;
    }
  }
  *frame0 += frames;
  *wall = wall_now () - w0;
  return cpu_now () - c0;
}

int
main (int argc, char **argv)
{
  int n = argc > 1 ? atoi (argv[1]) : 20;
  long seconds = argc > 2 ? atol (argv[2]) : 15;
  int rounds = argc > 3 ? atoi (argv[3]) : 3;
  int paced = argc > 4 && strcmp (argv[4], "paced") == 0;
  long cores = sysconf (_SC_NPROCESSORS_ONLN);
  static const struct { const char *name; int mode; } modes[] = {
    { "opus", MODE_OPUS },
    { "srtp", MODE_SRTP },
    { "udp", MODE_UDP },
    { "floor", MODE_OPUS | MODE_SRTP | MODE_UDP },
    { "paced", MODE_OPUS | MODE_SRTP | MODE_UDP | MODE_PACED },
  };
  int nmodes = paced ? 5 : 4;
  double best[5], best_wall[5];
  Call *calls;
  int *last_len;
  long frame0 = 0;
  double audio;

  if (n < 1 || n > 1000 || seconds < 1 || seconds > 100000 || rounds < 1
      || rounds > 100 || (argc > 4 && !paced)) {
    fprintf (stderr, "usage: %s [CALLS [SECONDS_PER_CALL [ROUNDS [paced]]]]\n",
        argv[0]);
    return 2;
  }
  for (int i = 0; i < RATE; i++)
    sine[i] = (opus_int16) (0.5 * 32767 * sin (2 * M_PI * 440.0 * i / RATE));
  srtp_check (srtp_init (), "srtp_init");
  calls = calloc ((size_t) n, sizeof *calls);
  last_len = calloc ((size_t) n, sizeof *last_len);
  if (calls == NULL || last_len == NULL)
    die ("calloc", "out of memory");
  for (int i = 0; i < n; i++)
    call_init (&calls[i], i);
  /* Warm-up: one second of the floor (encoder state, socket buffers,
   * libsrtp2's key derivation) and the payload sizes for srtp/udp. */
  {
    double w;

    run_round (calls, n, 1, MODE_OPUS | MODE_SRTP | MODE_UDP, &frame0,
        last_len, &w);
  }
  for (int m = 0; m < nmodes; m++)
    best[m] = best_wall[m] = 1e99;
  for (int r = 0; r < rounds; r++) {
    for (int m = 0; m < nmodes; m++) {
      double w;
      double cpu = run_round (calls, n, seconds, modes[m].mode, &frame0,
          last_len, &w);

      printf ("round %d %-5s %.3f s CPU, %.3f s wall\n", r + 1,
          modes[m].name, cpu, w);
      if (cpu < best[m]) {
        best[m] = cpu;
        best_wall[m] = w;
      }
    }
  }
  audio = (double) n * seconds;
  printf ("%d calls in one thread, %ld s of audio each (%.0f call-seconds) "
      "per round, best of %d rounds, CPU = getrusage utime + stime:\n",
      n, seconds, audio, rounds);
  for (int m = 0; m < nmodes; m++) {
    double per_call = best[m] / audio;        /* fraction of one core */

    printf ("%-5s %7.3f s CPU (%.3f s wall): %6.1f us per call per 20 ms, "
        "%.3f%% of a core per call, %6.0f calls per core, %6.0f on %ld "
        "cores\n", modes[m].name, best[m], best_wall[m],
        per_call * 1e6 / 50, 100 * per_call, 1 / per_call,
        cores / per_call, cores);
  }
  printf ("floor/opus: %.2fx the CPU of Opus alone; a perfect implementation "
      "reaches %.2fx the Opus ceiling\n",
      best[3] / best[0], best[0] / best[3]);
  if (paced)
    printf ("paced/opus: %.2fx the CPU of Opus alone; in real time (one "
        "wake-up per 20 ms) a perfect implementation reaches %.2fx the Opus "
        "ceiling\n", best[4] / best[0], best[0] / best[4]);
  printf ("floor-cpu-per-call: %.4f%% opus-cpu-per-call: %.4f%% cores: %ld\n",
      100 * best[3] / audio, 100 * best[0] / audio, cores);
  if (paced)
    printf ("paced-cpu-per-call: %.4f%%\n", 100 * best[4] / audio);
  for (int i = 0; i < n; i++)
    call_clear (&calls[i]);
  free (calls);
  free (last_len);
  srtp_shutdown ();
  return sink_sum == 0xdeadbeef;
}
