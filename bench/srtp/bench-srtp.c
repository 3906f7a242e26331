/* bench-srtp.c — the cost of JaSrtp (media/srtp.c) beside libsrtp2 called
 * directly: N RTP packets with a 160-byte payload (an Opus frame), each
 * protected by one side and unprotected by the other, SRTP_AES128_CM_
 * HMAC_SHA1_80, the same keys both ways. Best of three rounds each,
 * interleaved. Prints packets/s (one protect + one unprotect per packet)
 * of each and their ratio.
 *
 * usage: bench-srtp [N]   (default 200000; run by bench/srtp/run.sh) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <srtp2/srtp.h>

#include "media/srtp.h"

#define PAYLOAD 160
#define HEADER 12
#define ROUNDS 3

static void
make_keys (JaSrtpKeys *keys)
{
  memset (keys, 0, sizeof *keys);
  keys->profile = JA_SRTP_PROFILE_AES128_CM_SHA1_80;
  keys->key_len = 16;
  keys->salt_len = 14;
  for (guint i = 0; i < 16; i++) {
    keys->client_key[i] = (guint8) (i * 7 + 1);
    keys->server_key[i] = (guint8) (i * 11 + 3);
  }
  for (guint i = 0; i < 14; i++) {
    keys->client_salt[i] = (guint8) (i * 5 + 2);
    keys->server_salt[i] = (guint8) (i * 13 + 4);
  }
}

static void
make_packet (guint8 *buf, guint32 i)
{
  buf[0] = 0x80;
  buf[1] = 111;
  buf[2] = (guint8) (i >> 8);
  buf[3] = (guint8) i;
  buf[4] = (guint8) (i >> 24); buf[5] = (guint8) (i >> 16);
  buf[6] = (guint8) (i >> 8); buf[7] = (guint8) i;
  buf[8] = 0x12; buf[9] = 0x34; buf[10] = 0x56; buf[11] = 0x78;
  memset (buf + HEADER, (int) (i & 0xff), PAYLOAD);
}

/* Seconds for n packets through a fresh JaSrtp pair. */
static double
run_ja (const JaSrtpKeys *keys, guint32 n)
{
  g_autoptr (JaSrtp) tx = ja_srtp_new (keys, TRUE, NULL);
  g_autoptr (JaSrtp) rx = ja_srtp_new (keys, FALSE, NULL);
  guint8 buf[HEADER + PAYLOAD + JA_SRTP_MAX_TRAILER];
  gint64 t0;

  g_assert (tx != NULL && rx != NULL);
  t0 = g_get_monotonic_time ();
  for (guint32 i = 0; i < n; i++) {
    gsize len = HEADER + PAYLOAD;

    make_packet (buf, i);
    if (!ja_srtp_protect (tx, buf, &len, NULL)
        || !ja_srtp_unprotect (rx, buf, &len, NULL)
        || len != HEADER + PAYLOAD) {
      fprintf (stderr, "JaSrtp failed at packet %u\n", i);
      exit (1);
    }
  }
  return (double) (g_get_monotonic_time () - t0) / 1e6;
}

static srtp_t
direct_session (const guint8 *key, const guint8 *salt, srtp_ssrc_type_t type)
{
  srtp_policy_t policy;
  guint8 master[30];
  srtp_t session = NULL;

  memset (&policy, 0, sizeof policy);
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (&policy.rtp);
  srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80 (&policy.rtcp);
  memcpy (master, key, 16);
  memcpy (master + 16, salt, 14);
  policy.key = master;
  policy.ssrc.type = type;
  policy.window_size = 1024;
  if (srtp_create (&session, &policy) != srtp_err_status_ok) {
    fprintf (stderr, "srtp_create failed\n");
    exit (1);
  }
  return session;
}

/* The same work with libsrtp2 alone. */
static double
run_direct (const JaSrtpKeys *keys, guint32 n)
{
  srtp_t tx = direct_session (keys->client_key, keys->client_salt,
      ssrc_any_outbound);
  srtp_t rx = direct_session (keys->client_key, keys->client_salt,
      ssrc_any_inbound);
  guint8 buf[HEADER + PAYLOAD + SRTP_MAX_TRAILER_LEN];
  gint64 t0 = g_get_monotonic_time ();
  double secs;

  for (guint32 i = 0; i < n; i++) {
    int len = HEADER + PAYLOAD;

    make_packet (buf, i);
    if (srtp_protect (tx, buf, &len) != srtp_err_status_ok
        || srtp_unprotect (rx, buf, &len) != srtp_err_status_ok
        || len != HEADER + PAYLOAD) {
      fprintf (stderr, "libsrtp2 failed at packet %u\n", i);
      exit (1);
    }
  }
  secs = (double) (g_get_monotonic_time () - t0) / 1e6;
  srtp_dealloc (tx);
  srtp_dealloc (rx);
  return secs;
}

int
main (int argc, char **argv)
{
  guint32 n = argc > 1 ? (guint32) strtoul (argv[1], NULL, 10) : 200000;
  JaSrtpKeys keys;
  double best_ja = 1e9, best_direct = 1e9, ja_pps, direct_pps;

  if (n == 0) {
    fprintf (stderr, "usage: %s [N]\n", argv[0]);
    return 2;
  }
  make_keys (&keys);
  /* ja_srtp_new runs srtp_init; warm both paths up. */
  run_ja (&keys, MIN (n, 10000));
  run_direct (&keys, MIN (n, 10000));
  for (int r = 0; r < ROUNDS; r++) {
    best_ja = MIN (best_ja, run_ja (&keys, n));
    best_direct = MIN (best_direct, run_direct (&keys, n));
  }
  ja_pps = n / best_ja;
  direct_pps = n / best_direct;
  printf ("SRTP AES128_CM_HMAC_SHA1_80, %u RTP packets of %d+%d bytes, "
      "protect+unprotect, best of %d:\n", n, HEADER, PAYLOAD, ROUNDS);
  printf ("  JaSrtp    %10.0f packets/s  (%.2f us/packet)\n", ja_pps,
      1e6 / ja_pps);
  printf ("  libsrtp2  %10.0f packets/s  (%.2f us/packet)\n", direct_pps,
      1e6 / direct_pps);
  printf ("  ratio     %10.3f            (JaSrtp / libsrtp2)\n",
      ja_pps / direct_pps);
  return 0;
}
